"""The application's settings, with the URLs of bench/search_urls.py (the minimal view added)."""

from nrtd.settings import *  # noqa: F403

ROOT_URLCONF = "bench.search_urls"

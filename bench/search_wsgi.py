"""WSGI entry of bench/search.py's server (the application with bench/search_settings.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.search_settings")
application = get_wsgi_application()

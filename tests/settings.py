"""The settings of a test run: the project's own, in test mode (pytest's default, pyproject.toml).

``make test`` prepares the database before pytest starts. A plain ``pytest`` from a fresh clone
gets the same here: without ``DATABASE_URL``, the embedded PostgreSQL is started in ``.data/``
(nrtd.devtools), its roles are made, and their URLs set; xdist's workers inherit them.
"""

import os

os.environ.setdefault("NRTD_MODE", "test")
if not os.environ.get("DATABASE_URL"):
    from nrtd.devtools import prepare_database

    _extra, _embedded_server = prepare_database(tests=True)  # kept: the server stops when this process ends
    os.environ.update(_extra)

from nrtd.settings import *  # noqa: F403

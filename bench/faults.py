"""How long the site waits on a Redis that is down or frozen: /readyz and a rate-limited request.

Starts a private redis-server on a free port (never the shared one), points the cache and the
broker at it (REDIS_URL, CELERY_BROKER_URL are set before Django starts), then asks, through
Django's test client (the whole stack), with Redis up, killed, and frozen (SIGSTOP):
``/readyz`` (its answer and seconds) and ten counts of the rate limiter (``nrtd.ratelimit.over_limit``,
the API's scope), the first meeting Redis as a request would. Prints one JSON line, by condition.

Run: python -m nrtd.devtools bench bench/faults.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tests.fault_helpers import PrivateRedis

server = PrivateRedis(Path(tempfile.mkdtemp(prefix="nrtd-bench-redis-")))
os.environ["REDIS_URL"] = os.environ["CELERY_BROKER_URL"] = server.url
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nrtd.settings")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "off"

import django  # noqa: E402

server.start()
django.setup()

from django.test import Client, RequestFactory  # noqa: E402

from nrtd import cache as nrtd_cache  # noqa: E402
from nrtd.celery_worker import worker_heartbeat  # noqa: E402
from nrtd.ratelimit import over_limit  # noqa: E402

RESULTS: dict[str, dict] = {}


def measure(condition: str) -> None:
    client = Client()
    started = time.monotonic()
    response = client.get("/readyz")
    readyz = time.monotonic() - started
    request = RequestFactory().get("/api/", REMOTE_ADDR="192.0.2.7")
    nrtd_cache._failure.update(at=0.0, error="")  # the limiter meets Redis as a request would, first
    limiter = []
    for _ in range(10):
        started = time.monotonic()
        over_limit(request, "api")
        limiter.append(time.monotonic() - started)
    RESULTS[condition] = {
        "readyz_status": response.status_code,
        "readyz": response.json(),
        "readyz_seconds": round(readyz, 3),
        "rate_limiter_seconds_first": round(limiter[0], 3),
        "rate_limiter_seconds_next_nine": round(sum(limiter[1:]), 3),
    }


try:
    worker_heartbeat("bench")  # as a running worker would
    Client().get("/healthz")  # the first request loads the URLs and middleware: not measured
    measure("up")
    server.freeze()
    nrtd_cache._failure.update(at=0.0, error="")
    measure("frozen")
    server.thaw()
    server.kill()
    nrtd_cache._failure.update(at=0.0, error="")
    measure("down")
finally:
    server.stop()
print(json.dumps(RESULTS))

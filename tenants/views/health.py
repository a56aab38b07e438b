"""Liveness and readiness probes for load balancers and orchestrators.

``/readyz`` asks the database, the cache (Redis), the broker and the workers' heartbeat at once,
each in a thread of its own, and answers within ``READYZ_SECONDS`` whatever they do: a part that
has not answered by then is named "frozen". Only the database is needed to serve the site: it
failing answers 503; the others failing answer 200 "degraded", naming them (the portal and the
API answer from the database without Redis, jobs wait for the broker and the workers), so a load
balancer keeps the site in service.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from nrtd.cache import redis_paused, redis_recent_failure
from nrtd.celery import app as celery_app
from nrtd.celery_worker import WORKER_HEARTBEAT_KEY

READYZ_SECONDS = 1.5
FROZEN = "frozen"


@never_cache
def healthz(request):
    """The process is alive and answering; checks nothing else."""
    return JsonResponse({"status": "ok"})


def _database() -> str | None:
    # A connection of this thread's own, closed here: the request's may be in use.
    connection = connections.create_connection("default")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connection.close()
    return None


def _cache() -> str | None:
    ping = getattr(cache, "ping", None)
    if ping is not None:  # Redis (nrtd.cache.ResilientRedisCache); a local cache is always there
        ping()
    return None


def _broker() -> str | None:
    with celery_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=0, timeout=READYZ_SECONDS)
    return None


def _worker() -> str | None:
    if celery_app.conf.task_always_eager:
        return None  # jobs run in the web process (tests): no worker to wait for
    if getattr(cache, "ping", None) is None:
        return None  # a cache of this process only (development without REDIS_URL): nothing to see
    beat = cache.get(WORKER_HEARTBEAT_KEY)
    if not beat:
        return "unknown (no cache)" if redis_paused() else "no heartbeat"
    age = time.time() - beat["at"]
    if age > settings.NRTD_WORKER_HEARTBEAT_SECONDS * 3:
        return f"no heartbeat for {int(age)} s"
    return None


CHECKS = {"database": _database, "cache": _cache, "broker": _broker, "worker": _worker}


def _run(check, results: dict, name: str) -> None:
    try:
        results[name] = check()
    except Exception as exc:  # any failure means not ready; say which
        # The class only: the probe is public, and messages carry host names.
        results[name] = type(exc).__name__
    finally:
        connections.close_all()


def readiness() -> dict[str, str]:
    """What fails, by part ({} when all is well), within READYZ_SECONDS."""
    results: dict[str, str | None] = {}
    threads = [
        threading.Thread(target=_run, args=(check, results, name), daemon=True, name=f"readyz-{name}")
        for name, check in CHECKS.items()
    ]
    deadline = time.monotonic() + READYZ_SECONDS
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(deadline - time.monotonic(), 0))
    failing = {name: results.get(name, FROZEN) for name in CHECKS if results.get(name, FROZEN)}
    if "cache" not in failing and redis_recent_failure():
        failing["cache"] = f"failed recently ({redis_recent_failure()})"
    if "cache" in failing:
        failing["ratelimit"] = "open (no counting without the cache)"
    return failing


@never_cache
def readyz(request):
    """200 "ok"; 200 "degraded" naming what is down or frozen; 503 when the database is."""
    failing = readiness()
    if not failing:
        return JsonResponse({"status": "ok"})
    if "database" in failing:
        return JsonResponse({"status": "unavailable", "failing": failing}, status=503)
    return JsonResponse({"status": "degraded", "failing": failing})

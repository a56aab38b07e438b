"""Liveness and readiness probes for load balancers and orchestrators."""

from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from nrtd.celery import app as celery_app


@never_cache
def healthz(request):
    """The process is alive and answering; checks nothing else."""
    return JsonResponse({"status": "ok"})


def _database_ok() -> str | None:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure means not ready; say which
        # The class only: the probe is public, and messages carry host names.
        return type(exc).__name__
    return None


def _broker_ok() -> str | None:
    try:
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        # The class only: the probe is public, and messages carry host names.
        return type(exc).__name__
    return None


@never_cache
def readyz(request):
    """The database and the broker are reachable; 503 naming what is not."""
    failures = {name: error for name, error in (("database", _database_ok()), ("broker", _broker_ok())) if error}
    if failures:
        return JsonResponse({"status": "unavailable", "failing": failures}, status=503)
    return JsonResponse({"status": "ok"})

"""Redis killed, then frozen, while the portal is searched and /readyz asked: answers from the
database (200, no 500), the rate limits open, /readyz naming what is down within its bound."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

import portal.cache
from nrtd import cache as nrtd_cache
from nrtd.celery import app
from tests.celery_helpers import celery_forget_connections

pytestmark = pytest.mark.broker


@pytest.fixture
def redis_everywhere(private_redis, settings):
    """The cache, the portal's page store and the broker all on the private Redis, rate limits low."""
    caches = {"default": {"BACKEND": "nrtd.cache.ResilientRedisCache", "LOCATION": private_redis.url}}
    saved_broker = app.conf.broker_url
    app.conf.broker_url = private_redis.url
    celery_forget_connections()
    portal.cache._redis = None
    nrtd_cache._failure.update(at=0.0, error="")
    settings.NRTD_RATE_LIMITS = {**settings.NRTD_RATE_LIMITS, "search": (3, 60), "api": (3, 60)}
    with override_settings(CACHES=caches):
        yield private_redis
    app.conf.broker_url = saved_broker
    celery_forget_connections()
    portal.cache._redis = None
    nrtd_cache._failure.update(at=0.0, error="")


def searches(client, planted, count: int) -> list[tuple[int, float]]:
    """``count`` portal searches and API lists: each answer's status and time."""
    slug = planted.a.state.slug
    urls = [
        reverse("portal:home", kwargs={"state_slug": slug}) + "?q=water",
        reverse("api:public-api:recommendation-list", kwargs={"state_slug": slug}),
    ]
    answers = []
    for n in range(count):
        started = time.monotonic()
        response = client.get(urls[n % 2])
        answers.append((response.status_code, time.monotonic() - started))
    return answers


def test_the_portal_and_the_api_answer_with_redis_killed_then_frozen(client, planted, redis_everywhere):
    # With Redis: the rate limit counts (3 a minute, then 429).
    statuses = [status for status, _ in searches(client, planted, 8)]
    assert 429 in statuses, statuses
    cache.clear()

    redis_everywhere.kill()
    answers = searches(client, planted, 10)
    assert [status for status, _ in answers] == [200] * 10  # from the database, limits open

    redis_everywhere.start()
    nrtd_cache._failure.update(at=0.0, error="")
    redis_everywhere.freeze()
    try:
        answers = searches(client, planted, 10)
    finally:
        redis_everywhere.thaw()
    assert [status for status, _ in answers] == [200] * 10
    # How long they took is bench/faults.py's to measure (the suite asserts no wall-clock time):
    # one socket timeout at most (NRTD_REDIS_TIMEOUT), then the pause; without the timeouts these
    # requests would wait on the frozen server for ever.


@pytest.mark.django_db
def test_readyz_names_redis_frozen_within_its_bound(client, redis_everywhere, settings):
    settings.NRTD_WORKER_HEARTBEAT_SECONDS = 30
    assert client.get("/readyz").json() == {"status": "ok"}
    redis_everywhere.freeze()
    try:
        response = client.get("/readyz")
    finally:
        redis_everywhere.thaw()
    body = response.json()
    assert response.status_code == 200, body  # degraded: the site serves from the database
    assert body["status"] == "degraded"
    assert body["failing"]["cache"] in {"frozen", "TimeoutError"}, body
    assert body["failing"]["broker"] in {"frozen", "OperationalError", "TimeoutError"}, body
    assert "ratelimit" in body["failing"]
    assert "database" not in body["failing"]
    # A part named "frozen" is one the probe stopped waiting for at its own bound
    # (tenants.views.health.READYZ_SECONDS); bench/faults.py measures the answer's time (it hung
    # 35 s before).


@pytest.mark.django_db
def test_readyz_names_redis_down(client, redis_everywhere):
    redis_everywhere.kill()
    body = client.get("/readyz").json()
    assert body["status"] == "degraded"
    assert body["failing"]["cache"] == "ConnectionError", body
    assert body["failing"]["broker"] == "OperationalError", body

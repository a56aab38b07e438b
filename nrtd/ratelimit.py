"""Per-client rate limits for the public search, its exports and the public API.

A fixed window per client address (as django-axes reads it, so a proxy set up for sign-in
throttling counts here too), counted in the shared cache (Redis in production: every web
process sees the same count). A client over its limit gets 429 with ``Retry-After``: the page in
its language, or a JSON ``detail`` from the API.

Limits are ``NRTD_RATE_LIMITS`` in settings: ``{"search": (requests, seconds), ...}``.
"""

from __future__ import annotations

import hashlib
import time

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.shortcuts import render
from redis.exceptions import RedisError
from rest_framework.throttling import BaseThrottle

from nrtd.cache import RedisUnavailable, redis_failed


def client_key(request: HttpRequest) -> str:
    address = get_client_ip_address(request) or "unknown"
    return hashlib.sha256(address.encode()).hexdigest()[:24]


def over_limit(request: HttpRequest, scope: str) -> int:
    """Count this request in ``scope``; 0 when allowed, else the seconds until the client may retry."""
    limit, window = settings.NRTD_RATE_LIMITS[scope]
    if not limit:
        return 0
    now = time.time()
    bucket = int(now // window)
    key = f"ratelimit:{scope}:{client_key(request)}:{bucket}"
    count = _count(key, window + 1)
    if count <= limit:
        return 0
    return max(int((bucket + 1) * window - now) + 1, 1)


def _count(key: str, timeout: int) -> int:
    """Add one to the counter ``key`` and return it; 0 when the cache cannot count (Redis down
    or frozen): the limits fail open, the site answers from the database (nrtd.cache logs the
    failure once per pause and /readyz shows it)."""
    try:
        cache.add(key, 0, timeout=timeout)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=timeout)
            return 1
    except RedisUnavailable:
        return 0
    except RedisError as error:  # a cache backend of Django's own (nrtd.cache's pauses after a failure)
        redis_failed(error)
        return 0


def too_many_requests(request: HttpRequest, retry_after: int):
    response = render(request, "429.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class RateLimitMixin:
    """For views: refuse a client over the ``rate_scope`` limit with 429 before doing any work."""

    rate_scope = "search"

    def dispatch(self, request, *args, **kwargs):
        # The portal's page cache counts the searches it sees (portal.cache).
        retry_after = 0 if getattr(request, "rate_counted", False) else over_limit(request, self.rate_scope)
        if retry_after:
            return too_many_requests(request, retry_after)
        return super().dispatch(request, *args, **kwargs)


class ClientRateThrottle(BaseThrottle):
    """For the public API: the same counters, DRF's 429 with ``Retry-After`` and a ``detail``."""

    scope = "api"

    def allow_request(self, request, view) -> bool:
        self._wait = over_limit(request, self.scope)
        return not self._wait

    def wait(self) -> float | None:
        return self._wait or None


# A count per client address that lasts as long as asked (a consultation's period), for limits
# such as "at most so many submissions to one consultation": read first, added to once done.


def _quota_key(request: HttpRequest, name: str) -> str:
    return f"quota:{name}:{client_key(request)}"


def quota_used(request: HttpRequest, name: str) -> int:
    """How many times this client address was counted under ``name``."""
    try:
        return int(cache.get(_quota_key(request, name), 0) or 0)
    except (RedisUnavailable, RedisError):
        return 0


def quota_add(request: HttpRequest, name: str, timeout: int) -> int:
    """Count this client address once more under ``name`` (kept ``timeout`` seconds); the new count."""
    return _count(_quota_key(request, name), timeout)

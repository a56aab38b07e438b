"""Per-client rate limits for the public search, its exports and the public API.

A fixed window per client address (``client_ip``: the peer, or the address trusted proxies
forwarded; django-axes reads the same), counted in the shared cache (Redis in production: every web
process sees the same count). A client over its limit gets 429 with ``Retry-After``: the page in
its language, or a JSON ``detail`` from the API.

Limits are ``NRTD_RATE_LIMITS`` in settings: ``{"search": (requests, seconds), ...}``.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from redis.exceptions import RedisError
from rest_framework.throttling import BaseThrottle

from nrtd.cache import RedisUnavailable, redis_failed


def _address(value: str) -> str | None:
    """An IP address as written in ``X-Forwarded-For`` (``[v6]:port`` and ``v4:port`` too), or None."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _trusted_peer(peer: str) -> bool:
    networks = settings.NRTD_TRUSTED_PROXIES
    if not networks:
        return True
    address = _address(peer)
    return address is not None and any(ipaddress.ip_address(address) in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The client's address: the peer's (``REMOTE_ADDR``), unless ``NRTD_TRUSTED_PROXY_COUNT``
    proxies stand in front. Then each proxy appended the address it was reached from to
    ``X-Forwarded-For``, so the client is the one the outermost trusted proxy wrote: the
    ``count``-th from the right; entries to its left are whatever the client sent, and are
    ignored. A peer outside ``NRTD_TRUSTED_PROXIES`` (when set) is not a proxy: its header is
    ignored. A header shorter than the chain, or not an address, leaves the peer's address.
    django-axes reads the client the same way (``AXES_CLIENT_IP_CALLABLE``)."""
    peer = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.NRTD_TRUSTED_PROXY_COUNT
    if count and _trusted_peer(peer):
        hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= count:
            address = _address(hops[-count])
            if address is not None:
                return address
    return _address(peer) or peer or "unknown"


def axes_client_ip(request: HttpRequest) -> str | None:
    """``client_ip`` for django-axes (``AXES_CLIENT_IP_CALLABLE``), which stores it in an address
    field: None rather than "unknown" for a request with no address (a test's ``force_login``)."""
    address = client_ip(request)
    return None if address == "unknown" else address


def client_key(request: HttpRequest) -> str:
    address = client_ip(request)
    return hashlib.sha256(address.encode()).hexdigest()[:24]


def over_limit(request: HttpRequest, scope: str, identity: str | None = None) -> int:
    """Count this request in ``scope``; 0 when allowed, else the seconds until the client may retry.
    Counted per client address, or per ``identity`` when given (such as an e-mail address)."""
    limit, window = settings.NRTD_RATE_LIMITS[scope]
    if not limit:
        return 0
    now = time.time()
    bucket = int(now // window)
    who = hashlib.sha256(identity.encode()).hexdigest()[:24] if identity is not None else client_key(request)
    key = f"ratelimit:{scope}:{who}:{bucket}"
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


# Addresses every visitor may ask for as often as it likes: the load balancer's probes, the files
# of the pages themselves.
UNLIMITED_PREFIXES = ("/healthz", "/readyz", "/static/")


class AnonymousRateLimitMiddleware:
    """Every page asked for without signing in counts against the ``page`` limit of the client's
    address (portal pages and summaries, sign-in and password pages, invitations, the API's
    schema...), on top of any limit of its own (searches, exports, the public API). Signed-in
    people are limited where the work is heavy (exports, the State API), not page by page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if not request.path.startswith(UNLIMITED_PREFIXES) and not request.user.is_authenticated:
            retry_after = over_limit(request, "page")
            if retry_after:
                if request.path.startswith("/api/"):
                    response = JsonResponse(
                        {"detail": _("Too many requests from this address. Try again in a minute.")}, status=429
                    )
                    response["Retry-After"] = str(retry_after)
                    return response
                return too_many_requests(request, retry_after)
        return self.get_response(request)


class StateAPIThrottle(ClientRateThrottle):
    """The State API and ``/api/v1/me/``: per client address, a limit of their own."""

    scope = "state_api"

"""Redis as a cache the site can do without: short timeouts, and a pause after a failure.

The shared cache holds what the site can lose (cached portal pages, rate-limit counters, import
progress). When Redis is down or frozen, a request must not fail nor wait for it: every call
has the short socket timeouts of ``settings.NRTD_REDIS_TIMEOUT``, and after a failure this
process leaves Redis alone for ``NRTD_REDIS_RETRY_SECONDS`` (each call answers at once as a
miss), so a frozen Redis costs one timeout per process and pause, not one per call. Failures
are logged once per pause and shown on ``/readyz``.

``ResilientRedisCache`` is the cache backend (settings.CACHES): reads answer ``default``, writes
do nothing; ``incr`` raises ``RedisUnavailable`` (the rate limiter fails open on it).
``redis_call`` does the same for the few places that hold a Redis client of their own.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger("nrtd.redis")


class RedisUnavailable(Exception):
    """Redis did not answer (down, frozen, or paused after a failure)."""


_lock = threading.Lock()
_failure = {"at": 0.0, "error": ""}


def redis_options(timeout: float) -> dict:
    """Connection options for a Redis client that gives up after ``timeout`` seconds, without retrying."""
    return {"socket_connect_timeout": timeout, "socket_timeout": timeout, "retry": Retry(NoBackoff(), 0)}


def redis_paused() -> bool:
    """Whether this process is leaving Redis alone after a recent failure."""
    at = _failure["at"]
    return bool(at) and time.monotonic() - at < settings.NRTD_REDIS_RETRY_SECONDS


def redis_failed(error: BaseException) -> None:
    """Record a failure (the pause starts now); logged once per pause."""
    with _lock:
        first = not redis_paused()
        _failure["at"], _failure["error"] = time.monotonic(), type(error).__name__
    if first:
        logger.warning(
            "Redis unavailable (%s): the cache answers misses and rate limits fail open for %ss",
            type(error).__name__,
            settings.NRTD_REDIS_RETRY_SECONDS,
        )


def redis_recent_failure(within: float = 60) -> str | None:
    """The class of the last failure, if there was one in the last ``within`` seconds (for /readyz)."""
    at = _failure["at"]
    if at and time.monotonic() - at < within:
        return _failure["error"]
    return None


def redis_call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)`` on Redis, or RedisUnavailable at once while paused or when it fails."""
    if redis_paused():
        raise RedisUnavailable(_failure["error"])
    try:
        return function(*args, **kwargs)
    except RedisError as error:
        redis_failed(error)
        raise RedisUnavailable(type(error).__name__) from error


def _missing(default: Any) -> Callable[..., Any]:
    def guarded(method: Callable[..., Any]) -> Callable[..., Any]:
        def call(self, *args: Any, **kwargs: Any) -> Any:
            try:
                return redis_call(method, self, *args, **kwargs)
            except RedisUnavailable:
                return default(*args, **kwargs) if callable(default) else default

        call.__name__ = method.__name__
        call.__doc__ = method.__doc__
        return call

    return guarded


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, answering as an empty cache while Redis is unavailable."""

    def __init__(self, server: str, params: dict) -> None:
        params = {**params, "OPTIONS": {**redis_options(settings.NRTD_REDIS_TIMEOUT), **params.get("OPTIONS", {})}}
        super().__init__(server, params)

    get = _missing(lambda key, default=None, version=None: default)(RedisCache.get)
    get_many = _missing({})(RedisCache.get_many)
    has_key = _missing(False)(RedisCache.has_key)
    add = _missing(False)(RedisCache.add)
    set = _missing(None)(RedisCache.set)
    set_many = _missing(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
    touch = _missing(False)(RedisCache.touch)
    delete = _missing(False)(RedisCache.delete)
    delete_many = _missing(None)(RedisCache.delete_many)
    clear = _missing(None)(RedisCache.clear)

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """As Redis counts; RedisUnavailable when it cannot (ValueError for a missing key, as Django's)."""
        return redis_call(RedisCache.incr, self, key, delta, version)

    def ping(self) -> None:
        """Ask Redis itself (not paused: /readyz wants the truth); RedisError when it does not answer."""
        self._cache.get_client(write=True).ping()

"""The cache of anonymous portal search pages, served before the rest of the application.

A search page for a visitor without a session is the same for everyone who asks the same thing
in the same language (it carries no CSRF token and no name), so its HTML is kept in the shared
cache under the State's search version (``SearchVersion``, raised by the database triggers in
the same transaction as any change to what the portal shows) and the canonical form of the
search. A publication, an edit of a published recommendation or a published progress update
therefore shows on the next request; labels kept outside the search documents (an entity
renamed, a vocabulary translated) within ``NRTD_PORTAL_CACHE_SECONDS``. People with a session
(signed in) are never served from it.

``PortalCacheMiddleware`` sits after the security, locale and CSP middleware (their headers
apply to a cached page too) and before sessions are read, the State is entered or a view runs:
a page found in the cache costs one query (the State, its portal and its search version) and one
cache read. The visitor's requests are counted against the search rate limit here, found or not.
"""

from __future__ import annotations

import contextlib
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation

from nrtd.cache import RedisUnavailable, redis_call, redis_options
from nrtd.ratelimit import over_limit, too_many_requests
from portal.search import SearchQuery

HIT, MISS = "hit", "miss"
REDIS_BACKENDS = {"django.core.cache.backends.redis.RedisCache", "nrtd.cache.ResilientRedisCache"}

_redis = None


def _store():
    """A Redis client for the pages, made once per process, when the cache is Redis (Django's
    cache API makes a client object at every call, a good part of a cached page's cost); None
    otherwise (development without Redis, tests), where the cache API is used."""
    global _redis
    if _redis is None:
        config = settings.CACHES["default"]
        if config["BACKEND"] in REDIS_BACKENDS:
            import redis  # only with a Redis cache configured

            _redis = redis.Redis.from_url(config["LOCATION"], **redis_options(settings.NRTD_REDIS_TIMEOUT))
        else:
            _redis = False
    return _redis or None


def page_get(key: str) -> bytes | None:
    """The cached page, or None (also when Redis is unavailable: the page is made from the database)."""
    client = _store()
    if client is None:
        return cache.get(key)
    try:
        return redis_call(client.get, key)
    except RedisUnavailable:
        return None


def page_set(key: str, content: bytes) -> None:
    client = _store()
    if client is None:
        cache.set(key, content, settings.NRTD_PORTAL_CACHE_SECONDS)
        return
    with contextlib.suppress(RedisUnavailable):  # not kept this time; nrtd.cache logged it
        redis_call(client.set, key, content, ex=settings.NRTD_PORTAL_CACHE_SECONDS)


def _portal_state(slug: str) -> tuple[int, int] | None:
    """The State's id and search version, if it is active with its portal on."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.id, coalesce(v.version, 0) FROM tenants_state s"
            " LEFT JOIN recommendations_searchversion v ON v.state_id = s.id"
            " WHERE s.slug = %s AND s.status = 'active' AND s.portal_enabled",
            [slug],
        )
        return cursor.fetchone()


def partial_page(request: HttpRequest) -> bool:
    """Whether htmx asks for the results region only (a history restore wants the whole page).
    Read from the headers: this runs before django-htmx's middleware."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def cache_key(request: HttpRequest, state_id: int, version: int, language: str) -> str:
    partial = partial_page(request)
    query = SearchQuery.from_querydict(request.GET, language).querystring()
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    return f"portal:{state_id}:{version}:{language}:{int(partial)}:{digest}"


class PortalCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method != "GET"
            or settings.NRTD_PORTAL_CACHE_SECONDS <= 0
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if match.view_name != "portal:home":
            return self.get_response(request)
        found = _portal_state(match.kwargs["state_slug"])
        if found is None:
            return self.get_response(request)  # the State middleware answers 404
        retry_after = over_limit(request, "search")
        request.rate_counted = True
        if retry_after:
            return too_many_requests(request, retry_after)
        lang = request.GET.get("lang", "")
        language = lang if lang in dict(settings.LANGUAGES) else request.LANGUAGE_CODE
        key = cache_key(request, *found, language)
        content = page_get(key)
        if content is not None:
            response = HttpResponse(content)
            response["X-Portal-Cache"] = HIT
            if lang == language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != lang:
                set_language_cookie(response, lang)
            translation.activate(language)  # for the headers the locale middleware adds
            return response
        response = self.get_response(request)
        if response.status_code == 200 and getattr(response, "portal_cacheable", False):
            page_set(key, response.content)
            response["X-Portal-Cache"] = MISS
        return response


def set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )

"""Resolve the State from the URL, check who may enter, and run the request inside it.

URL patterns that carry ``<state_slug>`` sit in one of four namespaces, and each has its own
door:

- ``workspace``: members only. Anonymous visitors are sent to sign in whatever the slug (so an
  address does not reveal whether a State exists); a signed-in person who is not a member of an
  active State gets 404.
- ``portal`` and ``public-api``: the public portal and its API; 404 unless the State is active
  and its portal is on.
- ``state-api``: the REST API. Token authentication happens inside DRF, after middleware, so
  the permission class (tenants.api.IsStateMember) makes the membership decision; here the
  State is only resolved.

In a State that requires two-factor sign-in (``State.require_two_factor``), its administrators
and secretariat officers enter the workspace only with a verified session; otherwise they are
sent to give a code or to set it up (the API's permission class does the same with a 403).
``PlatformTwoFactorMiddleware`` holds platform administrators to it everywhere. See
docs/security.md.

A member of a suspended or archived State, and a person whose membership was deactivated, are
told so on a page that says whom to write to (403); everyone else still gets 404, so an address
reveals nothing (``tenants.queries.closed_door_for``).

A platform administrator in support mode (an active ``SupportSession`` in the State, entered
from the platform console) enters its workspace as an observer: read-only (any other method
than GET, HEAD or OPTIONS is refused with 403, whatever an observer may post), and each page
is logged for the State's administrators. The API stays members-only.

Inside, the view runs in ``state_context(state)``: a transaction with the row-level security
setting, and a django-scopes scope.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from pghistory.middleware import HistoryMiddleware

from tenants import two_factor
from tenants.models import State
from tenants.queries import closed_door_for, membership_for, state_administrators, support_session_of
from tenants.scoping import state_context
from tenants.services import support_access_record

logger = logging.getLogger(__name__)

STATE_NAMESPACES = {"workspace", "portal", "state-api", "public-api"}
# Public addresses of a State: 404 unless its portal is on.
PUBLIC_NAMESPACES = {"portal", "public-api"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class StateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.state = None
        request.membership = None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        slug = match.kwargs.get("state_slug")
        namespace = next((ns for ns in match.namespaces if ns in STATE_NAMESPACES), None)
        if slug is None or namespace is None:
            return self.get_response(request)

        if namespace == "workspace" and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())

        state = State.objects.filter(slug=slug, status=State.Status.ACTIVE).first()
        if namespace == "state-api":
            if state is None:
                # Let DRF authenticate first, so anonymous callers learn nothing; its permission
                # class turns a missing State into 404 for everyone else.
                return self.get_response(request)
        elif state is None and namespace == "workspace":
            return closed_door(request, slug)
        elif state is None or (namespace in PUBLIC_NAMESPACES and not state.portal_enabled):
            raise Http404

        request.state = state
        with state_context(state):
            if namespace == "workspace":
                request.membership = membership_for(request.user, state)
                if request.membership is None:
                    return closed_door(request, slug)
                support = support_session_of(request.membership)
                if support is not None:
                    if request.method not in SAFE_METHODS:
                        raise PermissionDenied
                    support_access_record(session=support, method=request.method, path=request.get_full_path())
                if two_factor.state_requires_two_factor(state, request.membership) and not two_factor.is_verified(
                    request.user
                ):
                    messages.info(
                        request,
                        _("%(state)s asks its administrators and secretariat officers to sign in with a code too.")
                        % {"state": state.name},
                    )
                    return two_factor_redirect(request)
            return self.get_response(request)


def closed_door(request, slug: str):
    """The page a member who cannot enter any more is shown (what happened, whom to write to);
    404 for everyone else."""
    door = closed_door_for(request.user, slug)
    if door is None:
        raise Http404
    state, membership = door
    context = {
        "closed_state": state,
        "deactivated": not membership.is_active,
        "administrators": state_administrators(state) if not membership.is_active else [],
        "hosting_contact": settings.NRTD_HOSTING_CONTACT,
    }
    return render(request, "tenants/closed.html", context, status=403)


def two_factor_redirect(request):
    """Send a signed-in person who must use two-factor sign-in to give a code, or to set it up first."""
    name = "accounts:two-factor-verify" if two_factor.has_two_factor(request.user) else "accounts:two-factor-setup"
    return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")


# What an unverified platform administrator may still reach: set-up, the code step, signing out.
PLATFORM_TWO_FACTOR_EXEMPT = {
    "accounts:two-factor-setup",
    "accounts:two-factor-verify",
    "accounts:logout",
    "set_language",
    "healthz",
    "readyz",
}


class PlatformTwoFactorMiddleware:
    """Platform administrators must sign in with a code: until their session is verified, every
    page but set-up, the code step, signing out and static files sends them there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not (user.is_authenticated and user.is_platform_admin) or two_factor.is_verified(user):
            return self.get_response(request)
        if request.path_info.startswith(settings.STATIC_URL):
            return self.get_response(request)
        try:
            name = resolve(request.path_info).view_name
        except Resolver404:
            name = None
        if name in PLATFORM_TWO_FACTOR_EXEMPT:
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Platform administrators must sign in with two-factor sign-in before using the API.")},
                status=403,
            )
        return two_factor_redirect(request)


class HistoryContextMiddleware(HistoryMiddleware):
    """pghistory's request context (user id, path), plus the person's name as history shows it."""

    def get_context(self, request):
        context = super().get_context(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            context["user_name"] = str(user)
        return context


IDLE_KEY_PREFIX = "idle:"


def idle_key(session_key: str) -> str:
    """The cache key of a session's last request (hashed: the session key itself is a secret)."""
    return IDLE_KEY_PREFIX + hashlib.sha256(session_key.encode()).hexdigest()[:32]


class IdleSessionMiddleware:
    """Signs out a session that has been idle for ``NRTD_SESSION_IDLE_MINUTES`` (default 30).

    Every signed-in session counts as staff here: the people who sign in are the hosting office's
    platform administrators and the members of States (administrators, secretariat officers,
    focal points, observers, the NHRI's accounts); visitors of the portal never sign in. The
    absolute limit stays ``SESSION_COOKIE_AGE``. A page asked for after the idle time sends to
    the sign-in page with a message and the page as ``next``; an API call (or a form posted)
    goes on signed out, so the API answers 401. API tokens have no session and no idle time.

    The time of each session's last request is kept in the shared cache (Redis in production),
    for as long as a session may last, not in the session: no database write per request. A
    cache that cannot be reached, or that lost the time, leaves the session as it is.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.NRTD_SESSION_IDLE_MINUTES * 60
        session_key = getattr(request, "session", None) and request.session.session_key
        if limit and session_key and request.user.is_authenticated:
            now = int(time.time())
            key = idle_key(session_key)
            try:
                last = cache.get(key)
                cache.set(key, now, timeout=settings.SESSION_COOKIE_AGE)
            except Exception:  # no cache: no idle limit rather than no site
                logger.warning("idle sessions: the cache cannot be reached", exc_info=True)
                last = None
            if isinstance(last, int) and now - last > limit:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(minutes)s minutes without activity. Sign in again to go on.")
                    % {"minutes": settings.NRTD_SESSION_IDLE_MINUTES},
                )
                if request.method == "GET" and not request.path.startswith("/api/"):
                    return redirect_to_login(request.get_full_path())
        return self.get_response(request)

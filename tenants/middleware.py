"""Resolve the State from the URL, check who may enter, and run the request inside it.

URL patterns that carry ``<state_slug>`` sit in one of three namespaces, and each has its own
door:

- ``workspace``: members only. Anonymous visitors are sent to sign in whatever the slug (so an
  address does not reveal whether a State exists); a signed-in person who is not a member of an
  active State gets 404.
- ``portal``: the public portal; 404 unless the State is active and its portal is on.
- ``state-api``: the REST API. Token authentication happens inside DRF, after middleware, so
  the permission class (tenants.api.IsStateMember) makes the membership decision; here the
  State is only resolved.

Inside, the view runs in ``state_context(state)``: a transaction with the row-level security
setting, and a django-scopes scope.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import Resolver404, resolve
from pghistory.middleware import HistoryMiddleware

from tenants.models import State
from tenants.queries import membership_for
from tenants.scoping import state_context

STATE_NAMESPACES = {"workspace", "portal", "state-api"}


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
        elif state is None or (namespace == "portal" and not state.portal_enabled):
            raise Http404

        request.state = state
        with state_context(state):
            if namespace == "workspace":
                request.membership = membership_for(request.user, state)
                if request.membership is None:
                    raise Http404
            return self.get_response(request)


class HistoryContextMiddleware(HistoryMiddleware):
    """pghistory's request context (user id, path), plus the person's name as history shows it."""

    def get_context(self, request):
        context = super().get_context(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            context["user_name"] = str(user)
        return context

"""What every State-scoped API view shares: the membership check and the permission names."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants import two_factor
from tenants.queries import membership_for, memberships_of, support_session_of


def refuse_unverified_platform_admin(request) -> None:
    """Platform administrators use the API only from a session verified with a code: a token is
    never verified (the middleware that holds them to it sees only sessions)."""
    if request.user.is_platform_admin and not two_factor.is_verified(request.user):
        raise PermissionDenied(
            _(
                "Platform administrators must sign in with two-factor sign-in: call the API from a session "
                "verified with a code; API tokens cannot be used for this account."
            )
        )


class IsStateMember(permissions.BasePermission):
    """Authenticated first (so anonymous callers learn nothing), then a member, else 404.

    In a State that requires two-factor sign-in, its administrators and secretariat officers
    must come with a verified session (403 otherwise, with the reason).

    The view may name ``state_permission``, a rules permission checked on the State, and
    ``state_write_permission`` for unsafe methods (refused when it names none).
    """

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        refuse_unverified_platform_admin(request)
        state = getattr(request._request, "state", None)
        membership = None if state is None else membership_for(request.user, state)
        # Support mode covers the workspace's pages, not the API.
        if membership is None or support_session_of(membership) is not None:
            raise NotFound
        if two_factor.state_requires_two_factor(state, membership) and not two_factor.is_verified(request.user):
            raise PermissionDenied(
                _(
                    "This State requires two-factor sign-in for administrators and secretariat officers. "
                    "Sign in on the site with a code from your authenticator app, then call the API from "
                    "that session; API tokens cannot be used for these roles in this State."
                )
            )
        required = getattr(view, "state_permission", "tenants.view_workspace")
        if request.method not in permissions.SAFE_METHODS:
            required = getattr(view, "state_write_permission", None)
            if required is None:
                return False
        return request.user.has_perm(required, state)


class StateAPIMixin:
    permission_classes = [IsStateMember]

    @property
    def state(self):
        return self.request._request.state


class MembershipSerializer(serializers.Serializer):
    state = serializers.SlugField(source="state.slug")
    state_name = serializers.CharField(source="state.name")
    role = serializers.CharField()


class MeView(APIView):
    """The signed-in person and the States they belong to."""

    @extend_schema(responses=MembershipSerializer(many=True))
    def get(self, request):
        refuse_unverified_platform_admin(request)
        memberships = memberships_of(request.user)
        return Response(
            {
                "email": request.user.email,
                "name": request.user.name,
                "memberships": MembershipSerializer(memberships, many=True).data,
            }
        )

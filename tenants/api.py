"""What every State-scoped API view shares: the membership check and the permission names."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.queries import membership_for, memberships_of


class IsStateMember(permissions.BasePermission):
    """Authenticated first (so anonymous callers learn nothing), then a member, else 404.

    The view may name ``state_permission``, a rules permission checked on the State, and
    ``state_write_permission`` for unsafe methods (refused when it names none).
    """

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        state = getattr(request._request, "state", None)
        if state is None or membership_for(request.user, state) is None:
            raise NotFound
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
        memberships = memberships_of(request.user)
        return Response(
            {
                "email": request.user.email,
                "name": request.user.name,
                "memberships": MembershipSerializer(memberships, many=True).data,
            }
        )

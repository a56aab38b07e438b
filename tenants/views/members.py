"""The people of a State."""

from django.views.generic import ListView

from tenants.models import Membership
from tenants.views.mixins import StatePermissionMixin


class MemberListView(StatePermissionMixin, ListView):
    permission_required = "tenants.view_members"
    template_name = "tenants/member_list.html"
    context_object_name = "members"

    def get_queryset(self):
        return Membership.objects.select_related("user").order_by("role", "user__email")

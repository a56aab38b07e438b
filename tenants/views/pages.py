"""The landing page, the workspace home, the members list and the support log."""

from django.views.generic import ListView, TemplateView

from tenants.models import Membership, PlatformAuditEntry, SupportSession
from tenants.queries import memberships_of, states_with_portal
from tenants.views.mixins import StatePermissionMixin


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            portals=states_with_portal(),
            memberships=memberships_of(self.request.user),
            **kwargs,
        )


class WorkspaceHomeView(StatePermissionMixin, TemplateView):
    permission_required = "tenants.view_workspace"
    template_name = "tenants/workspace_home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.has_perm("recommendations.curate_recommendation", self.request.state):
            from recommendations.queries import curation_backlog

            context["curation"] = curation_backlog()
        if self.request.user.has_perm("followup.view_followup", self.request.state):
            from followup.rounds import work_counts

            context["work"] = work_counts(self.request.user, self.request.state)
        if self.request.user.has_perm("reporting.view_calendar", self.request.state):
            from reporting.calendar import home_box

            context["obligations"] = home_box()
        return context


class MemberListView(StatePermissionMixin, ListView):
    permission_required = "tenants.view_members"
    template_name = "tenants/member_list.html"
    context_object_name = "members"

    def get_queryset(self):
        return Membership.objects.select_related("user").order_by("role", "user__email")


class SupportLogView(StatePermissionMixin, ListView):
    """What the hosting office did inside the State in support mode: who, when, why, which pages."""

    permission_required = "tenants.manage_state"
    template_name = "tenants/support_log.html"
    context_object_name = "sessions"

    def get_queryset(self):
        return SupportSession.objects.prefetch_related("accesses")[:100]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            audit=PlatformAuditEntry.objects.filter(
                state_ref=self.request.state.pk, action=PlatformAuditEntry.Action.SUPPORT
            )[:200],
            **kwargs,
        )

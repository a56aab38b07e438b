"""The site's landing page and a State's workspace home: what each person may do from there."""

from django.views.generic import TemplateView

from followup.rounds import work_counts
from recommendations.queries import curation_backlog
from reporting.calendar import home_box
from tenants.queries import memberships_of, states_with_portal
from tenants.views.mixins import StatePermissionMixin


class HomeView(TemplateView):
    template_name = "workspace/landing.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            portals=states_with_portal(),
            memberships=memberships_of(self.request.user),
            **kwargs,
        )


class WorkspaceHomeView(StatePermissionMixin, TemplateView):
    permission_required = "tenants.view_workspace"
    template_name = "workspace/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, state = self.request.user, self.request.state
        if user.has_perm("recommendations.curate_recommendation", state):
            context["curation"] = curation_backlog()
        if user.has_perm("followup.view_followup", state):
            context["work"] = work_counts(user, state)
        if user.has_perm("reporting.view_calendar", state):
            context["obligations"] = home_box()
        return context

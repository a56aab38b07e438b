"""The workspace dashboard and the lists behind its figures that are not recommendation lists.

Who sees it: every member of the State, the whole State (focal points and observers included,
as they read the whole recommendation list and the validated updates). Overdue round tasks are
the secretariat's view of rounds (``followup.manage_rounds``): only curators see that chart and
its list, as only they see every entity's completion of a round.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from recommendations.models import Entity, ImplementationStatus
from reporting.dashboard import (
    dashboard,
    dashboard_filter,
    filter_query,
    overdue_actions,
    overdue_tasks,
    quarter_bounds,
    updates_behind,
)
from tenants.views.mixins import StatePermissionMixin

PAGE_SIZE = 50


class DashboardView(StatePermissionMixin, TemplateView):
    permission_required = "reporting.view_dashboard"
    template_name = "reporting/dashboard/dashboard.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            dashboard=dashboard(user=self.request.user, state=self.request.state, query=self.request.GET), **kwargs
        )


def _page(request, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


class DashboardUpdatesView(StatePermissionMixin, TemplateView):
    """The validated updates behind a figure of "progress over time"."""

    permission_required = "reporting.view_dashboard"
    template_name = "reporting/dashboard/updates.html"

    def get_context_data(self, **kwargs):
        quarter = self.request.GET.get("quarter", "")
        status = self.request.GET.get("update_status", "")
        if status and status not in ImplementationStatus.values:
            raise Http404
        if quarter and quarter_bounds(quarter) is None:
            raise Http404
        updates = updates_behind(
            dashboard_filter(user=self.request.user, state=self.request.state, query=self.request.GET),
            quarter=quarter,
            status=status,
        ).select_related("entity", "recommendation", "recommendation__mechanism")
        page, query = _page(self.request, updates.order_by("-reported_on", "-id"))
        return super().get_context_data(
            page=page,
            updates=page.object_list,
            query=query,
            quarter=quarter.upper(),
            status_label=ImplementationStatus(status).label if status else "",
            dashboard_query=filter_query(self.request.GET).urlencode(),
            **kwargs,
        )


class OverdueMixin(StatePermissionMixin):
    """``?entity=<id>``: the entity is looked up first (another State's is 404 to everyone)."""

    def dispatch(self, request, *args, **kwargs):
        value = request.GET.get("entity", "")
        self.entity = None
        if value:
            if not value.isdigit():
                raise Http404
            self.entity = get_object_or_404(Entity, pk=int(value))
        return super().dispatch(request, *args, **kwargs)


class OverdueActionsView(OverdueMixin, TemplateView):
    permission_required = "reporting.view_dashboard"
    template_name = "reporting/dashboard/overdue_actions.html"

    def get_context_data(self, **kwargs):
        actions = overdue_actions(self.entity.pk if self.entity else None).select_related("plan", "lead_entity")
        page, query = _page(self.request, actions.order_by("due_on", "title", "id"))
        return super().get_context_data(page=page, actions=page.object_list, query=query, entity=self.entity, **kwargs)


class OverdueTasksView(OverdueMixin, TemplateView):
    permission_required = "followup.manage_rounds"
    template_name = "reporting/dashboard/overdue_tasks.html"

    def get_context_data(self, **kwargs):
        tasks = overdue_tasks(self.entity.pk if self.entity else None).select_related(
            "round", "entity", "recommendation", "recommendation__mechanism", "update"
        )
        page, query = _page(
            self.request, tasks.order_by("round__deadline", "round_id", "entity__name", "recommendation_id", "id")
        )
        return super().get_context_data(page=page, tasks=page.object_list, query=query, entity=self.entity, **kwargs)

"""The State's log, for its administrators: every change, filtered, page by page, exported."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from nrtd.ratelimit import RateLimitMixin
from tenants.history_display import by_day
from tenants.log import LogFilterForm, LogQuery, export_bytes, log_page
from tenants.views.mixins import StatePermissionMixin

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def filter_query(request) -> str:
    """The filters of the request, without the page's cursor or the export's format."""
    query = request.GET.copy()
    for name in ("before", "format"):
        query.pop(name, None)
    return query.urlencode()


class StateLogView(StatePermissionMixin, TemplateView):
    permission_required = "tenants.view_state_log"
    template_name = "tenants/log.html"

    def get_context_data(self, **kwargs):
        state = self.request.state
        form = LogFilterForm(self.request.GET or None, state=state)
        page = log_page(state=state, query=LogQuery.from_form(form), cursor=self.request.GET.get("before", ""))
        filters = filter_query(self.request)
        return super().get_context_data(
            form=form,
            days=by_day(page.lines),
            next_cursor=page.next_cursor,
            filters=filters,
            first_page=not self.request.GET.get("before"),
            **kwargs,
        )


class StateLogExportView(RateLimitMixin, StatePermissionMixin, View):
    # Counted per client address before anything is read (NRTD_RATE_WORKSPACE_EXPORT).
    rate_scope = "workspace_export"

    permission_required = "tenants.view_state_log"

    def get(self, request, *args, **kwargs):
        state = request.state
        kind = request.GET.get("format", "xlsx")
        form = LogFilterForm(request.GET or None, state=state)
        if kind not in CONTENT_TYPES or (request.GET and not form.is_valid()):
            messages.error(request, _("The filters are not valid; nothing was exported."))
            return redirect(
                f"{reverse('workspace:state-log', kwargs={'state_slug': state.slug})}?{filter_query(request)}"
            )
        content = export_bytes(state=state, query=LogQuery.from_form(form), kind=kind)
        response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        response["Content-Disposition"] = f'attachment; filename="{state.slug}-log-{stamp}.{kind}"'
        return response

"""Support mode: the hosting office enters a State's workspace, read-only, with a reason; the
State's administrators see when, who, why, and every page opened."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from console.forms import SupportStartForm
from console.models import PlatformAuditEntry
from console.services import StateStatusError, support_end, support_start
from console.views.states import _form_errors_to_messages
from tenants.models import State, SupportSession
from tenants.views.mixins import PlatformAdminMixin, StatePermissionMixin


class SupportStartView(PlatformAdminMixin, View):
    """Enter support mode in a State (with a reason): its workspace, read-only, as an observer."""

    def post(self, request, pk):
        state = get_object_or_404(State, pk=pk)
        form = SupportStartForm(request.POST)
        if not form.is_valid():
            _form_errors_to_messages(request, form)
            return redirect("platform:state-detail", pk=state.pk)
        try:
            support_start(state=state, actor=request.user, reason=form.cleaned_data["reason"])
        except StateStatusError:
            messages.error(request, _("Support mode is for active States only; %(state)s is not.") % {"state": state})
            return redirect("platform:state-detail", pk=state.pk)
        messages.info(
            request,
            _("Support mode in %(state)s: you read it as an observer; every page you open is logged.")
            % {"state": state},
        )
        return redirect("workspace:home", state_slug=state.slug)


class SupportEndView(PlatformAdminMixin, View):
    """Leave support mode in a State."""

    def post(self, request, pk):
        state = get_object_or_404(State, pk=pk)
        if support_end(state=state, actor=request.user) is not None:
            messages.success(request, _("You left support mode in %(state)s.") % {"state": state})
        return redirect("platform:state-detail", pk=state.pk)


class SupportLogView(StatePermissionMixin, ListView):
    """What the hosting office did inside the State in support mode: who, when, why, which pages."""

    permission_required = "tenants.manage_state"
    template_name = "console/support_log.html"
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

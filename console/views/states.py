"""The hosting office's console: every State with its figures, creating one, suspending, resuming,
archiving and deleting it, and support mode."""

import tempfile

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from console.archive import ArchiveError, state_export
from console.forms import (
    StateArchiveForm,
    StateCreateForm,
    StateDeleteForm,
    StateStatusForm,
    SupportStartForm,
)
from console.models import PlatformAuditEntry
from console.queries import platform_statistics, state_figures
from console.services import (
    StateConfirmationError,
    StateStatusError,
    state_archive,
    state_create,
    state_delete,
    state_resume,
    state_suspend,
)
from tenants.models import State
from tenants.queries import support_session_for
from tenants.views.mixins import PlatformAdminMixin


class PlatformHomeView(PlatformAdminMixin, ListView):
    template_name = "console/home.html"
    context_object_name = "states"

    def get_queryset(self):
        return State.objects.order_by("name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = state_figures()
        context["rows"] = [(state, figures.get(state.pk, {})) for state in context["states"]]
        return context


class StateDetailView(PlatformAdminMixin, DetailView):
    template_name = "console/state_detail.html"
    context_object_name = "state"
    queryset = State.objects.all()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            figures=state_figures().get(self.object.pk, {}),
            audit=PlatformAuditEntry.objects.filter(state_ref=self.object.pk)[:50],
            # Each form its own element ids: three of them have a "reason" field.
            status_form=StateStatusForm(
                initial={"action": "suspend" if self.object.status == State.Status.ACTIVE else "resume"},
                auto_id="status_%s",
            ),
            archive_form=StateArchiveForm(auto_id="archive_%s"),
            delete_form=StateDeleteForm(state=self.object, auto_id="delete_%s"),
            support_form=SupportStartForm(auto_id="support_%s"),
            support_session=support_session_for(self.request.user, self.object),
            **kwargs,
        )


def _form_errors_to_messages(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _status_message(request, state: State) -> None:
    messages.error(
        request,
        _("%(state)s is %(status)s; nothing was changed.")
        % {"state": state, "status": state.get_status_display().lower()},
    )


class StateStatusView(PlatformAdminMixin, View):
    """Suspend (``action=suspend``, with a reason) or resume a State."""

    def post(self, request, pk):
        state = get_object_or_404(State, pk=pk)
        form = StateStatusForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("platform:state-detail", pk=state.pk)
        action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
        try:
            if action == "suspend":
                state_suspend(state=state, actor=request.user, reason=reason)
                messages.success(request, _("%(state)s is suspended: its people cannot enter it.") % {"state": state})
            else:
                state_resume(state=state, actor=request.user, reason=reason)
                messages.success(request, _("%(state)s is open again.") % {"state": state})
        except StateStatusError:
            _status_message(request, state)
        return redirect("platform:state-detail", pk=state.pk)


class StateArchiveView(PlatformAdminMixin, View):
    """Archive a State (with a reason): closed as a suspended one is, and deletable."""

    def post(self, request, pk):
        state = get_object_or_404(State, pk=pk)
        form = StateArchiveForm(request.POST)
        if not form.is_valid():
            _form_errors_to_messages(request, form)
        else:
            try:
                state_archive(state=state, actor=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("%(state)s is archived: its people cannot enter it.") % {"state": state})
            except StateStatusError:
                _status_message(request, state)
        return redirect("platform:state-detail", pk=state.pk)


class StateDeleteView(PlatformAdminMixin, View):
    """Delete an archived State and all its data, once its short name is typed exactly."""

    def post(self, request, pk):
        state = get_object_or_404(State, pk=pk)
        form = StateDeleteForm(request.POST, state=state)
        if not form.is_valid():
            _form_errors_to_messages(request, form)
            return redirect("platform:state-detail", pk=state.pk)
        try:
            state_delete(
                state=state,
                actor=request.user,
                confirm_slug=form.cleaned_data["confirm_slug"],
                reason=form.cleaned_data["reason"],
            )
        except StateStatusError:
            messages.error(
                request, _("Only an archived State can be deleted; archive %(state)s first.") % {"state": state}
            )
            return redirect("platform:state-detail", pk=state.pk)
        except StateConfirmationError:
            messages.error(request, _("That is not the State's short name; nothing was deleted."))
            return redirect("platform:state-detail", pk=state.pk)
        messages.success(request, _("%(state)s and all its data were deleted.") % {"state": state.name})
        return redirect("platform:home")


class StateCreateView(PlatformAdminMixin, FormView):
    template_name = "console/state_form.html"
    form_class = StateCreateForm

    def form_valid(self, form):
        data = form.cleaned_data
        state, invitation = state_create(
            name=data["name"],
            slug=data["slug"],
            iso3=data["iso3"],
            content_languages=data["content_languages"],
            default_language=data["default_language"],
            portal_enabled=data["portal_enabled"],
            admin_email=data["admin_email"],
            admin_name=data["admin_name"],
            actor=self.request.user,
        )
        messages.success(
            self.request,
            _("%(state)s was created. %(email)s has been invited to be its administrator.")
            % {"state": state.name, "email": invitation.email},
        )
        return redirect("platform:state-detail", pk=state.pk)


class StateExportView(PlatformAdminMixin, View):
    """The State's complete data as one archive (console.archive), downloaded at once."""

    def post(self, request, pk):
        state = get_object_or_404(State, pk=pk)
        # Written to a temporary file and sent from it: the archive streams, whatever the State's size.
        archive = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
        try:
            state_export(state=state, fileobj=archive, actor=request.user)
        except ArchiveError as error:
            archive.close()
            messages.error(request, _("The State could not be exported: %(reason)s") % {"reason": error})
            return redirect("platform:state-detail", pk=state.pk)
        archive.seek(0)
        return FileResponse(
            archive, as_attachment=True, filename=f"{state.slug}-export.zip", content_type="application/zip"
        )


class PlatformStatisticsView(PlatformAdminMixin, TemplateView):
    """Sums over every State for the hosting office; no State's row, no list of States."""

    template_name = "console/statistics.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(statistics=platform_statistics(), **kwargs)

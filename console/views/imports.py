"""The platform console's imports and statistics.

A platform administrator starts a State's first import (an uploaded file, or a fetch from the
UHRI API when it is configured) and follows the job, although they are not a member of the
State: every read and write of the State's jobs happens inside ``state_context(state)``, with the
same services the workspace uses (a preview first, then confirmed). Each start and confirmation
leaves a ``PlatformAuditEntry`` "import". The statistics page shows sums over every State, never
a State's row (``tenants.queries.platform_statistics``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from console.models import PlatformAuditEntry
from imports.forms import ImportUploadForm
from imports.models import ImportJob
from imports.runs import progress_key
from imports.services import import_job_confirm, import_job_start
from imports.uhri_fetch import uhri_api_configured, uhri_fetch_resume, uhri_fetch_start
from tenants.models import State
from tenants.scoping import state_context
from tenants.views.mixins import PlatformAdminMixin


def _audit_import(*, state: State, actor, job: ImportJob, event: str) -> PlatformAuditEntry:
    return PlatformAuditEntry.objects.create(
        actor=actor,
        actor_email=getattr(actor, "email", "") or "",
        action=PlatformAuditEntry.Action.IMPORT,
        state_ref=state.pk,
        state_name=state.name,
        details={"event": event, "job": job.pk, "format": job.format, "filename": job.filename},
    )


def _inactive(request, state: State):
    """An import runs only in an active State (its jobs refuse to run otherwise)."""
    if state.status == State.Status.ACTIVE:
        return None
    messages.error(request, _("Imports are for active States only; %(state)s is not.") % {"state": state})
    return redirect("platform:state-import", pk=state.pk)


def _job_url(state: State, job: ImportJob):
    return redirect("platform:state-import-detail", pk=state.pk, job_id=job.pk)


class StateImportView(PlatformAdminMixin, View):
    """Upload a file for a State (a preview first), or fetch its records from the UHRI API."""

    template_name = "console/state_import.html"

    def get(self, request, pk):
        state = get_object_or_404(State, pk=pk)
        with state_context(state):
            form = ImportUploadForm(state=state)
            return self.render(request, state, form)

    def post(self, request, pk):
        state = get_object_or_404(State, pk=pk)
        inactive = _inactive(request, state)
        if inactive is not None:
            return inactive
        with state_context(state):
            form = ImportUploadForm(request.POST, request.FILES, state=state)
            if not form.is_valid():
                return self.render(request, state, form)
            data = form.cleaned_data
            job = import_job_start(
                state=state,
                user=request.user,
                upload=data["file"],
                format=data["format"],
                options={key: data[key] for key in ("mapping", "encoding") if data.get(key)},
                filter_lists=data.get("filter_lists"),
            )
        _audit_import(state=state, actor=request.user, job=job, event="preview")
        return _job_url(state, job)

    def render(self, request, state: State, form):
        # Inside the State's context: its jobs, and its saved column mappings in the form.
        jobs = list(ImportJob.objects.order_by("-created_at")[:20])
        return render(
            request,
            self.template_name,
            {"state": state, "form": form, "jobs": jobs, "uhri_api": uhri_api_configured()},
        )


class StateUhriFetchView(PlatformAdminMixin, View):
    """Fetch a State's recommendations from the UHRI API (a preview first), when it is configured."""

    http_method_names = ["post"]

    def post(self, request, pk):
        state = get_object_or_404(State, pk=pk)
        if not uhri_api_configured():
            raise Http404
        inactive = _inactive(request, state)
        if inactive is not None:
            return inactive
        with state_context(state):
            job = uhri_fetch_start(state=state, user=request.user)
        _audit_import(state=state, actor=request.user, job=job, event="fetch")
        return _job_url(state, job)


class StateImportDetailView(PlatformAdminMixin, View):
    """One of a State's import jobs: its status, counts and errors; a preview can be confirmed."""

    def get_job(self, state: State, job_id: int) -> ImportJob:
        # Inside the State's context: another State's job is a 404, as an unknown one.
        return get_object_or_404(ImportJob, pk=job_id)

    def get(self, request, pk, job_id):
        state = get_object_or_404(State, pk=pk)
        with state_context(state):
            job = self.get_job(state, job_id)
        processed = cache.get(progress_key(job.pk)) if job.status == ImportJob.Status.RUNNING else None
        template = "console/state_import_detail.html"
        if request.htmx:
            template += "#job-status"
        context = {
            "state": state,
            "job": job,
            "processed": processed,
            "may_confirm": request.user.has_perm("imports.confirm_job_for_state", job),
            "may_resume": request.user.has_perm("imports.resume_job_for_state", job),
        }
        return render(request, template, context)

    def post(self, request, pk, job_id):
        state = get_object_or_404(State, pk=pk)
        with state_context(state):
            job = self.get_job(state, job_id)
        inactive = _inactive(request, state)
        if inactive is not None:
            return inactive
        with state_context(state):
            if request.POST.get("action") == "resume" and request.user.has_perm("imports.resume_job_for_state", job):
                job = uhri_fetch_resume(job=job, user=request.user)
                event = "resume"
            elif request.POST.get("action") != "resume" and request.user.has_perm("imports.confirm_job_for_state", job):
                job = import_job_confirm(preview=job, user=request.user)
                event = "confirm"
            else:
                return _job_url(state, job)
        _audit_import(state=state, actor=request.user, job=job, event=event)
        return _job_url(state, job)

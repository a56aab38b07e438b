"""Importing files in the workspace: upload, preview (a dry run), give the batch's details,
confirm, watch, history; the scheduled UHRI fetch's settings."""

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, View

from imports.batch import BatchDetails
from imports.forms import BatchDetailsForm, ImportUploadForm, UhriScheduleForm
from imports.models import ImportJob
from imports.runs import progress_key
from imports.schedule import schedule_for, schedule_save
from imports.services import import_job_confirm, import_job_preview_again, import_job_restart, import_job_start
from imports.uhri_fetch import uhri_api_configured, uhri_fetch_resume, uhri_fetch_start
from recommendations.models import Mechanism
from tenants.views.mixins import StatePermissionMixin


class ImportListView(StatePermissionMixin, FormView):
    """The upload form above the State's import history."""

    permission_required = "imports.import_recommendations"
    template_name = "imports/import_list.html"
    form_class = ImportUploadForm

    def get_form_kwargs(self):
        # The State's saved column mappings are offered beside the presets.
        return {**super().get_form_kwargs(), "state": self.request.state}

    def get_context_data(self, **kwargs):
        jobs = ImportJob.objects.select_related("created_by").order_by("-created_at")[:50]
        return super().get_context_data(jobs=jobs, uhri_api=uhri_api_configured(), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        job = import_job_start(
            state=self.request.state,
            user=self.request.user,
            upload=data["file"],
            format=data["format"],
            options={key: data[key] for key in ("mapping", "encoding") if data.get(key)},
            filter_lists=data.get("filter_lists"),
        )
        return redirect("workspace:import-detail", state_slug=self.request.state.slug, pk=job.pk)


class ImportDetailView(StatePermissionMixin, DetailView):
    """A job's progress, then its outcome; a preview offers to import for real."""

    permission_required = "imports.import_recommendations"
    context_object_name = "job"

    def get_template_names(self):
        if self.request.htmx:
            return ["imports/import_detail.html#job-status"]
        return ["imports/import_detail.html"]

    def dispatch(self, request, *args, **kwargs):
        # The job first: another State's job is a 404 to everyone, before any permission answer.
        self.job = get_object_or_404(ImportJob.objects.select_related("created_by"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return self.job

    def get_context_data(self, **kwargs):
        job = self.object
        processed = cache.get(progress_key(job.pk)) if job.status == ImportJob.Status.RUNNING else None
        user = self.request.user
        may_give_details = user.has_perm("imports.preview_again", job) and _details_wanted(job)
        if may_give_details and "batch_form" not in kwargs:
            kwargs["batch_form"] = BatchDetailsForm(
                initial=BatchDetailsForm.initial_for(BatchDetails.from_options(job.options.get("batch")))
            )
        return super().get_context_data(
            processed=processed,
            may_confirm=user.has_perm("imports.confirm_job", job),
            may_resume=user.has_perm("imports.resume_job", job),
            may_restart=user.has_perm("imports.restart_job", job),
            may_give_details=may_give_details,
            batch_given=BatchDetails.from_options(job.options.get("batch")).as_options(),
            mechanism_names=dict(Mechanism.objects.values_list("code", "name")),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        job = self.get_object()
        action = request.POST.get("action")
        if action == "resume":
            if request.user.has_perm("imports.resume_job", job):
                uhri_fetch_resume(job=job, user=request.user)
        elif action == "restart":
            if request.user.has_perm("imports.restart_job", job):
                job = import_job_restart(job=job, user=request.user)
        elif action == "details":
            if request.user.has_perm("imports.preview_again", job):
                form = BatchDetailsForm(request.POST)
                if not form.is_valid():
                    self.object = job
                    return self.render_to_response(self.get_context_data(batch_form=form), status=400)
                job = import_job_preview_again(preview=job, user=request.user, details=form.details())
        elif request.user.has_perm("imports.confirm_job", job):
            job = import_job_confirm(preview=job, user=request.user)
        return redirect("workspace:import-detail", state_slug=request.state.slug, pk=job.pk)


def _details_wanted(job: ImportJob) -> bool:
    """Whether the preview's page offers the batch's details: some records lack one, details were
    given already (to change them), or an addendum did not find its report."""
    addendum = job.summary.get("addendum")
    if addendum is not None:
        return not addendum.get("found")
    details = job.summary.get("details") or []
    return bool(job.options.get("batch")) or any(detail.get("missing") for detail in details)


class UhriFetchView(StatePermissionMixin, View):
    """Fetch the State's recommendations from the UHRI API (a preview first), when it is configured."""

    permission_required = "imports.import_recommendations"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not uhri_api_configured():
            raise Http404
        job = uhri_fetch_start(state=request.state, user=request.user)
        return redirect("workspace:import-detail", state_slug=request.state.slug, pk=job.pk)


class UhriScheduleView(StatePermissionMixin, FormView):
    """The State's scheduled UHRI fetch: on or off, how often, which mechanisms (a settings section)."""

    permission_required = "imports.schedule_uhri"
    template_name = "imports/uhri_schedule.html"
    form_class = UhriScheduleForm

    def get_initial(self):
        return UhriScheduleForm.initial_for(schedule_for(self.request.state))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            schedule=schedule_for(self.request.state), uhri_api=uhri_api_configured(), **kwargs
        )

    def form_valid(self, form):
        data = form.cleaned_data
        schedule_save(
            state=self.request.state,
            user=self.request.user,
            enabled=data["enabled"],
            interval_days=data["interval_days"],
            mechanism_ids=[int(pk) for pk in data["mechanisms"]],
        )
        messages.success(self.request, _("The schedule of UHRI fetches was saved."))
        return redirect("workspace:import-uhri-schedule", state_slug=self.request.state.slug)

"""Importing files in the workspace: upload, preview (a dry run), confirm, watch, history."""

from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, FormView, View

from imports.forms import ImportUploadForm
from imports.models import ImportJob
from imports.runs import progress_key
from imports.services import import_job_confirm, import_job_start
from imports.uhri_fetch import uhri_api_configured, uhri_fetch_resume, uhri_fetch_start
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
        return super().get_context_data(
            processed=processed,
            may_confirm=user.has_perm("imports.confirm_job", job),
            may_resume=user.has_perm("imports.resume_job", job),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        job = self.get_object()
        if request.POST.get("action") == "resume":
            if request.user.has_perm("imports.resume_job", job):
                uhri_fetch_resume(job=job, user=request.user)
        elif request.user.has_perm("imports.confirm_job", job):
            job = import_job_confirm(preview=job, user=request.user)
        return redirect("workspace:import-detail", state_slug=request.state.slug, pk=job.pk)


class UhriFetchView(StatePermissionMixin, View):
    """Fetch the State's recommendations from the UHRI API (a preview first), when it is configured."""

    permission_required = "imports.import_recommendations"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not uhri_api_configured():
            raise Http404
        job = uhri_fetch_start(state=request.state, user=request.user)
        return redirect("workspace:import-detail", state_slug=request.state.slug, pk=job.pk)

"""Importing files in the workspace: upload, preview (a dry run), confirm, watch, history."""

from django.core.cache import cache
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, FormView

from recommendations.forms import ImportUploadForm
from recommendations.imports import import_job_confirm, import_job_start, progress_key
from recommendations.models import ImportJob
from tenants.views.mixins import StatePermissionMixin


class ImportListView(StatePermissionMixin, FormView):
    """The upload form above the State's import history."""

    permission_required = "recommendations.import_recommendations"
    template_name = "recommendations/import_list.html"
    form_class = ImportUploadForm

    def get_context_data(self, **kwargs):
        jobs = ImportJob.objects.select_related("created_by").order_by("-created_at")[:50]
        return super().get_context_data(jobs=jobs, **kwargs)

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

    permission_required = "recommendations.import_recommendations"
    context_object_name = "job"

    def get_template_names(self):
        if self.request.htmx:
            return ["recommendations/import_detail.html#job-status"]
        return ["recommendations/import_detail.html"]

    def dispatch(self, request, *args, **kwargs):
        # The job first: another State's job is a 404 to everyone, before any permission answer.
        self.job = get_object_or_404(ImportJob.objects.select_related("created_by"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return self.job

    def get_context_data(self, **kwargs):
        job = self.object
        processed = cache.get(progress_key(job.pk)) if job.status == ImportJob.Status.RUNNING else None
        return super().get_context_data(processed=processed, **kwargs)

    def post(self, request, *args, **kwargs):
        preview = self.get_object()
        job = import_job_confirm(preview=preview, user=request.user)
        return redirect("workspace:import-detail", state_slug=request.state.slug, pk=job.pk)

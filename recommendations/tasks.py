"""Background jobs of the recommendations app (thin: they call services)."""

from django.core.files.storage import default_storage

from recommendations.imports import import_job_run, parse_options_for
from recommendations.models import ImportJob
from tenants.jobs import state_task
from tenants.scoping import state_context


@state_task(atomic=False)
def import_job_task(state, job_id: int) -> str:
    """Run an import job whose file was stored with the job (the workspace's upload)."""
    with state_context(state):
        job = ImportJob.objects.get(pk=job_id)
        options = parse_options_for(state, mapping=job.options.get("mapping"), encoding=job.options.get("encoding"))
    with default_storage.open(job.file.name, "rb") as fileobj:
        return import_job_run(state=state, job_id=job_id, fileobj=fileobj, options=options).status

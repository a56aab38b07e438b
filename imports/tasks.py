"""Background jobs of the imports app (thin: they call imports.runs and imports.uhri_fetch).
Queued by imports.jobs."""

from django.core.files.storage import default_storage

from imports.models import ImportJob
from imports.parsers.records import ImportFormatError
from imports.runs import import_job_run, job_fail, parse_options_for
from imports.uhri_fetch import uhri_client, uhri_fetch_run
from tenants.jobs import state_task
from tenants.scoping import state_context


@state_task(atomic=False)
def import_job_task(state, job_id: int) -> str:
    """Run an import job whose file was stored with the job (the workspace's upload)."""
    with state_context(state):
        job = ImportJob.objects.get(pk=job_id)
        try:
            options = parse_options_for(state, mapping=job.options.get("mapping"), encoding=job.options.get("encoding"))
        except ImportFormatError as error:
            # A saved mapping renamed or deleted since the preview: the job fails with the reason.
            return job_fail(state, job_id, str(error)).status
    with default_storage.open(job.file.name, "rb") as fileobj:
        return import_job_run(state=state, job_id=job_id, fileobj=fileobj, options=options).status


@state_task(atomic=False)
def uhri_fetch_task(state, job_id: int) -> str:
    """Fetch a State's records from the UHRI API (going on where a failed run stopped), then import them."""
    return uhri_fetch_run(state=state, job_id=job_id, client=uhri_client()).status

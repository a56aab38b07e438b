"""Background jobs of the imports app (thin: they call imports.runs, imports.uhri_fetch and
imports.schedule). Queued by imports.jobs, and by Celery beat for the schedules."""

import pghistory
from django.core.files.storage import default_storage

from imports.models import ImportJob
from imports.parsers.records import ImportFormatError
from imports.runs import import_job_run, job_fail, parse_options_for_job
from imports.schedule import scheduled_fetch_run, schedules_queue
from imports.uhri_fetch import filter_lists_for_records, uhri_client, uhri_fetch_run
from nrtd.celery import app
from tenants.jobs import state_task
from tenants.scoping import state_context


@state_task(atomic=False, job_model=ImportJob)
def import_job_task(state, job_id: int) -> str:
    """Run an import job whose file was stored with the job (the workspace's upload)."""
    with state_context(state):
        job = ImportJob.objects.get(pk=job_id)
        try:
            options = parse_options_for_job(state, job)
        except ImportFormatError as error:
            # A saved mapping renamed or deleted since the preview: the job fails with the reason.
            return job_fail(state, job_id, str(error)).status
    # Saved UHRI API records need the API's filter lists: the file given, or the API's own.
    options.filter_lists_loader = lambda: filter_lists_for_records(state, job)
    with default_storage.open(job.file.name, "rb") as fileobj:
        return import_job_run(state=state, job_id=job_id, fileobj=fileobj, options=options).status


@state_task(atomic=False, job_model=ImportJob)
def uhri_fetch_task(state, job_id: int) -> str:
    """Fetch a State's records from the UHRI API (going on where a failed run stopped), then import them."""
    return uhri_fetch_run(state=state, job_id=job_id, client=uhri_client()).status


@app.task(name="imports.tasks.uhri_schedules_task")
def uhri_schedules_task() -> int:
    """Queue the scheduled UHRI fetch of every State whose turn has come (Celery beat, hourly).

    Not bound to one State: ``schedules_queue`` claims each due State in its own context, so a
    beat that runs twice queues nothing twice.
    """
    with pghistory.context(task="uhri_schedules_task"):
        return schedules_queue()


@state_task(atomic=False)
def uhri_schedule_task(state) -> str:
    """A State's scheduled UHRI fetch: a preview of what is new or changed, for the secretariat."""
    job = scheduled_fetch_run(state=state, client=uhri_client())
    return job.status if job is not None else "no schedule"

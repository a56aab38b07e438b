"""The one module that queues the imports app's Celery jobs (imports.tasks), after the
transaction that recorded the job commits. Tasks are named, not imported: the tasks import the
services that call these functions."""

from __future__ import annotations

from imports.models import ImportJob
from tenants.jobs import enqueue
from tenants.models import State


def import_job_queue(job: ImportJob) -> None:
    """Run an import job whose file is stored with it (a preview or an import)."""
    enqueue("imports.tasks.import_job_task", job.state, job.pk, job=job)


def uhri_fetch_queue(job: ImportJob) -> None:
    """Fetch (or go on fetching) a State's records from the UHRI API, then import them."""
    enqueue("imports.tasks.uhri_fetch_task", job.state, job.pk, job=job)


def uhri_schedule_queue(state: State) -> None:
    """The State's scheduled UHRI fetch (imports.schedule), its turn having come."""
    enqueue("imports.tasks.uhri_schedule_task", state)

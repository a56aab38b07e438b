"""What people do with imports: upload a file for a preview, confirm a preview, go on with a
stopped fetch. Each records a job and queues it (imports.jobs); the work runs in imports.runs.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from imports.jobs import import_job_queue
from imports.models import ImportJob
from imports.rules import job_confirmable
from imports.uhri_fetch import uhri_fetch_confirm
from tenants.models import State


def import_job_start(*, state: State, user, upload, format: str, options: dict, dry_run: bool = True) -> ImportJob:
    """Record an uploaded file as an import job and queue it (a preview, unless told otherwise).

    Side effects: stores the file through Django's storage, creates the job, queues
    ``import_job_task`` after the transaction commits.
    """
    options = {**options, "language": translation.get_language() or settings.LANGUAGE_CODE}
    job = ImportJob(state=state, created_by=user, format=format, filename=upload.name, options=options, dry_run=dry_run)
    job.file.save(upload.name, upload, save=False)
    job.save()
    import_job_queue(job)
    return job


def import_job_confirm(*, preview: ImportJob, user) -> ImportJob:
    """Import for real the file a finished preview read; returns the new job (queued)."""
    if not job_confirmable(preview):
        raise ValueError("Only a finished preview can be confirmed")
    if preview.format == "uhri-api":
        return uhri_fetch_confirm(preview=preview, user=user)
    job = ImportJob.objects.create(
        state=preview.state,
        created_by=user,
        format=preview.format,
        filename=preview.filename,
        file=preview.file.name,
        options={**preview.options, "language": translation.get_language() or settings.LANGUAGE_CODE},
        dry_run=False,
    )
    import_job_queue(job)
    return job

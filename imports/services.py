"""What people do with imports: upload a file for a preview, preview it again with details of
the batch, confirm a preview, go on with a stopped fetch. Each records a job and queues it
(imports.jobs); the work runs in imports.runs.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import translation

from imports.batch import BatchDetails
from imports.jobs import import_job_queue
from imports.models import ImportJob
from imports.rules import job_confirmable, job_previewable_again, job_restartable
from imports.uhri_fetch import uhri_fetch_confirm
from tenants.models import State


def import_job_start(
    *,
    state: State,
    user,
    upload,
    format: str,
    options: dict,
    dry_run: bool = True,
    details: BatchDetails | None = None,
    filter_lists=None,
) -> ImportJob:
    """Record an uploaded file as an import job and queue it (a preview, unless told otherwise).

    ``details`` are given to the records that lack them (imports.batch); ``filter_lists`` is an
    uploaded file of UHRI API filter lists, stored beside the job for saved API records.

    Side effects: stores the file (and the filter lists) through Django's storage, creates the
    job, queues ``import_job_task`` after the transaction commits.
    """
    options = {**options, "language": translation.get_language() or settings.LANGUAGE_CODE}
    if details:
        options["batch"] = details.as_options()
    if filter_lists is not None:
        options["filter_lists"] = default_storage.save(
            f"imports/filterlists/{uuid.uuid4().hex}/{Path(filter_lists.name).name}", filter_lists
        )
    job = ImportJob(state=state, created_by=user, format=format, filename=upload.name, options=options, dry_run=dry_run)
    job.file.save(upload.name, upload, save=False)
    job.save()
    import_job_queue(job)
    return job


def import_job_preview_again(*, preview: ImportJob, user, details: BatchDetails) -> ImportJob:
    """A new preview of the file a finished preview read, with these details of the batch.

    Side effects: creates the job (the stored file is shared, not copied) and queues it.
    """
    if not job_previewable_again(preview):
        raise ValueError("Only a finished preview of an uploaded file can be previewed again")
    options = {**preview.options, "language": translation.get_language() or settings.LANGUAGE_CODE}
    options.pop("batch", None)
    if details:
        options["batch"] = details.as_options()
    job = ImportJob.objects.create(
        state=preview.state,
        created_by=user,
        format=preview.format,
        filename=preview.filename,
        file=preview.file.name,
        options=options,
        dry_run=True,
    )
    import_job_queue(job)
    return job


def import_job_restart(*, job: ImportJob, user) -> ImportJob:
    """Start a failed import of an uploaded file again: a new job reading the same stored file
    with the same options (the failed one stays, with its reason). Returns the new job (queued)."""
    if not job_restartable(job):
        raise ValueError("Only a failed import of an uploaded file can be started again")
    again = ImportJob.objects.create(
        state=job.state,
        created_by=user,
        format=job.format,
        filename=job.filename,
        file=job.file.name,
        options={**job.options, "language": translation.get_language() or settings.LANGUAGE_CODE},
        dry_run=job.dry_run,
    )
    import_job_queue(again)
    return again


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

"""Who may import, and when an import job may go further (django-rules).

The two facts about a job that the workspace and the platform console both ask, decided here
once: a finished preview may be confirmed (imported for real); a failed UHRI API fetch may be
resumed from the page where it stopped.
"""

from __future__ import annotations

import rules

from imports.models import ImportJob
from tenants.rules import is_curator, is_platform_admin

UHRI_API_FORMAT = "uhri-api"


def job_confirmable(job: ImportJob) -> bool:
    """A preview (dry run) that finished: what it read can be imported for real."""
    return job.dry_run and job.status == ImportJob.Status.SUCCEEDED


def job_previewable_again(job: ImportJob) -> bool:
    """A finished preview of an uploaded file: it can be previewed again with the batch's details."""
    return job_confirmable(job) and job.format != UHRI_API_FORMAT and bool(job.file)


def job_resumable(job: ImportJob) -> bool:
    """A UHRI API fetch that failed: it can go on from the page where it stopped."""
    return job.format == UHRI_API_FORMAT and job.status == ImportJob.Status.FAILED


def job_restartable(job: ImportJob) -> bool:
    """An import of an uploaded file that failed (its worker stopped, its database was lost, the
    broker could not be reached): it can be started again from its stored file."""
    return job.status == ImportJob.Status.FAILED and job.format != UHRI_API_FORMAT and bool(job.file)


@rules.predicate
def is_restartable(user, job: ImportJob) -> bool:
    return job_restartable(job)


@rules.predicate
def is_confirmable(user, job: ImportJob) -> bool:
    return job_confirmable(job)


@rules.predicate
def is_resumable(user, job: ImportJob) -> bool:
    return job_resumable(job)


@rules.predicate
def is_previewable_again(user, job: ImportJob) -> bool:
    return job_previewable_again(job)


# Upload, preview, confirm and watch imports, and keep column mappings (the object is the State).
rules.add_perm("imports.import_recommendations", is_curator)
# A job of the State's (the object is the job): in the workspace, its curators; in the platform
# console, the hosting office.
rules.add_perm("imports.confirm_job", is_curator & is_confirmable)
rules.add_perm("imports.resume_job", is_curator & is_resumable)
rules.add_perm("imports.restart_job", is_curator & is_restartable)
rules.add_perm("imports.preview_again", is_curator & is_previewable_again)
# The State's scheduled UHRI fetch and the mechanisms it follows (the object is the State).
rules.add_perm("imports.schedule_uhri", is_curator)
rules.add_perm("imports.confirm_job_for_state", is_platform_admin & is_confirmable)
rules.add_perm("imports.resume_job_for_state", is_platform_admin & is_resumable)

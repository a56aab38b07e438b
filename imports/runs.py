"""Running an import job: mark it running, parse and write its file, record the outcome or why it failed.

The job's page polls what these write: the status and counts on the job, the progress in the
cache (the import's own transaction is invisible until it commits).
"""

from __future__ import annotations

from dataclasses import replace
from typing import BinaryIO

import pghistory
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from imports.mappings import mapping_for, preset_names, saved_mapping_names
from imports.models import ImportJob
from imports.parsers.records import ImportFormatError
from imports.parsers.registry import ParseOptions, detect_format, iter_records
from imports.parsers.tabular import FieldMapping
from imports.writer import ANALYZE_AFTER, recommendations_import
from recommendations.jobs import related_suggest_queue
from recommendations.models import Country
from tenants.models import State
from tenants.scoping import state_context


def progress_key(job_id: int) -> str:
    return f"nrtd:import-progress:{job_id}"


def job_mark_running(state: State, job_id: int) -> ImportJob:
    """Mark a job running (its own transaction, so its page shows it at once) and return it."""
    with state_context(state):
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        job.status, job.started_at = ImportJob.Status.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at"])
    return job


def job_fail(state: State, job_id: int, failure: str, **fields) -> ImportJob:
    """Mark a job failed with the message its page shows; return it as it now is."""
    with state_context(state):
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED, failure=failure, finished_at=timezone.now(), **fields
        )
        return ImportJob.objects.get(pk=job_id)


def import_job_run(*, state: State, job_id: int, fileobj: BinaryIO, options: ParseOptions) -> ImportJob:
    """Run a recorded import job on ``fileobj``: parse, import, record the outcome.

    Three transactions: the job is marked running (so the page shows it), the import itself
    (all or nothing), and the outcome. A file that cannot be read marks the job failed with the
    reason and writes nothing else. Progress goes to the cache as it runs, since the import's
    own transaction is invisible until it commits.
    """
    job = job_mark_running(state, job_id)
    # Messages and review flags in the language of the person who asked for the import; its
    # history says it was this import, of this file, asked for by this person (the State's log
    # reads "Imported from “file”, by …" and finds it under their name).
    with (
        translation.override(job.options.get("language") or settings.LANGUAGE_CODE),
        pghistory.context(import_job=job.pk, import_file=job.filename, user=job.created_by_id),
    ):
        job = _job_run(state, job, fileobj, options)
    if not job.dry_run and job.created + job.updated >= ANALYZE_AFTER:
        # Fresh planner statistics at once: the lists' plans depend on them, and autovacuum
        # would take its time. The application's role may not ANALYZE (it does not own the
        # table); a function of the owner's does it (migration 0010).
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT nrtd_analyze_recommendations()")
    if not job.dry_run and job.status == ImportJob.Status.SUCCEEDED and job.created + job.updated:
        # New or changed texts: look again for related recommendations (recommendations.suggestions).
        related_suggest_queue(state)
    return job


def _job_run(state: State, job: ImportJob, fileobj: BinaryIO, options: ParseOptions) -> ImportJob:
    job_id = job.pk
    key = progress_key(job_id)
    try:
        with state_context(state):
            fmt = job.format
            if fmt == "auto":
                fmt = detect_format(fileobj, job.filename)
            records = iter_records(fileobj, format=fmt, filename=job.filename, options=options)
            result = recommendations_import(
                state=state,
                records=records,
                dry_run=job.dry_run,
                progress=lambda running: cache.set(key, running.processed, timeout=24 * 3600),
            )
    except ImportFormatError as error:
        return job_fail(state, job_id, str(error), format=fmt)
    except DatabaseError as error:
        # Rolled back whole; the job says so, with PostgreSQL's reason (its first line).
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        failure = _("The database refused the import, and nothing was saved: %(reason)s") % {"reason": reason}
        return job_fail(state, job_id, failure, format=fmt)
    outcome = result.as_dict()
    with state_context(state):
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.SUCCEEDED,
            format=fmt,
            finished_at=timezone.now(),
            processed=outcome["processed"],
            created=outcome["created"],
            updated=outcome["updated"],
            unchanged=outcome["unchanged"],
            rejected=outcome["rejected"],
            by_position=outcome["by_position"],
            errors=outcome["errors"],
        )
        return ImportJob.objects.get(pk=job_id)


def job_outcome(job: ImportJob) -> dict:
    """What a finished job did, as the commands print it with --json."""
    outcome = {
        "status": job.status,
        "format": job.format,
        "processed": job.processed,
        "created": job.created,
        "updated": job.updated,
        "unchanged": job.unchanged,
        "rejected": job.rejected,
        "by_position": job.by_position,
        "errors": job.errors,
    }
    if job.status == ImportJob.Status.FAILED:
        outcome["failure"] = job.failure
    return outcome


def parse_options_for(state: State, *, mapping: str | None = None, encoding: str | None = None) -> ParseOptions:
    """The State's spellings (for multi-State files) and the chosen column mapping."""
    names = [state.name]
    country = Country.objects.filter(iso3=state.iso3).first()
    if country is not None:
        names = [country.name, *country.aliases, state.name]
    column_mapping = None
    if mapping:
        # A preset, or one of the State's saved mappings (imports.mappings).
        try:
            column_mapping = mapping_for(state, mapping)
        except ValueError as error:
            raise ImportFormatError(
                _("The column mapping “%(name)s” can no longer be used (%(reason)s); edit it and save it again.")
                % {"name": mapping, "reason": error}
            ) from error
        if column_mapping is None:
            raise ImportFormatError(
                _("Unknown column mapping “%(name)s”; known: %(names)s.")
                % {"name": mapping, "names": ", ".join([*preset_names(), *saved_mapping_names(state)])}
            )
        if "countries" not in column_mapping.fields:
            # A State's own sheet names no State under review: every row is about this State (rows
            # are kept only for the State's names, so a sheet without that column would fail).
            countries = FieldMapping(constant=state.name)
            column_mapping = replace(column_mapping, fields={**column_mapping.fields, "countries": countries})
    return ParseOptions(country_names=names, mapping=column_mapping, encoding=encoding)

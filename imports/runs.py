"""Running an import job: mark it running, parse and write its file, record the outcome or why it failed.

The job's page polls what these write: the status and counts on the job, the progress in the
cache (the import's own transaction is invisible until it commits).
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import BinaryIO

import pghistory
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from imports import extensions
from imports.addendum import AddendumOutcome, addendum_import
from imports.batch import BatchDetails, DetailsTally, filled
from imports.mappings import mapping_for, preset_names, saved_mapping_names
from imports.models import ImportJob
from imports.parsers.common import country_key
from imports.parsers.records import ImportFormatError, ParsedRecommendation, SkippedRow
from imports.parsers.registry import ADDENDUM_FORMAT, ParseOptions, detect_format, iter_records
from imports.parsers.tabular import FieldMapping
from imports.parsers.un_documents import UnDocument
from imports.writer import ANALYZE_AFTER, MAX_ERRORS_KEPT, POSITION_KEYS, ImportResult, recommendations_import
from recommendations.jobs import related_suggest_queue
from recommendations.models import Country
from recommendations.vocabularies import VocabularyIndex
from tenants import heartbeat
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
    """Mark a job failed with the message its page shows; return it as it now is. Written on a
    fresh connection when the import's died (PostgreSQL restarted, its backend terminated)."""
    return heartbeat.job_fail(ImportJob, state, job_id, failure, **fields)


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
    fmt = job.format
    details = BatchDetails.from_options(job.options.get("batch"))
    tally = DetailsTally()
    summary: dict = {}
    try:
        with state_context(state):
            if fmt == "auto":
                fmt = detect_format(fileobj, job.filename, limits=options.document_limits)
            if fmt == ADDENDUM_FORMAT:
                outcome = addendum_import(
                    fileobj=fileobj, details=details, dry_run=job.dry_run, limits=options.document_limits
                )
                return _addendum_done(state, job_id, fmt, outcome)
            records = iter_records(fileobj, format=fmt, filename=job.filename, options=options)
            index = VocabularyIndex.build()
            upr_id = index.mechanism("UPR")

            def is_upr(label: str | None) -> bool:
                return label is not None and index.mechanism(label) == upr_id

            if isinstance(records, UnDocument):
                _check_country(state, records.info.country, options, index)
                summary["document"] = document_summary(records)
            stream = filled(records, details, tally, is_upr=is_upr)
            if options.mechanism_ids:
                stream = followed_only(stream, set(options.mechanism_ids), index)
            if job.dry_run:
                stream = within_preview_budget(stream, summary)
            result = recommendations_import(
                state=state,
                records=stream,
                dry_run=job.dry_run,
                progress=lambda running: cache.set(key, running.processed, timeout=24 * 3600),
                on_written=lambda done: _follow_up_record(state, job, done),
            )
    except ImportFormatError as error:
        return job_fail(state, job_id, str(error), format=fmt, summary=summary)
    except DatabaseError as error:
        # Rolled back whole; the job says so, with PostgreSQL's reason (its first line).
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        if connection_lost(error):
            failure = _(
                "The connection to the database was lost during the import (%(reason)s), and nothing was "
                "saved. Start it again."
            ) % {"reason": reason}
        else:
            failure = _("The database refused the import, and nothing was saved: %(reason)s") % {"reason": reason}
        return job_fail(state, job_id, failure, format=fmt, summary=summary)
    outcome = result.as_dict()
    summary.update(tally.as_summary())
    summary.update(
        other_states=outcome["other_states"], follow_up=outcome["follow_up"], not_followed=outcome["not_followed"]
    )
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
            merged=outcome["merged"],
            skipped=outcome["skipped"],
            by_position=outcome["by_position"],
            errors=outcome["errors"],
            summary=summary,
        )
        return ImportJob.objects.get(pk=job_id)


# PostgreSQL's codes for a session it ended: terminated by an administrator, the server shutting
# down or crashed, the server starting.
LOST_CONNECTION_CODES = {"57P01", "57P02", "57P03"}


def connection_lost(error: DatabaseError) -> bool:
    """Whether the import failed because its connection died (rather than a refused statement).

    The server's own refusals carry a SQLSTATE; an OperationalError without one comes from the
    client library: the connection itself failed ("server closed the connection unexpectedly",
    seen while the connection still looked open)."""
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) in LOST_CONNECTION_CODES or isinstance(error, InterfaceError):
        return True
    if isinstance(error, OperationalError) and cause is not None and getattr(cause, "sqlstate", "") is None:
        return True
    raw = connections[DEFAULT_DB_ALIAS].connection
    return isinstance(error, OperationalError) and (raw is None or raw.closed)


def _addendum_done(state: State, job_id: int, fmt: str, outcome: AddendumOutcome) -> ImportJob:
    errors = [
        {"location": item["location"], "column": None, "message": f"{item['token']}: {item['reason']}"}
        for item in outcome.unplaced[:MAX_ERRORS_KEPT]
    ]
    with state_context(state):
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.SUCCEEDED,
            format=fmt,
            finished_at=timezone.now(),
            processed=sum(outcome.positions.values()) + len(outcome.unplaced),
            updated=len(outcome.changes),
            unchanged=outcome.unchanged,
            rejected=len(outcome.unplaced),
            by_position={position: outcome.positions.get(position, 0) for position in POSITION_KEYS},
            errors=errors,
            summary={"addendum": outcome.summary()},
        )
        return ImportJob.objects.get(pk=job_id)


def within_preview_budget(records, summary: dict):
    """The records of a preview, up to ``NRTD_PREVIEW_MAX_ROWS`` of them or as many as are read in
    ``NRTD_PREVIEW_SECONDS``: a preview of a huge file then holds a worker for that long at most.
    Where it stopped goes to ``summary["preview_stopped"]`` (the job's page says so); the import
    itself, once confirmed, reads the whole file."""
    max_rows, seconds = settings.NRTD_PREVIEW_MAX_ROWS, settings.NRTD_PREVIEW_SECONDS
    deadline = time.monotonic() + seconds if seconds else None
    for count, record in enumerate(records):
        if max_rows and count >= max_rows:
            summary["preview_stopped"] = {"reason": "rows", "rows": count, "seconds": seconds}
            return
        if deadline is not None and count % 100 == 0 and time.monotonic() > deadline:
            summary["preview_stopped"] = {"reason": "time", "rows": count, "seconds": seconds}
            return
        yield record


def document_summary(document: UnDocument) -> dict:
    """What a UN document says of itself, for the job's page."""
    info = document.info
    summary = {
        "kind": info.kind or "",
        "title": info.title,
        "symbol": info.symbol,
        "issued_on": info.issued_on.isoformat() if info.issued_on else "",
        "adopted_on": info.adopted_on.isoformat() if info.adopted_on else "",
        "mechanism": info.mechanism or "",
        "session": info.session,
        "upr_cycle": info.upr_cycle,
        "country": info.country,
        "observations": document.observations,
    }
    if document.next_report_due_on:
        summary["next_report_due_on"] = document.next_report_due_on.isoformat()
    return summary


def followed_only(records, mechanism_ids: set[int], index: VocabularyIndex):
    """The records of the mechanisms followed; the others as SkippedRow (reason "mechanism")."""
    for record in records:
        if isinstance(record, ParsedRecommendation) and index.mechanism(record.mechanism) not in mechanism_ids:
            yield SkippedRow(record.location, reason="mechanism")
        else:
            yield record


def _check_country(state: State, country: str, options: ParseOptions, index: VocabularyIndex) -> None:
    """Refuse a UN document about another State (a UPR report of the neighbour, say)."""
    if not country or country_key(country) in {country_key(name) for name in options.country_names}:
        return
    about = index.country(country)
    own = Country.objects.filter(iso3=state.iso3).values_list("pk", flat=True).first()
    if about is not None and own is not None and about != own:
        raise ImportFormatError(
            _("The document is about %(country)s, not %(state)s: it belongs to another State's imports.")
            % {"country": country, "state": state.name}
        )


def _follow_up_record(state: State, job: ImportJob, result: ImportResult) -> None:
    """What the apps above do with a follow-up request (reporting: an obligation on the calendar)."""
    follow_ups = [follow_up.as_dict() for follow_up in result.follow_ups.values()]
    if not follow_ups:
        return
    for listener in extensions.FOLLOW_UP_LISTENERS:
        listener(state=state, job=job, follow_ups=follow_ups)


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
        "merged": job.merged,
        "skipped": job.skipped,
        "other_states": job.summary.get("other_states", []),
        "by_position": job.by_position,
        "errors": job.errors,
    }
    if job.summary.get("addendum"):
        addendum = job.summary["addendum"]
        outcome["positions_changed"] = [
            {key: change[key] for key in ("paragraph", "before", "after")} for change in addendum["changes"]
        ]
    if job.summary.get("follow_up"):
        outcome["follow_up"] = job.summary["follow_up"]
    if job.status == ImportJob.Status.FAILED:
        outcome["failure"] = job.failure
    return outcome


def parse_options_for(
    state: State, *, mapping: str | None = None, encoding: str | None = None, mechanism_ids: list[int] | None = None
) -> ParseOptions:
    """The State's spellings (for multi-State files), the chosen column mapping, the mechanisms
    followed (a scheduled UHRI fetch; None: all)."""
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
    return ParseOptions(
        country_names=names, mapping=column_mapping, encoding=encoding, mechanism_ids=list(mechanism_ids or [])
    )


def parse_options_for_job(state: State, job: ImportJob) -> ParseOptions:
    """The parse options a recorded job asked for (its mapping, encoding, mechanisms followed)."""
    return parse_options_for(
        state,
        mapping=job.options.get("mapping"),
        encoding=job.options.get("encoding"),
        mechanism_ids=job.options.get("mechanisms"),
    )

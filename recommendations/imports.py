"""Writing parsed recommendations into a State: match, create, update, count.

The parsers (recommendations.importers) turn a file into ``ParsedRecommendation`` items; this
service matches each to the State's existing recommendations by its import key, and creates,
updates or leaves it alone, in one transaction: the database holds the whole import or none of
it. A dry run does the same work and rolls it back, so its counts are exactly what the real
run would give.

Matching: the import key is ``uhri:<annotation id>`` where the source has one, else
``doc:<symbol>#<paragraph>``, else ``upr:<session>#<paragraph>``, else ``text:<digest>``. The
import digest of what the source said decides "unchanged": a re-import of the same file
changes nothing, and a manual edit made since survives it; a changed source text updates the
record (and its history shows the change).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import BinaryIO

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from recommendations.importers.records import ImportFormatError, ParsedRecommendation, RowError
from recommendations.importers.registry import ParseOptions, detect_format, iter_records
from recommendations.importers.tabular import FieldMapping
from recommendations.mappings import mapping_for, preset_names, saved_mapping_names
from recommendations.models import (
    Country,
    ImportJob,
    Mechanism,
    Recommendation,
    RecommendationAffectedGroup,
    RecommendationSdgTarget,
    RecommendationTheme,
    RecommendingCountry,
)
from recommendations.vocabularies import VocabularyIndex
from tenants.jobs import enqueue
from tenants.models import State
from tenants.scoping import state_context

MAX_ERRORS_KEPT = 100
# Source language codes to the model's translation fields (modeltranslation's suffixes).
LANGUAGE_FIELDS = {
    "en": "text_en",
    "fr": "text_fr",
    "es": "text_es",
    "ar": "text_ar",
    "ru": "text_ru",
    "zh": "text_zh_hans",
    "zh-hans": "text_zh_hans",
}
IMPORTED_FIELDS = [
    "external_id",
    "mechanism_id",
    "symbol",
    "paragraph",
    "annotation_type",
    *sorted(set(LANGUAGE_FIELDS.values())),
    "issued_on",
    "published_on_uhri",
    "upr_cycle",
    "upr_session",
    "position",
    "review_flags",
    "import_hash",
]
OTHER_MECHANISM = "OTHER"


@dataclass
class ImportResult:
    processed: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    by_position: Counter = field(default_factory=Counter)
    errors: list[dict] = field(default_factory=list)

    def reject(self, location: str, message: str, column: str | None = None) -> None:
        self.rejected += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append({"location": location, "column": column, "message": message})

    def as_dict(self) -> dict:
        return {
            "processed": self.processed,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "by_position": {position: self.by_position.get(position, 0) for position in POSITION_KEYS},
            "errors": self.errors,
        }


POSITION_KEYS = ("supported", "noted", "partially_supported", "pending")


class _DryRunRollback(Exception):
    pass


def import_key(record: ParsedRecommendation, text: str) -> str:
    if record.external_id:
        return f"uhri:{record.external_id.lower()}"
    if record.symbol and record.paragraph:
        return f"doc:{record.symbol}#{record.paragraph}"
    if record.upr_session and record.paragraph:
        return f"upr:{record.upr_session}#{record.paragraph}"
    return "text:" + hashlib.sha256(" ".join(text.lower().split()).encode()).hexdigest()[:32]


@dataclass
class _Prepared:
    """A parsed record turned into model values, with its vocabulary links."""

    key: str
    values: dict
    themes: list[int]
    groups: list[int]
    targets: list[int]
    countries: list[int]


class _Preparer:
    def __init__(self, index: VocabularyIndex) -> None:
        self.index = index
        self.other_mechanism_id: int | None = None

    def prepare(self, record: ParsedRecommendation) -> _Prepared:
        flags = list(record.flags)
        texts = {LANGUAGE_FIELDS[lang]: text for lang, text in record.texts.items() if lang in LANGUAGE_FIELDS and text}
        unsupported = [lang for lang in record.texts if lang not in LANGUAGE_FIELDS]
        flags += [
            _("text in an unsupported language kept out: %(language)s") % {"language": lang} for lang in unsupported
        ]
        mechanism_id = self.index.mechanism(record.mechanism) if record.mechanism else None
        if mechanism_id is None:
            flags.append(VocabularyIndex.unknown("mechanism", record.mechanism or ""))
            mechanism_id = self._other_mechanism()
        unknown: list[tuple[str, str]] = []
        themes = self._match("theme", record.themes, self.index.theme, flags, unknown)
        groups = self._match("affected group", record.affected_groups, self.index.affected_group, flags, unknown)
        targets = self._match("SDG target", record.sdg_targets, self.index.sdg_target, flags, unknown)
        countries = self._match("recommending State", record.recommending_countries, self.index.country, flags, unknown)
        values = {
            "external_id": record.external_id or "",
            "mechanism_id": mechanism_id,
            "symbol": record.symbol,
            "paragraph": record.paragraph,
            "annotation_type": record.annotation_type,
            **{name: texts.get(name) for name in set(LANGUAGE_FIELDS.values())},
            "issued_on": record.issued_on,
            "published_on_uhri": record.published_on_uhri,
            "upr_cycle": record.upr_cycle,
            "upr_session": record.upr_session,
            "position": record.position or "",
            "review_flags": flags,
        }
        # The digest of what the source said, in no particular interface language: review flags
        # are written in the language of whoever runs the import, so they stay out of it, and
        # what they are made of (unrecognised labels, other languages, the mechanism) goes in.
        digest_source = {
            **{name: value for name, value in values.items() if name != "review_flags"},
            "themes": themes,
            "groups": groups,
            "targets": targets,
            "countries": countries,
            "unknown": unknown,
            "unsupported": unsupported,
            "mechanism_label": record.mechanism,
            "source_flags": len(record.flags),
        }
        values["import_hash"] = hashlib.sha256(
            json.dumps(digest_source, sort_keys=True, default=str).encode()
        ).hexdigest()
        primary_text = next(iter(texts.values()), "")
        return _Prepared(import_key(record, primary_text), values, themes, groups, targets, countries)

    @staticmethod
    def _match(
        kind: str,
        labels: list[str],
        lookup: Callable[[str], int | None],
        flags: list[str],
        unknown: list[tuple[str, str]],
    ) -> list[int]:
        """The entries ``labels`` name; each unmatched label becomes a review flag (in ``flags``)."""
        found: list[int] = []
        for label in labels:
            pk = lookup(label)
            if pk is None:
                flags.append(VocabularyIndex.unknown(kind, label))
                unknown.append((kind, label))
            elif pk not in found:
                found.append(pk)
        return found

    def _other_mechanism(self) -> int:
        if self.other_mechanism_id is None:
            mechanism, _created = Mechanism.objects.get_or_create(
                code=OTHER_MECHANISM, defaults={"name": "Other or unrecognised mechanism", "kind": Mechanism.Kind.OTHER}
            )
            self.other_mechanism_id = mechanism.pk
        return self.other_mechanism_id


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def recommendations_import(
    *,
    state: State,
    records: Iterable[ParsedRecommendation | RowError],
    dry_run: bool = False,
    progress: Callable[[ImportResult], None] | None = None,
    batch_size: int = 1000,
) -> ImportResult:
    """Import ``records`` into ``state`` (call inside ``state_context(state)``).

    Side effects: creates and updates recommendations and their theme, group, SDG and
    recommending-State links, all in one transaction (rolled back when ``dry_run``).
    ``progress`` is called after each batch. The parsers' ImportFormatError propagates, and
    nothing is written then.
    """
    result = ImportResult()
    preparer = _Preparer(VocabularyIndex.build())
    existing = {
        key: (pk, digest)
        for key, pk, digest in Recommendation.objects.values_list("import_key", "id", "import_hash")
        if key
    }
    seen: dict[str, str] = {}
    try:
        with transaction.atomic():
            for batch in _batches(records, batch_size):
                _import_batch(state, batch, preparer, existing, seen, result)
                if progress:
                    progress(result)
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return result


def _import_batch(state, batch, preparer, existing, seen, result: ImportResult) -> None:
    now = timezone.now()
    to_create: list[tuple[Recommendation, _Prepared]] = []
    to_update: list[tuple[Recommendation, _Prepared]] = []
    for record in batch:
        result.processed += 1
        if isinstance(record, RowError):
            result.reject(record.location, record.message, record.column)
            continue
        if not any(record.texts.values()):
            result.reject(record.location, _("The recommendation has no text."))
            continue
        prepared = preparer.prepare(record)
        if prepared.key in seen:
            result.reject(
                record.location,
                _("The same recommendation appears again (first at %(place)s).") % {"place": seen[prepared.key]},
            )
            continue
        seen[prepared.key] = record.location
        if record.position in POSITION_KEYS:
            result.by_position[record.position] += 1
        match = existing.get(prepared.key)
        if match is None:
            to_create.append((Recommendation(state=state, import_key=prepared.key, **prepared.values), prepared))
        elif match[1] == prepared.values["import_hash"]:
            result.unchanged += 1
        else:
            updated = Recommendation(pk=match[0], state=state, updated_at=now, **prepared.values)
            to_update.append((updated, prepared))
    if to_create:
        created = Recommendation.objects.bulk_create([obj for obj, _ in to_create])
        for obj, prepared in zip(created, (p for _, p in to_create), strict=True):
            existing[prepared.key] = (obj.pk, prepared.values["import_hash"])
        result.created += len(created)
    if to_update:
        # "text" is modeltranslation's original column: kept in step with the translations.
        Recommendation.objects.bulk_update([obj for obj, _ in to_update], [*IMPORTED_FIELDS, "text", "updated_at"])
        ids = [obj.pk for obj, _ in to_update]
        for model in (RecommendationTheme, RecommendationAffectedGroup, RecommendationSdgTarget, RecommendingCountry):
            model.objects.filter(recommendation_id__in=ids).delete()
        for obj, prepared in to_update:
            existing[prepared.key] = (obj.pk, prepared.values["import_hash"])
        result.updated += len(to_update)
    _link(state, to_create + to_update)


# Link table, its vocabulary column, and which of a prepared record's lists fills it.
LINKS = (
    (RecommendationTheme, "theme_id", "themes"),
    (RecommendationAffectedGroup, "affected_group_id", "groups"),
    (RecommendationSdgTarget, "sdg_target_id", "targets"),
    (RecommendingCountry, "country_id", "countries"),
)


def _link(state, pairs: list[tuple[Recommendation, _Prepared]]) -> None:
    """Insert the batch's link rows: one statement per link table, from two arrays.

    Model instances would cost more than the rows themselves here (several links per
    recommendation); the statement still goes through row-level security and the history
    trigger like any other.
    """
    with connection.cursor() as cursor:
        for model, column, attribute in LINKS:
            recommendation_ids, other_ids = [], []
            for obj, prepared in pairs:
                for pk in getattr(prepared, attribute):
                    recommendation_ids.append(obj.pk)
                    other_ids.append(pk)
            if recommendation_ids:
                cursor.execute(
                    f"INSERT INTO {model._meta.db_table} (state_id, recommendation_id, {column})"
                    " SELECT %s, r, o FROM unnest(%s::bigint[], %s::bigint[]) AS u(r, o)",
                    [state.pk, recommendation_ids, other_ids],
                )


# --- Import jobs --------------------------------------------------------------------------------


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
    # Messages and review flags in the language of the person who asked for the import.
    with translation.override(job.options.get("language") or settings.LANGUAGE_CODE):
        return _job_run(state, job, fileobj, options)


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
        # A preset, or one of the State's saved mappings (recommendations.mappings).
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


def import_job_start(*, state: State, user, upload, format: str, options: dict, dry_run: bool = True) -> ImportJob:
    """Record an uploaded file as an import job and queue it (a preview, unless told otherwise).

    Side effects: stores the file through Django's storage, creates the job, queues
    ``import_job_task`` after the transaction commits.
    """
    from recommendations.tasks import import_job_task

    options = {**options, "language": translation.get_language() or settings.LANGUAGE_CODE}
    job = ImportJob(state=state, created_by=user, format=format, filename=upload.name, options=options, dry_run=dry_run)
    job.file.save(upload.name, upload, save=False)
    job.save()
    enqueue(import_job_task, state, job.pk)
    return job


def import_job_confirm(*, preview: ImportJob, user) -> ImportJob:
    """Import for real the file a finished preview read; returns the new job (queued)."""
    from recommendations.tasks import import_job_task

    if not preview.dry_run or preview.status != ImportJob.Status.SUCCEEDED:
        raise ValueError("Only a finished preview can be confirmed")
    if preview.format == "uhri-api":
        from recommendations.uhri_fetch import uhri_fetch_confirm

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
    enqueue(import_job_task, preview.state, job.pk)
    return job

"""Writing parsed recommendations into a State: match, create, update, count.

The parsers (imports.parsers) turn a file into ``ParsedRecommendation`` items; this
service matches each to the State's existing recommendations by its import key, and creates,
updates or leaves it alone, in one transaction: the database holds the whole import or none of
it. A dry run does the same work and rolls it back, so its counts are exactly what the real
run would give.

Matching: the import key is ``uhri:<annotation id>`` where the source has one, else
``doc:<symbol>#<paragraph>``, else ``upr:<session>#<paragraph>``, else
``text:<mechanism>:<review>:<digest>`` (the review is ``s<session>``, ``c<cycle>`` or ``-``: the
same text in a later cycle is another recommendation). A UPR record with a session and a
paragraph also matches under ``upr:<session>#<paragraph>``, so the Working Group's report and
the thematic list of the same review find each other's recommendations. The import digest of
what the source said decides "unchanged": a re-import of the same file changes nothing, and a
manual edit made since survives it; a changed source text updates the record (and its history
shows the change).

No recommending State is lost: a record with the key and the text of one already read in the
import (UPR Info repeats a recommendation once per recommending State) is merged into it, its
recommending States added, and counted as merged, not rejected. Rows of a multi-State file about
other States are counted (``skipped``), by State.
"""

from __future__ import annotations

import hashlib
import json
import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from imports.keys import text_key, upr_alias
from imports.parsers.records import ParsedRecommendation, RowError, SkippedRow
from recommendations.curation import recommendations_set_factor
from recommendations.models import LANGUAGE_FIELDS, Mechanism, Recommendation
from recommendations.priority import MARGINALISED_IDS_SQL, priority_refresh, score_sql
from recommendations.vocabularies import VocabularyIndex
from tenants.models import State

MAX_ERRORS_KEPT = 100
# Source language codes to the model's translation fields (modeltranslation's suffixes).
# The translation columns in modeltranslation's fallback order: the first filled one is also
# written to "text", the original column, as the model would.
TEXT_COLUMNS = ("text_en", "text_fr", "text_es", "text_ar", "text_ru", "text_zh_hans")
ARRAY_FIELDS = ("theme_ids", "affected_group_ids", "sdg_target_ids", "sdg_goal_ids", "recommending_country_ids")
IMPORTED_FIELDS = [
    "import_key",
    "external_id",
    "mechanism_id",
    "symbol",
    "paragraph",
    "annotation_type",
    "text",
    *TEXT_COLUMNS,
    "issued_on",
    "published_on_uhri",
    "upr_cycle",
    "upr_session",
    "position",
    "review_flags",
    "import_hash",
    *ARRAY_FIELDS,
]
OTHER_MECHANISM = "OTHER"


# How many States the outcome names among the rows it skipped (the most frequent first).
OTHER_STATES_KEPT = 10


@dataclass
class FollowUp:
    """Recommendations a treaty body asks news of (its follow-up procedure), by when."""

    mechanism: str
    mechanism_id: int
    symbol: str
    due_on: str  # ISO date
    request_paragraph: str
    paragraphs: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "mechanism": self.mechanism,
            "mechanism_id": self.mechanism_id,
            "symbol": self.symbol,
            "due_on": self.due_on,
            "request_paragraph": self.request_paragraph,
            "paragraphs": self.paragraphs,
        }


@dataclass
class ImportResult:
    processed: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    # Records merged into another with the same text in the same review (their States added).
    merged: int = 0
    # Rows about other States (multi-State files), and how many per State.
    skipped: int = 0
    skipped_states: Counter = field(default_factory=Counter)
    # Records of mechanisms the State does not follow (a scheduled UHRI fetch), left aside.
    not_followed: int = 0
    by_position: Counter = field(default_factory=Counter)
    errors: list[dict] = field(default_factory=list)
    follow_ups: dict[tuple, FollowUp] = field(default_factory=dict)

    def reject(self, location: str, message: str, column: str | None = None) -> None:
        self.rejected += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append({"location": location, "column": column, "message": message})

    def skip(self, row: SkippedRow) -> None:
        if row.reason == "mechanism":
            self.not_followed += 1
            return
        self.skipped += 1
        self.skipped_states[row.country or ""] += 1

    def as_dict(self) -> dict:
        return {
            "processed": self.processed,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "merged": self.merged,
            "skipped": self.skipped,
            "not_followed": self.not_followed,
            "other_states": [[name, count] for name, count in self.skipped_states.most_common(OTHER_STATES_KEPT)],
            "by_position": {position: self.by_position.get(position, 0) for position in POSITION_KEYS},
            "errors": self.errors,
            "follow_up": [follow_up.as_dict() for follow_up in self.follow_ups.values()],
        }


POSITION_KEYS = ("supported", "noted", "partially_supported", "pending")


class _DryRunRollback(Exception):
    pass


def import_key(record: ParsedRecommendation, text: str, *, mechanism: str) -> str:
    """How a later import recognises the record; ``mechanism`` is the code it was filed under."""
    if record.external_id:
        return f"uhri:{record.external_id.lower()}"
    if record.symbol and record.paragraph:
        return f"doc:{record.symbol}#{record.paragraph}"
    if record.upr_session and record.paragraph:
        return f"upr:{record.upr_session}#{record.paragraph}"
    return text_key(text, mechanism=mechanism, session=record.upr_session or record.session, cycle=record.upr_cycle)


DIGEST = IMPORTED_FIELDS.index("import_hash")


def _array(ids: list[int]) -> str:
    """A PostgreSQL array literal, as COPY reads it: ``{3,17}``."""
    return "{" + ",".join(map(str, ids)) + "}"


def _copy_row(row) -> list:
    """A prepared row (its id first) as COPY takes it: the vocabulary arrays as literals."""
    arrays = row[-len(ARRAY_FIELDS) :]
    return [*row[: -len(ARRAY_FIELDS)], *(None if ids is None else _array(ids) for ids in arrays)]


class _Preparer:
    """Turns parsed records into rows for the database (IMPORTED_FIELDS, as COPY takes them).

    Labels repeat across a file (the same two hundred themes and States thousands of times), so
    each label is matched against the vocabulary once per import, and its review flag written
    once.
    """

    def __init__(self, index: VocabularyIndex) -> None:
        self.index = index
        self.other_mechanism_id = self._other_mechanism()
        self.mechanism_codes = dict(Mechanism.objects.values_list("id", "code"))
        self.cache: dict[tuple[str, str | None], int | None] = {}
        self.flags: dict[tuple[str, str], str] = {}
        self.lookups = {
            "mechanism": index.mechanism,
            "theme": index.theme,
            "affected group": index.affected_group,
            "SDG target": index.sdg_target,
            "SDG goal": index.sdg_goal,
            "recommending State": index.country,
        }

    def lookup(self, kind: str, label: str | None) -> int | None:
        key = (kind, label)
        try:
            return self.cache[key]
        except KeyError:
            found = self.cache[key] = self.lookups[kind](label)
            return found

    def flag(self, kind: str, label: str) -> str:
        key = (kind, label)
        if key not in self.flags:
            self.flags[key] = VocabularyIndex.unknown(kind, label)
        return self.flags[key]

    def prepare(self, record: ParsedRecommendation) -> tuple[str, list]:
        """The record's import key and its row: IMPORTED_FIELDS in order, as COPY takes them."""
        flags = list(record.flags)
        texts = {LANGUAGE_FIELDS[lang]: text for lang, text in record.texts.items() if lang in LANGUAGE_FIELDS and text}
        unsupported = [lang for lang in record.texts if lang not in LANGUAGE_FIELDS]
        flags += [
            _("text in an unsupported language kept out: %(language)s") % {"language": lang} for lang in unsupported
        ]
        mechanism_id = self.lookup("mechanism", record.mechanism) if record.mechanism else None
        if mechanism_id is None:
            flags.append(self.flag("mechanism", record.mechanism or ""))
            mechanism_id = self.other_mechanism_id
        unknown: list[tuple[str, str]] = []
        links = (
            self._match("theme", record.themes, flags, unknown),
            self._match("affected group", record.affected_groups, flags, unknown),
            self._match("SDG target", record.sdg_targets, flags, unknown),
            self._match("SDG goal", record.sdg_goals, flags, unknown),
            self._match("recommending State", record.recommending_countries, flags, unknown),
        )
        text_values = tuple(texts.get(name) for name in TEXT_COLUMNS)
        primary_text = next((text for text in text_values if text), "")
        key = import_key(record, next(iter(texts.values()), ""), mechanism=self.mechanism_codes[mechanism_id])
        source = (
            record.external_id or "",
            mechanism_id,
            record.symbol,
            record.paragraph,
            record.annotation_type,
            text_values,
            record.issued_on,
            record.published_on_uhri,
            record.upr_cycle,
            record.upr_session,
            record.position or "",
        )
        # The digest of what the source said, in no particular interface language: review flags
        # are written in the language of whoever runs the import, so they stay out of it, and
        # what they are made of (unrecognised labels, other languages, the mechanism) goes in.
        digest = hashlib.sha256(
            repr((source, links, unknown, unsupported, record.mechanism, len(record.flags))).encode()
        ).hexdigest()
        row = [
            key,
            *source[:5],
            primary_text,
            *text_values,
            *source[6:],
            json.dumps(flags, ensure_ascii=False) if flags else "[]",
            digest,
            *links,
        ]
        return key, row

    def _match(self, kind: str, labels: list[str], flags: list[str], unknown: list[tuple[str, str]]) -> list[int]:
        """The entries ``labels`` name; each unmatched label becomes a review flag (in ``flags``)."""
        found: list[int] = []
        for label in labels:
            pk = self.lookup(kind, label)
            if pk is None:
                flags.append(self.flag(kind, label))
                unknown.append((kind, label))
            elif pk not in found:
                found.append(pk)
        return found

    @staticmethod
    def _other_mechanism() -> int:
        mechanism, _created = Mechanism.objects.get_or_create(
            code=OTHER_MECHANISM, defaults={"name": "Other or unrecognised mechanism", "kind": Mechanism.Kind.OTHER}
        )
        return mechanism.pk


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def recommendations_import(
    *,
    state: State,
    records: Iterable[ParsedRecommendation | RowError | SkippedRow],
    dry_run: bool = False,
    progress: Callable[[ImportResult], None] | None = None,
    batch_size: int = 2000,
    on_written: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Import ``records`` into ``state`` (call inside ``state_context(state)``).

    Side effects: creates and updates recommendations, in one transaction (rolled back when
    ``dry_run``); the recommendations a treaty body named in its follow-up request get the
    priority factor "urgent"; ``on_written`` is then called in the same transaction (not on a
    dry run), for what the import brings beyond recommendations (an obligation on the calendar).
    ``progress`` is called after each batch. The parsers' ImportFormatError propagates, and
    nothing is written then.

    The file is read and matched in this thread while a second thread writes the previous batch
    on the same connection and transaction (``_Writer``): PostgreSQL works while Python parses.
    """
    result = ImportResult()
    preparer = _Preparer(VocabularyIndex.build())
    existing: dict[str, tuple[int, str]] = {}
    aliases: dict[str, tuple[int, str]] = {}
    for key, external_id, pk, digest, session, paragraph in Recommendation.objects.values_list(
        "import_key", "external_id", "id", "import_hash", "upr_session", "paragraph"
    ):
        if key:
            existing[key] = (pk, digest)
        if external_id:
            # A recommendation entered by hand with its UHRI id is the one the UHRI record means.
            existing.setdefault(f"uhri:{external_id.lower()}", (pk, digest))
        if session and paragraph:
            aliases.setdefault(upr_alias(session, paragraph), (pk, digest))
    matcher = _Matcher(existing, aliases)
    try:
        with transaction.atomic():
            writer = _Writer(state)
            try:
                for batch in _batches(records, batch_size):
                    created, updated = _prepare_batch(batch, preparer, matcher, result)
                    writer.write(created, updated)
                    if progress:
                        progress(result)
            except BaseException:
                writer.close(quietly=True)
                raise
            writer.close()
            if matcher.late_merges:
                _merge_late(state, matcher.late_merges)
            if result.updated or matcher.late_merges:
                # An update may change what a confirmed group of related recommendations spans
                # (mechanisms, recommending States): its members' derived priority follows.
                priority_refresh(state_id=state.pk, recommendation_ids=_grouped_ids())
            if result.follow_ups:
                _flag_urgent(result)
            if dry_run:
                raise _DryRunRollback
            if on_written is not None:
                on_written(result)
    except _DryRunRollback:
        pass
    return result


def _grouped_ids() -> list[int]:
    return list(Recommendation.objects.filter(related_group__isnull=False).values_list("pk", flat=True))


def _flag_urgent(result: ImportResult) -> None:
    """The follow-up request's recommendations get the priority factor "urgent" (recommendations.priority)."""
    keys = [key for follow_up in result.follow_ups.values() for key in follow_up.keys]
    recommendations_set_factor(selection=Recommendation.objects.filter(import_key__in=keys), factor="urgent", on=True)


# Where a recommendation's texts are in a prepared row, and its recommending States.
TEXT_SLICE = slice(IMPORTED_FIELDS.index(TEXT_COLUMNS[0]), IMPORTED_FIELDS.index(TEXT_COLUMNS[-1]) + 1)
COUNTRIES = IMPORTED_FIELDS.index("recommending_country_ids")


@dataclass
class _Seen:
    """A record already read in this import, under its key."""

    location: str
    texts: tuple
    # What goes to the writer (its id, then its row) while it may still change (it is in the
    # batch being prepared); None once handed over, or when it is not written (unchanged).
    row: list | None
    # The recommendation it matched, if any (for a merge once its row has been written).
    pk: int | None


class _Matcher:
    """The State's recommendations by import key, and what this import has read so far."""

    def __init__(self, existing: dict[str, tuple[int, str]], aliases: dict[str, tuple[int, str]]) -> None:
        self.existing = existing
        self.aliases = aliases
        self.seen: dict[str, _Seen] = {}
        # Recommending States to add to a recommendation already written (or left unchanged):
        # key → (id or None, country ids).
        self.late_merges: dict[str, tuple[int | None, list[int]]] = {}

    def find(self, key: str, record: ParsedRecommendation) -> tuple[int, str] | None:
        match = self.existing.get(key)
        if match is None and record.upr_session and record.paragraph and not record.external_id:
            match = self.aliases.get(upr_alias(record.upr_session, record.paragraph))
        return match

    def merge(self, key: str, row: list, result: ImportResult, location: str) -> bool:
        """Merge ``row`` into the record read before under ``key`` if their texts are the same;
        False when they differ (the record is then rejected as a repeat)."""
        first = self.seen[key]
        if _normalised(row[TEXT_SLICE]) != first.texts:
            return False
        result.merged += 1
        # The first record's row as handed to the writer: its id, then the prepared row.
        added = [pk for pk in row[COUNTRIES] if first.row is None or pk not in first.row[1 + COUNTRIES]]
        if first.row is not None:
            first.row[1 + COUNTRIES].extend(added)
        elif added:
            pk, countries = self.late_merges.get(key, (first.pk, []))
            countries.extend(country for country in added if country not in countries)
            self.late_merges[key] = (pk, countries)
        return True

    def batch_done(self) -> None:
        """The batch goes to the writer: its rows may no longer change."""
        for seen in self.seen.values():
            seen.row = None


def _normalised(texts) -> tuple:
    return tuple(" ".join(text.split()).casefold() if text else "" for text in texts)


def _prepare_batch(batch, preparer, matcher: _Matcher, result: ImportResult) -> tuple[list[list], list[list]]:
    """Count and sort a batch's records: the rows to create, and those to update, each
    preceded by its id (None for a new one)."""
    to_create: list[list] = []
    to_update: list[list] = []
    for record in batch:
        if isinstance(record, SkippedRow):
            result.skip(record)
            continue
        result.processed += 1
        if isinstance(record, RowError):
            result.reject(record.location, record.message, record.column)
            continue
        if not any(record.texts.values()):
            result.reject(record.location, _("The recommendation has no text."))
            continue
        if problem := _out_of_bounds(record):
            result.reject(record.location, *problem)
            continue
        key, row = preparer.prepare(record)
        if key in matcher.seen:
            if not matcher.merge(key, row, result, record.location):
                result.reject(
                    record.location,
                    _("The same recommendation appears again (first at %(place)s).")
                    % {"place": matcher.seen[key].location},
                )
            continue
        if record.position in POSITION_KEYS:
            result.by_position[record.position] += 1
        if record.follow_up_due_on is not None:
            _note_follow_up(result, record, key, preparer)
        match = matcher.find(key, record)
        writes = None
        if match is None:
            writes = [None, *row]
            to_create.append(writes)
            result.created += 1
        elif match[1] == row[DIGEST]:
            result.unchanged += 1
        else:
            writes = [match[0], *row]
            to_update.append(writes)
            result.updated += 1
        matcher.seen[key] = _Seen(
            record.location, _normalised(row[TEXT_SLICE]), writes, match[0] if match is not None else None
        )
    matcher.batch_done()
    return to_create, to_update


def _note_follow_up(result: ImportResult, record: ParsedRecommendation, key: str, preparer: _Preparer) -> None:
    mechanism_id = preparer.lookup("mechanism", record.mechanism) or preparer.other_mechanism_id
    due_on = record.follow_up_due_on.isoformat() if record.follow_up_due_on else ""
    group = (mechanism_id, record.symbol, due_on, record.follow_up_paragraph)
    follow_up = result.follow_ups.get(group)
    if follow_up is None:
        follow_up = result.follow_ups[group] = FollowUp(
            mechanism=record.mechanism or "",
            mechanism_id=mechanism_id,
            symbol=record.symbol,
            due_on=due_on,
            request_paragraph=record.follow_up_paragraph,
        )
    follow_up.paragraphs.append(record.paragraph)
    follow_up.keys.append(key)


def _merge_late(state: State, merges: dict[str, tuple[int | None, list[int]]]) -> None:
    """Add recommending States to recommendations written in an earlier batch or left unchanged:
    one UPDATE, of those that lack one of them."""
    payload = json.dumps([{"key": key, "id": pk, "countries": ids} for key, (pk, ids) in merges.items() if ids])
    table = Recommendation._meta.db_table
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} r SET recommending_country_ids = r.recommending_country_ids"
            " || ARRAY(SELECT c FROM unnest(m.countries) AS c WHERE c <> ALL(r.recommending_country_ids)),"
            " updated_at = now()"
            " FROM jsonb_to_recordset(%s::jsonb) AS m(key text, id bigint, countries bigint[])"
            " WHERE r.state_id = %s AND (r.id = m.id OR (m.id IS NULL AND r.import_key = m.key))"
            " AND NOT r.recommending_country_ids @> m.countries",
            [payload, state.pk],
        )


# Values the database limits, checked before they get there: a malformed file gets a message
# naming the record and the field, not a failed import.
LIMITED_FIELDS = ("external_id", "symbol", "paragraph")
SMALL_NUMBERS = ("upr_cycle", "upr_session")
SMALL_NUMBER_MAX = 32767
MAX_LENGTHS = {name: Recommendation._meta.get_field(name).max_length for name in LIMITED_FIELDS}


def _out_of_bounds(record: ParsedRecommendation) -> tuple[str, str] | None:
    """The message and field name when a value does not fit its column, else None."""
    for name in LIMITED_FIELDS:
        value = getattr(record, name) or ""
        if len(value) > MAX_LENGTHS[name]:
            field = Recommendation._meta.get_field(name)
            message = _("The %(field)s is longer than %(limit)s characters: %(value)s") % {
                "field": field.verbose_name,
                "limit": field.max_length,
                "value": value[:60] + "…",
            }
            return message, name
    for name in SMALL_NUMBERS:
        value = getattr(record, name)
        if value is not None and not 0 <= value <= SMALL_NUMBER_MAX:
            message = _("The %(field)s is not a number between 0 and %(limit)s: %(value)s") % {
                "field": Recommendation._meta.get_field(name).verbose_name,
                "limit": SMALL_NUMBER_MAX,
                "value": value,
            }
            return message, name
    return None


STAGING_TABLE = "nrtd_import_rows"
# An import that writes this many recommendations refreshes the table's planner statistics.
ANALYZE_AFTER = 1000


class _Writer:
    """Writes prepared batches into the State's recommendations from a second thread.

    Both threads use the import's connection and transaction (row-level security, the history
    trigger and pghistory's context all apply as to any statement), never at the same time: the
    parsing thread only hands a batch over, after the previous one is written. A batch goes by
    COPY into a temporary staging table (COPY cannot write to a table under row-level
    security), then one INSERT ... SELECT creates the new recommendations and one UPDATE ...
    FROM changes the others: the history trigger records each statement's rows at once.
    """

    def __init__(self, state: State) -> None:
        self.state_id = state.pk
        self.connection = connections[DEFAULT_DB_ALIAS]  # this thread's, which the writer shares
        table = Recommendation._meta.db_table
        columns = ", ".join(IMPORTED_FIELDS)
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{STAGING_TABLE}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGING_TABLE} ON COMMIT DROP AS"
                f" SELECT id, {columns} FROM {table} WITH NO DATA"
            )
        self.copy_sql = f"COPY {STAGING_TABLE} (id, {columns}) FROM STDIN"
        # The derived priority factor of affected groups is written with the row, so a change
        # stays one history entry (recommendations.priority).
        marginalised = (
            f"CASE WHEN s.affected_group_ids && {MARGINALISED_IDS_SQL}"
            " THEN ARRAY['marginalised_groups'] ELSE ARRAY[]::text[] END::varchar(30)[]"
        )
        self.insert_sql = (
            f"INSERT INTO {table} (state_id, published, created_at, updated_at, priority_derived, priority_score,"
            f" {columns}) SELECT %s, false, %s, %s, {marginalised}, {score_sql(marginalised)}, {columns}"
            f" FROM {STAGING_TABLE} s WHERE id IS NULL"
        )
        assignments = ", ".join(f"{name} = s.{name}" for name in IMPORTED_FIELDS)
        derived = f"(array_remove(r.priority_derived, 'marginalised_groups') || {marginalised})"
        self.update_sql = (
            f"UPDATE {table} r SET {assignments}, updated_at = %s, priority_derived = {derived},"
            f" priority_score = {score_sql(f'r.priority_factors || {derived}')}"
            f" FROM {STAGING_TABLE} s WHERE s.id IS NOT NULL AND r.id = s.id"
        )
        # The writer uses the database driver's connection itself: Django's cursor wrappers
        # (pghistory's among them) keep per-thread state. pghistory's context is already set for
        # the transaction by the statements above, made through Django.
        self.raw = self.connection.connection
        self.batches: queue.Queue = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="nrtd-import-writer", daemon=True)
        self.thread.start()

    def write(self, created: list[tuple], updated: list[tuple]) -> None:
        """Hand a batch over (waits while the previous one is still being written)."""
        self._raise()
        if created or updated:
            self.batches.put((created, updated))

    def close(self, *, quietly: bool = False) -> None:
        """Wait for the last batch; raise what the writing thread met, if anything, unless
        ``quietly`` (another error is on its way up, and the transaction will be rolled back).
        """
        self.batches.put(None)
        self.thread.join()
        if quietly:
            return
        self._raise()
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{STAGING_TABLE}")

    def _raise(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def _run(self) -> None:
        while (batch := self.batches.get()) is not None:
            if self.error is None:
                try:
                    self._write(*batch, timezone.now())
                except BaseException as error:  # handed to the parsing thread, which raises it
                    self.error = error

    def _write(self, created: list[tuple], updated: list[tuple], now: datetime) -> None:
        # Django's error wrapper: the driver's errors reach the caller as django.db errors.
        with self.connection.wrap_database_errors, self.raw.cursor() as cursor:
            with cursor.copy(self.copy_sql) as copy:
                for row in created:
                    copy.write_row(_copy_row(row))
                for row in updated:
                    copy.write_row(_copy_row(row))
            if created:
                cursor.execute(self.insert_sql, [self.state_id, now, now])
            if updated:
                cursor.execute(self.update_sql, [now])
            cursor.execute(f"TRUNCATE {STAGING_TABLE}")

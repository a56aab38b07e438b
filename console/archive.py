"""A State's complete data as one portable archive, and its import into another installation.

``state_export`` writes a zip: ``manifest.json``, one JSON-lines file per State-owned table
(``tables/<table>.jsonl``, each line ``to_jsonb`` of a row), the State's history
(``history.jsonl``, with its pghistory contexts in ``contexts.jsonl``), the people it refers to
(``users.jsonl``: e-mail, name, language, active; never a password or a two-factor secret) and
every file a FileField of those rows names (``files/``). The tables are the ones row-level
security covers (``tenants.rls.state_owned_tables``), so a new State-owned model is included
without a change here; a new reference column nobody described below is refused at export.

References are written so that another installation can resolve them: global vocabularies by
natural key (``VOCABULARY_KEYS``), people by e-mail, State-owned rows by their old id (remapped
on import). The same encoding is applied to history entries' ``before`` and ``after``.

``state_import`` reads such an archive, checks it (zip safety, checksums, format, columns,
vocabularies) before writing anything, then in one transaction creates the State, the people
who are missing, every row with new ids (allocated from each table's sequence in the old ids'
order, so ordering by id is kept), the files (under new names in ``default_storage``) and the
history (row ids remapped). Inserting rows fires the history trigger: those "created" entries
are kept, under a pghistory context ``{"import": "state_import", "archive": ...}``, beside the
archive's own history.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import os
import posixpath
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import pghistory
from django.apps import apps
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

from console.models import PlatformAuditEntry
from console.services import _audit
from imports.parsers.records import ImportFormatError
from imports.parsers.safety import _check_members
from recommendations.models import (
    AffectedGroup,
    Cluster,
    Country,
    Entity,
    Mechanism,
    Recommendation,
    SdgGoal,
    SdgTarget,
    Theme,
)
from tenants.history import HISTORY_TABLE, STATE_TABLE
from tenants.models import State, User
from tenants.rls import state_owned_tables
from tenants.scoping import cross_state_access, current_connection

FORMAT = "nrtd-state-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# An archive holds a State's files as well as its rows: larger limits than an Office upload's.
MAX_UNCOMPRESSED_BYTES = 4 * 1024 * 1024 * 1024
MAX_MEMBERS = 200_000
CHUNK = 1000
# A State's settings an archive carries besides its name, languages, portal and two-factor rule.
ARCHIVED_SETTINGS = (
    "four_eyes_review",
    "reminder_days_before",
    "overdue_reminder_days",
    *(f"portal_introduction_{code.replace('-', '_')}" for code, _name in settings.LANGUAGES),
)


class ArchiveError(Exception):
    """The archive cannot be imported (or the State exported); the message says why. Nothing was written."""


def _vocabulary_keys() -> dict[type[models.Model], str]:
    return {
        Mechanism: "code",
        Theme: "name_en",
        AffectedGroup: "name_en",
        SdgGoal: "number",
        SdgTarget: "code",
        Country: "iso3",
    }


def _array_references() -> dict[tuple[str, str], type[models.Model]]:
    """Id-array columns (no foreign key in the database) and the model their ids point to."""
    recommendation = Recommendation._meta.db_table
    return {
        (recommendation, "theme_ids"): Theme,
        (recommendation, "affected_group_ids"): AffectedGroup,
        (recommendation, "sdg_target_ids"): SdgTarget,
        (recommendation, "sdg_goal_ids"): SdgGoal,
        (recommendation, "recommending_country_ids"): Country,
        (recommendation, "cluster_ids"): Cluster,
        (recommendation, "supporting_entity_ids"): Entity,
        ("recommendations_relatedsuggestion", "recommendation_ids"): Recommendation,
        ("followup_action", "recommendation_ids"): Recommendation,
        ("followup_action", "supporting_entity_ids"): Entity,
        ("followup_datacollectionround", "recommendation_ids"): Recommendation,
        ("followup_datacollectionround", "entity_ids"): Entity,
        ("reporting_reportingobligation", "entity_ids"): Entity,
        ("tenants_invitation", "entity_ids"): Entity,
        ("consultation_message", "entity_ids"): Entity,
        ("consultation_message", "recommendation_ids"): Recommendation,
        ("consultation_consultation", "recommendation_ids"): Recommendation,
        ("consultation_submission", "recommendation_ids"): Recommendation,
        ("imports_uhrischedule", "mechanism_ids"): Mechanism,
    }


@dataclass(frozen=True)
class Reference:
    column: str
    kind: str  # "vocabulary", "user", "owned"
    target: str  # the vocabulary's or owned model's table ("tenants_user" for people)
    array: bool = False


def _describe(tables: list[str]) -> tuple[dict[str, type[models.Model]], dict[str, list[Reference]], dict]:
    """Model, reference columns and file columns of every State-owned table (ArchiveError on
    a column the archive would not know how to carry to another installation)."""
    by_table = {model._meta.db_table: model for model in apps.get_models()}
    vocabularies = {model._meta.db_table: model for model in _vocabulary_keys()}
    arrays = _array_references()
    owned = set(tables)
    described: dict[str, type[models.Model]] = {}
    references: dict[str, list[Reference]] = {}
    files: dict[str, list[str]] = {}
    for table in tables:
        model = by_table.get(table)
        if model is None:
            raise ArchiveError(f"The table {table} has no model; the archive cannot describe it")
        described[table] = model
        refs = []
        for field in model._meta.concrete_fields:
            column = field.column
            if isinstance(field, models.ForeignKey):
                target = field.related_model._meta.db_table
                if target == State._meta.db_table:
                    continue
                if target == User._meta.db_table:
                    refs.append(Reference(column, "user", target))
                elif target in vocabularies:
                    refs.append(Reference(column, "vocabulary", target))
                elif target in owned:
                    refs.append(Reference(column, "owned", target))
                elif table == HISTORY_TABLE:
                    continue  # the pghistory context, carried by its id
                else:
                    raise ArchiveError(f"{table}.{column} points at {target}, which the archive does not carry")
            elif isinstance(field, ArrayField) and isinstance(field.base_field, models.BigIntegerField):
                target_model = arrays.get((table, column))
                if target_model is None:
                    raise ArchiveError(f"{table}.{column} is an id array the archive does not know how to map")
                target = target_model._meta.db_table
                kind = "vocabulary" if target in vocabularies else "owned"
                refs.append(Reference(column, kind, target, array=True))
            elif isinstance(field, models.FileField):
                files.setdefault(table, []).append(column)
        references[table] = refs
    return described, references, files


def _vocabulary_by_table() -> dict[str, tuple[type[models.Model], str]]:
    return {model._meta.db_table: (model, key) for model, key in _vocabulary_keys().items()}


def _json(value) -> dict:
    return value if isinstance(value, dict) else json.loads(value)


def _select_chunks(table: str, state_id: int, alias: str = "t") -> Iterator[list[dict]]:
    """Every row of ``table`` of the State as a dict, in id order, ``CHUNK`` rows at a time.

    One query through a server-side cursor (inside the export's transaction): rows stream from
    PostgreSQL as they are read, and the query is planned once (keyset pages re-scan the State's
    rows of an index that does not lead with the id, each page).
    """
    connection = current_connection()
    quote = connection.ops.quote_name
    with connection.chunked_cursor() as cursor:
        cursor.execute(
            f"SELECT to_jsonb({alias}) FROM {quote(table)} {alias} WHERE {alias}.state_id = %s ORDER BY {alias}.id",
            [state_id],
        )
        while rows := cursor.fetchmany(CHUNK):
            yield [_json(value) for (value,) in rows]


def _line(row: dict) -> bytes:
    return (json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n").encode()


class _Member:
    """A zip member written as a stream, with its SHA-256 kept as it goes."""

    def __init__(self, archive: zipfile.ZipFile, name: str, checksums: dict[str, str]):
        self.name, self.checksums = name, checksums
        self.out = archive.open(name, "w", force_zip64=True)
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.digest.update(data)
        self.out.write(data)

    def __enter__(self) -> _Member:
        return self

    def __exit__(self, *exc) -> None:
        self.out.close()
        self.checksums[self.name] = self.digest.hexdigest()


def _user_ids(cursor, state_id: int, tables: list[str], references: dict[str, list[Reference]]) -> set[int]:
    """The people the State's rows and history refer to, found by the database (not in memory)."""
    quote = current_connection().ops.quote_name
    found: set[int] = set()
    for table in tables:
        for ref in references[table]:
            if ref.kind == "user":
                cursor.execute(
                    f"SELECT DISTINCT {quote(ref.column)} FROM {quote(table)}"
                    f" WHERE state_id = %s AND {quote(ref.column)} IS NOT NULL",
                    [state_id],
                )
                found.update(value for (value,) in cursor.fetchall())
    # People named in history (a membership since removed, say) come too, when their account exists.
    cursor.execute(
        f"SELECT DISTINCT actor_id FROM {quote(HISTORY_TABLE)} WHERE state_id = %s AND actor_id IS NOT NULL",
        [state_id],
    )
    found.update(value for (value,) in cursor.fetchall())
    for table, refs in references.items():
        for ref in refs:
            if ref.kind != "user":
                continue
            for side in ("before", "after"):
                cursor.execute(
                    f"SELECT DISTINCT ({side} ->> %s)::bigint FROM {quote(HISTORY_TABLE)}"
                    f" WHERE state_id = %s AND table_name = %s AND jsonb_typeof({side} -> %s) = 'number'",
                    [ref.column, state_id, table, ref.column],
                )
                found.update(value for (value,) in cursor.fetchall())
    return found


def _encode(row: dict, refs: list[Reference], *, vocab_out, users_out, missing: list) -> dict:
    """Replace vocabulary ids by natural keys and people's ids by e-mails (only keys present)."""
    row = dict(row)
    for ref in refs:
        if ref.column not in row or row[ref.column] is None or ref.kind == "owned":
            continue
        lookup = vocab_out[ref.target] if ref.kind == "vocabulary" else users_out
        values = row[ref.column] if ref.array else [row[ref.column]]
        encoded = []
        for value in values:
            if value in lookup:
                encoded.append(lookup[value])
            else:
                missing.append((ref.target, value))
        row[ref.column] = encoded if ref.array else (encoded[0] if encoded else None)
    return row


def state_export(*, state: State, fileobj: BinaryIO, actor: User | None = None) -> dict:
    """Write ``state``'s complete data as a zip to ``fileobj``; return the manifest.

    Reads under ``cross_state_access()``, always filtered by the State's id, ``CHUNK`` rows a
    query, and writes each member as it reads it (the manifest, with the members' checksums,
    last): memory does not grow with the State. Side effect: a ``PlatformAuditEntry`` "export"
    with the row counts.
    """
    tables = [table for table in state_owned_tables() if table != HISTORY_TABLE]
    _, references, file_columns = _describe([*tables, HISTORY_TABLE])
    vocab_out: dict[str, dict] = {}
    for table, (model, key) in _vocabulary_by_table().items():
        vocab_out[table] = dict(model.objects.values_list("pk", key))
    counts: dict[str, int] = {}
    checksums: dict[str, str] = {}
    files: list[dict] = []
    missing_files: list[str] = []
    history_count = 0
    with (
        cross_state_access(),
        current_connection().cursor() as cursor,
        zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        state = State.objects.get(pk=state.pk)
        users = list(
            User.objects.filter(pk__in=_user_ids(cursor, state.pk, tables, references))
            .order_by("email")
            .values("id", "email", "name", "language", "is_active")
        )
        users_out = {user["id"]: user["email"] for user in users}
        for table in tables:
            missing: list = []
            stored: list[dict] = []
            counts[table] = 0
            with _Member(archive, f"tables/{table}.jsonl", checksums) as member:
                for chunk in _select_chunks(table, state.pk):
                    for row in chunk:
                        row.pop("state_id", None)
                        encoded = _encode(
                            row, references[table], vocab_out=vocab_out, users_out=users_out, missing=missing
                        )
                        member.write(_line(encoded))
                        stored.extend(
                            {"table": table, "id": row["id"], "column": column, "name": row[column]}
                            for column in file_columns.get(table, [])
                            if row.get(column)
                        )
                    counts[table] += len(chunk)
                    if missing:
                        raise ArchiveError(f"{table} refers to entries that do not exist: {missing[:5]}")
            for item in stored:
                member_name = f"files/{table}/{item['id']}/{item['column']}/{posixpath.basename(item['name'])}"
                try:
                    source = default_storage.open(item["name"], "rb")
                except (FileNotFoundError, OSError):
                    missing_files.append(item["name"])
                    continue
                with source, _Member(archive, member_name, checksums) as member:
                    while block := source.read(1024 * 1024):
                        member.write(block)
                files.append({**item, "member": member_name})
        context_ids: set[str] = set()
        with _Member(archive, "history.jsonl", checksums) as member:
            for chunk in _select_chunks(HISTORY_TABLE, state.pk, alias="h"):
                for entry in chunk:
                    entry.pop("state_id", None)
                    # Who made the change travels by e-mail, as every reference to a person.
                    entry["actor_id"] = users_out.get(entry.get("actor_id"))
                    refs = references.get(entry["table_name"], [])
                    for side in ("before", "after"):
                        if entry.get(side):
                            # A vocabulary entry or a person deleted since: left out of the old state shown.
                            entry[side] = _encode(
                                entry[side], refs, vocab_out=vocab_out, users_out=users_out, missing=[]
                            )
                    if entry.get("context_id"):
                        context_ids.add(entry["context_id"])
                    member.write(_line(entry))
                history_count += len(chunk)
        with _Member(archive, "contexts.jsonl", checksums) as member:
            ordered = sorted(context_ids)
            for start in range(0, len(ordered), CHUNK):
                cursor.execute(
                    "SELECT to_jsonb(c) FROM pghistory_context c WHERE id = ANY(%s::uuid[]) ORDER BY id",
                    [ordered[start : start + CHUNK]],
                )
                for (value,) in cursor.fetchall():
                    member.write(_line(_json(value)))
        with _Member(archive, "users.jsonl", checksums) as member:
            for user in users:
                member.write(_line({key: user[key] for key in ("email", "name", "language", "is_active")}))
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "state": {
                "name": state.name,
                "slug": state.slug,
                "iso3": state.iso3,
                "content_languages": state.content_languages,
                "default_language": state.default_language,
                "portal_enabled": state.portal_enabled,
                "require_two_factor": state.require_two_factor,
                "status": state.status,
                # The settings page's (tenants.state_settings); an older archive has none of them.
                "settings": {name: getattr(state, name) for name in ARCHIVED_SETTINGS},
            },
            "tables": counts,
            "history_entries": history_count,
            "users": len(users),
            "files": files,
            "missing_files": missing_files,
            "checksums": dict(sorted(checksums.items())),
        }
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True))
    _audit(
        state=state,
        actor=actor,
        action=PlatformAuditEntry.Action.EXPORT,
        rows=counts,
        history_entries=history_count,
        files=len(files),
    )
    return manifest


def _open_archive(fileobj: BinaryIO, *, max_uncompressed_bytes: int) -> tuple[zipfile.ZipFile, dict, set[str]]:
    """The archive opened (the caller closes it), its manifest, its members; every check made first.

    The members' checksums are verified reading each as a stream: nothing is held in memory.
    """
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise ArchiveError("The file is not a zip archive") from exc
    try:
        manifest, names = _check_archive(archive, max_uncompressed_bytes=max_uncompressed_bytes)
    except BaseException:
        archive.close()
        raise
    return archive, manifest, names


def _check_archive(archive: zipfile.ZipFile, *, max_uncompressed_bytes: int) -> tuple[dict, set[str]]:
    infos = archive.infolist()
    try:
        # The size, ratio, count, encryption and compression checks of the importers (the
        # members are JSON and stored files, never parsed as XML).
        _check_members(infos, max_uncompressed_bytes=max_uncompressed_bytes, max_ratio=100, max_members=MAX_MEMBERS)
    except ImportFormatError as exc:
        raise ArchiveError(str(exc)) from exc
    names = [info.filename for info in infos]
    for name in names:
        parts = name.split("/")
        if name.startswith("/") or "\\" in name or ".." in parts or len(names) != len(set(names)):
            raise ArchiveError(f"The archive holds an unsafe or repeated name: {name!r}")
    if MANIFEST not in names:
        raise ArchiveError("The archive has no manifest.json")
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ArchiveError(f"The archive is damaged: {exc}") from exc
    except ValueError as exc:
        raise ArchiveError("manifest.json is not valid JSON") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError("manifest.json does not describe a State archive")
    if manifest.get("version") != FORMAT_VERSION:
        raise ArchiveError(f"Archive format version {manifest.get('version')!r} is not supported ({FORMAT_VERSION} is)")
    members = set(names) - {MANIFEST}
    checksums = manifest.get("checksums")
    if not isinstance(checksums, dict) or set(checksums) != members:
        raise ArchiveError("The archive's members do not match its manifest")
    for name, digest in checksums.items():
        hasher = hashlib.sha256()
        try:
            with archive.open(name) as member:
                while block := member.read(1024 * 1024):
                    hasher.update(block)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ArchiveError(f"The archive is damaged: {exc}") from exc
        if hasher.hexdigest() != digest:
            raise ArchiveError(f"{name} does not match its checksum: the archive was altered or damaged")
    return manifest, members


def _lines(archive: zipfile.ZipFile, members: set[str], name: str) -> Iterator[dict]:
    """The JSON lines of a member, one at a time (none when the archive lacks it)."""
    if name not in members:
        return
    with archive.open(name) as raw:
        for line in io.TextIOWrapper(raw, encoding="utf-8"):
            if line.strip():
                yield json.loads(line)


def _chunks(rows: Iterable[dict], size: int = CHUNK) -> Iterator[list[dict]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _table_order(tables: list[str], references: dict[str, list[Reference]]) -> list[str]:
    """Tables in dependency order (a table after those its foreign keys point at)."""
    ordered: list[str] = []
    remaining = list(tables)
    while remaining:
        for table in remaining:
            needs = {r.target for r in references[table] if r.kind == "owned" and not r.array} - {table}
            if needs <= set(ordered) or not (needs & set(remaining)):
                ordered.append(table)
                remaining.remove(table)
                break
        else:  # a cycle: foreign keys are deferred, any order works
            ordered.extend(remaining)
            break
    return ordered


@cross_state_access()
def state_import(
    *,
    fileobj: BinaryIO,
    slug: str,
    name: str | None = None,
    iso3: str | None = None,
    actor: User | None = None,
    max_uncompressed_bytes: int = MAX_UNCOMPRESSED_BYTES,
) -> State:
    """Create a new State from an archive of ``state_export``, with nothing lost. One transaction,
    on the platform's connection (``cross_state_access``): the new State and its rows together.

    ``slug`` is required; ``name`` and ``iso3`` default to the archive's. An existing slug or ISO
    code is refused (give ``iso3`` to import a copy into the installation it came from).
    ArchiveError, with nothing written, for an unsafe, altered or unknown archive, a table or
    column this installation lacks, or a vocabulary entry it does not have.

    The archive is read as a stream, member by member and ``CHUNK`` rows at a time: checked
    first (checksums, columns, vocabularies), then written. What stays in memory is the map of
    old ids to new ones.
    """
    archive, manifest, members = _open_archive(fileobj, max_uncompressed_bytes=max_uncompressed_bytes)
    with archive:
        return _import(archive, manifest, members, slug=slug, name=name, iso3=iso3, actor=actor)


def _import(
    archive: zipfile.ZipFile,
    manifest: dict,
    members: set[str],
    *,
    slug: str,
    name: str | None,
    iso3: str | None,
    actor: User | None,
) -> State:
    source = manifest.get("state") or {}
    iso3 = (iso3 or source.get("iso3") or "").upper()
    if State.objects.filter(slug=slug).exists():
        raise ArchiveError(f"A State with the address {slug!r} exists already")
    if State.objects.filter(iso3=iso3).exists():
        raise ArchiveError(f"A State with the ISO code {iso3!r} exists already; choose another (--iso3)")

    tables = [table for table in state_owned_tables() if table != HISTORY_TABLE]
    _, references, file_columns = _describe([*tables, HISTORY_TABLE])
    archived_tables = list(manifest.get("tables") or {})
    unknown_tables = sorted(set(archived_tables) - set(tables))
    if unknown_tables:
        raise ArchiveError(f"This installation has no table {', '.join(unknown_tables)}")

    # Every vocabulary label must exist here; all unknown ones are named at once.
    vocab_in: dict[str, dict] = {}
    for table, (model, key) in _vocabulary_by_table().items():
        vocab_in[table] = {value: pk for pk, value in model.objects.values_list("pk", key)}
    unknown: set[str] = set()

    def check(row: dict, refs: list[Reference]) -> None:
        for ref in refs:
            if ref.kind != "vocabulary" or row.get(ref.column) is None:
                continue
            for value in row[ref.column] if ref.array else [row[ref.column]]:
                if value not in vocab_in[ref.target]:
                    unknown.add(f"{ref.target.split('_', 1)[1]} {value!r}")

    # First pass, nothing written: columns and vocabularies checked, and the old ids of every row
    # and every row history remembers collected (new ids are given in their order).
    connection = current_connection()
    quote = connection.ops.quote_name
    generated: dict[str, set[str]] = {}
    old_ids: dict[str, set[int]] = defaultdict(set)
    with connection.cursor() as cursor:
        for table in archived_tables:
            cursor.execute(
                "SELECT column_name, is_generated = 'ALWAYS' FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = %s",
                [table],
            )
            found = cursor.fetchall()
            columns = {column for column, _generated in found}
            # A generated column (a sort key) is PostgreSQL's to fill: it is never written.
            generated[table] = {column for column, is_generated in found if is_generated}
            extra: set[str] = set()
            for row in _lines(archive, members, f"tables/{table}.jsonl"):
                extra.update(set(row) - columns - generated[table])
                check(row, references[table])
                old_ids[table].add(row["id"])
            if extra:
                raise ArchiveError(f"{table} has no column {', '.join(sorted(extra))} here (an older installation?)")
    for entry in _lines(archive, members, "history.jsonl"):
        for side in ("before", "after"):
            if entry.get(side):
                check(entry[side], references.get(entry["table_name"], []))
        if entry["table_name"] in references and str(entry["row_id"]).isdigit():
            old_ids[entry["table_name"]].add(int(entry["row_id"]))
    if unknown:
        raise ArchiveError(f"Vocabulary entries unknown here: {', '.join(sorted(unknown))}; nothing was imported")

    state = State(
        name=name or source.get("name") or slug,
        slug=slug,
        iso3=iso3,
        content_languages=source.get("content_languages") or ["en"],
        default_language=source.get("default_language") or "en",
        portal_enabled=bool(source.get("portal_enabled")),
        require_two_factor=bool(source.get("require_two_factor")),
    )
    for setting, value in (source.get("settings") or {}).items():
        if setting in ARCHIVED_SETTINGS:
            setattr(state, setting, value)
    try:
        state.full_clean()
    except Exception as exc:
        raise ArchiveError(f"The new State is not valid: {exc}") from exc
    # Its creation reads, in its log, as the import of the archive it comes from.
    with pghistory.context(**{"import": "state_import", "archive": source.get("slug", "")}):
        state.save()

    # People: existing accounts (by e-mail) are reused as they are; new ones get no usable password.
    users_in: dict[str, int] = {}
    for person in _lines(archive, members, "users.jsonl"):
        email = person["email"]
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(
                email, password=None, name=person.get("name", ""), language=person.get("language", "")
            )
            if not person.get("is_active", True):
                user.is_active = False
                user.save(update_fields=["is_active"])
        users_in[email] = user.pk

    saved_files: list[str] = []
    rows_written: dict[str, int] = {}
    history_written = 0
    try:
        with (
            pghistory.context(**{"import": "state_import", "archive": source.get("slug", "")}),
            connection.cursor() as cursor,
        ):
            # New ids, in the old ids' order, for every row and every row history remembers.
            id_map: dict[str, dict[int, int]] = {}
            for table, ids in old_ids.items():
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(ids)]
                )
                id_map[table] = dict(zip(sorted(ids), (value for (value,) in cursor.fetchall()), strict=True))
            del old_ids

            def decode(row: dict, refs: list[Reference]) -> dict:
                row = dict(row)
                for ref in refs:
                    value = row.get(ref.column)
                    if value is None:
                        continue
                    if ref.kind == "vocabulary":
                        lookup = vocab_in[ref.target]
                    elif ref.kind == "user":
                        lookup = users_in
                    else:
                        lookup = id_map.get(ref.target, {})
                    if ref.array:
                        row[ref.column] = [lookup[item] for item in value if item in lookup]
                    else:
                        row[ref.column] = lookup.get(value)
                return row

            stored_names: dict[tuple[str, int, str], str] = {}
            for item in manifest.get("files") or []:
                if item["member"] not in members:
                    raise ArchiveError(f"The archive lacks the file {item['member']}")
                # A name of the importer's making, never the archive's (whose folders may belong to
                # another State here): imported/<new State>/<table>/<its base name>.
                base = os.path.basename(str(item["name"])) or "file"
                try:
                    with archive.open(item["member"]) as content:
                        new_name = default_storage.save(f"imported/{state.pk}/{item['table']}/{base}", File(content))
                except SuspiciousFileOperation as error:
                    raise ArchiveError(f"The archive names a file the storage refuses: {item['name']}") from error
                saved_files.append(new_name)
                stored_names[(item["table"], item["id"], item["column"])] = new_name

            def new_rows(table: str) -> Iterator[dict]:
                for row in _lines(archive, members, f"tables/{table}.jsonl"):
                    for column in generated[table]:
                        row.pop(column, None)
                    new_row = decode(row, references[table])
                    for column in file_columns.get(table, []):
                        # Only a file the archive brought; any other stored path would point at
                        # someone else's file on this installation.
                        new_row[column] = stored_names.get((table, row["id"], column), "")
                    if table == "recommendations_importjob" and isinstance(new_row.get("options"), dict):
                        # A UHRI fetch's working folder belongs to the installation it ran on.
                        new_row["options"] = {k: v for k, v in new_row["options"].items() if k != "folder"}
                    if table == "tenants_supportsession" and new_row.get("ended_at") is None:
                        # Nobody is in support mode in a State that has just arrived.
                        new_row["ended_at"] = new_row.get("started_at")
                    if table == "tenants_invitation":
                        # An invitation's link belongs to the installation that sent it (and its
                        # hash is unique): here it opens nothing until it is sent again.
                        new_row["token_hash"] = hashlib.sha256(os.urandom(32)).hexdigest()
                    new_row["id"] = id_map[table][row["id"]]
                    new_row["state_id"] = state.pk
                    yield new_row

            for table in _table_order(archived_tables, references):
                rows_written[table] = 0
                for chunk in _chunks(new_rows(table)):
                    columns = sorted({key for row in chunk for key in row})
                    names = ", ".join(quote(column) for column in columns)
                    cursor.execute(
                        f"INSERT INTO {quote(table)} ({names})"
                        f" SELECT {names} FROM jsonb_populate_recordset(NULL::{quote(table)}, %s::jsonb)",
                        [json.dumps(chunk)],
                    )
                    rows_written[table] += len(chunk)

            for chunk in _chunks(_lines(archive, members, "contexts.jsonl")):
                cursor.execute(
                    "INSERT INTO pghistory_context SELECT * FROM jsonb_populate_recordset(NULL::pghistory_context,"
                    " %s::jsonb) ON CONFLICT (id) DO NOTHING",
                    [json.dumps(chunk)],
                )

            def history_entries() -> Iterator[dict]:
                for entry in _lines(archive, members, "history.jsonl"):
                    table = entry["table_name"]
                    refs = references.get(table, [])
                    table_map = id_map.get(table, {})
                    entry.pop("id", None)
                    entry["state_id"] = state.pk
                    entry["actor_id"] = users_in.get(entry.get("actor_id"))
                    if table == STATE_TABLE:
                        # The State's own entries are the new State's.
                        entry["row_id"] = str(state.pk)
                    if str(entry["row_id"]).isdigit() and int(entry["row_id"]) in table_map:
                        entry["row_id"] = str(table_map[int(entry["row_id"])])
                    for side in ("before", "after"):
                        if entry.get(side):
                            value = decode(entry[side], refs)
                            if "id" in value and value["id"] in table_map:
                                value["id"] = table_map[value["id"]]
                            if table == STATE_TABLE and "id" in value:
                                value["id"] = state.pk
                            if "state_id" in value:
                                value["state_id"] = state.pk
                            entry[side] = value
                    yield entry

            columns = [
                "state_id",
                "table_name",
                "row_id",
                "operation",
                "changed_at",
                "context_id",
                "actor_id",
                "before",
                "after",
            ]
            names = ", ".join(columns)
            for chunk in _chunks(history_entries()):
                cursor.execute(
                    f"INSERT INTO {HISTORY_TABLE} ({names}) SELECT {names}"
                    f" FROM jsonb_populate_recordset(NULL::{HISTORY_TABLE}, %s::jsonb)",
                    [json.dumps(chunk)],
                )
                history_written += len(chunk)
            # Check every foreign key now, inside the import, not at commit.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    except BaseException:
        for stored in saved_files:
            default_storage.delete(stored)
        raise

    _audit(
        state=state,
        actor=actor,
        action=PlatformAuditEntry.Action.CREATE,
        imported_from={"name": source.get("name"), "slug": source.get("slug"), "iso3": source.get("iso3")},
        archive_created_at=manifest.get("created_at"),
        rows=rows_written,
        history_entries=history_written,
        files=len(saved_files),
    )
    return state


def archive_bytes(state: State, actor: User | None = None) -> bytes:
    """The archive of ``state`` in memory (for tests and small States)."""
    buffer = io.BytesIO()
    state_export(state=state, fileobj=buffer, actor=actor)
    return buffer.getvalue()

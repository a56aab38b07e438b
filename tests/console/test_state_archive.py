"""A State's complete data exported as one archive and imported as a new State, with nothing lost."""

from __future__ import annotations

import io
import json
import zipfile

import pghistory
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, models

from console.archive import ArchiveError, state_export, state_import
from console.models import PlatformAuditEntry
from imports.models import ImportJob
from recommendations.models import Cluster, Entity, Recommendation, RelatedGroup, SavedView
from tenants.history import HISTORY_TABLE
from tenants.models import HistoryEntry, Membership, State, User
from tenants.rls import state_owned_tables
from tenants.scoping import cross_state_access
from tests.factories import B_MARKER

pytestmark = pytest.mark.django_db

# Id arrays that point at the State's own rows (the vocabulary arrays keep their ids: same installation).
OWNED_ARRAYS = {
    ("recommendations_recommendation", "cluster_ids"): "recommendations_cluster",
    ("recommendations_recommendation", "supporting_entity_ids"): "recommendations_entity",
    ("recommendations_relatedsuggestion", "recommendation_ids"): "recommendations_recommendation",
    ("followup_action", "recommendation_ids"): "recommendations_recommendation",
    ("followup_action", "supporting_entity_ids"): "recommendations_entity",
    ("followup_datacollectionround", "recommendation_ids"): "recommendations_recommendation",
    ("followup_datacollectionround", "entity_ids"): "recommendations_entity",
    ("reporting_reportingobligation", "entity_ids"): "recommendations_entity",
    ("consultation_message", "entity_ids"): "recommendations_entity",
    ("consultation_message", "recommendation_ids"): "recommendations_recommendation",
    ("consultation_consultation", "recommendation_ids"): "recommendations_recommendation",
    ("consultation_submission", "recommendation_ids"): "recommendations_recommendation",
    ("tenants_invitation", "entity_ids"): "recommendations_entity",
}


@pytest.fixture
def media(media_root):
    # The session's own directory (tests/conftest.py), where the planted evidence files are too.
    return media_root


@pytest.fixture
def rich(planted, media):
    """The planted States and more of A: clusters in arrays, nested entities, a group, a view, a file, history."""
    a = planted.a
    with cross_state_access():
        state = a.state
        second = Cluster.objects.create(state=state, name="Education", position=2)
        child = Entity.objects.create(state=state, name="Schools inspectorate", parent=a.entity)
        group = RelatedGroup.objects.create(state=state, created_by=a.people["secretariat"])
        # Who made it travels by e-mail (actor_id, compared in the round trip).
        with pghistory.context(user=a.people["secretariat"].pk, user_name="Tester"):
            Recommendation.objects.filter(pk=a.published.pk).update(
                cluster_ids=[a.cluster.pk, second.pk], supporting_entity_ids=[child.pk], related_group=group
            )
            Recommendation.objects.filter(pk=a.unpublished.pk).update(related_group=group, text="Changed text")
        SavedView.objects.create(state=state, name="Mine", query="theme=1", owner=a.people["observer"])
        job = ImportJob.objects.get(pk=a.import_job.pk)
        job.file.save("sheet.csv", ContentFile(b"Recommendation,Response\nRatify,supported\n"), save=True)
        deleted = Entity.objects.create(state=state, name="Gone")
        deleted.delete()
    return planted


def export(state) -> bytes:
    buffer = io.BytesIO()
    state_export(state=state, fileobj=buffer)
    return buffer.getvalue()


def table_rows(table: str, state_id: int) -> list[dict]:
    with cross_state_access(), connection.cursor() as cursor:
        cursor.execute(f'SELECT to_jsonb(t) FROM "{table}" t WHERE state_id = %s ORDER BY id', [state_id])
        return [value if isinstance(value, dict) else json.loads(value) for (value,) in cursor.fetchall()]


def owned_foreign_keys(table: str, owned: set[str]) -> dict[str, str]:
    from django.apps import apps

    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    return {
        f.column: f.related_model._meta.db_table
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model._meta.db_table in owned
    }


def file_columns(table: str) -> list[str]:
    from django.apps import apps

    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    return [f.column for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def test_round_trip_keeps_every_row_file_person_and_history(rich):
    source = rich.a.state
    state_count, user_count = State.objects.count(), User.objects.count()
    copy = state_import(fileobj=io.BytesIO(export(source)), slug="alpha-copy", iso3="XAC")
    assert (copy.name, copy.slug, copy.iso3, copy.content_languages) == ("Alphaland", "alpha-copy", "XAC", ["en", "fr"])
    assert State.objects.count() == state_count + 1
    # Every person was here already: reused, nobody created, no password touched.
    assert User.objects.count() == user_count
    assert User.objects.get(email="admin@alpha.example.org").check_password("correct horse battery staple")

    tables = [t for t in state_owned_tables() if t != HISTORY_TABLE]
    owned = set(tables)
    originals = {t: table_rows(t, source.pk) for t in tables}
    copies = {t: table_rows(t, copy.pk) for t in tables}
    # New ids keep the old order, so rows pair up by position.
    id_map = {}
    for table in tables:
        assert len(copies[table]) == len(originals[table]), table
        id_map[table] = {o["id"]: c["id"] for o, c in zip(originals[table], copies[table], strict=True)}
    assert sum(len(rows) for rows in originals.values()) > 20

    def normalise(table: str, row: dict, mapping) -> dict:
        row = dict(row)
        row.pop("state_id")
        row["id"] = mapping(table, row["id"])
        for column, target in owned_foreign_keys(table, owned).items():
            if row[column] is not None:
                row[column] = mapping(target, row[column])
        for (array_table, column), target in OWNED_ARRAYS.items():
            if array_table == table:
                row[column] = [mapping(target, value) for value in row[column]]
        for column in file_columns(table):
            if row[column]:
                with default_storage.open(row[column], "rb") as stored:
                    row[column] = stored.read()
        if table == "tenants_invitation":
            # An invitation's link opens nothing in the copy (its hash is a new random one).
            assert len(row.pop("token_hash")) == 64
        return row

    for table in tables:
        expected = [normalise(table, row, lambda t, value: id_map[t][value]) for row in originals[table]]
        actual = [normalise(table, row, lambda t, value: value) for row in copies[table]]
        assert actual == expected, table
    # The file is a new one with the same bytes.
    with cross_state_access():
        job = ImportJob.objects.get(state=copy)
        assert job.file.name != ImportJob.objects.get(pk=rich.a.import_job.pk).file.name
        assert job.file.read() == b"Recommendation,Response\nRatify,supported\n"
        assert set(Membership.objects.filter(state=copy).values_list("user__email", "role")) == set(
            Membership.objects.filter(state=source).values_list("user__email", "role")
        )
        assert Entity.objects.get(state=copy, name="Schools inspectorate").parent.name == rich.a.entity.name

        # History: the archive's entries, row ids remapped, beside the import's own "created" entries.
        def history(state):
            entries = HistoryEntry.objects.filter(state=state).order_by("changed_at", "id")
            fields = (
                "table_name",
                "row_id",
                "operation",
                "changed_at",
                "context__metadata",
                "actor__email",
                "before",
                "after",
            )
            return [e for e in entries.values(*fields) if "import" not in (e["context__metadata"] or {})]

        original_history, copied_history = history(source), history(copy)
        assert len(original_history) == len(copied_history) > 10
        assert {"U", "D"} <= {h["operation"] for h in copied_history}
        deleted_ids = {}
        for old, new in zip(original_history, copied_history, strict=True):
            table = old["table_name"]
            mapped = id_map.get(table, {}).get(int(old["row_id"]))
            if mapped is None:  # a row deleted since: a fresh id of its own
                mapped = deleted_ids.setdefault((table, old["row_id"]), new["row_id"])
            assert new["row_id"] == str(mapped)
            for key in ("table_name", "operation", "changed_at", "context__metadata", "actor__email"):
                assert new[key] == old[key]
            for side in ("before", "after"):
                if old[side] is None:
                    assert new[side] is None
                    continue
                references = set(owned_foreign_keys(table, owned)) | {c for (t, c) in OWNED_ARRAYS if t == table}
                strip = {"id", "state_id"} | references | set(file_columns(table))
                assert {k: v for k, v in new[side].items() if k not in strip} == {
                    k: v for k, v in old[side].items() if k not in strip
                }
                if "id" in new[side]:
                    assert str(new[side]["id"]) == new["row_id"]
        assert ("recommendations_entity", "D") in {(h["table_name"], h["operation"]) for h in copied_history}
        assert "secretariat@alpha.example.org" in {h["actor__email"] for h in copied_history}
        imported = HistoryEntry.objects.filter(state=copy, context__metadata__import="state_import")
        # Every row it created, and the State itself (its own row's history, tenants 0009).
        assert imported.filter(operation="I").count() == 1 + sum(
            len(rows) for t, rows in copies.items() if t != "recommendations_importjob"
        )
        assert imported.filter(operation="I", table_name="tenants_state").count() == 1
    actions = list(PlatformAuditEntry.objects.values_list("action", "state_ref"))
    assert ("export", source.pk) in actions and ("create", copy.pk) in actions
    assert PlatformAuditEntry.objects.get(state_ref=copy.pk).details["imported_from"]["slug"] == "alpha"


def test_the_archive_holds_nothing_of_another_state_and_no_secret(rich):
    data = export(rich.a.state)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        text = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8", "replace")
        users = [json.loads(line) for line in archive.read("users.jsonl").decode().splitlines()]
    assert B_MARKER not in text and "beta.example.org" not in text
    assert "pbkdf2" not in text and "password" not in text
    assert {u["email"] for u in users} >= {"admin@alpha.example.org", "observer@alpha.example.org"}
    assert set(users[0]) == {"email", "name", "language", "is_active"}


def test_new_people_are_created_without_a_usable_password(rich):
    data = export(rich.a.state)
    with cross_state_access():
        Membership.objects.filter(user__email="observer@alpha.example.org").delete()
        SavedView.objects.filter(owner__email="observer@alpha.example.org").delete()
    User.objects.filter(email="observer@alpha.example.org").delete()
    copy = state_import(fileobj=io.BytesIO(data), slug="alpha-copy", iso3="XAC")
    person = User.objects.get(email="observer@alpha.example.org")
    assert not person.has_usable_password()
    with cross_state_access():
        assert Membership.objects.get(state=copy, user=person).role == "observer"


def rewrite(data: bytes, name: str, change, *, fix_checksum: bool = True) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    members = {n: source.read(n) for n in source.namelist()}
    members[name] = change(members[name])
    if fix_checksum and name != "manifest.json":
        import hashlib

        manifest = json.loads(members["manifest.json"])
        manifest["checksums"][name] = hashlib.sha256(members[name]).hexdigest()
        members["manifest.json"] = json.dumps(manifest).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return out.getvalue()


def unknown_theme(content: bytes) -> bytes:
    rows = [json.loads(line) for line in content.decode().splitlines()]
    rows[0]["theme_ids"] = ["Underwater basket weaving"]
    return "".join(json.dumps(row) + "\n" for row in rows).encode()


def zip_bomb(data: bytes) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("files/bomb.bin", b"\0" * (20 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda d: b"not a zip", "not a zip"),
        (lambda d: rewrite(d, "manifest.json", lambda c: b"{broken"), "not valid JSON"),
        (lambda d: rewrite(d, "manifest.json", lambda c: c.replace(b'"version": 1', b'"version": 9')), "version"),
        (
            lambda d: rewrite(d, "tables/recommendations_entity.jsonl", lambda c: c + b"\n", fix_checksum=False),
            "checksum",
        ),
        (
            lambda d: rewrite(d, "tables/recommendations_recommendation.jsonl", unknown_theme),
            "theme 'Underwater basket weaving'",
        ),
        (zip_bomb, "ZIP bomb"),
    ],
    ids=["not-zip", "bad-manifest", "version", "tampered", "unknown-vocabulary", "zip-bomb"],
)
def test_an_unsafe_or_altered_archive_is_refused_with_nothing_written(rich, tamper, message):
    data = tamper(export(rich.a.state))
    counts = (State.objects.count(), User.objects.count(), PlatformAuditEntry.objects.count())
    with cross_state_access():
        history = HistoryEntry.objects.count()
    with pytest.raises(ArchiveError, match=message):
        state_import(fileobj=io.BytesIO(data), slug="alpha-copy", iso3="XAC")
    assert (State.objects.count(), User.objects.count(), PlatformAuditEntry.objects.count()) == counts
    with cross_state_access():
        assert HistoryEntry.objects.count() == history


def test_an_existing_address_or_iso_code_is_refused(rich):
    data = export(rich.a.state)
    with pytest.raises(ArchiveError, match="address 'beta' exists"):
        state_import(fileobj=io.BytesIO(data), slug="beta", iso3="XAC")
    with pytest.raises(ArchiveError, match="ISO code 'XAA' exists"):
        state_import(fileobj=io.BytesIO(data), slug="alpha-copy")


def test_the_commands(rich, tmp_path):
    path = tmp_path / "alpha.zip"
    call_command("export_state", "alpha", str(path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="--iso3"):
        call_command("import_state", str(path), "--slug", "alpha-copy", stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_state", str(path), "--slug", "alpha-copy", "--iso3", "xac", "--name", "Copy", stdout=out)
    assert "Copy imported as alpha-copy (XAC)" in out.getvalue()
    with cross_state_access():
        copy = State.objects.get(slug="alpha-copy")
        assert Recommendation.objects.filter(state=copy).count() == 2
    with pytest.raises(CommandError, match="No State"):
        call_command("export_state", "nowhere", str(path))


def test_imported_files_are_named_by_the_importer_and_paths_it_did_not_bring_are_cleared(planted):
    import io

    from console.archive import state_export, state_import
    from imports.models import ImportJob
    from tenants.scoping import cross_state_access, state_context

    with state_context(planted.a.state):
        # A stored path the archive does not carry (the file is not there): it must not survive.
        ImportJob.objects.filter(pk=planted.a.import_job.pk).update(file="imports/someone-elses.xlsx")
    archive = io.BytesIO()
    state_export(state=planted.a.state, fileobj=archive)
    archive.seek(0)
    copy = state_import(fileobj=archive, slug="alpha-copy", iso3="XAC")
    with cross_state_access():
        files = list(ImportJob.objects.filter(state=copy).values_list("file", flat=True))
    assert files == [""]

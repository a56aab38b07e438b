"""The platform console: every State with its figures; suspending and resuming one, with an audit record."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from console.models import PlatformAuditEntry
from tenants.models import State
from tenants.scoping import cross_state_access

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def test_the_console_lists_every_state_with_aggregates_in_constant_queries(
    client, planted, django_assert_max_num_queries
):
    sign_in(client, planted.platform_admin)
    response = client.get(reverse("platform:home"))
    rows = {state.slug: figures for state, figures in response.context["rows"]}
    assert {slug: (f["recommendations"], f["members"], f["entities"]) for slug, f in rows.items()} == {
        "alpha": (2, 5, 2),
        "beta": (2, 5, 2),
    }
    assert all(f["last_change"] is not None for f in rows.values())
    # No row of a State's data on the console: only its figures.
    assert "Ratify the Convention" not in response.content.decode()


def test_suspend_and_resume_with_a_reason_and_an_audit_record(client, planted):
    state = planted.a.state
    status_url = reverse("platform:state-status", kwargs={"pk": state.pk})
    sign_in(client, planted.platform_admin)
    response = client.post(status_url, {"action": "suspend", "reason": ""}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Say why the State is suspended."]
    client.post(status_url, {"action": "suspend", "reason": "Contract under review"})
    state.refresh_from_db()
    assert state.status == State.Status.SUSPENDED

    # Its people cannot enter it (they are told so, docs/people.md); its portal answers 404; its
    # data is untouched.
    sign_in(client, planted.a.people["admin"])
    workspace = reverse("workspace:home", kwargs={"state_slug": state.slug})
    assert client.get(workspace).status_code == 403
    assert client.get(reverse("portal:home", kwargs={"state_slug": state.slug})).status_code == 404
    with cross_state_access():
        from recommendations.models import Recommendation

        assert Recommendation.objects.filter(state=state).count() == 2

    sign_in(client, planted.platform_admin)
    client.post(status_url, {"action": "resume", "reason": ""})
    state.refresh_from_db()
    assert state.status == State.Status.ACTIVE
    sign_in(client, planted.a.people["admin"])
    assert client.get(workspace).status_code == 200

    entries = list(PlatformAuditEntry.objects.filter(state_ref=state.pk).values_list("action", "actor_email", "reason"))
    assert entries == [
        ("resume", "platform@example.org", ""),
        ("suspend", "platform@example.org", "Contract under review"),
    ]
    sign_in(client, planted.platform_admin)
    detail = client.get(reverse("platform:state-detail", kwargs={"pk": state.pk}))
    assert [e.action for e in detail.context["audit"]] == ["resume", "suspend"]


def test_resuming_an_active_state_changes_nothing(client, planted):
    sign_in(client, planted.platform_admin)
    response = client.post(
        reverse("platform:state-status", kwargs={"pk": planted.a.state.pk}), {"action": "resume"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["Alphaland is active; nothing was changed."]
    assert PlatformAuditEntry.objects.filter(action="resume").count() == 0


def test_the_same_as_commands(planted):
    with pytest.raises(CommandError, match="--reason"):
        call_command("suspend_state", "alpha")
    call_command("suspend_state", "alpha", "--reason", "Asked by the State")
    assert State.objects.get(slug="alpha").status == State.Status.SUSPENDED
    with pytest.raises(CommandError, match="not active"):
        call_command("suspend_state", "alpha", "--reason", "again")
    call_command("resume_state", "alpha")
    assert State.objects.get(slug="alpha").status == State.Status.ACTIVE
    with pytest.raises(CommandError, match="No State"):
        call_command("resume_state", "nowhere")
    assert list(PlatformAuditEntry.objects.values_list("action", "actor_email", "reason")) == [
        ("resume", "", ""),
        ("suspend", "", "Asked by the State"),
    ]


def state_rows(state_id: int) -> dict[str, int]:
    """Rows of one State in every State-owned table, history included (read past both walls)."""
    from django.db import connection

    from tenants.rls import state_owned_tables

    counts = {}
    with cross_state_access(), connection.cursor() as cursor:
        for table in state_owned_tables():
            cursor.execute(f'SELECT count(*) FROM "{table}" WHERE state_id = %s', [state_id])
            counts[table] = cursor.fetchone()[0]
    return counts


def test_archive_then_delete_with_the_slug_typed_exactly(client, planted):
    from recommendations.models import Entity, Recommendation
    from tenants.models import Membership

    state, other = planted.a.state, planted.b.state
    before_other = state_rows(other.pk)
    assert state_rows(state.pk)["nrtd_history"] > 0
    detail_url = reverse("platform:state-detail", kwargs={"pk": state.pk})
    delete_url = reverse("platform:state-delete", kwargs={"pk": state.pk})
    sign_in(client, planted.platform_admin)

    # Only an archived State can be deleted, even with the right slug.
    response = client.post(delete_url, {"confirm_slug": "alpha"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Only an archived State can be deleted; archive Alphaland first."
    ]
    assert State.objects.filter(pk=state.pk).exists()

    archive_url = reverse("platform:state-archive", kwargs={"pk": state.pk})
    response = client.post(archive_url, {"reason": ""}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Say why the State is archived."]
    client.post(archive_url, {"reason": "The State left the programme"})
    state.refresh_from_db()
    assert state.status == State.Status.ARCHIVED
    # Archived is closed as suspended is.
    sign_in(client, planted.a.people["admin"])
    assert client.get(reverse("workspace:home", kwargs={"state_slug": "alpha"})).status_code == 403
    assert client.get(reverse("portal:home", kwargs={"state_slug": "alpha"})).status_code == 404

    sign_in(client, planted.platform_admin)
    page = client.get(detail_url).content.decode()
    assert 'name="confirm_slug"' in page
    for typed in ("Alpha", "alpha ", "beta", ""):
        response = client.post(delete_url, {"confirm_slug": typed}, follow=True)
        assert response.status_code == 200
        assert State.objects.filter(pk=state.pk).exists(), typed
    assert [str(m) for m in response.context["messages"]] == ["Type the State's short name to confirm the deletion."]

    response = client.post(delete_url, {"confirm_slug": "alpha", "reason": "Contract ended"}, follow=True)
    assert response.redirect_chain == [(reverse("platform:home"), 302)]
    assert not State.objects.filter(pk=state.pk).exists()
    assert set(state_rows(state.pk).values()) == {0}
    with cross_state_access():
        assert Recommendation.objects.filter(state_id=state.pk).count() == 0
        assert Membership.objects.filter(state_id=state.pk).count() == 0
        assert Entity.objects.filter(state_id=state.pk).count() == 0
    # The other State is untouched; people's accounts stay.
    assert state_rows(other.pk) == before_other
    planted.a.people["admin"].refresh_from_db()

    entry = PlatformAuditEntry.objects.get(action="delete")
    assert (entry.state_ref, entry.state_name, entry.actor_email, entry.reason) == (
        state.pk,
        "Alphaland",
        "platform@example.org",
        "Contract ended",
    )
    assert entry.details["slug"] == "alpha" and entry.details["iso3"] == "XAA"
    assert entry.details["rows"]["recommendations_recommendation"] == 2
    assert entry.details["rows"]["tenants_membership"] == 5
    assert entry.details["history_rows"] > 0
    assert list(PlatformAuditEntry.objects.filter(state_ref=state.pk).values_list("action", flat=True)) == [
        "delete",
        "archive",
    ]


def test_an_archived_state_can_be_resumed(client, planted):
    state = planted.a.state
    sign_in(client, planted.platform_admin)
    response = client.post(
        reverse("platform:state-archive", kwargs={"pk": state.pk}), {"reason": "Paused"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["Alphaland is archived: its people cannot enter it."]
    response = client.post(reverse("platform:state-archive", kwargs={"pk": state.pk}), {"reason": "Again"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Alphaland is archived; nothing was changed."]
    client.post(reverse("platform:state-status", kwargs={"pk": state.pk}), {"action": "resume"})
    state.refresh_from_db()
    assert state.status == State.Status.ACTIVE
    sign_in(client, planted.a.people["admin"])
    assert client.get(reverse("workspace:home", kwargs={"state_slug": "alpha"})).status_code == 200


def test_the_purge_function_keeps_the_history_of_a_state_that_exists(planted):
    from django.db import connection, transaction
    from django.db.utils import DatabaseError

    from tenants.scoping import current_connection

    # As the platform (the console deleting a State): refused while the State exists.
    with (
        pytest.raises(DatabaseError, match="still exists"),
        cross_state_access(),
        current_connection().cursor() as cursor,
    ):
        cursor.execute("SELECT nrtd_purge_state_history(%s)", [planted.a.state.pk])
    # As the application, outside the State: refused before anything else (tests/tenants/test_wall.py).
    refused = pytest.raises(DatabaseError, match="not this transaction's State")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT nrtd_purge_state_history(%s)", [planted.a.state.pk])


def test_archive_and_delete_as_commands(planted):
    state_id = planted.a.state.pk
    with pytest.raises(CommandError, match="--reason"):
        call_command("archive_state", "alpha")
    with pytest.raises(CommandError, match="not archived"):
        call_command("delete_state", "alpha", "--confirm", "alpha")
    call_command("archive_state", "alpha", "--reason", "Asked by the State")
    assert State.objects.get(slug="alpha").status == State.Status.ARCHIVED
    with pytest.raises(CommandError, match="already"):
        call_command("archive_state", "alpha", "--reason", "again")
    with pytest.raises(CommandError, match="--confirm"):
        call_command("delete_state", "alpha")
    with pytest.raises(CommandError, match="--confirm"):
        call_command("delete_state", "alpha", "--confirm", "beta")
    assert State.objects.filter(slug="alpha").exists()
    call_command("delete_state", "alpha", "--confirm", "alpha")
    assert not State.objects.filter(slug="alpha").exists()
    assert set(state_rows(state_id).values()) == {0}
    assert State.objects.filter(slug="beta").exists()
    with pytest.raises(CommandError, match="No State"):
        call_command("delete_state", "alpha", "--confirm", "alpha")
    assert list(PlatformAuditEntry.objects.values_list("action", "actor_email")) == [
        ("delete", ""),
        ("archive", ""),
    ]


def test_the_console_downloads_a_states_archive(client, planted):
    import io
    import json
    import zipfile

    sign_in(client, planted.platform_admin)
    response = client.post(reverse("platform:state-export", kwargs={"pk": planted.a.state.pk}))
    assert response["Content-Disposition"] == 'attachment; filename="alpha-export.zip"'
    assert response.streaming  # sent from a temporary file, not built in memory
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        everything = b"".join(archive.read(name) for name in archive.namelist())
    assert manifest["state"]["slug"] == "alpha"
    assert b"BETA-ONLY" not in everything
    assert PlatformAuditEntry.objects.filter(action="export", state_ref=planted.a.state.pk).count() == 1


def test_deleting_a_state_removes_its_stored_files_after_commit(planted, django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from console.services import state_archive, state_delete
    from imports.models import ImportJob
    from tenants.scoping import state_context

    kept = default_storage.save("imports/test/beta-file.json", ContentFile(b"{}"))
    going = default_storage.save("imports/test/alpha-file.json", ContentFile(b"{}"))
    with state_context(planted.a.state):
        ImportJob.objects.filter(pk=planted.a.import_job.pk).update(file=going)
    with state_context(planted.b.state):
        ImportJob.objects.filter(pk=planted.b.import_job.pk).update(file=kept)
    try:
        state_archive(state=planted.a.state, actor=planted.platform_admin, reason="Leaving")
        with django_capture_on_commit_callbacks(execute=True):
            state_delete(state=planted.a.state, actor=planted.platform_admin, confirm_slug="alpha")
        assert (default_storage.exists(going), default_storage.exists(kept)) == (False, True)
    finally:
        for name in (going, kept):
            if default_storage.exists(name):
                default_storage.delete(name)

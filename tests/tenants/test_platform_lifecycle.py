"""The platform console: every State with its figures; suspending and resuming one, with an audit record."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tenants.models import PlatformAuditEntry, State
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
        "alpha": (2, 4, 2),
        "beta": (2, 4, 2),
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

    # Its people cannot enter it; its portal answers 404; its data is untouched.
    sign_in(client, planted.a.people["admin"])
    workspace = reverse("workspace:home", kwargs={"state_slug": state.slug})
    assert client.get(workspace).status_code == 404
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

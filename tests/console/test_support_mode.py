"""Support mode: a platform administrator reads a State's workspace as an observer, for a while,
with a reason; the State's administrators see who, when, why and which pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from console.models import PlatformAuditEntry
from console.services import StateStatusError, state_suspend, support_start
from tenants.models import SupportAccess, SupportSession
from tenants.scoping import cross_state_access, state_context

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def ws(name, state="alpha", **kwargs):
    return reverse(f"workspace:{name}", kwargs={"state_slug": state, **kwargs})


def enter(client, planted, reason="The secretariat cannot see its import"):
    return client.post(reverse("platform:support-start", kwargs={"pk": planted.a.state.pk}), {"reason": reason})


def test_without_a_session_the_platform_admin_is_a_stranger(client, planted):
    sign_in(client, planted.platform_admin)
    assert client.get(ws("home")).status_code == 404
    assert client.get(ws("recommendation-list")).status_code == 404


def test_a_reason_is_required(client, planted):
    sign_in(client, planted.platform_admin)
    response = client.post(
        reverse("platform:support-start", kwargs={"pk": planted.a.state.pk}), {"reason": "  "}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["Say why you need to enter the State."]
    with cross_state_access():
        assert not SupportSession.objects.filter(user=planted.platform_admin).exists()
    assert client.get(ws("home")).status_code == 404


def test_support_mode_reads_as_an_observer_and_never_curates(client, planted):
    sign_in(client, planted.platform_admin)
    response = enter(client, planted)
    assert response.status_code == 302 and response["Location"] == ws("home")

    home = client.get(ws("home"))
    assert home.status_code == 200
    assert "Support mode: Alphaland (read-only)" in home.content.decode()
    for name, kwargs in (
        ("recommendation-list", {}),
        ("recommendation-detail", {"pk": planted.a.published.pk}),
        ("entity-list", {}),
        ("cluster-list", {}),
    ):
        assert client.get(ws(name, **kwargs)).status_code == 200, name
    for name, kwargs in (
        ("recommendation-create", {}),
        ("recommendation-edit", {"pk": planted.a.published.pk}),
        ("recommendation-curate", {"pk": planted.a.published.pk}),
        ("import-list", {}),
        ("member-list", {}),
        ("security", {}),
        ("support-log", {}),
    ):
        assert client.get(ws(name, **kwargs)).status_code == 403, name
    # Read-only: even what an observer may post is refused.
    assert client.post(ws("saved-view-create"), {"name": "Mine", "query": ""}).status_code == 403
    # Another State stays closed; the API stays members-only.
    assert client.get(ws("home", state="beta")).status_code == 404
    api = reverse("api:state-api:recommendation-list", kwargs={"state_slug": "alpha"})
    assert client.get(api).status_code == 404

    with state_context(planted.a.state):
        paths = list(SupportAccess.objects.filter(session__user=planted.platform_admin).values_list("method", "path"))
    assert ("GET", ws("home")) in paths
    assert ("GET", ws("recommendation-list")) in paths
    assert all(method == "GET" for method, _ in paths)


def test_entry_and_exit_are_logged_and_shown_to_the_states_administrators_only(client, planted):
    sign_in(client, planted.platform_admin)
    enter(client, planted)
    client.get(ws("entity-list"))
    response = client.post(reverse("platform:support-end", kwargs={"pk": planted.a.state.pk}), follow=True)
    assert [str(m) for m in response.context["messages"]][-1] == "You left support mode in Alphaland."
    assert client.get(ws("home")).status_code == 404

    entries = list(
        PlatformAuditEntry.objects.filter(action="support").values_list("state_ref", "actor_email", "reason", "details")
    )
    assert [(ref, email, reason, details["event"]) for ref, email, reason, details in entries] == [
        (planted.a.state.pk, "platform@example.org", "", "leave"),
        (planted.a.state.pk, "platform@example.org", "The secretariat cannot see its import", "enter"),
    ]
    assert entries[0][3]["pages"] == 1

    sign_in(client, planted.a.people["admin"])
    log = client.get(ws("support-log"))
    assert log.status_code == 200
    # (The planted data has a past session of a former colleague's in each State.)
    session, planted_session = log.context["sessions"]
    assert planted_session.user_email == "former-support@example.org"
    assert (session.user_email, session.reason) == ("platform@example.org", "The secretariat cannot see its import")
    assert session.ended_at is not None
    assert [a.path for a in session.accesses.all()] == [ws("entity-list")]
    assert len(log.context["audit"]) == 2
    assert "The secretariat cannot see its import" in log.content.decode()

    sign_in(client, planted.b.people["admin"])
    log = client.get(ws("support-log", state="beta"))
    assert [s.user_email for s in log.context["sessions"]] == ["former-support@example.org"]
    assert list(log.context["audit"]) == []
    assert client.get(ws("support-log")).status_code == 404
    sign_in(client, planted.a.people["secretariat"])
    assert client.get(ws("support-log")).status_code == 403


def test_a_session_expires(client, planted, settings):
    sign_in(client, planted.platform_admin)
    enter(client, planted)
    assert client.get(ws("home")).status_code == 200
    with state_context(planted.a.state):
        SupportSession.objects.filter(user=planted.platform_admin).update(
            started_at=timezone.now() - settings.SUPPORT_SESSION_LENGTH - timedelta(seconds=1)
        )
    assert client.get(ws("home")).status_code == 404
    # Leaving after it expired records nothing more.
    client.post(reverse("platform:support-end", kwargs={"pk": planted.a.state.pk}))
    assert PlatformAuditEntry.objects.filter(action="support").count() == 1
    sign_in(client, planted.a.people["admin"])
    [session] = [s for s in client.get(ws("support-log")).context["sessions"] if s.user_email == "platform@example.org"]
    assert session.finished_at == session.expires_at


def test_the_pages_logged_are_bounded(client, planted, settings):
    settings.SUPPORT_ACCESS_LIMIT = 2
    sign_in(client, planted.platform_admin)
    enter(client, planted)
    for _ in range(4):
        assert client.get(ws("home")).status_code == 200
    with state_context(planted.a.state):
        assert SupportAccess.objects.filter(session__user=planted.platform_admin).count() == 2


def test_only_platform_admins_and_only_active_states(planted):
    with pytest.raises(PermissionError):
        support_start(state=planted.a.state, actor=planted.a.people["admin"], reason="curious")
    state_suspend(state=planted.a.state, actor=None, reason="paused")
    with pytest.raises(StateStatusError):
        support_start(state=planted.a.state, actor=planted.platform_admin, reason="help")


def test_a_second_entry_ends_the_first(planted):
    first = support_start(state=planted.a.state, actor=planted.platform_admin, reason="one")
    second = support_start(state=planted.a.state, actor=planted.platform_admin, reason="two")
    with state_context(planted.a.state):
        first.refresh_from_db()
        second.refresh_from_db()
    assert first.ended_at is not None and second.ended_at is None


def test_the_platform_page_offers_to_enter_and_to_leave(client, planted):
    sign_in(client, planted.platform_admin)
    detail = reverse("platform:state-detail", kwargs={"pk": planted.a.state.pk})
    assert "Enter support mode" in client.get(detail).content.decode()
    enter(client, planted)
    page = client.get(detail)
    assert page.context["support_session"] is not None
    assert "Leave support mode" in page.content.decode()

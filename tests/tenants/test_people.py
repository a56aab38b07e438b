"""The people of a State: invitations in every role, role changes, deactivation, the last
administrator (docs/people.md). The browser's version of the flow: tests/browser/test_people.py."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from followup import notify
from recommendations.models import FocalPoint
from tenants.models import HistoryEntry, Invitation, Membership, Role, User
from tenants.people import LastAdministrator, membership_deactivate, membership_role_change
from tenants.scoping import state_context
from tests.factories import PASSWORD
from tests.two_factor_helpers import give_two_factor

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long and new passphrase 42"


def url(name, state, **kwargs):
    return reverse(f"workspace:{name}", kwargs={"state_slug": state.slug, **kwargs})


def shown(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def invite(client, state, capture, **data):
    values = {"email": "", "name": "", "role": "secretariat", "kind": "technical", "language": "", **data}
    with capture(execute=True):
        return client.post(url("member-invite", state), values, follow=True)


def link_of(message) -> str:
    [link] = re.findall(r"https?://[^/\s]+(/[a-z0-9-]+/invitation/[^/\s]+/)", message.body)
    return link


def membership_of(state, user) -> Membership:
    with state_context(state):
        return Membership.objects.get(user=user)


def test_an_administrator_invites_a_secretariat_officer_who_joins_and_lands_in_the_workspace(
    client, planted, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://nrtd.example.org"
    state = planted.a.state
    client.force_login(planted.a.people["admin"])
    response = invite(client, state, django_capture_on_commit_callbacks, email="Officer@Example.org", name="Ana Pérez")
    assert response.redirect_chain == [(url("member-list", state), 302)]
    with state_context(state):
        invitation = Invitation.objects.get(email="officer@example.org")
    expires = invitation.expires_at
    assert expires - invitation.sent_at == timedelta(days=14)
    assert shown(response) == [
        "An invitation was sent to officer@example.org as Secretariat officer; its link works until "
        f"{date_format(timezone.localtime(expires), 'DATE_FORMAT')}."
    ]
    page = response.content.decode()
    assert "Invited, not joined yet" in page and "officer@example.org" in page

    [message] = mail.outbox
    assert (message.to, message.subject) == (
        ["officer@example.org"],
        "admin of Alphaland invites you to Alphaland as Secretariat officer",
    )
    link = link_of(message)
    assert f"https://nrtd.example.org{link}" in message.body
    assert message.body.splitlines()[:3] == [
        "Hello Ana Pérez,",
        "",
        "admin of Alphaland invites you to work on Alphaland in the National Recommendations Tracking Database, "
        "as Secretariat officer.",
    ]

    client.logout()
    form = client.get(link)
    assert (form.status_code, form.context["form"]["name"].value()) == (200, "Ana Pérez")
    # A password the validators refuse: the form again, nothing created.
    refused = client.post(link, {"name": "Ana Pérez", "new_password1": "short", "new_password2": "short"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["new_password2"][0] == (
        "This password is too short. It must contain at least 12 characters."
    )
    assert not User.objects.filter(email="officer@example.org").exists()

    joined = client.post(link, {"name": "Ana Pérez", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert joined["Location"] == "/alpha/workspace/"
    home = client.get("/alpha/workspace/")
    assert shown(home) == ["Welcome to Alphaland. You are Secretariat officer."]
    user = User.objects.get(email="officer@example.org")
    assert (user.name, user.language, user.has_usable_password()) == ("Ana Pérez", "en", True)
    membership = membership_of(state, user)
    assert (membership.role, membership.is_active) == (Role.SECRETARIAT, True)
    with state_context(state):
        invitation.refresh_from_db()
        assert (invitation.accepted_by, invitation.accepted_at is not None) == (user, True)
        # The State's log: the invitation by the administrator, its acceptance and the membership
        # by the newcomer.
        entries = HistoryEntry.objects.filter(
            Q(table_name="tenants_invitation", row_id=str(invitation.pk))
            | Q(table_name="tenants_membership", row_id=str(membership.pk))
        ).order_by("id")
        assert [(e.table_name, e.operation, e.actor_id) for e in entries] == [
            ("tenants_invitation", "I", planted.a.people["admin"].pk),
            ("tenants_invitation", "U", user.pk),
            ("tenants_membership", "I", user.pk),
        ]


def test_an_invitation_is_single_use(client, planted, django_capture_on_commit_callbacks):
    client.force_login(planted.a.people["admin"])
    invite(client, planted.a.state, django_capture_on_commit_callbacks, email="once@example.org", role="observer")
    link = link_of(mail.outbox[0])
    client.logout()
    client.post(link, {"name": "Once", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    client.logout()
    again = client.get(link)
    assert again.status_code == 410
    assert again.context["refusal"] == (
        "This invitation has been used already. Sign in with your e-mail address and password."
    )
    reposted = client.post(link, {"name": "Someone else", "new_password1": "x" * 20, "new_password2": "x" * 20})
    assert reposted.status_code == 410
    user = User.objects.get(email="once@example.org")
    assert (user.name, user.check_password(NEW_PASSWORD)) == ("Once", True)


def test_an_expired_invitation_is_refused_and_can_be_sent_again(client, planted, django_capture_on_commit_callbacks):
    state = planted.a.state
    with state_context(state):
        Invitation.objects.filter(pk=planted.a.invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    link = reverse("invitation:accept", kwargs={"state_slug": "alpha", "token": planted.a.invitation_token})
    expired = client.get(link)
    assert (expired.status_code, expired.context["refusal"]) == (
        410,
        "This invitation has expired. Ask the person who invited you to send it again.",
    )
    posted = client.post(link, {"name": "Late", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert posted.status_code == 410
    assert not User.objects.filter(email="invited@alpha.example.org").exists()

    # The administrator sees it expired, and sends it again: a new link; the old one opens nothing.
    client.force_login(planted.a.people["admin"])
    page = client.get(url("member-list", state)).content.decode()
    assert "expired" in page
    with django_capture_on_commit_callbacks(execute=True):
        resent = client.post(
            url("invitation-change", state, pk=planted.a.invitation.pk), {"action": "resend"}, follow=True
        )
    assert shown(resent) == [
        "The invitation was sent again to invited@alpha.example.org, with a new link; the earlier one no longer works."
    ]
    client.logout()
    assert client.get(link).status_code == 404
    new_link = link_of(mail.outbox[0])
    assert client.get(new_link).status_code == 200
    # The focal point's entity is named in it, and bound when they join.
    assert "You will report for: Ministry of Justice of Alphaland." in mail.outbox[0].body
    client.post(new_link, {"name": "Invited", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    user = User.objects.get(email="invited@alpha.example.org")
    with state_context(state):
        assert list(FocalPoint.objects.filter(membership__user=user).values_list("entity", "kind")) == [
            (planted.a.entity.pk, "technical")
        ]


def test_a_cancelled_invitation_opens_nothing(client, planted):
    state = planted.a.state
    client.force_login(planted.a.people["admin"])
    response = client.post(
        url("invitation-change", state, pk=planted.a.invitation.pk), {"action": "cancel"}, follow=True
    )
    assert shown(response) == ["The invitation of invited@alpha.example.org is cancelled; its link no longer works."]
    assert "Invited, not joined yet" not in response.content.decode()
    client.logout()
    link = reverse("invitation:accept", kwargs={"state_slug": "alpha", "token": planted.a.invitation_token})
    refused = client.get(link)
    assert (refused.status_code, refused.context["refusal"]) == (
        410,
        "This invitation was cancelled. Ask the person who invited you if you should have access.",
    )


def test_another_states_invitation_and_member_are_404(client, planted):
    client.force_login(planted.a.people["admin"])
    b = planted.b
    assert (
        client.post(url("invitation-change", planted.a.state, pk=b.invitation.pk), {"action": "cancel"}).status_code
        == 404
    )
    assert (
        client.post(
            url("member-change", planted.a.state, pk=b.observer_membership.pk), {"action": "deactivate"}
        ).status_code
        == 404
    )
    # B's token under A's address, and A's under B's: nothing.
    assert (
        client.get(
            reverse("invitation:accept", kwargs={"state_slug": "alpha", "token": b.invitation_token})
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("invitation:accept", kwargs={"state_slug": "beta", "token": planted.a.invitation_token})
        ).status_code
        == 404
    )
    with state_context(b.state):
        assert Invitation.objects.get(pk=b.invitation.pk).cancelled_at is None
        assert Membership.objects.get(pk=b.observer_membership.pk).is_active


def test_a_signed_in_stranger_is_told_the_invitation_is_for_someone_else(client, planted):
    client.force_login(planted.a.people["observer"])
    link = reverse("invitation:accept", kwargs={"state_slug": "alpha", "token": planted.a.invitation_token})
    page = client.get(link)
    assert (page.status_code, page.context["wrong_person"]) == (200, True)
    assert client.post(link).context["wrong_person"] is True
    with state_context(planted.a.state):
        assert Invitation.objects.get(pk=planted.a.invitation.pk).accepted_at is None


def test_a_member_cannot_be_invited_again_and_the_form_says_why(client, planted, django_capture_on_commit_callbacks):
    client.force_login(planted.a.people["admin"])
    response = invite(
        client, planted.a.state, django_capture_on_commit_callbacks, email="OBSERVER@alpha.example.org", role="admin"
    )
    assert response.status_code == 200
    assert response.context["invite_form"].errors == {
        "email": [
            "observer@alpha.example.org is already a member of Alphaland: change their role on the people page instead."
        ]
    }
    # A focal point needs an entity.
    response = invite(
        client, planted.a.state, django_capture_on_commit_callbacks, email="fp@example.org", role="focal_point"
    )
    assert response.context["invite_form"].errors == {
        "entities": ["Choose the entities this focal point will answer for."]
    }
    assert mail.outbox == []


def test_joining_a_state_that_requires_two_factor_leads_to_its_set_up(
    client, planted, django_capture_on_commit_callbacks
):
    state = planted.a.state
    state.require_two_factor = True
    with state_context(state):
        state.save(update_fields=["require_two_factor"])
    client.force_login(planted.a.people["admin"], verified=True)
    invite(client, state, django_capture_on_commit_callbacks, email="second.admin@example.org", role="admin")
    link = link_of(mail.outbox[0])
    client.logout()
    joined = client.post(link, {"name": "Second", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert joined["Location"] == "/accounts/two-factor/set-up/?next=%2Falpha%2Fworkspace%2F"
    # An observer is not asked.
    client.force_login(planted.a.people["admin"], verified=True)
    invite(client, state, django_capture_on_commit_callbacks, email="watcher@example.org", role="observer")
    link = link_of(mail.outbox[-1])
    client.logout()
    joined = client.post(link, {"name": "W", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert joined["Location"] == "/alpha/workspace/"


def test_a_role_change_takes_effect_at_once_and_is_told_in_the_persons_language(
    client, planted, django_capture_on_commit_callbacks
):
    state = planted.a.state
    officer = planted.a.people["secretariat"]
    officer.language = "fr"
    officer.save(update_fields=["language"])
    membership = membership_of(state, officer)
    client.force_login(planted.a.people["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("member-change", state, pk=membership.pk), {"action": "role", "role": "observer"}, follow=True
        )
    assert shown(response) == ["secretariat of Alphaland is now Observer."]
    assert membership_of(state, officer).role == Role.OBSERVER
    [message] = mail.outbox
    assert (message.to, message.subject) == ([officer.email], "Votre rôle dans Alphaland est maintenant Observateur")
    assert message.body.splitlines()[:3] == [
        "Bonjour secretariat of Alphaland,",
        "",
        "admin of Alphaland a changé votre rôle dans Alphaland : Agent du secrétariat, désormais Observateur.",
    ]
    # They can no longer edit.
    client.force_login(officer)
    assert client.get(url("recommendation-create", state)).status_code == 403
    assert client.get(url("recommendation-list", state)).status_code == 200


def test_a_deactivated_person_loses_access_at_the_next_request_and_keeps_their_history(
    client, planted, django_capture_on_commit_callbacks
):
    state = planted.a.state
    officer = planted.a.people["secretariat"]
    client.force_login(officer)
    assert client.get("/alpha/workspace/").status_code == 200
    with state_context(state):
        written = set(HistoryEntry.objects.filter(actor=officer).values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        membership_deactivate(membership=membership_of(state, officer), by=planted.a.people["admin"])
    # The next request: the page that says so, naming the State's administrators.
    closed = client.get("/alpha/workspace/recommendations/")
    assert closed.status_code == 403
    assert closed.context["deactivated"] is True
    assert [person.email for person in closed.context["administrators"]] == ["admin@alpha.example.org"]
    assert client.get(reverse("api:state-api:recommendation-list", kwargs={"state_slug": "alpha"})).status_code == 404
    # Their own list of workspaces leaves it out; the secretariat's notifications too.
    assert [m.state.slug for m in client.get("/").context["memberships"]] == []
    with state_context(state):
        assert officer not in list(notify.curators(state))
        assert written <= set(HistoryEntry.objects.filter(actor=officer).values_list("pk", flat=True))
    assert mail.outbox[0].subject == "Your access to Alphaland has ended"
    # Another State's stranger still learns nothing.
    client.force_login(planted.outsider)
    assert client.get("/alpha/workspace/").status_code == 404

    # Reactivated: in again, in the role they had.
    client.force_login(planted.a.people["admin"])
    client.post(url("member-change", state, pk=membership_of(state, officer).pk), {"action": "reactivate"})
    client.force_login(officer)
    assert client.get("/alpha/workspace/").status_code == 200
    assert membership_of(state, officer).role == Role.SECRETARIAT


def test_the_last_active_administrator_can_be_neither_demoted_nor_deactivated(client, planted):
    state = planted.a.state
    admin = planted.a.people["admin"]
    membership = membership_of(state, admin)
    client.force_login(admin)
    page = client.get(url("member-list", state))
    [row] = [row for row in page.context["members"] if row.membership.user == admin]
    assert row.last_administrator is True
    for data in ({"action": "role", "role": "secretariat"}, {"action": "deactivate"}):
        response = client.post(url("member-change", state, pk=membership.pk), data, follow=True)
        assert shown(response) == [
            "admin of Alphaland is the last active administrator of Alphaland: make someone else an "
            "administrator first."
        ]
    assert (membership_of(state, admin).role, membership_of(state, admin).is_active) == (Role.STATE_ADMIN, True)
    # With a second administrator, the first may step down; then the second is the last.
    second = membership_of(state, planted.a.people["secretariat"])
    membership_role_change(membership=second, role=Role.STATE_ADMIN, by=admin)
    membership_role_change(membership=membership, role=Role.OBSERVER, by=admin)
    with pytest.raises(LastAdministrator):
        membership_deactivate(membership=second, by=admin)


def test_the_secretariat_reads_the_people_page_and_changes_nothing(client, planted):
    client.force_login(planted.a.people["secretariat"])
    page = client.get(url("member-list", planted.a.state))
    assert (page.status_code, page.context["can_manage"], page.context["invite_form"]) == (200, False, None)
    assert sorted(row.membership.user.email for row in page.context["members"]) == [
        "admin@alpha.example.org",
        "focal_point@alpha.example.org",
        "nhri@alpha.example.org",
        "observer@alpha.example.org",
        "secretariat@alpha.example.org",
    ]
    [focal] = [row for row in page.context["members"] if row.membership.role == Role.FOCAL_POINT]
    assert focal.entities == ["Ministry of Justice of Alphaland"]
    assert (
        client.post(
            url("member-change", planted.a.state, pk=planted.a.observer_membership.pk), {"action": "deactivate"}
        ).status_code
        == 403
    )


def test_last_sign_in_is_shown(client, planted):
    admin = planted.a.people["admin"]
    client.post(reverse("accounts:login"), {"username": admin.email, "password": PASSWORD})
    page = client.get(url("member-list", planted.a.state))
    [row] = [row for row in page.context["members"] if row.membership.user == admin]
    assert row.membership.user.last_login is not None
    [never] = [row for row in page.context["members"] if row.membership.role == Role.OBSERVER]
    assert never.membership.user.last_login is None
    assert "never" in page.content.decode()


def test_a_person_with_two_factor_joins_by_signing_in_with_a_code(client, planted, django_capture_on_commit_callbacks):
    """An existing account with two-factor sign-in signs in as usual (with its code) before joining."""
    b_admin = planted.b.people["admin"]
    give_two_factor(b_admin)
    client.force_login(planted.a.people["admin"])
    invite(client, planted.a.state, django_capture_on_commit_callbacks, email=b_admin.email, role="observer")
    link = link_of(mail.outbox[0])
    client.logout()
    page = client.get(link)
    assert page.context["sign_in_first"] is True
    assert f'href="/accounts/login/?next={link}"' in page.content.decode()


def test_the_invitation_is_written_in_the_language_chosen_for_a_newcomer(
    client, planted, django_capture_on_commit_callbacks
):
    client.force_login(planted.a.people["admin"])
    invite(
        client,
        planted.a.state,
        django_capture_on_commit_callbacks,
        email="nouvelle@example.org",
        name="Léa",
        language="fr",
    )
    [message] = mail.outbox
    assert message.subject == "admin of Alphaland vous invite dans Alphaland en tant que Agent du secrétariat"
    assert message.body.splitlines()[:3] == [
        "Bonjour Léa,",
        "",
        "admin of Alphaland vous invite à travailler sur Alphaland dans la Base de données nationale de suivi des "
        "recommandations, en tant que Agent du secrétariat.",
    ]

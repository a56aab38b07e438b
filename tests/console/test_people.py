"""The hosting office's copy of a State's people page, for its first steps."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from console.models import PlatformAuditEntry
from tenants.models import Invitation, Membership, Role
from tenants.scoping import state_context

pytestmark = pytest.mark.django_db


def test_the_hosting_office_invites_changes_a_role_and_deactivates(client, planted, django_capture_on_commit_callbacks):
    a = planted.a
    client.force_login(planted.platform_admin)
    people = reverse("platform:state-people", kwargs={"pk": a.state.pk})
    page = client.get(people)
    assert page.status_code == 200
    assert sorted(row.membership.user.email for row in page.context["members"]) == [
        "admin@alpha.example.org",
        "focal_point@alpha.example.org",
        "nhri@alpha.example.org",
        "observer@alpha.example.org",
        "secretariat@alpha.example.org",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            people,
            {"email": "deputy@example.org", "name": "Deputy", "role": "admin", "kind": "technical", "language": "fr"},
            follow=True,
        )
    assert response.redirect_chain == [(people, 302)]
    [message] = mail.outbox
    assert message.to == ["deputy@example.org"]
    assert re.search(r"/alpha/invitation/[^/\s]+/", message.body)
    with state_context(a.state):
        invitation = Invitation.objects.get(email="deputy@example.org")
        assert (invitation.role, invitation.invited_by, invitation.language) == (
            Role.STATE_ADMIN,
            planted.platform_admin,
            "fr",
        )
    observer = a.observer_membership
    member = reverse("platform:state-member", kwargs={"pk": a.state.pk, "member_id": observer.pk})
    client.post(member, {"action": "role", "role": "secretariat"})
    client.post(member, {"action": "deactivate"})
    with state_context(a.state):
        current = Membership.objects.get(pk=observer.pk)
    assert (current.role, current.is_active) == (Role.SECRETARIAT, False)
    invitation_url = reverse("platform:state-invitation", kwargs={"pk": a.state.pk, "invitation_id": invitation.pk})
    client.post(invitation_url, {"action": "cancel"})
    assert list(
        PlatformAuditEntry.objects.filter(state_ref=a.state.pk, action="people")
        .order_by("id")
        .values_list("details__event", "details__email")
    ) == [
        ("invite", "deputy@example.org"),
        ("role", "observer@alpha.example.org"),
        ("deactivate", "observer@alpha.example.org"),
        ("cancel", "deputy@example.org"),
    ]
    # A refused change (the last administrator) is not audited as done.
    with state_context(a.state):
        admin = Membership.objects.get(user=a.people["admin"])
    refused = client.post(
        reverse("platform:state-member", kwargs={"pk": a.state.pk, "member_id": admin.pk}),
        {"action": "deactivate"},
        follow=True,
    )
    # (The messages of the earlier changes, not followed, come first.)
    assert [str(m) for m in refused.context["messages"]][-1] == (
        "admin of Alphaland is the last active administrator of Alphaland: make someone else an administrator first."
    )
    assert PlatformAuditEntry.objects.filter(state_ref=a.state.pk, action="people").count() == 4


def test_the_hosting_office_invites_a_focal_point_of_an_entity(client, planted, django_capture_on_commit_callbacks):
    a = planted.a
    client.force_login(planted.platform_admin)
    people = reverse("platform:state-people", kwargs={"pk": a.state.pk})
    data = {
        "email": "fp@example.org",
        "role": "focal_point",
        "entities": [a.entity.pk],
        "kind": "senior",
        "language": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(people, data)["Location"] == people
    with state_context(a.state):
        invitation = Invitation.objects.get(email="fp@example.org")
    assert (invitation.entity_ids, invitation.focal_point_kind) == ([a.entity.pk], "senior")
    assert "You will report for: Ministry of Justice of Alphaland." in mail.outbox[0].body
    # Another State's entity is not a choice here.
    refused = client.post(people, {**data, "email": "other@example.org", "entities": [planted.b.entity.pk]})
    assert refused.context["invite_form"].errors["entities"] == [
        f"Select a valid choice. {planted.b.entity.pk} is not one of the available choices."
    ]


def test_another_states_member_or_invitation_is_404_on_the_console(client, planted):
    client.force_login(planted.platform_admin)
    a, b = planted.a, planted.b
    member = reverse("platform:state-member", kwargs={"pk": a.state.pk, "member_id": b.observer_membership.pk})
    invitation = reverse("platform:state-invitation", kwargs={"pk": a.state.pk, "invitation_id": b.invitation.pk})
    assert client.post(member, {"action": "deactivate"}).status_code == 404
    assert client.post(invitation, {"action": "cancel"}).status_code == 404

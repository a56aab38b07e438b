"""Responsible entities (a hierarchy) and their focal points, invited by e-mail."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from recommendations.curation_forms import EntityForm
from recommendations.models import Entity, FocalPoint, Mechanism, Recommendation
from tenants.models import Invitation, Membership, Role, State, User
from tenants.scoping import cross_state_access, state_context
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def url(name, state, **kwargs):
    return reverse(f"workspace:{name}", kwargs={"state_slug": state.slug, **kwargs})


def shown(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def entity(state, name: str, **fields) -> Entity:
    return Entity.objects.create(state=state, name_en=name, **fields)


def education() -> Entity:
    return Entity.objects.get(name_en="Ministry of Education of Alphaland")


def make(state, paragraph: str, **fields) -> Recommendation:
    return Recommendation.objects.create(
        state=state, mechanism=Mechanism.objects.get(code="UPR"), paragraph=paragraph, text="Do it", **fields
    )


# Entities ------------------------------------------------------------------------------------------


def test_an_entity_is_created_under_a_parent_with_its_names(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    response = client.post(
        url("entity-create", state),
        {
            "name_en": "Prison administration",
            "name_fr": "Administration pénitentiaire",
            "short_name": "DAP",
            "kind": "agency",
            "parent": planted.a.entity.pk,
        },
        follow=True,
    )
    with state_context(state):
        created = Entity.objects.get(name_en="Prison administration")
        assert (
            created.name_en,
            created.name_fr,
            created.name_es,
            created.short_name,
            created.kind,
            created.parent_id,
            created.state_id,
        ) == (
            "Prison administration",
            "Administration pénitentiaire",
            None,
            "DAP",
            "agency",
            planted.a.entity.pk,
            state.pk,
        )
        assert sorted(planted.a.entity.children.values_list("name_en", flat=True)) == [
            "Ministry of Education of Alphaland",
            "Prison administration",
        ]
    assert response.redirect_chain == [(url("entity-detail", state, pk=created.pk), 302)]
    assert shown(response) == ["The entity “DAP” was saved."]
    assert response.context["entity"] == created


def test_an_entity_cannot_be_put_under_itself_or_one_of_its_parts(client, planted):
    state = planted.a.state
    with state_context(state):
        justice, school = planted.a.entity, education()
        directorate = entity(state, "Directorate of schools", parent=school)
        police = entity(state, "Police")
        assert set(EntityForm(instance=justice).fields["parent"].queryset) == {police}
        assert set(EntityForm(instance=school).fields["parent"].queryset) == {justice, police}
        assert set(EntityForm(instance=police).fields["parent"].queryset) == {justice, school, directorate}
        assert set(EntityForm(instance=Entity(state=state)).fields["parent"].queryset) == {
            justice,
            school,
            directorate,
            police,
        }
    sign_in(client, planted.a.people["admin"])
    for parent in (justice, directorate, planted.b.entity):
        response = client.post(
            url("entity-edit", state, pk=justice.pk),
            {"name_en": "Ministry of Justice of Alphaland", "kind": "ministry", "parent": parent.pk},
        )
        assert response.context["form"].errors == {
            "parent": ["Select a valid choice. That choice is not one of the available choices."]
        }
    response = client.post(
        url("entity-edit", state, pk=directorate.pk),
        {"name_en": "Directorate of schools", "kind": "agency", "parent": police.pk},
    )
    assert response.status_code == 302
    with state_context(state):
        assert Entity.objects.get(pk=justice.pk).parent_id is None
        assert Entity.objects.get(pk=directorate.pk).parent_id == police.pk


def test_a_duplicate_entity_name_is_refused_with_a_message(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    with state_context(state):
        entity(state, "Police", name_fr="Police nationale")
        count = Entity.objects.count()
    cases = [
        ({"name_en": "Ministry of Justice of Alphaland"}, "name_en"),
        ({"name_fr": "Police nationale"}, "name_fr"),
        ({"name_en": "Police nationale"}, "name_en"),
    ]
    for names, field in cases:
        response = client.post(url("entity-create", state), {**names, "kind": "ministry"})
        assert response.status_code == 200
        assert response.context["form"].errors == {field: ["Another entity already has this name."]}
    # Its own name is no duplicate; another State's entity's name is free.
    response = client.post(
        url("entity-edit", state, pk=planted.a.entity.pk),
        {"name_en": "Ministry of Justice of Alphaland", "short_name": "MoJ", "kind": "ministry"},
    )
    assert response.status_code == 302
    with state_context(planted.b.state):
        b_name = planted.b.entity.name_en
    assert client.post(url("entity-create", state), {"name_en": b_name, "kind": "ministry"}).status_code == 302
    with state_context(state):
        assert Entity.objects.count() == count + 1
        assert Entity.objects.get(pk=planted.a.entity.pk).short_name == "MoJ"


def test_the_list_shows_entities_in_tree_order_with_their_counts(client, planted):
    state = planted.a.state
    with state_context(state):
        school = education()
        entity(state, "Directorate of schools", parent=school)
        anti_corruption = entity(state, "Anti-corruption agency", kind="agency")
        entity(state, "Zoning office", parent=anti_corruption, kind="local_government")
        make(state, "1", lead_entity=anti_corruption)
        make(state, "2", lead_entity=anti_corruption, supporting_entity_ids=[school.pk])
    sign_in(client, planted.a.people["observer"])
    response = client.get(url("entity-list", state))
    assert [(e.name, depth, led, e.focal_point_count) for e, depth, led in response.context["rows"]] == [
        ("Anti-corruption agency", 0, 2, 0),
        ("Zoning office", 1, 0, 0),
        ("Ministry of Justice of Alphaland", 0, 1, 1),
        ("Ministry of Education of Alphaland", 1, 0, 0),
        ("Directorate of schools", 2, 0, 0),
    ]
    page = response.content.decode()
    assert page.index("Zoning office") < page.index("Ministry of Justice of Alphaland") < page.index("Directorate")
    assert "BETA-ONLY" not in page


def test_an_entity_in_use_cannot_be_deleted(client, planted):
    state = planted.a.state
    with state_context(state):
        school = education()
        police = entity(state, "Police")
        make(state, "1", supporting_entity_ids=[police.pk])
        # Named only in the follow-up: supporting an action of a plan.
        statistics = entity(state, "Statistics office")
        from followup.models import Action

        Action.objects.filter(pk=planted.a.action.pk).update(supporting_entity_ids=[statistics.pk])
        count = Entity.objects.count()
    sign_in(client, planted.a.people["secretariat"])
    cases = [
        # Leads the planted published recommendation and action, reported twice and has a round
        # task, the ministry of education is part of it, and it answered a message to the network.
        (planted.a.entity, ["“Ministry of Justice of Alphaland” cannot be deleted: 1 recommendations are assigned to "
         "it and 1 entities are part of it. Reassign them first.", "“Ministry of Justice of Alphaland” cannot be "
         "deleted: 4 actions, progress updates or round tasks are kept in its name.", "“Ministry of Justice of "
         "Alphaland” cannot be deleted: 1 other record (such as a message to the network) is kept in its name."]),
        (police, ["“Police” cannot be deleted: 1 recommendations are assigned to it and 0 entities are part of it. "
         "Reassign them first."]),
        (statistics, ["“Statistics office” cannot be deleted: 1 actions, progress updates or round tasks are kept "
         "in its name."]),
    ]  # fmt: skip
    for refused, message in cases:
        response = client.post(url("entity-delete", state, pk=refused.pk), follow=True)
        assert response.redirect_chain == [(url("entity-detail", state, pk=refused.pk), 302)]
        assert shown(response) == message
    with state_context(state):
        assert Entity.objects.count() == count
        # A parent of nothing else: refused while its part exists.
        entity(state, "Directorate of schools", parent=school)
    response = client.post(url("entity-delete", state, pk=school.pk), follow=True)
    assert shown(response) == [
        "“Ministry of Education of Alphaland” cannot be deleted: 0 recommendations are assigned to it and "
        "1 entities are part of it. Reassign them first."
    ]
    with state_context(state):
        assert Entity.objects.filter(pk=school.pk).exists()


def test_an_entity_nothing_refers_to_is_deleted_with_its_focal_points(client, planted):
    state = planted.a.state
    focal_point = planted.a.people["focal_point"]
    with state_context(state):
        school = education()
        membership = Membership.objects.get(user=focal_point)
        FocalPoint.objects.create(state=state, membership=membership, entity=school)
    sign_in(client, planted.a.people["admin"])
    response = client.post(url("entity-delete", state, pk=school.pk), follow=True)
    assert response.redirect_chain == [(url("entity-list", state), 302)]
    assert shown(response) == ["The entity was deleted."]
    with state_context(state):
        assert not Entity.objects.filter(pk=school.pk).exists()
        assert list(FocalPoint.objects.values_list("membership__user__email", "entity")) == [
            ("focal_point@alpha.example.org", planted.a.entity.pk)
        ]
        assert Membership.objects.get(user=focal_point).role == Role.FOCAL_POINT


def test_another_states_entity_is_not_found(client, planted):
    sign_in(client, planted.a.people["admin"])
    b_entity = planted.b.entity.pk
    state = planted.a.state
    assert client.post(url("entity-delete", state, pk=b_entity)).status_code == 404
    assert client.post(url("focal-point-invite", state, pk=b_entity), {"email": "x@example.org"}).status_code == 404
    assert client.post(url("focal-point-remove", state, pk=planted.b.focal_point.pk)).status_code == 404
    with state_context(planted.b.state):
        assert Entity.objects.filter(pk=b_entity).exists()
        assert FocalPoint.objects.filter(pk=planted.b.focal_point.pk).exists()


@pytest.mark.parametrize("persona", ["focal_point", "observer"])
def test_focal_points_and_observers_cannot_manage_entities(client, planted, persona):
    state = planted.a.state
    with state_context(state):
        school = education()
    sign_in(client, planted.a.people[persona])
    posts = [
        (url("entity-create", state), {"name_en": "Police", "kind": "ministry"}),
        (url("entity-edit", state, pk=school.pk), {"name_en": "Renamed", "kind": "ministry"}),
        (url("entity-delete", state, pk=school.pk), {}),
        (url("focal-point-invite", state, pk=school.pk), {"email": "new@example.org", "kind": "technical"}),
        (url("focal-point-remove", state, pk=planted.a.focal_point.pk), {}),
    ]
    assert [client.post(address, data).status_code for address, data in posts] == [403] * len(posts)
    with state_context(state):
        assert sorted(Entity.objects.values_list("name_en", flat=True)) == [
            "Ministry of Education of Alphaland",
            "Ministry of Justice of Alphaland",
        ]
        assert FocalPoint.objects.count() == 1
    assert not User.objects.filter(email="new@example.org").exists()
    assert mail.outbox == []


# Focal points --------------------------------------------------------------------------------------


def invite(client, state, entity_pk, capture, **data):
    with capture(execute=True):
        return client.post(
            url("focal-point-invite", state, pk=entity_pk), {"name": "", "kind": "technical", **data}, follow=True
        )


def test_inviting_a_new_person_sends_an_invitation_that_binds_them_when_they_join(
    client, planted, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://nrtd.example.org"
    state = planted.a.state
    with state_context(state):
        school = education()
    sign_in(client, planted.a.people["secretariat"])
    response = invite(
        client, state, school.pk, django_capture_on_commit_callbacks,
        email="Amina.Diallo@Example.ORG", name="Amina Diallo", kind="senior",
    )  # fmt: skip
    assert response.redirect_chain == [(url("entity-detail", state, pk=school.pk), 302)]
    assert shown(response) == [
        "amina.diallo@example.org is invited to be a focal point of Ministry of Education of Alphaland; the "
        "e-mail's link works for 14 days."
    ]
    # Nobody is bound, and no account exists, until they join.
    assert not User.objects.filter(email="amina.diallo@example.org").exists()
    with state_context(state):
        invitation = Invitation.objects.get(email="amina.diallo@example.org")
        assert (invitation.role, invitation.entity_ids, invitation.focal_point_kind, invitation.name) == (
            Role.FOCAL_POINT,
            [school.pk],
            "senior",
            "Amina Diallo",
        )
    # The entity's page lists the invitation.
    page = response.content.decode()
    assert "Amina Diallo &lt;amina.diallo@example.org&gt;" in page

    [message] = mail.outbox
    assert (message.to, message.subject) == (
        ["amina.diallo@example.org"],
        "secretariat of Alphaland invites you to Alphaland as Focal point",
    )
    [link] = re.findall(r"https://nrtd\.example\.org(/alpha/invitation/[^/\s]+/)", message.body)
    assert message.body == (
        "Hello Amina Diallo,\n\n"
        "secretariat of Alphaland invites you to work on Alphaland in the National Recommendations Tracking "
        "Database, as Focal point.\n\n"
        "You will report for: Ministry of Education of Alphaland.\n\n"
        "To accept, follow this link and choose your password:\n\n"
        f"https://nrtd.example.org{link}\n\n"
        f"The link works once, until {date_format(localtime(invitation.expires_at), 'DATE_FORMAT')}. If you did "
        "not expect this "
        "invitation, you can ignore this e-mail.\n"
    )
    # They follow the link, choose a password, and are in, as the entity's senior focal point.
    client.logout()
    password = "a long and new passphrase 42"
    joined = client.post(link, {"name": "Amina Diallo", "new_password1": password, "new_password2": password})
    assert joined["Location"] == "/alpha/workspace/"
    user = User.objects.get(email="amina.diallo@example.org")
    with state_context(state):
        membership = Membership.objects.get(user=user)
        assert (membership.role, membership.is_active) == (Role.FOCAL_POINT, True)
        assert list(FocalPoint.objects.filter(membership=membership).values_list("entity", "kind")) == [
            (school.pk, "senior")
        ]
    with state_context(planted.b.state):
        assert not Membership.objects.filter(user=user).exists()
    sign_in(client, planted.a.people["observer"])
    page = client.get(url("entity-detail", state, pk=school.pk)).content.decode()
    assert "Amina Diallo &lt;amina.diallo@example.org&gt; · Senior focal point" in page


def test_the_invitation_is_in_the_persons_language_else_the_states(client, planted, django_capture_on_commit_callbacks):
    state = planted.a.state
    with cross_state_access():
        State.objects.filter(pk=state.pk).update(default_language="fr")
    sign_in(client, planted.a.people["admin"])
    # A new person has no language: the State's (French) is used.
    invite(client, state, planted.a.entity.pk, django_capture_on_commit_callbacks, email="nouveau@example.org")
    # An existing person's own language wins over the State's.
    UserFactory(email="english@example.org", language="en", name="")
    UserFactory(email="espanol@example.org", language="es", name="")
    invite(client, state, planted.a.entity.pk, django_capture_on_commit_callbacks, email="english@example.org")
    invite(client, state, planted.a.entity.pk, django_capture_on_commit_callbacks, email="espanol@example.org")
    greetings = [(message.to[0], message.body.splitlines()[0]) for message in mail.outbox]
    assert greetings == [
        ("nouveau@example.org", "Bonjour,"),
        ("english@example.org", "Hello,"),
        ("espanol@example.org", "Hola:"),
    ]
    # Each has its own link to join.
    links = [re.findall(r"/alpha/invitation/[^/\s]+/", message.body) for message in mail.outbox]
    assert [len(found) for found in links] == [1, 1, 1] and len({found[0] for found in links}) == 3


def test_inviting_a_member_keeps_their_role_and_twice_changes_the_kind(
    client, planted, django_capture_on_commit_callbacks
):
    state = planted.a.state
    secretariat = planted.a.people["secretariat"]
    with state_context(state):
        school = education()
    sign_in(client, planted.a.people["admin"])
    first = invite(client, state, school.pk, django_capture_on_commit_callbacks, email="SECRETARIAT@alpha.example.org")
    # A member is bound at once: no invitation.
    assert shown(first) == [
        "secretariat@alpha.example.org is now a focal point of Ministry of Education of Alphaland; an e-mail told them."
    ]
    invite(client, state, school.pk, django_capture_on_commit_callbacks, email=secretariat.email, kind="senior")
    with state_context(state):
        assert list(Membership.objects.filter(user=secretariat).values_list("role", flat=True)) == [Role.SECRETARIAT]
        assert list(FocalPoint.objects.filter(membership__user=secretariat).values_list("entity", "kind")) == [
            (school.pk, "senior")
        ]
        assert not Invitation.objects.filter(email=secretariat.email).exists()
    assert User.objects.filter(email__iexact=secretariat.email).count() == 1
    assert [message.to for message in mail.outbox] == [[secretariat.email], [secretariat.email]]
    assert mail.outbox[0].subject == "You are a focal point of Ministry of Education of Alphaland in Alphaland"
    secretariat.refresh_from_db()
    assert secretariat.has_usable_password()


def test_a_member_of_another_state_joins_as_a_focal_point_by_signing_in(
    client, planted, django_capture_on_commit_callbacks
):
    state = planted.a.state
    b_admin = planted.b.people["admin"]
    sign_in(client, planted.a.people["secretariat"])
    invite(client, state, planted.a.entity.pk, django_capture_on_commit_callbacks, email=b_admin.email)
    [message] = mail.outbox
    [link] = re.findall(r"/alpha/invitation/[^/\s]+/", message.body)
    assert "To accept, follow this link and sign in with your e-mail address and password:" in message.body
    # Signed out, the link asks them to sign in; signed in, to join.
    client.logout()
    assert client.get(link).context["sign_in_first"] is True
    sign_in(client, b_admin)
    assert client.get(link).context["confirm"] is True
    assert client.post(link)["Location"] == "/alpha/workspace/"
    with state_context(state):
        assert Membership.objects.get(user=b_admin).role == Role.FOCAL_POINT
        assert FocalPoint.objects.filter(membership__user=b_admin, entity=planted.a.entity).exists()
    with state_context(planted.b.state):
        assert Membership.objects.get(user=b_admin).role == Role.STATE_ADMIN
        assert not FocalPoint.objects.filter(membership__user=b_admin).exists()


def test_an_invalid_invitation_shows_the_form_again(client, planted, django_capture_on_commit_callbacks):
    sign_in(client, planted.a.people["secretariat"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("focal-point-invite", planted.a.state, pk=planted.a.entity.pk),
            {"email": "not an address", "kind": "boss"},
        )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["Enter a valid email address."],
        "kind": ["Select a valid choice. boss is not one of the available choices."],
    }
    assert mail.outbox == []


def test_removing_a_focal_point_keeps_the_membership(client, planted):
    state = planted.a.state
    person = planted.a.people["focal_point"]
    sign_in(client, planted.a.people["secretariat"])
    response = client.post(url("focal-point-remove", state, pk=planted.a.focal_point.pk), follow=True)
    assert response.redirect_chain == [(url("entity-detail", state, pk=planted.a.entity.pk), 302)]
    assert shown(response) == [f"{person} is no longer a focal point of this entity."]
    with state_context(state):
        assert not FocalPoint.objects.exists()
        assert Membership.objects.get(user=person).role == Role.FOCAL_POINT
    with state_context(planted.b.state):
        assert FocalPoint.objects.count() == 1


def test_an_invitation_survives_odd_names_and_refuses_an_address_too_long(
    client, planted, django_capture_on_commit_callbacks
):
    state = planted.a.state
    with state_context(state):
        odd = entity(state, "Ministry\nBcc: someone@example.org")
    sign_in(client, planted.a.people["admin"])
    # A member, bound at once, and a newcomer whose name has a line break, invited.
    invite(client, state, odd.pk, django_capture_on_commit_callbacks, email=planted.a.people["observer"].email)
    response = invite(
        client, state, odd.pk, django_capture_on_commit_callbacks, email="odd@example.org", name="Odd\nBcc: x@y.z"
    )
    assert response.status_code == 200
    assert [m.subject for m in mail.outbox] == [
        "You are a focal point of Ministry Bcc: someone@example.org in Alphaland",
        "admin of Alphaland invites you to Alphaland as Focal point",
    ]
    too_long = "a" * 250 + "@example.org"
    response = invite(client, state, odd.pk, django_capture_on_commit_callbacks, email=too_long)
    assert response.context["form"].errors["email"] == ["Ensure this value has at most 254 characters (it has 262)."]
    assert not User.objects.filter(email=too_long).exists()

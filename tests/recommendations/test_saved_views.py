"""Saved views: a person keeps the list's filters under a name, for themselves or the whole State."""

from __future__ import annotations

import pytest
from django.urls import reverse

from recommendations.models import SavedView
from tenants.scoping import state_context

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def url(name, state, **kwargs):
    return reverse(f"workspace:{name}", kwargs={"state_slug": state.slug, **kwargs})


def shown(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def save(client, state, **data):
    return client.post(url("saved-view-create", state), data, follow=True)


def listed(client, state) -> list[tuple[str, str, str]]:
    """The views on the list page: name, query, owner's e-mail."""
    views = client.get(url("recommendation-list", state)).context["saved_views"]
    return [(view.name, view.query, view.owner.email) for view in views]


def views_of(state) -> list[tuple[str, str, str, bool]]:
    with state_context(state):
        return list(SavedView.objects.values_list("name", "query", "owner__email", "shared"))


def test_saving_the_current_filters_keeps_them_for_their_owner(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    response = save(client, state, name="Noted by the UPR", query="position=noted&mechanism=UPR")
    assert response.redirect_chain == [(url("recommendation-list", state) + "?position=noted&mechanism=UPR", 302)]
    assert shown(response) == ["The view “Noted by the UPR” was saved."]
    # The list it leads back to is the filtered one.
    assert [r.pk for r in response.context["recommendations"]] == [planted.a.unpublished.pk]
    assert views_of(state) == [
        ("Noted by the UPR", "position=noted&mechanism=UPR", "secretariat@alpha.example.org", False),
        ("Supported", "position=supported", "admin@alpha.example.org", True),
    ]
    assert listed(client, state) == [
        ("Noted by the UPR", "position=noted&mechanism=UPR", "secretariat@alpha.example.org"),
        ("Supported", "position=supported", "admin@alpha.example.org"),
    ]
    page = client.get(url("recommendation-list", state)).content.decode()
    assert '<a href="?position=noted&amp;mechanism=UPR">Noted by the UPR</a>' in page
    # State B sees none of A's views.
    with state_context(planted.b.state):
        assert list(SavedView.objects.values_list("name", flat=True)) == ["Supported BETA-ONLY"]


def test_a_shared_view_shows_to_other_members_and_a_private_one_does_not(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    save(client, state, name="Mine only", query="published=false")
    save(client, state, name="For everyone", query="unclustered=true", shared="on")
    assert [name for name, _query, _owner in listed(client, state)] == ["For everyone", "Mine only", "Supported"]
    for persona in ("observer", "focal_point", "admin"):
        sign_in(client, planted.a.people[persona])
        assert listed(client, state) == [
            ("For everyone", "unclustered=true", "secretariat@alpha.example.org"),
            ("Supported", "position=supported", "admin@alpha.example.org"),
        ]
    page = client.get(url("recommendation-list", state)).content.decode()
    assert "Mine only" not in page
    assert "(shared · secretariat of Alphaland)" in page
    # Another State's member never sees them.
    sign_in(client, planted.b.people["admin"])
    assert listed(client, planted.b.state) == [("Supported BETA-ONLY", "position=supported", "admin@beta.example.org")]


def test_a_duplicate_name_is_refused_for_the_same_owner_only(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["admin"])
    response = save(client, state, name="Supported", query="position=supported&published=true")
    assert shown(response) == ["You already have a view with this name."]
    sign_in(client, planted.a.people["observer"])
    response = save(client, state, name="Supported", query="position=supported&upr_cycle=3")
    assert shown(response) == ["The view “Supported” was saved."]
    response = save(client, state, name="", query="position=noted")
    assert shown(response) == ["Name: This field is required."]
    assert sorted(views_of(state)) == [
        ("Supported", "position=supported", "admin@alpha.example.org", True),
        ("Supported", "position=supported&upr_cycle=3", "observer@alpha.example.org", False),
    ]


def delete(client, state, view, **data):
    return client.post(url("saved-view-delete", state, pk=view.pk), data, follow=True)


def test_only_the_owner_or_a_state_admin_deletes_a_view(client, planted):
    state = planted.a.state
    with state_context(state):
        mine = SavedView.objects.create(
            state=state, name="Mine", query="position=noted", owner=planted.a.people["secretariat"], shared=True
        )
    for persona in ("observer", "focal_point"):
        sign_in(client, planted.a.people[persona])
        response = delete(client, state, mine)
        assert shown(response) == ["Only the person who saved a view, or an administrator, may delete it."]
    sign_in(client, planted.a.people["secretariat"])
    response = delete(client, state, planted.a.saved_view)
    assert shown(response) == ["Only the person who saved a view, or an administrator, may delete it."]
    assert sorted(name for name, *_rest in views_of(state)) == ["Mine", "Supported"]

    # The State's administrator may delete anyone's; back to where they came from.
    sign_in(client, planted.a.people["admin"])
    back = url("recommendation-list", state) + "?position=noted"
    response = delete(client, state, mine, next=back)
    assert response.redirect_chain == [(back, 302)]
    assert shown(response) == ["The view was deleted."]
    assert [name for name, *_rest in views_of(state)] == ["Supported"]


def test_the_owner_deletes_their_view_and_an_outside_next_address_is_ignored(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["observer"])
    save(client, state, name="Cycle 3", query="upr_cycle=3")
    with state_context(state):
        view = SavedView.objects.get(name="Cycle 3")
    response = delete(client, state, view, next="https://evil.example/phish")
    assert response.redirect_chain == [(url("recommendation-list", state), 302)]
    assert shown(response) == ["The view was deleted."]
    assert [name for name, *_rest in views_of(state)] == ["Supported"]


def test_another_states_view_cannot_be_deleted(client, planted):
    sign_in(client, planted.a.people["admin"])
    response = client.post(url("saved-view-delete", planted.a.state, pk=planted.b.saved_view.pk))
    assert response.status_code == 404
    assert [name for name, *_rest in views_of(planted.b.state)] == ["Supported BETA-ONLY"]

"""Suggested groups of related recommendations on a State's own data, and the secretariat's decisions."""

import pytest
from django.urls import reverse

from recommendations.models import Mechanism, Recommendation, RelatedSuggestion
from recommendations.suggestions import related_suggestion_reject, related_suggestions_refresh
from tenants.scoping import state_context

pytestmark = pytest.mark.django_db

TEXTS = [
    "Ratify the International Convention for the Protection of All Persons from Enforced Disappearance (Uruguay)",
    "Consider ratifying the International Convention for the Protection of All Persons from Enforced "
    "Disappearance (France)",
    "Adopt a national action plan on business and human rights (Germany)",
    "Take measures to reduce overcrowding in prisons (Denmark)",
]


@pytest.fixture
def asks(planted):
    state = planted.a.state
    upr = Mechanism.objects.get(code="UPR")
    with state_context(state):
        RelatedSuggestion.objects.all().delete()
        return Recommendation.objects.bulk_create(
            [
                Recommendation(state=state, mechanism=upr, symbol="A/HRC/34/15", paragraph=f"121.{i}", text_en=text)
                for i, text in enumerate(TEXTS, start=1)
            ]
        )


def open_groups() -> list[list[int]]:
    return [s.recommendation_ids for s in RelatedSuggestion.objects.filter(status=RelatedSuggestion.Status.OPEN)]


def test_the_same_ask_from_two_states_is_suggested_and_confirmed(client, planted, asks):
    state = planted.a.state
    with state_context(state):
        assert related_suggestions_refresh(state=state) == 1
        assert open_groups() == [sorted([asks[0].pk, asks[1].pk])]
        suggestion = RelatedSuggestion.objects.get()
    client.force_login(planted.a.people["secretariat"], backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("workspace:related-list", kwargs={"state_slug": state.slug}))
    assert [[m.pk for m in members] for _s, members in page.context["rows"]] == [[asks[0].pk, asks[1].pk]]
    response = client.post(
        reverse("workspace:related-confirm", kwargs={"state_slug": state.slug, "pk": suggestion.pk}),
        {"keep": [asks[0].pk, asks[1].pk]},
    )
    assert response.status_code == 302
    with state_context(state):
        first, second = (Recommendation.objects.get(pk=r.pk) for r in asks[:2])
        assert first.related_group_id == second.related_group_id is not None
        assert open_groups() == []
        # Confirmed: not suggested again.
        assert related_suggestions_refresh(state=state) == 0
    detail = client.get(reverse("workspace:recommendation-detail", kwargs={"state_slug": state.slug, "pk": first.pk}))
    assert [r.pk for r in detail.context["related"]] == [second.pk]


def test_a_rejected_suggestion_is_not_made_again(planted, asks):
    state = planted.a.state
    with state_context(state):
        related_suggestions_refresh(state=state)
        related_suggestion_reject(suggestion=RelatedSuggestion.objects.get(), user=planted.a.people["admin"])
        assert related_suggestions_refresh(state=state) == 0
        assert open_groups() == []


def test_confirming_with_one_member_left_keeps_the_suggestion(client, planted, asks):
    state = planted.a.state
    with state_context(state):
        related_suggestions_refresh(state=state)
        suggestion = RelatedSuggestion.objects.get()
    client.force_login(planted.a.people["admin"], backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        reverse("workspace:related-confirm", kwargs={"state_slug": state.slug, "pk": suggestion.pk}),
        {"keep": [asks[0].pk]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["Keep at least two recommendations to confirm a group."]
    with state_context(state):
        assert open_groups() == [sorted([asks[0].pk, asks[1].pk])]
        assert Recommendation.objects.filter(related_group__isnull=False).count() == 0


def test_the_search_runs_as_a_job(client, planted, asks, django_capture_on_commit_callbacks):
    state = planted.a.state
    client.force_login(planted.a.people["admin"], backend="django.contrib.auth.backends.ModelBackend")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workspace:related-find", kwargs={"state_slug": state.slug}))
    assert response.status_code == 302
    with state_context(state):
        assert open_groups() == [sorted([asks[0].pk, asks[1].pk])]


def test_odd_ids_in_a_confirmation_are_ignored(client, planted, asks):
    state = planted.a.state
    with state_context(state):
        related_suggestions_refresh(state=state)
        suggestion = RelatedSuggestion.objects.get()
    client.force_login(planted.a.people["admin"], backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        reverse("workspace:related-confirm", kwargs={"state_slug": state.slug, "pk": suggestion.pk}),
        {"keep": ["²", "x", str(asks[0].pk), "9" * 40]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["Keep at least two recommendations to confirm a group."]


def test_in_small_chunks_and_blocks_the_same_groups_are_found(planted, asks, monkeypatch):
    """A large State is read a chunk at a time and suggested a block at a time (recommendations.related.blocks):
    forced down to chunks and blocks of two, the copies still meet and nothing else is grouped."""
    state = planted.a.state
    with state_context(state):
        Recommendation.objects.bulk_create(
            [
                Recommendation(state=state, mechanism=asks[0].mechanism, symbol="A/HRC/34/15", text_en=text)
                for text in (
                    "Reduce overcrowding in prisons, including pre-trial detention (Chile)",
                    "Abolish the death penalty (Italy)",
                )
            ]
        )
        expected_count = related_suggestions_refresh(state=state)
        expected = open_groups()
    monkeypatch.setattr("recommendations.suggestions.READ_CHUNK", 2)
    monkeypatch.setattr("recommendations.related.BLOCK_SIZE", 2)
    with state_context(state):
        recommendations = Recommendation.objects.count()
        assert related_suggestions_refresh(state=state) == expected_count
        assert sorted(open_groups()) == sorted(expected)
    assert expected_count == 2 and sorted([asks[0].pk, asks[1].pk]) in expected
    assert recommendations > 4

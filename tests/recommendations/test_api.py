"""The recommendations API: filters, reading, creating and editing, stale edits, and its schema."""

import pytest
from django.urls import reverse

from recommendations.models import Recommendation
from tenants.models import HistoryEntry
from tenants.scoping import state_context

pytestmark = pytest.mark.django_db


def api(state, pk=None):
    if pk is None:
        return reverse("api:state-api:recommendation-list", kwargs={"state_slug": state.slug})
    return reverse("api:state-api:recommendation-detail", kwargs={"state_slug": state.slug, "pk": pk})


def sign_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def ids(response):
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def test_filters_and_search(client, planted):
    sign_in(client, planted.a.people["observer"])
    a = planted.a
    both = sorted([a.published.pk, a.unpublished.pk])
    assert ids(client.get(api(a.state), {"mechanism": "UPR"})) == both
    assert ids(client.get(api(a.state), {"mechanism": "CRC"})) == []
    assert ids(client.get(api(a.state), {"position": "noted"})) == [a.unpublished.pk]
    assert ids(client.get(api(a.state), {"published": "true"})) == [a.published.pk]
    assert ids(client.get(api(a.state), {"q": "national institution"})) == [a.unpublished.pk]
    with state_context(a.state):
        target = a.published.sdg_targets.select_related("goal").get()
    assert ids(client.get(api(a.state), {"sdg_target": target.code})) == [a.published.pk]
    assert ids(client.get(api(a.state), {"sdg_goal": target.goal.number})) == [a.published.pk]
    response = client.get(api(a.state), {"position": "maybe"})
    assert response.status_code == 400
    assert "position" in response.json()


def test_curator_creates_with_links_and_history(client, planted):
    sign_in(client, planted.a.people["secretariat"])
    response = client.post(
        api(planted.a.state),
        {
            "mechanism": "CRC",
            "symbol": "CRC/C/ALP/CO/5-6",
            "paragraph": "12",
            "annotation_type": "recommendation",
            "text_en": "Adopt a national strategy on violence against children.",
            "sdg_targets": ["16.2"],
            "recommending_countries": [],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["mechanism"], body["sdg_targets"], body["text"]) == (
        "CRC",
        ["16.2"],
        "Adopt a national strategy on violence against children.",
    )
    with state_context(planted.a.state):
        created = Recommendation.objects.get(pk=body["id"])
        assert created.state == planted.a.state
        assert HistoryEntry.objects.filter(table_name="recommendations_recommendation", row_id=str(created.pk)).exists()


def test_creation_without_text_is_refused(client, planted):
    sign_in(client, planted.a.people["secretariat"])
    response = client.post(
        api(planted.a.state), {"mechanism": "UPR", "annotation_type": "recommendation"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "at least one language" in str(response.json())


def test_edit_needs_the_updated_at_read_and_a_stale_one_is_a_conflict(client, planted):
    sign_in(client, planted.a.people["secretariat"])
    url = api(planted.a.state, planted.a.published.pk)
    read = client.get(url).json()
    response = client.patch(url, {"text_en": "Without a version"}, content_type="application/json")
    assert response.status_code == 400
    assert "updated_at" in response.json()

    response = client.patch(
        url, {"text_en": "First edit", "updated_at": read["updated_at"]}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    response = client.patch(
        url, {"text_en": "Second edit from the same old read", "updated_at": read["updated_at"]},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 409
    with state_context(planted.a.state):
        assert Recommendation.objects.get(pk=planted.a.published.pk).text_en == "First edit"


def test_readers_cannot_write_and_another_states_row_is_not_found(client, planted):
    sign_in(client, planted.a.people["observer"])
    assert client.post(api(planted.a.state), {}, content_type="application/json").status_code == 403
    sign_in(client, planted.a.people["secretariat"])
    response = client.patch(
        api(planted.a.state, planted.b.published.pk), {"text_en": "Hijack"}, content_type="application/json"
    )
    assert response.status_code == 404
    response = client.patch(
        api(planted.b.state, planted.b.published.pk), {"text_en": "Hijack"}, content_type="application/json"
    )
    assert response.status_code == 404


def test_schema_describes_the_filters(client):
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    listing = paths["/api/v1/states/{state_slug}/recommendations/"]
    parameters = {parameter["name"] for parameter in listing["get"]["parameters"]}
    assert {"mechanism", "theme", "sdg_goal", "sdg_target", "affected_group", "position", "q", "sort"} <= parameters
    assert "post" in listing


def test_curation_is_read_with_its_filters(client, planted):
    sign_in(client, planted.a.people["observer"])
    a = planted.a
    assert ids(client.get(api(a.state), {"entity": a.entity.pk})) == [a.published.pk]
    assert ids(client.get(api(a.state), {"unclustered": "true"})) == [a.unpublished.pk]
    row = client.get(f"{api(a.state)}{a.published.pk}/").json()
    assert {name: row[name] for name in ("cluster_ids", "primary_cluster", "lead_entity", "related_group")} == {
        "cluster_ids": [a.cluster.pk],
        "primary_cluster": a.cluster.pk,
        "lead_entity": a.entity.pk,
        "related_group": None,
    }
    # Another State's entity is not a valid filter value here.
    assert client.get(api(a.state), {"entity": planted.b.entity.pk}).status_code == 400

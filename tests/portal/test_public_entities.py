"""The portal and its API name only the entities a published recommendation of the State names."""

import pytest
from django.urls import reverse

from recommendations.models import Entity
from tenants.scoping import state_context

pytestmark = pytest.mark.django_db


def education(planted):
    # Planted without any recommendation: its name must never reach the public.
    with state_context(planted.a.state):
        return Entity.objects.get(name__startswith="Ministry of Education")


def test_the_api_does_not_name_an_entity_no_published_recommendation_names(client, planted):
    slug = planted.a.state.slug
    url = reverse("api:public-api:recommendation-list", kwargs={"state_slug": slug})
    response = client.get(url, {"entity": education(planted).pk})
    assert response.status_code == 200
    assert "Ministry of Education" not in response.content.decode()
    assert response.json()["count"] == 0
    assert all(item["value"] != str(education(planted).pk) for item in response.json()["facets"].get("entity", []))


def test_the_api_names_the_lead_entity_of_a_published_recommendation(client, planted):
    slug = planted.a.state.slug
    url = reverse("api:public-api:recommendation-list", kwargs={"state_slug": slug})
    response = client.get(url, {"entity": planted.a.entity.pk})
    labels = [item["label"] for item in response.json()["facets"]["entity"]]
    assert labels == [planted.a.entity.name]


def test_another_states_entity_is_not_named_either(client, planted):
    url = reverse("api:public-api:recommendation-list", kwargs={"state_slug": planted.a.state.slug})
    response = client.get(url, {"entity": planted.b.entity.pk})
    assert planted.b.entity.name not in response.content.decode()


def test_the_portal_page_does_not_name_it(client, planted):
    response = client.get(
        reverse("portal:home", kwargs={"state_slug": planted.a.state.slug}), {"entity": education(planted).pk}
    )
    assert response.status_code == 200
    assert "Ministry of Education" not in response.content.decode()

"""Lists keep a constant number of queries whatever their length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recommendations.models import Mechanism, Recommendation
from tenants.scoping import state_context

pytestmark = pytest.mark.django_db


def add_recommendations(state, count):
    mechanisms = list(Mechanism.objects.order_by("code")[:3])
    with state_context(state):
        Recommendation.objects.bulk_create(
            Recommendation(state=state, mechanism=mechanisms[n % 3], symbol="X/1", paragraph=str(n), text=f"Text {n}")
            for n in range(count)
        )


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


@pytest.mark.parametrize(
    ("name", "persona"),
    [("workspace:recommendation-list", "a_observer"), ("api:state-api:recommendation-list", "a_admin")],
)
def test_recommendation_lists_take_the_same_queries_for_2_and_12_rows(client, planted, name, persona):
    client.force_login(planted.persona(persona), backend="django.contrib.auth.backends.ModelBackend")
    url = reverse(name, kwargs={"state_slug": planted.a.state.slug})
    few, response = queries_for(client, url)
    add_recommendations(planted.a.state, 10)
    many, response = queries_for(client, url)
    assert many == few
    body = response.content.decode()
    assert all(f"Text {n}<" in body or f'"Text {n}"' in body for n in range(10))


def test_member_list_takes_the_same_queries_whatever_the_number_of_members(client, planted):
    from tenants.models import Role
    from tenants.services import membership_set
    from tests.factories import UserFactory

    client.force_login(planted.a.people["admin"], backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("workspace:member-list", kwargs={"state_slug": planted.a.state.slug})
    few, _ = queries_for(client, url)
    for _ in range(5):
        membership_set(state=planted.a.state, user=UserFactory(), role=Role.OBSERVER)
    many, response = queries_for(client, url)
    assert (many, len(response.context["members"])) == (few, 10)

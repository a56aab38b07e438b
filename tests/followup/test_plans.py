"""Plans, actions, indicators and measurements through the pages; the timeline of a recommendation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from followup.models import Action, Indicator, Measurement, Plan
from followup.queries import timeline
from recommendations.models import Recommendation
from tenants.scoping import state_context

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"


def url(name, **kwargs):
    return reverse(f"workspace:{name}", kwargs={"state_slug": "alpha", **kwargs})


def sign_in(client, planted, role):
    client.force_login(planted.a.people[role], backend=BACKEND)


def test_the_secretariat_builds_a_plan_with_an_action_and_an_indicator(client, planted):
    sign_in(client, planted, "secretariat")
    response = client.post(
        url("plan-create"),
        {
            "title": "UPR fourth cycle plan",
            "kind": "upr_cycle",
            "upr_cycle": 4,
            "starts_on": "2026-01-01",
            "ends_on": "2030-12-31",
        },
    )
    assert response.status_code == 302
    with state_context(planted.a.state):
        plan = Plan.objects.get(title="UPR fourth cycle plan")
    response = client.post(
        url("action-create", pk=plan.pk),
        {
            "title": "Train judges",
            "lead_entity": planted.a.entity.pk,
            "add_recommendations": f"{planted.a.published.pk}, {planted.a.unpublished.pk}",
            "starts_on": "2026-02-01",
            "due_on": "2026-12-31",
            "budget": "25000.50",
            "currency": "eur",
            "status": "planned",
        },
    )
    assert response.status_code == 302
    with state_context(planted.a.state):
        action = Action.objects.get(title="Train judges")
    assert action.recommendation_ids == sorted([planted.a.published.pk, planted.a.unpublished.pk])
    assert action.currency == "EUR"
    response = client.post(
        url("action-indicator-create", pk=action.pk),
        {"kind": "process", "name": "Judges trained", "unit": "people", "baseline": "0", "target": "120"},
    )
    assert response.status_code == 302
    with state_context(planted.a.state):
        indicator = Indicator.objects.get(name="Judges trained")
    # The action's lead entity's focal point enters a measurement, disaggregated by sex.
    sign_in(client, planted, "focal_point")
    response = client.post(
        url("measurement-add", pk=indicator.pk),
        {"measured_on": "2026-06-30", "value": "40", "sex": "female", "region": "North"},
    )
    assert response.status_code == 302
    with state_context(planted.a.state):
        measurement = Measurement.objects.get(indicator=indicator)
    assert (measurement.value, measurement.sex, measurement.region) == (40, "female", "North")
    body = client.get(url("indicator-detail", pk=indicator.pk)).content.decode()
    assert "Female, North" in body


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"add_recommendations": "999999999"}, "No recommendation of this State has the number 999999999"),
        ({"starts_on": "2026-05-01", "due_on": "2026-01-01"}, "cannot be due before it starts"),
        ({"budget": "-5"}, "cannot be negative"),
    ],
)
def test_action_form_refusals(client, planted, data, error):
    sign_in(client, planted, "secretariat")
    response = client.post(url("action-create", pk=planted.a.plan.pk), {"title": "X", "status": "planned", **data})
    assert response.status_code == 200
    assert error in response.content.decode()


def test_another_states_recommendation_cannot_be_linked(client, planted):
    sign_in(client, planted, "secretariat")
    response = client.post(
        url("action-create", pk=planted.a.plan.pk),
        {"title": "X", "status": "planned", "add_recommendations": str(planted.b.published.pk)},
    )
    assert "No recommendation of this State" in response.content.decode()


def test_measurement_refusals(client, planted):
    sign_in(client, planted, "observer")
    response = client.post(url("measurement-add", pk=planted.a.indicator.pk), {"measured_on": "2026-01-01", "value": 1})
    assert response.status_code == 403
    sign_in(client, planted, "focal_point")
    response = client.post(url("measurement-add", pk=planted.a.indicator.pk), {"measured_on": "2999-01-01", "value": 1})
    assert response.status_code == 200
    assert "cannot be dated in the future" in response.content.decode()


def test_a_stale_action_edit_is_refused_and_the_input_kept(client, planted):
    sign_in(client, planted, "secretariat")
    edit = url("action-edit", pk=planted.a.action.pk)
    base = {
        "title": "Renamed by the first",
        "status": "in_progress",
        "version": planted.a.action.version,
        "recommendations": [planted.a.published.pk],
    }
    assert client.post(edit, base).status_code == 302
    response = client.post(edit, {**base, "title": "Renamed by the second"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else saved a change" in body and "Renamed by the second" in body
    with state_context(planted.a.state):
        assert Action.objects.get(pk=planted.a.action.pk).title == "Renamed by the first"


def test_bulk_link_to_an_action_from_the_list(client, planted):
    sign_in(client, planted, "secretariat")
    with state_context(planted.a.state):
        action = Action.objects.create(state=planted.a.state, plan=planted.a.plan, title="Ratify")
    response = client.post(
        url("recommendation-bulk"),
        {"action": "link_action", "plan_action": action.pk, "scope": "all", "query": ""},
    )
    assert response.status_code == 302
    with state_context(planted.a.state):
        action.refresh_from_db()
        assert action.recommendation_ids == sorted(Recommendation.objects.values_list("pk", flat=True))


def test_the_timeline_shows_follow_up_and_bulk_changes_with_before_and_after(client, planted):
    from followup import workflow

    sign_in(client, planted, "secretariat")
    a = planted.a
    with state_context(a.state):
        update = workflow.update_submit(update=a.draft_update, user=a.people["focal_point"], version=1)
        workflow.update_validate(update=update, user=a.people["secretariat"], version=update.version)
    # A bulk assignment from the list, and a bulk publication of validated updates.
    client.post(url("recommendation-bulk"), {"action": "factor_on", "factor": "national_priority", "scope": "all"})
    client.post(url("update-publish-bulk"), {"update": [update.pk, a.progress_update.pk]})
    with state_context(a.state):
        lines = timeline(a.published, user=a.people["secretariat"], state=a.state)
    described = [
        (line.kind, line.entry.operation, {c.label: (c.before, c.after) for c in line.changes}) for line in lines
    ]
    assert any(
        kind == "Progress update" and changes.get("Review status") == ("Validated", "Published")
        for kind, _op, changes in described
    )
    assert any(
        kind == "Recommendation" and changes.get("Implementation status") == ("—", "In progress")
        for kind, _op, changes in described
    )
    assert any(
        kind == "Recommendation" and changes.get("Priority factors") == ("—", "A national priority for stakeholders")
        for kind, _op, changes in described
    )
    # The page shows it, with who did it.
    body = client.get(url("recommendation-detail", pk=a.published.pk)).content.decode()
    assert "Published" in body and "secretariat of Alphaland" in body


def test_the_timeline_leaves_out_drafts_an_observer_may_not_see(planted):
    a = planted.a
    with state_context(a.state):
        lines = timeline(a.published, user=a.people["observer"], state=a.state)
        rows = {(line.entry.table_name, line.entry.row_id) for line in lines}
    assert ("followup_progressupdate", str(a.draft_update.pk)) not in rows
    assert ("followup_progressupdate", str(a.progress_update.pk)) in rows


def test_the_list_and_api_filter_by_implementation_status(client, planted):
    from followup import workflow

    a = planted.a
    with state_context(a.state):
        update = workflow.update_submit(update=a.draft_update, user=a.people["focal_point"], version=1)
        workflow.update_validate(update=update, user=a.people["secretariat"], version=update.version)
    sign_in(client, planted, "observer")
    listed = client.get(url("recommendation-list") + "?implementation_status=in_progress").context["recommendations"]
    assert [r.pk for r in listed] == [a.published.pk]
    listed = client.get(url("recommendation-list") + "?implementation_status=none").context["recommendations"]
    assert [r.pk for r in listed] == [a.unpublished.pk]
    api = reverse("api:state-api:recommendation-list", kwargs={"state_slug": "alpha"})
    rows = client.get(api + "?implementation_status=in_progress").json()["results"]
    assert [(r["id"], r["implementation_status"]) for r in rows] == [(a.published.pk, "in_progress")]

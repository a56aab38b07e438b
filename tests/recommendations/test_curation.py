"""Assignment, clusters, priority factors and publishing: one recommendation, and in bulk."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recommendations import curation
from recommendations.models import AffectedGroup, Cluster, Entity, Mechanism, Recommendation
from recommendations.priority import reasons_for
from tenants.models import HistoryEntry
from tenants.scoping import state_context

pytestmark = pytest.mark.django_db


def sign_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def url(name, state, **kwargs):
    return reverse(f"workspace:{name}", kwargs={"state_slug": state.slug, **kwargs})


def make(state, count: int, **fields) -> list[Recommendation]:
    upr = Mechanism.objects.get(code="UPR")
    return Recommendation.objects.bulk_create(
        [
            Recommendation(
                state=state, mechanism=upr, symbol="A/HRC/50/9", paragraph=f"7.{i}", text=f"Ask {i}", **fields
            )
            for i in range(count)
        ]
    )


def updates_of(ids) -> dict[str, int]:
    """History entries of updates per recommendation id."""
    counts: dict[str, int] = {}
    for row_id in HistoryEntry.objects.filter(
        table_name="recommendations_recommendation", operation="U", row_id__in=[str(pk) for pk in ids]
    ).values_list("row_id", flat=True):
        counts[row_id] = counts.get(row_id, 0) + 1
    return counts


def test_bulk_assign_of_a_thousand_costs_the_queries_of_one_and_one_history_entry_each(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    with state_context(state):
        make(state, 1, upr_cycle=3)
        many = make(state, 1000, upr_cycle=4)
        ministry = Entity.objects.create(state=state, name="Ministry of Interior")

    def assign(cycle: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                url("recommendation-bulk", state),
                {
                    "action": "assign_lead",
                    "entity": ministry.pk,
                    "scope": "all",
                    "query": f"upr_cycle={cycle}",
                    "confirmed": "1",  # more than 50: the list asks first (tests/recommendations/test_list_work.py)
                },
            )
        assert response.status_code == 302
        return len(queries)

    assert assign(3) == assign(4)
    with state_context(state):
        assert Recommendation.objects.filter(lead_entity=ministry).count() == 1001
        assert updates_of(r.pk for r in many) == {str(r.pk): 1 for r in many}
        # Again: nothing changes, so nothing is recorded.
        assign(4)
        assert sum(updates_of(r.pk for r in many).values()) == 1000
        assert Recommendation.objects.get(pk=planted.a.published.pk).lead_entity == planted.a.entity


def test_ticked_ids_of_another_state_are_ignored(client, planted):
    sign_in(client, planted.a.people["admin"])
    response = client.post(
        url("recommendation-bulk", planted.a.state),
        {"action": "publish", "scope": "selected", "ids": [planted.a.unpublished.pk, planted.b.unpublished.pk]},
    )
    assert response.status_code == 302
    with state_context(planted.a.state):
        assert Recommendation.objects.get(pk=planted.a.unpublished.pk).published is True
    with state_context(planted.b.state):
        assert Recommendation.objects.get(pk=planted.b.unpublished.pk).published is False


def test_bulk_form_errors_are_shown_and_change_nothing(client, planted):
    sign_in(client, planted.a.people["admin"])
    response = client.post(
        url("recommendation-bulk", planted.a.state), {"action": "assign_lead", "scope": "selected"}, follow=True
    )
    shown = [str(m) for m in response.context["messages"]]
    assert shown == [
        "Entity: Choose one for this action.",
        "Tick at least one recommendation, or apply the action to every one matching the filters.",
    ]
    with state_context(planted.a.state):
        assert Recommendation.objects.filter(lead_entity__isnull=False).count() == 1


def test_focal_points_and_observers_cannot_curate(client, planted):
    for persona in ("focal_point", "observer"):
        sign_in(client, planted.a.people[persona])
        response = client.post(
            url("recommendation-bulk", planted.a.state), {"action": "publish", "scope": "all", "query": ""}
        )
        assert response.status_code == 403
    with state_context(planted.a.state):
        assert Recommendation.objects.filter(published=False).count() == 1


def test_lead_and_supporting_entities(planted):
    state = planted.a.state
    with state_context(state):
        first, second = make(state, 2)
        health = Entity.objects.create(state=state, name="Ministry of Health")
        both = Recommendation.objects.filter(pk__in=[first.pk, second.pk])
        assert curation.recommendations_assign(selection=both, entity=health, lead=False) == 2
        assert curation.recommendations_assign(selection=both, entity=health, lead=False) == 0
        # Made lead, it leaves the supporting list.
        assert curation.recommendations_assign(selection=both.filter(pk=first.pk), entity=health, lead=True) == 1
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.lead_entity_id, first.supporting_entity_ids) == (health.pk, [])
        assert (second.lead_entity_id, second.supporting_entity_ids) == (None, [health.pk])
        # A lead is never added beside itself as supporting.
        assert curation.recommendations_assign(selection=both.filter(pk=first.pk), entity=health, lead=False) == 0
        assert curation.recommendations_unassign(selection=both, entity=health) == 2
        assert list(both.values_list("lead_entity", "supporting_entity_ids")) == [(None, []), (None, [])]


def test_assigning_with_related_reaches_the_confirmed_group(planted):
    state = planted.a.state
    with state_context(state):
        first, second, third = make(state, 3)
        group = curation.recommendations_relate(
            state=state, selection=Recommendation.objects.filter(pk__in=[first.pk, second.pk]), user=None
        )
        assert group is not None
        justice = planted.a.entity
        changed = curation.recommendations_assign(
            selection=Recommendation.objects.filter(pk=first.pk), entity=justice, lead=True, with_related=True
        )
        assert changed == 2
        assert sorted(Recommendation.objects.filter(lead_entity=justice).values_list("pk", flat=True)) == sorted(
            [first.pk, second.pk, planted.a.published.pk]
        )
        third.refresh_from_db()
        assert third.lead_entity_id is None


def test_clusters_in_bulk_keep_a_primary(planted):
    state = planted.a.state
    with state_context(state):
        (rec,) = make(state, 1)
        water = Cluster.objects.create(state=state, name="Water", position=2)
        women = Cluster.objects.create(state=state, name="Women", position=3)
        one = Recommendation.objects.filter(pk=rec.pk)
        curation.recommendations_cluster(selection=one, cluster=water)
        curation.recommendations_cluster(selection=one, cluster=women)
        rec.refresh_from_db()
        assert (rec.cluster_ids, rec.primary_cluster_id) == ([water.pk, women.pk], water.pk)
        assert curation.recommendations_cluster(selection=one, cluster=women, primary=True) == 1
        rec.refresh_from_db()
        assert (rec.cluster_ids, rec.primary_cluster_id) == ([water.pk, women.pk], women.pk)
        curation.recommendations_uncluster(selection=one, cluster=women)
        rec.refresh_from_db()
        assert (rec.cluster_ids, rec.primary_cluster_id) == ([water.pk], water.pk)
        curation.recommendations_uncluster(selection=one, cluster=water)
        rec.refresh_from_db()
        assert (rec.cluster_ids, rec.primary_cluster_id) == ([], None)


def test_priority_factors_by_hand_and_from_the_data(planted):
    state = planted.a.state
    roma = AffectedGroup.objects.get(name_en="Roma, Gypsies, Sinti & Travellers")
    judges = AffectedGroup.objects.get(name_en="Judges, lawyers & prosecutors")
    assert (roma.marginalised, judges.marginalised) == (True, False)
    with state_context(state):
        first, second = make(state, 2)
        selection = Recommendation.objects.filter(pk__in=[first.pk, second.pk])
        assert curation.recommendations_set_factor(selection=selection, factor="urgent", on=True) == 2
        assert curation.recommendations_set_factor(selection=selection, factor="no_budget", on=True) == 2
        first.refresh_from_db()
        assert (first.priority_factors, first.priority_score) == (["urgent", "no_budget"], 3)
        assert curation.recommendations_set_factor(selection=selection, factor="urgent", on=False) == 2
        first.refresh_from_db()
        assert (first.priority_factors, first.priority_score) == (["no_budget"], 1)

        # Affected groups: a marginalised group is a derived factor; a professional group is not.
        from recommendations.services import recommendation_update

        first = recommendation_update(
            recommendation=first, values={}, links={"affected_groups": [judges]}, seen_updated_at=first.updated_at
        )
        assert (first.priority_derived, first.priority_score) == ([], 1)
        first = recommendation_update(
            recommendation=first, values={}, links={"affected_groups": [roma]}, seen_updated_at=first.updated_at
        )
        assert (first.priority_derived, first.priority_score) == (["marginalised_groups"], 2)
        assert [(r.factor.code, r.by_hand) for r in reasons_for(first)] == [
            ("no_budget", True),
            ("marginalised_groups", False),
        ]

        # Two recommending States asking the same thing: "several mechanisms or States", derived.
        curation.recommendations_relate(state=state, selection=selection, user=None)
        first.refresh_from_db()
        # The same mechanism and no recommending States: not yet "several".
        assert first.priority_derived == ["marginalised_groups"]
        Recommendation.objects.filter(pk=first.pk).update(recommending_country_ids=[1])
        Recommendation.objects.filter(pk=second.pk).update(recommending_country_ids=[2])
        from recommendations.priority import priority_refresh

        assert priority_refresh(state_id=state.pk, recommendation_ids=[first.pk, second.pk]) == 2
        first.refresh_from_db()
        assert (first.priority_derived, first.priority_score) == (["several_mechanisms", "marginalised_groups"], 3)
        curation.recommendation_unrelate(recommendation=first)
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.related_group_id, second.related_group_id) == (None, None)
        assert (first.priority_derived, first.priority_score) == (["marginalised_groups"], 2)


def test_publish_in_bulk(planted):
    with state_context(planted.a.state):
        everything = Recommendation.objects.all()
        assert curation.recommendations_publish(selection=everything, published=True) == 1
        assert curation.recommendations_publish(selection=everything, published=False) == 2


def test_curating_one_recommendation_and_a_stale_save(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["secretariat"])
    with state_context(state):
        water = Cluster.objects.create(state=state, name="Water")
        health = Entity.objects.create(state=state, name="Ministry of Health")
        target = Recommendation.objects.get(pk=planted.a.unpublished.pk)
    page = url("recommendation-curate", state, pk=target.pk)
    form = client.get(page).context["form"]
    seen = form.initial["seen_updated_at"]
    data = {
        "clusters": [water.pk, planted.a.cluster.pk],
        "primary_cluster": planted.a.cluster.pk,
        "lead_entity": health.pk,
        "supporting_entities": [health.pk, planted.a.entity.pk],
        "priority_factors": ["national_priority"],
        "seen_updated_at": seen,
    }
    response = client.post(page, data)
    assert response["Location"] == url("recommendation-detail", state, pk=target.pk)
    with state_context(state):
        target.refresh_from_db()
        assert (target.cluster_ids, target.primary_cluster_id) == (
            [planted.a.cluster.pk, water.pk],  # in the State's order of clusters
            planted.a.cluster.pk,
        )
        assert (target.lead_entity_id, target.supporting_entity_ids) == (health.pk, [planted.a.entity.pk])
        assert (target.priority_factors, target.priority_score) == (["national_priority"], 1)
    # The same form sent again, with the time it was read: refused, the choices kept.
    response = client.post(page, {**data, "lead_entity": planted.a.entity.pk})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Someone else saved this recommendation while you were editing it. Your choices are still in the form "
        "below; check the recommendation's page for their change, then save again."
    ]
    assert response.context["form"]["lead_entity"].value() == str(planted.a.entity.pk)
    detail = client.get(url("recommendation-detail", state, pk=target.pk))
    body = detail.content.decode()
    assert "Ministry of Health" in body and "A national priority for stakeholders" in body


def test_list_filters_of_curation(client, planted):
    sign_in(client, planted.a.people["observer"])
    base = url("recommendation-list", planted.a.state)
    listed = lambda query: sorted(r.pk for r in client.get(base, query).context["recommendations"])  # noqa: E731
    published, unpublished = planted.a.published.pk, planted.a.unpublished.pk
    assert listed({"entity": planted.a.entity.pk}) == [published]
    assert listed({"cluster": planted.a.cluster.pk}) == [published]
    assert listed({"unassigned": "true"}) == [unpublished]
    assert listed({"unclustered": "true"}) == [unpublished]
    assert listed({"related": "true"}) == []
    # Another State's entity is not a choice here: the filter is invalid and the list empty.
    assert listed({"entity": planted.b.entity.pk}) == []


def test_workspace_home_counts_the_backlog(client, planted):
    sign_in(client, planted.a.people["secretariat"])
    response = client.get(reverse("workspace:home", kwargs={"state_slug": planted.a.state.slug}))
    assert response.context["curation"] == {"unassigned": 1, "unclustered": 1, "suggestions": 1}
    sign_in(client, planted.a.people["observer"])
    response = client.get(reverse("workspace:home", kwargs={"state_slug": planted.a.state.slug}))
    assert "curation" not in response.context


def test_grouping_is_one_history_entry_per_recommendation_with_the_factor_it_brings(planted):
    state = planted.a.state
    with state_context(state):
        first, second = make(state, 2)
        Recommendation.objects.filter(pk=first.pk).update(recommending_country_ids=[1])
        Recommendation.objects.filter(pk=second.pk).update(recommending_country_ids=[2])
        before = updates_of([first.pk, second.pk])
        group = curation.recommendations_relate(
            state=state, selection=Recommendation.objects.filter(pk__in=[first.pk, second.pk]), user=None
        )
        after = updates_of([first.pk, second.pk])
        assert {pk: after[pk] - before[pk] for pk in after} == {str(first.pk): 1, str(second.pk): 1}
        first.refresh_from_db()
        assert (first.related_group_id, first.priority_derived, first.priority_score) == (
            group.pk,
            ["several_mechanisms"],
            1,
        )
        curation.recommendation_unrelate(recommendation=first)
        assert updates_of([first.pk]) == {str(first.pk): after[str(first.pk)] + 1}
        first.refresh_from_db()
        assert (first.related_group_id, first.priority_derived, first.priority_score) == (None, [], 0)


def test_editing_a_grouped_recommendation_refreshes_what_the_group_spans(planted):
    from recommendations.models import Country
    from recommendations.services import recommendation_update

    state = planted.a.state
    with state_context(state):
        first, second = make(state, 2)
        curation.recommendations_relate(
            state=state, selection=Recommendation.objects.filter(pk__in=[first.pk, second.pk]), user=None
        )
        first.refresh_from_db()
        assert first.priority_derived == []
        france, uruguay = Country.objects.get(iso3="FRA"), Country.objects.get(iso3="URY")
        Recommendation.objects.filter(pk=second.pk).update(recommending_country_ids=[uruguay.pk])
        first = recommendation_update(
            recommendation=first,
            values={},
            links={"recommending_countries": [france]},
            seen_updated_at=first.updated_at,
        )
        second.refresh_from_db()
        assert (first.priority_derived, second.priority_derived) == (["several_mechanisms"], ["several_mechanisms"])

"""Data-collection rounds: opening one (its scope and tasks), completion, the pages, closing."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from followup.forms_rounds import resolve_references
from followup.models import DataCollectionRound, Notification, ProgressUpdate, RoundTask
from followup.rounds import RoundError, open_tasks_for, round_close, round_completion, round_open
from recommendations.models import Cluster, Entity, FocalPoint, Mechanism, Recommendation
from tenants.models import Membership, Role
from tenants.scoping import state_context
from tenants.services import membership_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Status = ProgressUpdate.Status


def sign_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def url(name, state, **kwargs):
    return reverse(f"workspace:{name}", kwargs={"state_slug": state.slug, **kwargs})


def shown(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def recommendation(state, paragraph, *, mechanism="UPR", lead=None, supporting=(), clusters=(), symbol="A/HRC/60/1"):
    return Recommendation.objects.create(
        state=state,
        mechanism=Mechanism.objects.get(code=mechanism),
        symbol=symbol,
        paragraph=paragraph,
        text=f"Recommendation {paragraph}",
        lead_entity=lead,
        supporting_entity_ids=[e.pk for e in supporting],
        cluster_ids=[c.pk for c in clusters],
    )


@pytest.fixture
def world(planted):
    """State A with three entities and recommendations of two mechanisms, assigned among them."""
    state = planted.a.state
    with state_context(state):
        justice = planted.a.entity
        education = Entity.objects.get(name_en="Ministry of Education of Alphaland")
        health = Entity.objects.create(state=state, name_en="Ministry of Health of Alphaland")
        children = Cluster.objects.create(state=state, name_en="Children")
        recs = {
            "crc1": recommendation(
                state, "10", mechanism="CRC", lead=education, supporting=[health], clusters=[children], symbol="CRC/C/1"
            ),
            "crc2": recommendation(state, "11", mechanism="CRC", lead=health, symbol="CRC/C/1"),
            "upr1": recommendation(state, "20.1", lead=justice, supporting=[education], clusters=[children]),
            "upr2": recommendation(state, "20.2", lead=justice),
            "nobody": recommendation(state, "20.3"),
        }
    return {"state": state, "justice": justice, "education": education, "health": health, "children": children, **recs}


def tasks_of(round_) -> set[tuple[str, str]]:
    return {
        (task.entity.name_en, task.recommendation.paragraph)
        for task in RoundTask.objects.filter(round=round_).select_related("entity", "recommendation")
    }


def open_round(world, user=None, **scope) -> DataCollectionRound:
    scope.setdefault("deadline", in_days(20))
    return round_open(state=world["state"], user=user, title="Mid-term round", instructions="Tell us", **scope)


# The service ---------------------------------------------------------------------------------------


def test_a_round_by_mechanism_asks_each_responsible_entity_about_its_own_recommendations(world):
    with state_context(world["state"]):
        round_ = open_round(world, mechanism=Mechanism.objects.get(code="CRC"))
        assert tasks_of(round_) == {
            ("Ministry of Education of Alphaland", "10"),
            ("Ministry of Health of Alphaland", "10"),
            ("Ministry of Health of Alphaland", "11"),
        }
        assert sorted(round_.entity_ids) == sorted([world["education"].pk, world["health"].pk])
        assert round_.status == DataCollectionRound.Status.OPEN
        assert round_.recommendation_ids == []


def test_a_round_by_cluster_and_mechanism_takes_what_both_match(world):
    with state_context(world["state"]):
        by_cluster = open_round(world, cluster=world["children"])
        assert tasks_of(by_cluster) == {
            ("Ministry of Education of Alphaland", "10"),
            ("Ministry of Health of Alphaland", "10"),
            ("Ministry of Justice of Alphaland", "20.1"),
            ("Ministry of Education of Alphaland", "20.1"),
        }
        both = open_round(world, cluster=world["children"], mechanism=Mechanism.objects.get(code="UPR"))
        assert tasks_of(both) == {
            ("Ministry of Justice of Alphaland", "20.1"),
            ("Ministry of Education of Alphaland", "20.1"),
        }


def test_an_explicit_list_and_chosen_entities_narrow_the_tasks(world):
    with state_context(world["state"]):
        round_ = open_round(
            world,
            recommendations=[world["crc1"], world["upr1"].pk, world["upr2"]],
            entities=[world["education"], world["health"]],
        )
        assert tasks_of(round_) == {
            ("Ministry of Education of Alphaland", "10"),
            ("Ministry of Health of Alphaland", "10"),
            ("Ministry of Education of Alphaland", "20.1"),
        }
        assert round_.recommendation_ids == sorted([world["crc1"].pk, world["upr1"].pk, world["upr2"].pk])
        assert round_.skipped_entities == []


def test_entities_asked_explicitly_without_a_recommendation_in_scope_are_reported_and_not_asked(world):
    with state_context(world["state"]):
        round_ = open_round(
            world, mechanism=Mechanism.objects.get(code="CRC"), entities=[world["health"], world["justice"]]
        )
        assert tasks_of(round_) == {
            ("Ministry of Health of Alphaland", "10"),
            ("Ministry of Health of Alphaland", "11"),
        }
        assert round_.entity_ids == [world["health"].pk]
        assert round_.skipped_entities == [world["justice"]]


def test_a_scope_that_asks_nothing_is_refused_and_writes_nothing(world):
    state = world["state"]
    with state_context(state):
        before = (DataCollectionRound.objects.count(), RoundTask.objects.count(), Notification.objects.count())
        with pytest.raises(RoundError, match="matches this scope"):
            open_round(world, mechanism=Mechanism.objects.get(code="CEDAW"))
        with pytest.raises(RoundError, match="None of the entities asked"):
            open_round(world, recommendations=[world["upr2"]], entities=[world["health"]])
        with pytest.raises(RoundError, match="ask nothing"):
            open_round(world, recommendations=[world["nobody"]])
        with pytest.raises(RoundError, match="Choose the recommendations"):
            open_round(world)
        with pytest.raises(RoundError, match="in the future"):
            open_round(world, mechanism=Mechanism.objects.get(code="CRC"), deadline=timezone.localdate())
        after = (DataCollectionRound.objects.count(), RoundTask.objects.count(), Notification.objects.count())
        assert after == before


def test_another_states_ids_are_not_found(world, planted):
    with state_context(world["state"]), pytest.raises(RoundError):
        open_round(world, recommendations=[planted.b.published.pk], entities=[planted.b.entity.pk])


def test_the_focal_points_of_the_entities_asked_are_told_in_app_and_by_e_mail(
    world, planted, django_capture_on_commit_callbacks
):
    state = world["state"]
    focal_point = planted.a.people["focal_point"]
    secretariat = planted.a.people["secretariat"]
    with state_context(state):
        # The focal point also serves Education; the secretariat officer who opens the round is a
        # focal point of Health (and is not told of their own round).
        FocalPoint.objects.create(state=state, membership=planted.a.focal_point.membership, entity=world["education"])
        FocalPoint.objects.create(
            state=state, membership=Membership.objects.get(user=secretariat), entity=world["health"]
        )
        with django_capture_on_commit_callbacks(execute=True):
            round_ = open_round(world, user=secretariat, cluster=world["children"])
        notes = list(Notification.objects.filter(kind=Notification.Kind.ROUND_OPENED, round=round_))
    assert [(n.user, n.params["entity"]) for n in notes] == [
        (focal_point, "Ministry of Education of Alphaland, Ministry of Justice of Alphaland")
    ]
    assert notes[0].params["path"] == url("round-detail", state, pk=round_.pk)
    assert [m.to for m in mail.outbox] == [[focal_point.email]]
    assert "Mid-term round" in mail.outbox[0].body


def test_completion_counts_answered_returned_and_pending_per_entity_in_two_queries(world, planted):
    state = world["state"]
    with state_context(state):
        round_ = open_round(world, recommendations=[world["crc1"], world["upr1"], world["upr2"]])
        tasks = {
            (t.entity_id, t.recommendation.paragraph): t
            for t in RoundTask.objects.filter(round=round_).select_related("recommendation")
        }
        justice, education = world["justice"].pk, world["education"].pk

        def answer(key, status):
            task = tasks[key]
            update = ProgressUpdate.objects.create(
                state=state,
                recommendation=task.recommendation,
                entity_id=task.entity_id,
                implementation_status="in_progress",
                narrative="Done",
                status=status,
            )
            RoundTask.objects.filter(pk=task.pk).update(update=update)

        answer((justice, "20.1"), Status.SUBMITTED)
        answer((justice, "20.2"), Status.RETURNED)
        answer((education, "10"), Status.VALIDATED)
        answer((education, "20.1"), Status.DRAFT)
        with CaptureQueriesContext(connection) as queries:
            rows = round_completion(round_)
        assert len(queries) <= 2
        figures = {
            row.entity.name_en: (row.tasks, row.answered, row.returned, row.pending, row.percentage) for row in rows
        }
        assert figures == {
            "Ministry of Education of Alphaland": (2, 1, 0, 1, 50),
            "Ministry of Health of Alphaland": (1, 0, 0, 1, 0),
            "Ministry of Justice of Alphaland": (2, 1, 1, 0, 50),
        }


def test_open_tasks_leave_out_answered_ones_and_closed_rounds(world, planted):
    state = world["state"]
    focal_point = planted.a.people["focal_point"]
    with state_context(state):
        round_ = open_round(world, recommendations=[world["upr1"], world["upr2"]])
        task = RoundTask.objects.get(round=round_, recommendation=world["upr1"], entity=world["justice"])
        update = ProgressUpdate.objects.create(
            state=state,
            recommendation=world["upr1"],
            entity=world["justice"],
            implementation_status="in_progress",
            narrative="Done",
            status=Status.SUBMITTED,
        )
        RoundTask.objects.filter(pk=task.pk).update(update=update)
        mine = {(t.round_id, t.recommendation.paragraph) for t in open_tasks_for(focal_point, state)}
        assert mine == {(round_.pk, "20.2"), (planted.a.data_round.pk, planted.a.published.paragraph)}
        round_close(round_, planted.a.people["secretariat"])
        mine = {(t.round_id, t.recommendation.paragraph) for t in open_tasks_for(focal_point, state)}
        assert mine == {(planted.a.data_round.pk, planted.a.published.paragraph)}
        with pytest.raises(RoundError, match="already closed"):
            round_close(round_, planted.a.people["secretariat"])


def test_references_are_numbers_symbols_or_symbols_with_a_paragraph(world):
    with state_context(world["state"]):
        ids, missing = resolve_references(
            [f"#{world['upr2'].pk}", "CRC/C/1", "A/HRC/60/1 20.1", "A/HRC/60/1 99", "E/C.12/XXX", "123456789"]
        )
        assert ids == sorted([world["upr2"].pk, world["crc1"].pk, world["crc2"].pk, world["upr1"].pk])
        assert missing == ["A/HRC/60/1 99", "E/C.12/XXX", "123456789"]


# The pages -----------------------------------------------------------------------------------------


def test_the_secretariat_opens_a_round_from_the_form(client, world, planted, django_capture_on_commit_callbacks):
    state = world["state"]
    sign_in(client, planted.a.people["secretariat"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("round-create", state),
            {
                "title": "Children's rights round",
                "instructions": "Report on what changed since the review.",
                "deadline": in_days(14).isoformat(),
                "remind_days_before": "5",
                "mechanism": Mechanism.objects.get(code="CRC").pk,
                "cluster": "",
                "recommendations": "",
            },
        )
    with state_context(state):
        round_ = DataCollectionRound.objects.get(title="Children's rights round")
        assert round_.remind_days_before == 5
        assert round_.opened_by == planted.a.people["secretariat"]
        assert len(tasks_of(round_)) == 3
    assert response.status_code == 302
    assert response["Location"] == url("round-detail", state, pk=round_.pk)


def test_the_form_takes_the_ticked_recommendations_and_refuses_a_past_deadline_or_an_empty_scope(
    client, world, planted
):
    state = world["state"]
    sign_in(client, planted.a.people["admin"])
    response = client.get(
        url("round-create", state) + f"?recommendations={world['upr1'].pk}&recommendations={world['upr2'].pk}"
    )
    assert response.status_code == 200
    assert response.context["form"].initial["recommendations"] == f"{world['upr1'].pk}\n{world['upr2'].pk}"
    base = {"title": "Round", "deadline": in_days(10).isoformat(), "remind_days_before": "7"}
    response = client.post(url("round-create", state), {**base, "deadline": timezone.localdate().isoformat()})
    assert "The deadline must be in the future." in response.context["form"].errors["deadline"]
    assert response.context["form"].non_field_errors()  # and no scope
    response = client.post(url("round-create", state), {**base, "recommendations": "#999999999"})
    assert "999999999" in str(response.context["form"].errors["recommendations"])
    # Ticked on the list and posted as several values; no entity among them leads or supports one.
    response = client.post(
        url("round-create", state),
        {**base, "recommendations": [str(world["nobody"].pk)]},
    )
    assert response.status_code == 200
    assert "would ask nothing" in str(response.context["form"].non_field_errors())
    response = client.post(
        url("round-create", state),
        {**base, "recommendations": [str(world["upr1"].pk), str(world["upr2"].pk)]},
    )
    assert response.status_code == 302
    with state_context(state):
        round_ = DataCollectionRound.objects.get(title="Round")
        assert round_.recommendation_ids == sorted([world["upr1"].pk, world["upr2"].pk])


def test_focal_points_and_observers_may_not_open_a_round(client, planted):
    for persona in ("focal_point", "observer"):
        sign_in(client, planted.a.people[persona])
        assert client.get(url("round-create", planted.a.state)).status_code == 403


def test_the_secretariat_sees_completion_and_every_task(client, world, planted):
    state = world["state"]
    with state_context(state):
        round_ = open_round(world, cluster=world["children"])
    sign_in(client, planted.a.people["secretariat"])
    response = client.get(url("round-detail", state, pk=round_.pk))
    assert response.status_code == 200
    assert {row.entity.name_en for row in response.context["completion"]} == {
        "Ministry of Education of Alphaland",
        "Ministry of Health of Alphaland",
        "Ministry of Justice of Alphaland",
    }
    assert len(response.context["tasks"]) == 4
    body = response.content.decode()
    assert "Ministry of Health of Alphaland" in body
    assert url("round-close", state, pk=round_.pk) in body


def test_a_focal_point_sees_only_their_entities_tasks_with_links_to_report(client, world, planted):
    state = world["state"]
    with state_context(state):
        round_ = open_round(world, cluster=world["children"])
        justice_task = RoundTask.objects.get(round=round_, entity=world["justice"])
    sign_in(client, planted.a.people["focal_point"])
    response = client.get(url("round-detail", state, pk=round_.pk))
    assert response.status_code == 200
    assert [(t.entity_id, t.recommendation_id) for t in response.context["tasks"]] == [
        (world["justice"].pk, world["upr1"].pk)
    ]
    body = response.content.decode()
    assert "Ministry of Health of Alphaland" not in body
    report = url("recommendation-update-create", state, pk=justice_task.recommendation_id)
    assert f"{report}?entity={world['justice'].pk}&amp;round={round_.pk}" in body
    assert url("round-close", state, pk=round_.pk) not in body
    # Once the entity has a draft for the round, the link leads to it.
    with state_context(state):
        draft = ProgressUpdate.objects.create(
            state=state,
            recommendation=world["upr1"],
            entity=world["justice"],
            round=round_,
            implementation_status="in_progress",
            narrative="Working on it",
        )
    body = client.get(url("round-detail", state, pk=round_.pk)).content.decode()
    assert url("update-detail", state, pk=draft.pk) in body
    assert f"{report}?entity=" not in body


def test_a_focal_point_whose_entities_are_not_asked_gets_404(client, world, planted):
    state = world["state"]
    with state_context(state):
        round_ = open_round(world, mechanism=Mechanism.objects.get(code="CRC"))
    sign_in(client, planted.a.people["focal_point"])
    assert client.get(url("round-detail", state, pk=round_.pk)).status_code == 404
    # Nor is it on their list.
    response = client.get(url("round-list", state))
    assert [r.pk for r, _f in response.context["rows"]] == [planted.a.data_round.pk]
    sign_in(client, planted.a.people["observer"])
    assert client.get(url("round-detail", state, pk=round_.pk)).status_code == 403


def test_the_secretariat_lists_every_round_with_its_completion(client, world, planted):
    state = world["state"]
    with state_context(state):
        round_ = open_round(world, mechanism=Mechanism.objects.get(code="CRC"))
    sign_in(client, planted.a.people["secretariat"])
    response = client.get(url("round-list", state))
    rows = {r.pk: figures.tasks for r, figures in response.context["rows"]}
    assert rows == {round_.pk: 3, planted.a.data_round.pk: 1}


def test_the_round_page_costs_the_same_queries_for_one_task_and_many(client, world, planted):
    state = world["state"]
    with state_context(state):
        small = open_round(world, recommendations=[world["upr2"]])
        big = open_round(world, recommendations=[world["crc1"], world["crc2"], world["upr1"], world["upr2"]])
        draft_for = RoundTask.objects.filter(round=big).select_related("recommendation").first()
        ProgressUpdate.objects.create(
            state=state,
            recommendation=draft_for.recommendation,
            entity_id=draft_for.entity_id,
            round=big,
            implementation_status="in_progress",
            narrative="Draft",
        )
    for persona in ("secretariat", "focal_point"):
        sign_in(client, planted.a.people[persona])
        counts = []
        for round_ in (small, big):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url("round-detail", state, pk=round_.pk)).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1], persona


def test_the_secretariat_closes_a_round_once(client, world, planted):
    state = world["state"]
    round_ = planted.a.data_round
    sign_in(client, planted.a.people["focal_point"])
    assert client.post(url("round-close", state, pk=round_.pk)).status_code == 403
    sign_in(client, planted.a.people["secretariat"])
    response = client.post(url("round-close", state, pk=round_.pk), follow=True)
    assert "The round is closed: no more reminders will be sent for it." in shown(response)
    with state_context(state):
        round_.refresh_from_db()
    assert round_.status == DataCollectionRound.Status.CLOSED and round_.closed_at is not None
    response = client.post(url("round-close", state, pk=round_.pk), follow=True)
    assert "This round is already closed." in shown(response)
    assert url("round-close", state, pk=round_.pk) not in response.content.decode()


def test_another_states_round_is_404(client, planted):
    sign_in(client, planted.a.people["secretariat"])
    other = planted.b.data_round.pk
    assert client.get(url("round-detail", planted.a.state, pk=other)).status_code == 404
    assert client.post(url("round-close", planted.a.state, pk=other)).status_code == 404


def test_a_new_member_focal_point_of_a_second_entity_sees_both(world, planted):
    state = world["state"]
    person = UserFactory(email="two-hats@alpha.example.org")
    membership = membership_set(state=state, user=person, role=Role.FOCAL_POINT)
    with state_context(state):
        FocalPoint.objects.create(state=state, membership=membership, entity=world["education"])
        FocalPoint.objects.create(state=state, membership=membership, entity=world["health"])
        open_round(world, mechanism=Mechanism.objects.get(code="CRC"))
        assert sorted(t.recommendation.paragraph for t in open_tasks_for(person, state)) == ["10", "10", "11"]

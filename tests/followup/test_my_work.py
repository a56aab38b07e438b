"""My work, the notifications list, and the counts on the workspace home and in the navigation."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from followup.models import DataCollectionRound, Notification, ProgressUpdate, RoundTask
from recommendations.models import Mechanism, Recommendation
from tenants.scoping import state_context

pytestmark = pytest.mark.django_db

Status = ProgressUpdate.Status


def sign_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def url(name, state, **kwargs):
    return reverse(f"workspace:{name}", kwargs={"state_slug": state.slug, **kwargs})


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def more_work(planted, n: int) -> None:
    """n more of everything on State A's planted entity: recommendations in an overdue round,
    returned updates, drafts, submitted updates, notifications."""
    a = planted.a
    with state_context(a.state):
        late = DataCollectionRound.objects.create(
            state=a.state, title=f"Late round {n}", deadline=in_days(-3), entity_ids=[a.entity.pk]
        )
        for i in range(n):
            rec = Recommendation.objects.create(
                state=a.state,
                mechanism=Mechanism.objects.get(code="UPR"),
                symbol="A/HRC/70/1",
                paragraph=f"{n}.{i}",
                text="More",
                lead_entity=a.entity,
            )
            RoundTask.objects.create(state=a.state, round=late, entity=a.entity, recommendation=rec)
            # Updates on another recommendation, outside the round (the round's tasks stay unanswered).
            other = Recommendation.objects.create(
                state=a.state,
                mechanism=rec.mechanism,
                symbol="A/HRC/71/1",
                paragraph=f"{n}.{i}",
                text="Other",
                lead_entity=a.entity,
            )
            for status in (Status.RETURNED, Status.DRAFT, Status.SUBMITTED):
                ProgressUpdate.objects.create(
                    state=a.state,
                    recommendation=other,
                    entity=a.entity,
                    implementation_status="in_progress",
                    narrative=f"{status} {i}",
                    status=status,
                    review_comment="Add the figures for 2025" if status == Status.RETURNED else "",
                    reviewed_by=a.people["secretariat"] if status == Status.RETURNED else None,
                    submitted_at=timezone.now() if status == Status.SUBMITTED else None,
                )
            Notification.objects.create(
                state=a.state, user=a.people["focal_point"], kind=Notification.Kind.ROUND_OPENED, params={}
            )


def test_a_focal_point_sees_open_tasks_by_round_returned_updates_and_drafts(client, planted):
    a = planted.a
    more_work(planted, 2)
    sign_in(client, a.people["focal_point"])
    response = client.get(url("my-work", a.state))
    assert response.status_code == 200
    context = response.context
    groups = [(round_.title, len(tasks)) for round_, tasks in context["task_groups"]]
    # Soonest deadline first: the overdue round, then the planted one.
    assert groups == [("Late round 2", 2), (a.data_round.title, 1)]
    assert context["task_count"] == 3
    assert len(context["returned"]) == 2 and len(context["drafts"]) == 3  # and the planted draft
    body = response.content.decode()
    assert "(overdue)" in body
    assert "Add the figures for 2025" in body
    late_round, late_tasks = context["task_groups"][0]
    report = url("recommendation-update-create", a.state, pk=late_tasks[0].recommendation_id)
    assert f"{report}?entity={a.entity.pk}&amp;round={late_round.pk}" in body
    # The planted task's entity has a draft on that recommendation: the link continues it.
    planted_task = context["task_groups"][1][1][0]
    assert planted_task.draft == a.draft_update
    assert url("update-detail", a.state, pk=a.draft_update.pk) in body
    assert url("recommendation-update-create", a.state, pk=a.published.pk) not in body
    assert "Updates waiting for review" not in body


def test_the_secretariat_sees_updates_to_review_and_open_rounds(client, planted):
    a = planted.a
    more_work(planted, 2)
    sign_in(client, a.people["secretariat"])
    response = client.get(url("my-work", a.state))
    context = response.context
    assert context["to_review_count"] == 2 and len(context["to_review"]) == 2
    rounds = {round_.title: (figures.tasks, figures.pending) for round_, figures in context["open_rounds"]}
    assert rounds == {"Late round 2": (2, 2), a.data_round.title: (1, 1)}
    assert [r.title for r in context["overdue_rounds"]] == ["Late round 2"]
    body = response.content.decode()
    assert "2 updates submitted and waiting for review" in body
    assert "1 round has passed its deadline." in body
    assert "Information requested from your entities" not in body


def test_an_observer_is_told_there_is_nothing_to_do(client, planted):
    sign_in(client, planted.a.people["observer"])
    response = client.get(url("my-work", planted.a.state))
    assert response.status_code == 200
    assert "There is nothing for you to do here" in response.content.decode()


@pytest.mark.parametrize("persona", ["focal_point", "secretariat"])
def test_my_work_costs_the_same_queries_for_little_and_much(client, planted, persona):
    a = planted.a
    sign_in(client, a.people[persona])
    counts = []
    for n in (1, 6):
        more_work(planted, n)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("my-work", a.state)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_notifications_newest_first_unread_marked_and_read_all(client, planted):
    a = planted.a
    user = a.people["secretariat"]
    with state_context(a.state):
        older = a.notification
        Notification.objects.filter(pk=older.pk).update(created_at=timezone.now() - datetime.timedelta(days=1))
        newer = Notification.objects.create(
            state=a.state,
            user=user,
            kind=Notification.Kind.DIGEST,
            params={"count": 2, "rounds": "Round one; Round two", "path": url("round-list", a.state)},
        )
        someone_elses = Notification.objects.create(
            state=a.state, user=a.people["admin"], kind=Notification.Kind.DIGEST, params={"count": 1, "rounds": "X"}
        )
    sign_in(client, user)
    response = client.get(url("notification-list", a.state))
    rows = response.context["rows"]
    assert [n.pk for n, _text, _path in rows] == [newer.pk, older.pk]
    assert rows[0][1] == "2 data-collection rounds are overdue: Round one; Round two."
    assert rows[0][2] == url("round-list", a.state)
    body = response.content.decode()
    assert body.count("Unread:") == 2
    assert "2 unread notifications" in body
    # In the navigation too.
    assert "(2 unread notifications)" in body

    response = client.post(url("notification-read", a.state), {"next": url("my-work", a.state)})
    assert response.status_code == 302 and response["Location"] == url("my-work", a.state)
    with state_context(a.state):
        assert not Notification.objects.filter(user=user, read_at=None).exists()
        assert Notification.objects.get(pk=someone_elses.pk).read_at is None
    body = client.get(url("notification-list", a.state)).content.decode()
    assert "Unread:" not in body and "Mark all as read" not in body
    # An address off the site is not followed.
    response = client.post(url("notification-read", a.state), {"next": "https://example.com/"})
    assert response["Location"] == url("notification-list", a.state)


def test_the_workspace_home_counts_the_work(client, planted):
    a = planted.a
    more_work(planted, 2)
    sign_in(client, a.people["focal_point"])
    response = client.get(url("home", a.state))
    assert response.context["work"] == {"open_tasks": 3, "overdue_tasks": 2, "returned": 2, "drafts": 3, "unread": 2}
    body = response.content.decode()
    assert url("my-work", a.state) in body
    assert "3 tasks of your entities to answer" in body
    sign_in(client, a.people["secretariat"])
    response = client.get(url("home", a.state))
    assert response.context["work"] == {"to_review": 2, "open_rounds": 2, "overdue_rounds": 1, "unread": 1}
    assert "2 updates waiting for review" in response.content.decode()

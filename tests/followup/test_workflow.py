"""The progress-update workflow: every transition, its refusals, notifications and the status it sets."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from followup import workflow
from followup.models import Action, Notification, ProgressUpdate
from recommendations.models import Recommendation
from tenants.scoping import state_context

pytestmark = pytest.mark.django_db
Status = ProgressUpdate.Status


@pytest.fixture
def a(planted):
    with state_context(planted.a.state):
        yield planted.a


def new_update(a, *, status_on="2026-03-01", implementation="in_progress", user=None):
    return workflow.update_create(
        state=a.state,
        user=user or a.people["focal_point"],
        entity=a.entity,
        recommendation=a.published,
        data={"implementation_status": implementation, "narrative": "A law was drafted.", "reported_on": status_on},
    )


def recipients(kind: str) -> set[str]:
    return {n.user.email for n in Notification.objects.filter(kind=kind).select_related("user")}


def test_draft_submit_validate_publish(a, django_capture_on_commit_callbacks):
    focal, secretariat = a.people["focal_point"], a.people["secretariat"]
    today = datetime.date.today()
    with django_capture_on_commit_callbacks(execute=True):
        update = new_update(a, status_on=today.isoformat(), implementation="implemented")
        assert update.status == Status.DRAFT and update.version == 1
        update = workflow.update_submit(update=update, user=focal, version=1)
    assert update.status == Status.SUBMITTED and update.submitted_at is not None
    # The secretariat and the administrator hear of it; the author does not.
    assert recipients("submitted") == {"admin@alpha.example.org", "secretariat@alpha.example.org"}
    assert {m.to[0] for m in mail.outbox} == {"admin@alpha.example.org", "secretariat@alpha.example.org"}
    assert "/alpha/workspace/updates/" in mail.outbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        update = workflow.update_validate(update=update, user=secretariat, version=update.version, comment="Thanks")
    assert update.status == Status.VALIDATED and update.reviewed_by == secretariat
    recommendation = Recommendation.objects.get(pk=a.published.pk)
    assert recommendation.implementation_status == "implemented"
    assert recommendation.implementation_status_on == today
    assert "focal_point@alpha.example.org" in recipients("validated")

    update = workflow.update_publish(update=update, user=secretariat, version=update.version)
    assert update.status == Status.PUBLISHED and update.published_at is not None


def test_return_needs_a_comment_then_the_corrected_update_goes_back(a, django_capture_on_commit_callbacks):
    focal, secretariat = a.people["focal_point"], a.people["secretariat"]
    update = workflow.update_submit(update=new_update(a), user=focal, version=1)
    with pytest.raises(workflow.WorkflowError, match="comment"):
        workflow.update_return(update=update, user=secretariat, version=update.version, comment="  ")
    with django_capture_on_commit_callbacks(execute=True):
        update = workflow.update_return(update=update, user=secretariat, version=update.version, comment="Add figures")
    assert update.status == Status.RETURNED and update.review_comment == "Add figures"
    assert recipients("returned") == {"focal_point@alpha.example.org"}
    assert "Add figures" in mail.outbox[-1].body
    update = workflow.update_edit(update=update, version=update.version, data={"narrative": "With figures: 12."})
    update = workflow.update_submit(update=update, user=focal, version=update.version)
    assert update.status == Status.SUBMITTED and update.narrative == "With figures: 12."


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (Status.DRAFT, "validate"),
        (Status.DRAFT, "return"),
        (Status.DRAFT, "publish"),
        (Status.SUBMITTED, "publish"),
        (Status.SUBMITTED, "submit"),
        (Status.SUBMITTED, "edit"),
        (Status.VALIDATED, "validate"),
        (Status.VALIDATED, "return"),
        (Status.VALIDATED, "edit"),
        (Status.VALIDATED, "submit"),
        (Status.PUBLISHED, "publish"),
        (Status.PUBLISHED, "edit"),
        (Status.RETURNED, "validate"),
        (Status.RETURNED, "publish"),
    ],
)
def test_refused_transitions_change_nothing(a, status, step):
    update = new_update(a)
    ProgressUpdate.objects.filter(pk=update.pk).update(status=status)
    update.refresh_from_db()
    user = a.people["secretariat"]
    steps = {
        "submit": lambda: workflow.update_submit(update=update, user=user, version=update.version),
        "validate": lambda: workflow.update_validate(update=update, user=user, version=update.version),
        "return": lambda: workflow.update_return(update=update, user=user, version=update.version, comment="No"),
        "publish": lambda: workflow.update_publish(update=update, user=user, version=update.version),
        "edit": lambda: workflow.update_edit(update=update, version=update.version, data={"narrative": "changed"}),
    }
    with pytest.raises(workflow.TransitionRefused):
        steps[step]()
    after = ProgressUpdate.objects.get(pk=update.pk)
    assert (after.status, after.version, after.narrative) == (status, update.version, "A law was drafted.")
    assert not Notification.objects.filter(update=update).exists()


def test_a_stale_version_is_a_conflict_not_an_overwrite(a):
    update = new_update(a)
    workflow.update_edit(update=update, version=1, data={"narrative": "First person's text"})
    with pytest.raises(workflow.Conflict) as conflict:
        workflow.update_edit(update=update, version=1, data={"narrative": "Second person's text"})
    assert conflict.value.current.narrative == "First person's text"
    assert ProgressUpdate.objects.get(pk=update.pk).narrative == "First person's text"
    # Two reviewers deciding at once: the second is told, not obeyed.
    update = workflow.update_submit(update=update, user=a.people["focal_point"], version=2)
    workflow.update_validate(update=update, user=a.people["secretariat"], version=update.version)
    with pytest.raises(workflow.Conflict):
        workflow.update_return(update=update, user=a.people["admin"], version=update.version, comment="No")
    assert ProgressUpdate.objects.get(pk=update.pk).status == Status.VALIDATED


def test_the_status_follows_the_latest_validated_update(a):
    secretariat = a.people["secretariat"]
    # The planted validated update (in progress, today) is the latest so far.
    older = new_update(a, status_on="2020-01-01", implementation="implemented")
    older = workflow.update_submit(update=older, user=secretariat, version=1)
    workflow.update_validate(update=older, user=secretariat, version=older.version)
    assert Recommendation.objects.get(pk=a.published.pk).implementation_status == "in_progress"
    newest = new_update(a, status_on=datetime.date.today().isoformat(), implementation="implemented")
    newest = workflow.update_submit(update=newest, user=secretariat, version=1)
    # Submitted is not enough.
    assert Recommendation.objects.get(pk=a.published.pk).implementation_status == "in_progress"
    workflow.update_validate(update=newest, user=secretariat, version=newest.version)
    assert Recommendation.objects.get(pk=a.published.pk).implementation_status == "implemented"


def test_an_update_on_an_action_sets_the_actions_status(a):
    update = workflow.update_create(
        state=a.state,
        user=a.people["focal_point"],
        entity=a.entity,
        action=a.action,
        data={"implementation_status": "partially_implemented", "narrative": "Half done", "reported_on": "2026-01-01"},
    )
    update = workflow.update_submit(update=update, user=a.people["focal_point"], version=1)
    workflow.update_validate(update=update, user=a.people["secretariat"], version=update.version)
    assert Action.objects.get(pk=a.action.pk).implementation_status == "partially_implemented"


def test_bulk_publish_publishes_validated_updates_only_in_one_statement(a, django_assert_max_num_queries):
    secretariat = a.people["secretariat"]
    drafts = [new_update(a) for _n in range(3)]
    validated = []
    for update in drafts[:2]:
        update = workflow.update_submit(update=update, user=secretariat, version=1)
        validated.append(workflow.update_validate(update=update, user=secretariat, version=update.version))
    ids = [u.pk for u in drafts] + [a.progress_update.pk]
    count = workflow.updates_publish(state=a.state, user=secretariat, ids=ids)
    assert count == 3  # two validated here and the planted one
    statuses = dict(ProgressUpdate.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert statuses[drafts[2].pk] == Status.DRAFT
    assert {statuses[u.pk] for u in validated} == {Status.PUBLISHED}


def test_bulk_publication_costs_the_same_queries_for_one_or_many(a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    secretariat = a.people["secretariat"]

    def validated(count):
        ids = []
        for _n in range(count):
            update = workflow.update_submit(update=new_update(a), user=a.people["focal_point"], version=1)
            ids.append(workflow.update_validate(update=update, user=secretariat, version=update.version).pk)
        return ids

    one, many = validated(1), validated(6)
    with CaptureQueriesContext(connection) as first:
        workflow.updates_publish(state=a.state, user=secretariat, ids=one)
    with CaptureQueriesContext(connection) as second:
        workflow.updates_publish(state=a.state, user=secretariat, ids=many)
    assert len(second) == len(first)
    # Each published update tells its entity's focal point, in one insert.
    assert Notification.objects.filter(kind="published", update_id__in=many).count() == 6


def test_the_email_job_never_reads_another_states_notifications(planted):
    from followup.tasks import send_notifications_task

    # B's notification id, sent to A's job: not found inside A, nothing is sent.
    assert send_notifications_task(planted.a.state.pk, [planted.b.notification.pk]) == 0
    assert mail.outbox == []
    assert send_notifications_task(planted.b.state.pk, [planted.b.notification.pk]) == 1
    assert mail.outbox[0].to == ["secretariat@beta.example.org"]


def test_the_notification_email_is_in_the_recipients_language(a, django_capture_on_commit_callbacks):
    a.people["secretariat"].language = "fr"
    a.people["secretariat"].save()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.update_submit(update=new_update(a), user=a.people["focal_point"], version=1)
    french = next(m for m in mail.outbox if m.to == ["secretariat@alpha.example.org"])
    english = next(m for m in mail.outbox if m.to == ["admin@alpha.example.org"])
    assert french.body != english.body
    assert "Vous recevez" in french.body


def test_deleting_a_draft_removes_it_and_its_files(a, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    name = a.evidence.file.name
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.update_delete(update=a.draft_update, version=a.draft_update.version)
    assert not ProgressUpdate.objects.filter(pk=a.draft_update.pk).exists()
    assert not default_storage.exists(name)
    with pytest.raises(workflow.TransitionRefused):
        workflow.update_delete(update=a.progress_update, version=a.progress_update.version)


def test_a_submitted_update_answers_the_entitys_round_task(a):
    task = a.data_round.tasks.get()
    assert task.update_id is None
    update = workflow.update_submit(update=new_update(a), user=a.people["focal_point"], version=1)
    task.refresh_from_db()
    assert task.update_id == update.pk


def test_detail_pages_link_the_steps_each_person_may_take(client, planted):
    a = planted.a
    url = reverse("workspace:update-detail", kwargs={"state_slug": "alpha", "pk": a.draft_update.pk})
    client.force_login(a.people["focal_point"], backend="django.contrib.auth.backends.ModelBackend")
    body = client.get(url).content.decode()
    assert "Submit for review" in body and "Record the decision" not in body
    with state_context(a.state):
        workflow.update_submit(update=a.draft_update, user=a.people["focal_point"], version=1)
    client.force_login(a.people["secretariat"], backend="django.contrib.auth.backends.ModelBackend")
    body = client.get(url).content.decode()
    assert "Record the decision" in body and "Submit for review" not in body

"""Reminders of data-collection deadlines, the overdue digest, and the Celery beat entry that runs them."""

from __future__ import annotations

import copy
import datetime
import threading

import pytest
from celery.beat import ScheduleEntry, Scheduler
from django.core import mail
from django.db import connections
from django.utils import formats, timezone, translation

from followup.models import DataCollectionRound, Notification, ProgressUpdate, ReminderLog, RoundTask
from followup.reminders import iso_week, reminders_run, reminders_send
from followup.rounds import round_close
from recommendations.models import FocalPoint
from tenants.models import HistoryEntry, User
from tenants.scoping import cross_state_access, state_context

# No module mark: the tests use ``planted`` (in the test's transaction) or, for two beats at
# once, ``committed`` (real commits, seen by other connections).

# A Wednesday; its ISO week is 2026-W49.
TODAY = datetime.date(2026, 12, 2)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def rounds(planted):
    """State A's planted round due in three days (reminder: 7 days before); State B's far off;
    no reminder sent yet (the planted log of each State is taken away)."""
    with cross_state_access():
        ReminderLog.objects.all().delete()
        DataCollectionRound.objects.filter(pk=planted.a.data_round.pk).update(deadline=TODAY + 3 * DAY)
        DataCollectionRound.objects.filter(pk=planted.b.data_round.pk).update(deadline=TODAY + 300 * DAY)
    return planted


def sent(kind, state) -> list[tuple[str, str]]:
    """(person, round title or "") of the notifications of a kind, oldest first."""
    with state_context(state):
        return [
            (n.user.email, n.round.title if n.round_id else "")
            for n in Notification.objects.filter(kind=kind).select_related("user", "round").order_by("pk")
        ]


def run(django_capture_on_commit_callbacks, today=TODAY):
    with django_capture_on_commit_callbacks(execute=True):
        return reminders_run(today=today)


def test_a_reminder_goes_once_to_each_focal_point_with_open_tasks_however_often_it_runs(
    rounds, django_capture_on_commit_callbacks
):
    a = rounds.a
    first = run(django_capture_on_commit_callbacks)
    second = run(django_capture_on_commit_callbacks)
    assert (first.reminders, first.overdue, first.digests, first.failed) == (1, 0, 0, [])
    assert (second.reminders, second.overdue, second.digests) == (0, 0, 0)
    assert first.states == 2  # both States have an open round
    assert sent(Notification.Kind.REMINDER, a.state) == [(a.people["focal_point"].email, a.data_round.title)]
    assert sent(Notification.Kind.REMINDER, rounds.b.state) == []
    assert [m.to for m in mail.outbox] == [[a.people["focal_point"].email]]
    assert "Reminder" in mail.outbox[0].body and a.data_round.title in mail.outbox[0].body
    with state_context(a.state):
        log = ReminderLog.objects.get()
    assert (log.kind, log.round_id, log.user_id, log.period) == (
        "before",
        a.data_round.pk,
        a.people["focal_point"].pk,
        "before",
    )


def test_no_reminder_before_the_window_nor_for_answered_tasks_nor_closed_rounds(
    rounds, django_capture_on_commit_callbacks
):
    a = rounds.a
    # Eight days before the deadline: not yet.
    assert run(django_capture_on_commit_callbacks, today=TODAY - 5 * DAY).reminders == 0
    # Answered: the task's update was submitted.
    with state_context(a.state):
        update = ProgressUpdate.objects.create(
            state=a.state,
            recommendation=a.published,
            entity=a.entity,
            implementation_status="in_progress",
            narrative="Sent",
            status=ProgressUpdate.Status.SUBMITTED,
        )
        RoundTask.objects.filter(round=a.data_round).update(update=update)
    assert run(django_capture_on_commit_callbacks).reminders == 0
    # Returned: it is open again.
    with state_context(a.state):
        ProgressUpdate.objects.filter(pk=update.pk).update(status=ProgressUpdate.Status.RETURNED)
        round_close(a.data_round, a.people["secretariat"])
    # Closed: nothing, even overdue.
    result = run(django_capture_on_commit_callbacks, today=TODAY + 10 * DAY)
    assert (result.reminders, result.overdue, result.digests) == (0, 0, 0)
    assert mail.outbox == []
    with state_context(a.state):
        assert not Notification.objects.filter(kind__in=["reminder", "overdue", "digest"]).exists()


def test_overdue_reminders_go_once_a_week_and_the_digest_once_a_day(rounds, django_capture_on_commit_callbacks):
    a = rounds.a
    focal_point = a.people["focal_point"].email
    curators = sorted([a.people["admin"].email, a.people["secretariat"].email])
    deadline = TODAY + 3 * DAY  # a Saturday
    monday = deadline + 2 * DAY  # the next ISO week
    days = [monday, monday + DAY, monday + 4 * DAY, monday + 7 * DAY]
    results = [run(django_capture_on_commit_callbacks, today=day) for day in days]
    run(django_capture_on_commit_callbacks, today=monday)  # again: nothing new
    assert [r.overdue for r in results] == [1, 0, 0, 1]
    assert [r.digests for r in results] == [2, 2, 2, 2]
    assert sent(Notification.Kind.OVERDUE, a.state) == [(focal_point, a.data_round.title)] * 2
    assert sorted(sent(Notification.Kind.DIGEST, a.state)) == sorted([(email, "") for email in curators] * 4)
    with state_context(a.state):
        periods = sorted(ReminderLog.objects.filter(kind="overdue").values_list("period", flat=True))
        digest = Notification.objects.filter(kind=Notification.Kind.DIGEST).first()
    assert periods == [iso_week(monday), iso_week(monday + 7 * DAY)] == ["2026-W50", "2026-W51"]
    assert digest.params["count"] == 1 and digest.params["rounds"] == a.data_round.title
    assert digest.params["path"] == f"/{a.state.slug}/workspace/rounds/"
    # Each curator had one e-mail a day; the focal point one a week.
    assert sum(m.to == [focal_point] for m in mail.outbox) == 2
    assert sum(m.to == [curators[0]] for m in mail.outbox) == 4


def test_no_digest_for_an_overdue_round_whose_tasks_are_all_answered(rounds, django_capture_on_commit_callbacks):
    a = rounds.a
    with state_context(a.state):
        RoundTask.objects.filter(round=a.data_round).update(update=a.progress_update)  # validated
    result = run(django_capture_on_commit_callbacks, today=TODAY + 10 * DAY)
    assert (result.overdue, result.digests) == (0, 0)


def test_the_digest_names_an_overdue_round_whose_entity_has_no_focal_point(rounds, django_capture_on_commit_callbacks):
    a = rounds.a
    with state_context(a.state):
        FocalPoint.objects.filter(pk=a.focal_point.pk).delete()
    result = run(django_capture_on_commit_callbacks, today=TODAY + 10 * DAY)
    assert (result.reminders, result.overdue, result.digests) == (0, 0, 2)


def test_e_mails_are_written_in_the_recipients_language(rounds, django_capture_on_commit_callbacks):
    a = rounds.a
    with cross_state_access():
        User.objects.filter(pk=a.people["focal_point"].pk).update(language="fr")
    run(django_capture_on_commit_callbacks)
    [message] = mail.outbox
    deadline = TODAY + 3 * DAY
    with translation.override("fr"):
        french = formats.date_format(deadline, "DATE_FORMAT")
    with translation.override("en"):
        english = formats.date_format(deadline, "DATE_FORMAT")
    assert french == "5 décembre 2026"
    assert french in message.body
    assert english not in message.body
    # The in-app line is rendered in the reader's language when shown, from the same parameters.
    with state_context(a.state):
        note = Notification.objects.get(kind=Notification.Kind.REMINDER)
    assert note.params["deadline"] == deadline.isoformat() and note.params["open"] == 1


def test_the_service_of_one_state_needs_its_context(rounds):
    from django_scopes import ScopeError

    with pytest.raises(ScopeError):
        reminders_send(state=rounds.a.state, today=TODAY)


def test_two_runs_at_once_send_each_reminder_once(committed):
    """Two beats at the same time: the second waits for the first's insert, then inserts nothing."""
    a = committed.a
    with cross_state_access():
        ReminderLog.objects.all().delete()
        DataCollectionRound.objects.filter(pk=a.data_round.pk).update(deadline=TODAY + 3 * DAY)
        DataCollectionRound.objects.filter(pk=committed.b.data_round.pk).update(deadline=TODAY + 300 * DAY)
    first_inserted = threading.Event()
    release_first = threading.Event()
    results: dict[str, int] = {}
    errors: list[BaseException] = []

    def beat(name: str, hold: bool) -> None:
        try:
            with state_context(a.state):
                results[name] = reminders_send(state=a.state, today=TODAY).reminders
                if hold:
                    first_inserted.set()
                    release_first.wait(10)
        except BaseException as error:  # reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    first = threading.Thread(target=beat, args=("first", True))
    second = threading.Thread(target=beat, args=("second", False))
    first.start()
    assert first_inserted.wait(10)
    second.start()
    second.join(1)
    # The second is blocked on the first's uncommitted row, not finished.
    assert second.is_alive()
    release_first.set()
    first.join(10)
    second.join(10)
    assert errors == []
    assert results == {"first": 1, "second": 0}
    with state_context(a.state):
        assert Notification.objects.filter(kind=Notification.Kind.REMINDER).count() == 1
        assert ReminderLog.objects.count() == 1


# Celery beat ---------------------------------------------------------------------------------------


def test_beat_runs_the_reminders_hourly_and_the_task_sends_them(rounds, django_capture_on_commit_callbacks):
    from nrtd.celery import app

    app.loader.import_default_modules()
    scheduler = Scheduler(app=app, lazy=True)
    scheduler.setup_schedule()
    entry = scheduler.schedule["followup-reminders"]
    assert isinstance(entry, ScheduleEntry)
    assert entry.task == "followup.tasks.reminders_task"
    assert entry.task in app.tasks

    def at(hour: int, minute: int) -> datetime.datetime:
        return datetime.datetime(2026, 12, 2, hour, minute, tzinfo=app.timezone)

    def due(now: datetime.datetime, last_run: datetime.datetime) -> bool:
        schedule = copy.copy(entry.schedule)
        schedule.nowfun = lambda: now
        probe = ScheduleEntry(name=entry.name, task=entry.task, schedule=schedule, last_run_at=last_run, app=app)
        return probe.is_due().is_due

    assert not due(at(10, 4), last_run=at(9, 5))
    assert due(at(10, 5), last_run=at(9, 5))
    assert due(at(10, 7), last_run=at(9, 5))  # a beat that was down catches up
    assert not due(at(10, 30), last_run=at(10, 5))
    assert not due(at(11, 4), last_run=at(10, 5))
    assert due(at(11, 5), last_run=at(10, 5))

    # The task body, as the worker runs it: every State, today's date.
    with cross_state_access():
        DataCollectionRound.objects.filter(pk=rounds.a.data_round.pk).update(deadline=timezone.localdate() + 2 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        result = app.tasks[entry.task].apply().get()
    assert result == {"states": 2, "reminders": 1, "overdue": 0, "digests": 0, "failed": []}
    assert [m.to for m in mail.outbox] == [[rounds.a.people["focal_point"].email]]
    with state_context(rounds.a.state):
        log = ReminderLog.objects.get()
        assert log.period == "before"
        # Its history names the task, as a request's names the person.
        entry = HistoryEntry.objects.select_related("context").get(
            table_name=ReminderLog._meta.db_table, row_id=str(log.pk)
        )
    assert entry.context.metadata["task"] == "reminders_task"

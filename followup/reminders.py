"""Reminders of data-collection deadlines, and the overdue digest for the secretariat.

Run every hour by Celery beat (``followup.tasks.reminders_task``), for each active State with an
open round:

- within ``remind_days_before`` days of a round's deadline (the deadline day included), each
  focal point whose entities still have tasks open in it gets one reminder (once per round);
- once the deadline has passed, they get an overdue reminder every ``State.overdue_reminder_days``
  days (the State's settings; once per ISO week when it is 7, as before it was a setting);
- each day with an overdue round that still has open tasks, every curator of the State gets one
  digest naming those rounds.

Each message is sent once whatever the number of runs: its ``ReminderLog`` row is inserted
first (``INSERT ... ON CONFLICT DO NOTHING RETURNING``), and only the rows this run actually
inserted are notified. Two beats running at once cannot both insert a row: the second waits for
the first's transaction and then inserts nothing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from followup import notify as notifications
from followup.models import DataCollectionRound, Notification, ReminderLog, RoundTask
from followup.rounds import ANSWERED
from recommendations.models import FocalPoint
from tenants.models import State, User
from tenants.scoping import cross_state_access, state_context

logger = logging.getLogger(__name__)

Kind = ReminderLog.Kind


@dataclass
class Sent:
    reminders: int = 0
    overdue: int = 0
    digests: int = 0
    states: int = 0
    failed: list[str] = field(default_factory=list)

    def add(self, other: Sent) -> None:
        self.reminders += other.reminders
        self.overdue += other.overdue
        self.digests += other.digests

    def as_dict(self) -> dict:
        return {
            "states": self.states,
            "reminders": self.reminders,
            "overdue": self.overdue,
            "digests": self.digests,
            "failed": list(self.failed),
        }


def iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _claim(state: State, rows: list[tuple[str, int | None, int, str]]) -> set[tuple[str, int | None, int]]:
    """Insert the log rows (kind, round id, user id, period) that are not there yet; return the
    (kind, round id, user id) of those this call inserted."""
    if not rows:
        return set()
    table = connection.ops.quote_name(ReminderLog._meta.db_table)
    now = timezone.now()
    values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(rows))
    params: list = []
    for kind, round_id, user_id, period in rows:
        params += [state.pk, kind, round_id, user_id, period, now]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (state_id, kind, round_id, user_id, period, sent_at) VALUES {values}"
            " ON CONFLICT DO NOTHING RETURNING kind, round_id, user_id",
            params,
        )
        return {tuple(row) for row in cursor.fetchall()}


def _open_tasks(round_ids: list[int]) -> tuple[dict[int, dict[int, int]], set[int]]:
    """For each round, each active focal point's number of tasks still open for their entities;
    and the rounds with a task still open (whether or not its entity has a focal point). Two queries."""
    if not round_ids:
        return {}, set()
    open_counts = (
        RoundTask.objects.filter(round_id__in=round_ids)
        .exclude(update__status__in=ANSWERED)
        .order_by()
        .values_list("round_id", "entity_id")
        .annotate(n=Count("pk"))
    )
    by_entity: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for round_id, entity_id, n in open_counts:
        by_entity[entity_id].append((round_id, n))
    unanswered = {round_id for pairs in by_entity.values() for round_id, _n in pairs}
    people: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    bindings = (
        FocalPoint.objects.filter(
            entity_id__in=list(by_entity), membership__user__is_active=True, membership__is_active=True
        )
        .order_by()
        .values_list("entity_id", "membership__user_id")
        .distinct()
    )
    for entity_id, user_id in bindings:
        for round_id, n in by_entity[entity_id]:
            people[round_id][user_id] += n
    return people, unanswered


def overdue_period(state: State, deadline: date, today: date) -> str:
    """The period an overdue reminder is sent once in: the ISO week when the State reminds weekly,
    else the n-th stretch of ``overdue_reminder_days`` days after the deadline."""
    every = max(1, state.overdue_reminder_days)
    if every == 7:
        return iso_week(today)
    return f"{every}d:{((today - deadline).days - 1) // every}"


def reminders_send(*, state: State, today: date | None = None) -> Sent:
    """Send the State's due reminders and digest (run inside the State's context)."""
    today = today or timezone.localdate()
    sent = Sent()
    rounds = {r.pk: r for r in DataCollectionRound.objects.filter(status=DataCollectionRound.Status.OPEN)}
    due = {pk: r for pk, r in rounds.items() if 0 <= (r.deadline - today).days <= r.remind_days_before}
    late = {pk: r for pk, r in rounds.items() if r.deadline < today}
    people, unanswered = _open_tasks(sorted([*due, *late]))

    rows: list[tuple[str, int | None, int, str]] = []
    for round_id in due:
        rows += [(Kind.BEFORE, round_id, user_id, "before") for user_id in people.get(round_id, {})]
    for round_id, round_ in late.items():
        period = overdue_period(state, round_.deadline, today)
        rows += [(Kind.OVERDUE, round_id, user_id, period) for user_id in people.get(round_id, {})]
    claimed = _claim(state, rows)

    users = User.objects.in_bulk({user_id for _k, _r, user_id in claimed})
    # People told the same thing (same round, kind and number of open tasks): one call each.
    groups: dict[tuple[str, int, int], list[User]] = defaultdict(list)
    for kind, round_id, user_id in sorted(claimed, key=lambda row: (row[0], row[1] or 0, row[2])):
        groups[(kind, round_id, people[round_id][user_id])].append(users[user_id])
    for (kind, round_id, open_count), recipients in groups.items():
        round_ = rounds[round_id]
        written = notifications.notify(
            state=state,
            users=recipients,
            kind=Notification.Kind.REMINDER if kind == Kind.BEFORE else Notification.Kind.OVERDUE,
            round=round_,
            params=notifications.round_params(round_, open=open_count),
        )
        if kind == Kind.BEFORE:
            sent.reminders += len(written)
        else:
            sent.overdue += len(written)

    overdue_rounds = sorted((r for pk, r in late.items() if pk in unanswered), key=lambda r: (r.deadline, r.pk))
    if overdue_rounds:
        curators = {user.pk: user for user in notifications.curators(state)}
        day = today.isoformat()
        claimed = _claim(state, [(Kind.DIGEST, None, user_id, day) for user_id in curators])
        written = notifications.notify(
            state=state,
            users=[curators[user_id] for _k, _r, user_id in sorted(claimed, key=lambda row: row[2])],
            kind=Notification.Kind.DIGEST,
            params={
                "count": len(overdue_rounds),
                "rounds": "; ".join(r.title for r in overdue_rounds)[:1000],
                "path": reverse("workspace:round-list", kwargs={"state_slug": state.slug}),
            },
        )
        sent.digests += len(written)
    return sent


def reminders_run(*, today: date | None = None) -> Sent:
    """Every active State with an open round, each in its own context and transaction; a State
    that fails is logged and the others still get their reminders."""
    today = today or timezone.localdate()
    with cross_state_access():
        state_ids = list(
            DataCollectionRound.objects.filter(status=DataCollectionRound.Status.OPEN)
            .order_by()
            .values_list("state_id", flat=True)
            .distinct()
        )
    total = Sent()
    for state in State.objects.filter(pk__in=state_ids, status=State.Status.ACTIVE).order_by("pk"):
        try:
            with state_context(state):
                total.add(reminders_send(state=state, today=today))
        except Exception:
            logger.exception("Reminders of %s failed", state.slug)
            total.failed.append(state.slug)
        else:
            total.states += 1
    return total

"""Data-collection rounds: the secretariat asks entities about a set of recommendations by a deadline.

Opening a round resolves its scope once: the recommendations (of a mechanism, in a cluster, an
explicit list: each criterion given narrows the set) and the entities asked (by default every
entity that leads or supports one of them). It writes one ``RoundTask`` per entity and
recommendation that entity is responsible for, and tells the entities' focal points. A task is
answered by the entity's submitted update on the recommendation (``followup.workflow._link_tasks``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from followup import notify as notifications
from followup.models import DataCollectionRound, Notification, ProgressUpdate, RoundTask
from followup.queries import my_entity_ids
from recommendations.models import Cluster, Entity, Mechanism, Recommendation
from tenants.models import State, User
from tenants.queries import membership_for

Status = ProgressUpdate.Status
# A task is answered once its update reached the secretariat (and stays so when validated).
ANSWERED = [Status.SUBMITTED, Status.VALIDATED, Status.PUBLISHED]


class RoundError(Exception):
    """A round the service refuses to open or close; ``str()`` is the message for the person who asked."""


@transaction.atomic
def round_open(
    *,
    state: State,
    user: User | None,
    title: str,
    instructions: str = "",
    deadline: date,
    mechanism: Mechanism | None = None,
    cluster: Cluster | None = None,
    recommendations: Iterable[Recommendation | int] | None = None,
    entities: Iterable[Entity | int] | None = None,
    remind_days_before: int = 7,
) -> DataCollectionRound:
    """Open a round and write its tasks; refuses (``RoundError``) a scope that asks nobody anything.

    The returned round carries ``skipped_entities``: entities asked explicitly that are
    responsible for none of the recommendations in scope (they get no task and no message).
    """
    if deadline <= timezone.localdate():
        raise RoundError(_("The deadline must be in the future."))
    if mechanism is None and cluster is None and recommendations is None:
        raise RoundError(_("Choose the recommendations the round is about: a mechanism, a cluster or a list."))
    scoped = Recommendation.objects.all()
    if mechanism is not None:
        scoped = scoped.filter(mechanism=mechanism)
    if cluster is not None:
        scoped = scoped.filter(cluster_ids__contains=[cluster.pk])
    explicit: list[int] = []
    if recommendations is not None:
        explicit = sorted({getattr(r, "pk", r) for r in recommendations})
        scoped = scoped.filter(pk__in=explicit)
    # Who is responsible for what, in one query.
    responsible = list(scoped.order_by("pk").values_list("pk", "lead_entity_id", "supporting_entity_ids"))

    asked: set[int] | None = None
    if entities is not None:
        asked = {getattr(e, "pk", e) for e in entities}
        # Only the State's own entities (another State's id is not found under its scope).
        asked = set(Entity.objects.filter(pk__in=asked).values_list("pk", flat=True))
    pairs: list[tuple[int, int]] = []
    for recommendation_id, lead_id, supporting_ids in responsible:
        for entity_id in dict.fromkeys([*([lead_id] if lead_id else []), *(supporting_ids or [])]):
            if asked is None or entity_id in asked:
                pairs.append((entity_id, recommendation_id))
    if not pairs:
        if not responsible:
            raise RoundError(_("No recommendation matches this scope: the round would ask nothing."))
        raise RoundError(
            _(
                "None of the entities asked leads or supports a recommendation in this scope: the round would "
                "ask nothing. Assign the recommendations first, or ask other entities."
            )
        )
    # The entities that do answer (the tasks' foreign keys keep them from being deleted).
    task_entities = sorted({entity_id for entity_id, _r in pairs})

    round_ = DataCollectionRound.objects.create(
        state=state,
        title=title.strip(),
        instructions=instructions.strip(),
        deadline=deadline,
        mechanism=mechanism,
        cluster=cluster,
        recommendation_ids=explicit,
        entity_ids=task_entities,
        remind_days_before=remind_days_before,
        opened_by=user,
    )
    RoundTask.objects.bulk_create(
        RoundTask(state=state, round=round_, entity_id=entity_id, recommendation_id=recommendation_id)
        for entity_id, recommendation_id in pairs
    )
    round_.skipped_entities = (
        list(Entity.objects.filter(pk__in=asked - set(task_entities)).order_by("name")) if asked else []
    )
    _tell_focal_points(round_, task_entities, actor=user)
    return round_


def _tell_focal_points(round_: DataCollectionRound, entity_ids: list[int], *, actor: User | None) -> None:
    """One notification per person, naming the entities of theirs the round asks."""
    names = {pk: str(entity) for pk, entity in Entity.objects.in_bulk(entity_ids).items()}
    people: dict[int, User] = {}
    entities_of: dict[int, list[str]] = defaultdict(list)
    for entity_id, users in notifications.focal_points_by_entity(entity_ids).items():
        for user in users:
            people[user.pk] = user
            entities_of[user.pk].append(names[entity_id])
    # People with the same entities get the same text: one message each.
    groups: dict[str, list[User]] = defaultdict(list)
    for user_id, entity_names in entities_of.items():
        groups[", ".join(sorted(dict.fromkeys(entity_names)))].append(people[user_id])
    notifications.notify_many(
        state=round_.state,
        messages=[
            notifications.Message(
                users,
                Notification.Kind.ROUND_OPENED,
                round=round_,
                params=notifications.round_params(round_, entity=entity_names[:400]),
            )
            for entity_names, users in groups.items()
        ],
        exclude=actor,
    )


@transaction.atomic
def round_close(round_: DataCollectionRound, user: User | None = None) -> DataCollectionRound:
    """Close an open round: no more reminders; its tasks stay as answered (or not) for the record."""
    closed = DataCollectionRound.objects.filter(pk=round_.pk, status=DataCollectionRound.Status.OPEN).update(
        status=DataCollectionRound.Status.CLOSED, closed_at=timezone.now()
    )
    if not closed:
        raise RoundError(_("This round is already closed."))
    return DataCollectionRound.objects.get(pk=round_.pk)


@dataclass
class Completion:
    """How far one entity (or the whole round) has answered."""

    entity: Entity | None
    tasks: int
    answered: int
    returned: int

    @property
    def pending(self) -> int:
        return self.tasks - self.answered - self.returned

    @property
    def percentage(self) -> int:
        return round(100 * self.answered / self.tasks) if self.tasks else 0


def _counts(tasks: QuerySet[RoundTask], key: str) -> QuerySet:
    return (
        tasks.order_by()
        .values(key)
        .annotate(
            tasks=Count("pk"),
            answered=Count("pk", filter=Q(update__status__in=ANSWERED)),
            returned=Count("pk", filter=Q(update__status=Status.RETURNED)),
        )
    )


def round_completion(round_: DataCollectionRound, entity_ids: Iterable[int] | None = None) -> list[Completion]:
    """Per entity asked (by name): tasks, answered, returned and pending. Two queries whatever the size."""
    tasks = RoundTask.objects.filter(round=round_)
    if entity_ids is not None:
        tasks = tasks.filter(entity_id__in=list(entity_ids))
    rows = {row["entity_id"]: row for row in _counts(tasks, "entity_id")}
    entities = Entity.objects.filter(pk__in=list(rows)).order_by("name", "pk") if rows else []
    return [
        Completion(entity, rows[entity.pk]["tasks"], rows[entity.pk]["answered"], rows[entity.pk]["returned"])
        for entity in entities
    ]


def completion_total(per_entity: list[Completion]) -> Completion:
    return Completion(
        None,
        sum(c.tasks for c in per_entity),
        sum(c.answered for c in per_entity),
        sum(c.returned for c in per_entity),
    )


def rounds_completion(round_ids: Iterable[int], entity_ids: Iterable[int] | None = None) -> dict[int, Completion]:
    """The figures of several rounds (of some entities only, if given), in one query."""
    tasks = RoundTask.objects.filter(round_id__in=list(round_ids))
    if entity_ids is not None:
        tasks = tasks.filter(entity_id__in=list(entity_ids))
    rows = _counts(tasks, "round_id")
    return {row["round_id"]: Completion(None, row["tasks"], row["answered"], row["returned"]) for row in rows}


def rounds_visible_to(user: User, state: State) -> QuerySet[DataCollectionRound]:
    """Every round for the secretariat; for a focal point, the rounds that ask one of their entities."""
    rounds = DataCollectionRound.objects.all()
    if user.has_perm("followup.manage_rounds", state):
        return rounds
    mine = sorted(my_entity_ids(user, state))
    if not mine:
        return rounds.none()
    return rounds.filter(entity_ids__overlap=mine)


def round_tasks(round_: DataCollectionRound, entity_ids: Iterable[int] | None = None) -> list[RoundTask]:
    """The round's tasks (of some entities only, if given), each with ``draft``: the entity's update
    in progress on that recommendation for the round when the task has no answer yet. Two queries."""
    tasks = RoundTask.objects.filter(round=round_).select_related("entity", "recommendation", "update")
    if entity_ids is not None:
        tasks = tasks.filter(entity_id__in=list(entity_ids))
    tasks = list(tasks.order_by("entity__name", "entity_id", "recommendation__symbol", "recommendation__paragraph"))
    _attach_drafts(tasks)
    return tasks


def _attach_drafts(tasks: list[RoundTask]) -> None:
    """Set ``task.draft`` on tasks without an answer: a draft of the entity on the recommendation,
    written for the task's round or for none (one query)."""
    waiting = [task for task in tasks if task.update_id is None]
    for task in tasks:
        task.draft = None
    if not waiting:
        return
    drafts = ProgressUpdate.objects.filter(
        Q(round_id__in={task.round_id for task in waiting}) | Q(round=None),
        status=Status.DRAFT,
        entity_id__in={task.entity_id for task in waiting},
        recommendation_id__in={task.recommendation_id for task in waiting},
    ).order_by("-updated_at", "-pk")
    found: dict[tuple[int, int, int | None], ProgressUpdate] = {}
    for draft in drafts.only("pk", "entity_id", "recommendation_id", "round_id", "status"):
        found.setdefault((draft.entity_id, draft.recommendation_id, draft.round_id), draft)
    for task in waiting:
        task.draft = found.get((task.entity_id, task.recommendation_id, task.round_id)) or found.get(
            (task.entity_id, task.recommendation_id, None)
        )


def open_tasks_for(user: User, state: State) -> list[RoundTask]:
    """The tasks of open rounds the user's entities still have to answer (no answer, or one returned
    or not yet submitted), soonest deadline first. Two queries."""
    mine = my_entity_ids(user, state)
    if not mine:
        return []
    tasks = list(
        RoundTask.objects.filter(round__status=DataCollectionRound.Status.OPEN, entity_id__in=sorted(mine))
        .exclude(update__status__in=ANSWERED)
        .select_related("round", "entity", "recommendation", "update")
        .order_by("round__deadline", "round_id", "entity__name", "recommendation__symbol", "recommendation__paragraph")
    )
    _attach_drafts(tasks)
    return tasks


def work_counts(user: User, state: State) -> dict[str, int]:
    """What the person has to do, in figures (the workspace home's box; a few queries):
    a focal point's open and overdue tasks, returned updates and drafts of their entities; a
    curator's updates waiting for review, open and overdue rounds; unread notifications."""
    today = timezone.localdate()
    counts: dict[str, int] = {}
    mine = sorted(my_entity_ids(user, state))
    if mine:
        counts.update(
            RoundTask.objects.filter(round__status=DataCollectionRound.Status.OPEN, entity_id__in=mine)
            .exclude(update__status__in=ANSWERED)
            .aggregate(open_tasks=Count("pk"), overdue_tasks=Count("pk", filter=Q(round__deadline__lt=today)))
        )
        counts.update(
            ProgressUpdate.objects.filter(entity_id__in=mine, status__in=[Status.RETURNED, Status.DRAFT]).aggregate(
                returned=Count("pk", filter=Q(status=Status.RETURNED)),
                drafts=Count("pk", filter=Q(status=Status.DRAFT)),
            )
        )
    if user.has_perm("followup.review_updates", state):
        counts["to_review"] = ProgressUpdate.objects.filter(status=Status.SUBMITTED).count()
        counts.update(
            DataCollectionRound.objects.filter(status=DataCollectionRound.Status.OPEN).aggregate(
                open_rounds=Count("pk"), overdue_rounds=Count("pk", filter=Q(deadline__lt=today))
            )
        )
    counts["unread"] = unread_count(user, state)
    return counts


def unread_count(user: User, state: State) -> int:
    """The person's unread notifications in the State (one query; none for a support session)."""
    membership = membership_for(user, state)
    if membership is None or membership.pk is None:
        return 0
    return Notification.objects.filter(user=user, read_at=None).count()

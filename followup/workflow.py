"""The life of a progress update: written, submitted, returned or validated, published.

Every change is one conditional UPDATE on the update's id, its ``version`` and the states it
may leave: two people acting at once cannot both succeed, and the one who loses learns why
(``Conflict`` when someone saved in between, ``TransitionRefused`` when the update has moved on).
Nothing is overwritten silently. A recommendation's (or action's) implementation status is the
status of its latest validated update, refreshed in the same transaction as the validation.

Four-eyes review (``State.four_eyes_review``): the person who wrote or last edited an update
cannot validate it. The rule is read from the State's row in the same conditional UPDATE, so a
setting changed meanwhile, or an edit saved a moment before, cannot slip past it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from followup import notify as notifications
from followup.evidence import delete_files_on_commit
from followup.models import Action, DataCollectionRound, Notification, ProgressUpdate, RoundTask
from followup.queries import reviewers_of
from nrtd.db import update_by_id
from recommendations.models import Entity, Recommendation
from tenants.models import State, User

Status = ProgressUpdate.Status
COUNTED = [Status.VALIDATED, Status.PUBLISHED]
EDITABLE = [Status.DRAFT, Status.RETURNED]
FIELDS = ("implementation_status", "narrative", "reported_on")


class WorkflowError(Exception):
    """A change the workflow refuses; ``str()`` is the message for the person who asked."""


class Conflict(WorkflowError):
    """Someone else saved the update since the person loaded it; ``current`` is what is saved now."""

    def __init__(self, current: ProgressUpdate):
        self.current = current
        super().__init__(
            _(
                "Someone else changed this update while you were working on it. Nothing you wrote was "
                "saved; your text is kept below beside the saved one."
            )
        )


class TransitionRefused(WorkflowError):
    def __init__(self, current: ProgressUpdate, message: str):
        self.current = current
        super().__init__(message)


def _move(
    update: ProgressUpdate,
    *,
    version: int,
    allowed: Iterable[str],
    refusal: str,
    condition: Q | None = None,
    condition_refusal=None,
    **values,
) -> ProgressUpdate:
    """Apply ``values`` if the update is still at ``version``, in one of ``allowed`` and meets
    ``condition``; else raise (``condition_refusal(current)`` gives the message when only the
    condition failed)."""
    rows = ProgressUpdate.objects.filter(pk=update.pk, version=version, status__in=list(allowed))
    if condition is not None:
        rows = rows.filter(condition)
    changed = rows.update(version=F("version") + 1, updated_at=timezone.now(), **values)
    current = ProgressUpdate.objects.select_related("entity", "recommendation", "action", "state", "author").get(
        pk=update.pk
    )
    if not changed:
        if current.version != version:
            raise Conflict(current)
        if current.status not in allowed or condition_refusal is None:
            raise TransitionRefused(current, refusal)
        raise TransitionRefused(current, condition_refusal(current))
    return current


def second_pair_of_eyes(user: User) -> Q:
    """The update may be validated by ``user``: four-eyes review is off in its State, or they
    neither wrote nor last edited it. A condition on the State's row, for the same UPDATE."""
    four_eyes = State.objects.filter(pk=OuterRef("state_id"), four_eyes_review=True)
    return ~Exists(four_eyes) | (~Q(author=user) & ~Q(last_edited_by=user))


def four_eyes_refusal(user: User):
    def refusal(current: ProgressUpdate) -> str:
        names = ", ".join(str(person) for person in reviewers_of(current))
        if names:
            return _(
                "You wrote or last edited this update, so someone else must validate it (four-eyes review): %(names)s."
            ) % {"names": names}
        return _(
            "You wrote or last edited this update, so someone else must validate it (four-eyes review), and "
            "nobody else in the secretariat can. Ask an administrator to invite a second reviewer."
        )

    return refusal


@transaction.atomic
def update_create(
    *,
    state: State,
    user: User,
    entity: Entity,
    recommendation: Recommendation | None = None,
    action: Action | None = None,
    round: DataCollectionRound | None = None,
    data: dict,
) -> ProgressUpdate:
    """A new draft update of ``entity`` on a recommendation or an action."""
    update = ProgressUpdate.objects.create(
        state=state,
        entity=entity,
        recommendation=recommendation,
        action=action,
        round=round,
        author=user,
        **{name: data[name] for name in FIELDS if name in data},
    )
    return update


@transaction.atomic
def updates_create_drafts(
    *, state: State, user: User, entity: Entity, drafts: list[tuple[int, dict]]
) -> list[ProgressUpdate]:
    """Many new draft updates of ``entity`` at once, one per ``(recommendation id, data)``: an
    information request pack brought back (reporting.returns). One statement however many."""
    return ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            state=state,
            entity=entity,
            recommendation_id=recommendation_id,
            author=user,
            **{name: data[name] for name in FIELDS if name in data},
        )
        for recommendation_id, data in drafts
    )


@transaction.atomic
def updates_edit_drafts(*, edits: list[tuple[int, int, dict]], user: User | None = None) -> set[int]:
    """New text on many draft or returned updates at once, one per ``(id, version, data)``: an
    information request brought back corrected (reporting.returns). Each is saved only if it is
    still at that version and editable (its row locked while checked); returns the ids saved.
    ``user``, who brought the answers in, becomes each one's last editor (four-eyes review)."""
    if not edits:
        return set()
    wanted = {pk: (version, data) for pk, version, data in edits}
    current = list(ProgressUpdate.objects.select_for_update().filter(pk__in=list(wanted), status__in=EDITABLE))
    now = timezone.now()
    rows = []
    for update in current:
        version, data = wanted[update.pk]
        if update.version != version:
            continue
        values = [data.get(name, getattr(update, name)) for name in FIELDS]
        editor = user.pk if user is not None else update.last_edited_by_id
        rows.append((update.pk, *values, version + 1, now, editor))
    update_by_id(
        ProgressUpdate._meta.db_table,
        [*FIELDS, "version", "updated_at", "last_edited_by_id"],
        rows,
        types=["varchar", "text", "date", "integer", "timestamptz", "bigint"],
    )
    return {row[0] for row in rows}


@transaction.atomic
def update_edit(*, update: ProgressUpdate, version: int, data: dict, user: User | None = None) -> ProgressUpdate:
    """Save new text on a draft or returned update, if nobody saved it since ``version``; ``user``
    is remembered as its last editor (who may then not validate it under four-eyes review)."""

    return _move(
        update,
        version=version,
        allowed=EDITABLE,
        refusal=_("This update has been submitted; it can no longer be changed."),
        **({"last_edited_by": user} if user is not None else {}),
        **{name: data[name] for name in FIELDS if name in data},
    )


@transaction.atomic
def update_submit(*, update: ProgressUpdate, user: User, version: int) -> ProgressUpdate:
    """Send a draft (or a corrected returned update) to the secretariat for review."""
    current = _move(
        update,
        version=version,
        allowed=EDITABLE,
        refusal=_("This update has already been submitted."),
        status=Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    _link_tasks(current)
    notifications.notify(
        state=current.state,
        users=notifications.curators(current.state),
        kind=Notification.Kind.SUBMITTED,
        update=current,
        params=notifications.update_params(current),
        exclude=user,
    )
    return current


@transaction.atomic
def update_return(*, update: ProgressUpdate, user: User, version: int, comment: str) -> ProgressUpdate:
    """Send a submitted update back to its entity with the reason (required)."""
    if not comment.strip():
        raise WorkflowError(_("Say what needs correcting: a returned update needs a comment."))
    current = _move(
        update,
        version=version,
        allowed=[Status.SUBMITTED],
        refusal=_("Only a submitted update can be returned."),
        status=Status.RETURNED,
        reviewed_by=user,
        reviewed_at=timezone.now(),
        review_comment=comment.strip(),
    )
    _tell_entity(current, user, Notification.Kind.RETURNED)
    return current


@transaction.atomic
def update_validate(*, update: ProgressUpdate, user: User, version: int, comment: str = "") -> ProgressUpdate:
    """Accept a submitted update: it now sets the implementation status of what it reports on.

    Under four-eyes review, refused (TransitionRefused, naming who may validate it) to the person
    who wrote or last edited it."""
    current = _move(
        update,
        version=version,
        allowed=[Status.SUBMITTED],
        refusal=_("Only a submitted update can be validated."),
        condition=second_pair_of_eyes(user),
        condition_refusal=four_eyes_refusal(user),
        status=Status.VALIDATED,
        reviewed_by=user,
        reviewed_at=timezone.now(),
        review_comment=comment.strip(),
    )
    status_refresh(
        recommendation_ids=[current.recommendation_id] if current.recommendation_id else [],
        action_ids=[current.action_id] if current.action_id else [],
    )
    _tell_entity(current, user, Notification.Kind.VALIDATED)
    return current


@transaction.atomic
def update_publish(*, update: ProgressUpdate, user: User, version: int) -> ProgressUpdate:
    """Make a validated update public (on the portal, once the recommendation is published too)."""
    current = _move(
        update,
        version=version,
        allowed=[Status.VALIDATED],
        refusal=_("Only a validated update can be published."),
        status=Status.PUBLISHED,
        published_at=timezone.now(),
    )
    _tell_entity(current, user, Notification.Kind.PUBLISHED)
    return current


@transaction.atomic
def updates_publish(*, state: State, user: User, ids: Iterable[int]) -> int:
    """Publish every validated update among ``ids`` in one statement; returns how many were published."""
    published = list(
        ProgressUpdate.objects.filter(pk__in=list(ids), status=Status.VALIDATED)
        .select_for_update()
        .values_list("pk", flat=True)
    )
    if not published:
        return 0
    now = timezone.now()
    ProgressUpdate.objects.filter(pk__in=published).update(
        status=Status.PUBLISHED, published_at=now, updated_at=now, version=F("version") + 1
    )
    _tell_entities(
        list(
            ProgressUpdate.objects.filter(pk__in=published).select_related(
                "entity", "recommendation", "action", "state", "author"
            )
        ),
        user,
        Notification.Kind.PUBLISHED,
    )
    return len(published)


@transaction.atomic
def update_delete(*, update: ProgressUpdate, version: int) -> None:
    """Delete a draft that was never submitted (its evidence files go once the deletion commits)."""
    files = list(update.evidence.values_list("file", flat=True))
    deleted, _rows = ProgressUpdate.objects.filter(pk=update.pk, version=version, status=Status.DRAFT).delete()
    if not deleted:
        current = ProgressUpdate.objects.get(pk=update.pk)
        if current.version != version:
            raise Conflict(current)
        raise TransitionRefused(current, _("Only a draft can be deleted; this update has been submitted."))
    delete_files_on_commit(files)


def status_refresh(*, recommendation_ids: Iterable[int] = (), action_ids: Iterable[int] = ()) -> None:
    """Set each recommendation's and action's implementation status from its latest validated update."""
    for model, field, ids, extra in (
        (Recommendation, "recommendation", list(recommendation_ids), True),
        (Action, "action", list(action_ids), False),
    ):
        if not ids:
            continue
        latest = ProgressUpdate.objects.filter(**{field: OuterRef("pk")}, status__in=COUNTED).order_by(
            F("reported_on").desc(), F("reviewed_at").desc(nulls_last=True), F("id").desc()
        )
        values = {"implementation_status": Coalesce(Subquery(latest.values("implementation_status")[:1]), Value(""))}
        if extra:
            values["implementation_status_on"] = Subquery(latest.values("reported_on")[:1])
        model.objects.filter(pk__in=ids).update(**values)


def _link_tasks(update: ProgressUpdate) -> None:
    """A submitted update answers the entity's open tasks on that recommendation (in open rounds)."""
    if not update.recommendation_id:
        return
    tasks = RoundTask.objects.filter(
        entity_id=update.entity_id,
        recommendation_id=update.recommendation_id,
        round__status=DataCollectionRound.Status.OPEN,
    )
    if update.round_id:
        tasks.filter(round_id=update.round_id).update(update=update)
    # Tasks not answered yet, or answered by an update sent back or abandoned.
    tasks.exclude(update__status__in=[Status.SUBMITTED, *COUNTED]).update(update=update)


def _tell_entity(update: ProgressUpdate, actor: User, kind: str) -> None:
    _tell_entities([update], actor, kind)


def _tell_entities(updates: list[ProgressUpdate], actor: User, kind: str) -> None:
    """Tell each update's entity (its focal points) and author; a few queries whatever the number."""
    if not updates:
        return
    people = notifications.focal_points_by_entity({update.entity_id for update in updates})
    notifications.notify_many(
        state=updates[0].state,
        messages=[
            notifications.Message(
                [*people.get(update.entity_id, []), *([update.author] if update.author_id else [])],
                kind,
                update=update,
                params=notifications.update_params(update),
            )
            for update in updates
        ],
        exclude=actor,
    )

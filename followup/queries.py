"""Named questions about follow-up data: a recommendation's progress and its timeline of changes."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django_scopes import get_scope

from followup.models import Action, Evidence, Indicator, Measurement, ProgressUpdate, RoundTask
from recommendations.models import FocalPoint, Recommendation
from tenants.history_display import Line, render
from tenants.models import HistoryEntry, Membership, Role, State, User
from tenants.queries import membership_for
from tenants.rules import is_curator, is_focal_point, is_observer


def my_entity_ids(user: User, state: State) -> set[int]:
    """The entities the user is a focal point of in ``state`` (cached on the user for the request)."""
    membership = membership_for(user, state)
    if membership is None or membership.pk is None:
        return set()
    cache: dict[int, set[int]] = user.__dict__.setdefault("_nrtd_entities", {})
    if state.pk not in cache:
        cache[state.pk] = set(FocalPoint.objects.filter(membership=membership).values_list("entity_id", flat=True))
    return cache[state.pk]


def subject_entity_ids(subject: Recommendation | Action) -> set[int]:
    """The entities responsible for a recommendation or an action (lead and supporting)."""
    ids = set(subject.supporting_entity_ids)
    if subject.lead_entity_id:
        ids.add(subject.lead_entity_id)
    return ids


def reporting_entities(user: User, state: State, subject: Recommendation | Action) -> set[int]:
    """The entities the user may report for on ``subject``: for a focal point, their own entities
    responsible for it (or asked about it in an open round); for the secretariat, every entity
    responsible for it (it may enter what a ministry sent by other means)."""
    responsible = subject_entity_ids(subject)
    if isinstance(subject, Recommendation):
        responsible |= set(
            RoundTask.objects.filter(recommendation=subject, round__status="open").values_list("entity_id", flat=True)
        )
    if is_curator(user, state):
        return responsible
    if is_focal_point(user, state):
        return responsible & my_entity_ids(user, state)
    return set()


def updates_visible_to(user: User, state: State) -> QuerySet[ProgressUpdate]:
    """The progress updates the user may read (``followup.view_update``, as a queryset): the
    secretariat all; a focal point their entities' in any state and the others' once validated;
    an observer validated ones only."""
    updates = ProgressUpdate.objects.all()
    if is_curator(user, state):
        return updates
    counted = Q(status__in=[ProgressUpdate.Status.VALIDATED, ProgressUpdate.Status.PUBLISHED])
    if is_focal_point(user, state):
        return updates.filter(counted | Q(entity_id__in=my_entity_ids(user, state)))
    if is_observer(user, state):
        return updates.filter(counted)
    return updates.none()


def reviewers_of(update: ProgressUpdate) -> list[User]:
    """Who may validate the update: the State's active administrators and secretariat officers,
    without (under four-eyes review) the person who wrote it and the one who last edited it."""
    people = User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(role__in=[Role.STATE_ADMIN, Role.SECRETARIAT], is_active=True).values(
            "user_id"
        ),
    )
    if update.state.four_eyes_review:
        people = people.exclude(pk__in=[pk for pk in (update.author_id, update.last_edited_by_id) if pk])
    return list(people.order_by("name", "email"))


def actions_of(recommendation: Recommendation) -> QuerySet[Action]:
    return Action.objects.filter(recommendation_ids__contains=[recommendation.pk]).select_related("plan", "lead_entity")


def timeline(recommendation: Recommendation, *, user: User, state: State, limit: int = 100) -> list[Line]:
    """Every change to the recommendation and to the follow-up around it that the person may see:
    its progress updates (and their evidence), the actions that link it, their indicators and
    measurements; newest first, as people read them (tenants.history_display). A query for each
    kind of ids, one for the entries, and the renderer's few."""
    update_ids = list(
        updates_visible_to(user, state).filter(recommendation=recommendation).values_list("pk", flat=True)
    )
    action_ids = list(actions_of(recommendation).values_list("pk", flat=True))
    indicator_ids = list(
        Indicator.objects.filter(Q(recommendation=recommendation) | Q(action_id__in=action_ids)).values_list(
            "pk", flat=True
        )
    )
    measurement_ids = list(Measurement.objects.filter(indicator_id__in=indicator_ids).values_list("pk", flat=True))
    evidence_ids = list(Evidence.objects.filter(update_id__in=update_ids).values_list("pk", flat=True))
    rows = Q(table_name=Recommendation._meta.db_table, row_id=str(recommendation.pk))
    for model, ids in (
        (ProgressUpdate, update_ids),
        (Action, action_ids),
        (Indicator, indicator_ids),
        (Measurement, measurement_ids),
        (Evidence, evidence_ids),
    ):
        if ids:
            rows |= Q(table_name=model._meta.db_table, row_id__in=[str(pk) for pk in ids])
    entries = list(HistoryEntry.objects.filter(rows).select_related("context").order_by("-changed_at", "-id")[:limit])
    return render(entries, state=state)


def history_of(obj, limit: int = 100) -> list[Line]:
    """The history of one row (an update, an action, a plan, an indicator, an obligation), newest first."""
    entries = list(
        HistoryEntry.objects.filter(table_name=obj._meta.db_table, row_id=str(obj.pk))
        .select_related("context")
        .order_by("-changed_at", "-id")[:limit]
    )
    return render(entries, state=get_scope().get("state"))

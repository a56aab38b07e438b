"""Who may see and do what with follow-up data, object by object.

The State-level permissions (``followup.rules``) say whether a role may open a kind of page at
all; these functions answer for one object: focal points act only on their own entities' items,
observers and other entities' focal points see an update only once it is validated.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from followup.models import Action, ProgressUpdate, RoundTask
from recommendations.models import FocalPoint, Recommendation
from tenants.models import Role, State, User
from tenants.queries import membership_for


def role_of(user: User, state: State) -> str | None:
    membership = membership_for(user, state)
    return membership.role if membership is not None else None


def is_curator(user: User, state: State) -> bool:
    return role_of(user, state) in {Role.STATE_ADMIN, Role.SECRETARIAT}


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
    responsible for it (or asked about it in a round); for the secretariat, every entity
    responsible for it (it may enter what a ministry sent by other means)."""
    responsible = subject_entity_ids(subject)
    if isinstance(subject, Recommendation):
        responsible |= set(
            RoundTask.objects.filter(recommendation=subject, round__status="open").values_list("entity_id", flat=True)
        )
    if is_curator(user, state):
        return responsible
    if role_of(user, state) == Role.FOCAL_POINT:
        return responsible & my_entity_ids(user, state)
    return set()


def visible_updates(user: User, state: State) -> QuerySet[ProgressUpdate]:
    """The progress updates the user may read: the secretariat all; a focal point their entities'
    in any state and the others' once validated; an observer validated ones only."""
    updates = ProgressUpdate.objects.all()
    role = role_of(user, state)
    if role in {Role.STATE_ADMIN, Role.SECRETARIAT}:
        return updates
    counted = Q(status__in=[ProgressUpdate.Status.VALIDATED, ProgressUpdate.Status.PUBLISHED])
    if role == Role.FOCAL_POINT:
        return updates.filter(counted | Q(entity_id__in=my_entity_ids(user, state)))
    if role == Role.OBSERVER:
        return updates.filter(counted)
    return updates.none()


def may_edit_update(user: User, state: State, update: ProgressUpdate) -> bool:
    """Whether the user may change the update's text and evidence, or submit it (not whether its
    state allows it: that is the workflow's check, made in the same statement as the change)."""
    if is_curator(user, state):
        return True
    return role_of(user, state) == Role.FOCAL_POINT and update.entity_id in my_entity_ids(user, state)


def may_measure(user: User, state: State, indicator) -> bool:
    """Whether the user may add measurements to an indicator: the secretariat, or a focal point of
    an entity responsible for its action or recommendation."""
    if is_curator(user, state):
        return True
    if role_of(user, state) != Role.FOCAL_POINT:
        return False
    subject = indicator.action or indicator.recommendation
    return bool(subject_entity_ids(subject) & my_entity_ids(user, state))

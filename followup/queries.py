"""Named questions about follow-up data: a recommendation's progress and its timeline of changes."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from followup.models import Action, Evidence, Indicator, Measurement, ProgressUpdate, RoundTask
from recommendations.models import Entity, FocalPoint, Recommendation
from tenants.models import HistoryEntry, State, User
from tenants.queries import membership_for
from tenants.rules import is_curator, is_focal_point, is_observer

# Columns a person never needs to see in a timeline (bookkeeping, or repeated elsewhere).
HIDDEN_COLUMNS = {"id", "state_id", "version", "created_at", "updated_at", "import_hash", "priority_derived"}
# Columns that hold an entity's id, shown by the entity's name.
ENTITY_COLUMNS = {"lead_entity_id", "entity_id"}


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


def actions_of(recommendation: Recommendation) -> QuerySet[Action]:
    return Action.objects.filter(recommendation_ids__contains=[recommendation.pk]).select_related("plan", "lead_entity")


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class TimelineEntry:
    entry: HistoryEntry
    what: str
    link: str | None
    changes: list[Change]

    @property
    def who(self) -> str:
        metadata = (self.entry.context.metadata if self.entry.context_id and self.entry.context else None) or {}
        return metadata.get("user_name") or metadata.get("task") or metadata.get("command") or ""


def _models_by_table() -> dict[str, type]:
    return {model._meta.db_table: model for model in apps.get_models()}


def _display(model, column: str, value, entities: dict[int, str]) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if column in ENTITY_COLUMNS and isinstance(value, int):
        return entities.get(value, f"#{value}")
    field = next((f for f in model._meta.concrete_fields if f.column == column), None) if model else None
    if field is not None and field.choices and isinstance(value, str):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= 300 else text[:299] + "…"


def _label(model, column: str) -> str:
    field = next((f for f in model._meta.concrete_fields if f.column == column), None) if model else None
    return str(field.verbose_name) if field is not None else column


def describe(entries: list[HistoryEntry]) -> list[TimelineEntry]:
    """History entries as a person reads them: what changed, from what, to what, with labels."""
    tables = _models_by_table()
    entity_ids = set()
    for entry in entries:
        for side in (entry.before or {}, entry.after or {}):
            entity_ids.update(v for k, v in side.items() if k in ENTITY_COLUMNS and isinstance(v, int))
    entities = {e.pk: str(e) for e in Entity.objects.filter(pk__in=entity_ids)} if entity_ids else {}
    described = []
    for entry in entries:
        model = tables.get(entry.table_name)
        what = str(model._meta.verbose_name).capitalize() if model else entry.table_name
        before, after = entry.before or {}, entry.after or {}
        if entry.operation == HistoryEntry.Operation.UPDATE:
            columns = [c for c in after if c not in HIDDEN_COLUMNS]
        else:
            # A created or deleted row: what it held, without empty values and bookkeeping.
            side = after or before
            columns = [
                c
                for c, v in side.items()
                if c not in HIDDEN_COLUMNS and not c.startswith("text_") and v not in (None, "", [], {})
            ][:10]
        changes = [
            Change(
                _label(model, column),
                _display(model, column, before.get(column), entities) if entry.operation != "I" else "",
                _display(model, column, after.get(column), entities) if entry.operation != "D" else "",
            )
            for column in columns
        ]
        described.append(TimelineEntry(entry, what, None, changes))
    return described


def timeline(recommendation: Recommendation, *, user: User, state: State, limit: int = 100) -> list[TimelineEntry]:
    """Every change to the recommendation and to the follow-up around it that the person may see:
    its progress updates (and their evidence), the actions that link it, their indicators and
    measurements; newest first. One query for the ids, one for the entries."""
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
    return describe(entries)


def history_of(obj, limit: int = 100) -> list[TimelineEntry]:
    """The timeline of one row (an update, an action, a plan, an indicator)."""
    entries = list(
        HistoryEntry.objects.filter(table_name=obj._meta.db_table, row_id=str(obj.pk))
        .select_related("context")
        .order_by("-changed_at", "-id")[:limit]
    )
    return describe(entries)

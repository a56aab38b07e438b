"""Named questions about follow-up data: a recommendation's progress and its timeline of changes."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from followup.access import visible_updates
from followup.models import Action, Evidence, Indicator, Measurement, ProgressUpdate
from recommendations.models import Entity, Recommendation
from tenants.models import HistoryEntry, State, User

# Columns a person never needs to see in a timeline (bookkeeping, or repeated elsewhere).
HIDDEN_COLUMNS = {"id", "state_id", "version", "created_at", "updated_at", "import_hash", "priority_derived"}
# Columns that hold an entity's id, shown by the entity's name.
ENTITY_COLUMNS = {"lead_entity_id", "entity_id"}


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
    update_ids = list(visible_updates(user, state).filter(recommendation=recommendation).values_list("pk", flat=True))
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

"""What the apps above ``recommendations`` add to it, without it importing them.

Follow-up keeps records in an entity's name (so such an entity cannot be deleted) and links
recommendations to the actions of its plans (a bulk action of the recommendation list). The
recommendations app must know of both, but follow-up sits above it in the layers
(docs/architecture.md): follow-up registers them here from its ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django import forms
    from django.db.models import QuerySet

    from recommendations.models import Entity, Recommendation


@dataclass(frozen=True)
class EntityReferences:
    """How many records of another app are kept in an entity's name, under a name of the count."""

    name: str
    count: Callable[[Entity], int]


@dataclass(frozen=True)
class BulkAction:
    """A bulk action another app offers on the recommendation list.

    ``field`` builds the form field that chooses its object (called inside the State's context);
    ``apply`` does the work on the selection and returns how many recommendations changed.
    """

    name: str
    label: Any
    field_name: str
    field: Callable[[], forms.Field]
    apply: Callable[..., int]

    def run(self, *, selection: QuerySet[Recommendation], value: Any) -> int:
        return self.apply(selection=selection, value=value)


ENTITY_REFERENCES: list[EntityReferences] = []
BULK_ACTIONS: dict[str, BulkAction] = {}


def entity_references_register(references: EntityReferences) -> None:
    if all(known.name != references.name for known in ENTITY_REFERENCES):
        ENTITY_REFERENCES.append(references)


def bulk_action_register(action: BulkAction) -> None:
    BULK_ACTIONS[action.name] = action

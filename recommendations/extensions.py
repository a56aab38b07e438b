"""What the apps above ``recommendations`` add to it, without it importing them.

Follow-up keeps records in an entity's name (so such an entity cannot be deleted) and links
recommendations to the actions of its plans (a bulk action of the recommendation list). The
recommendations app must know of both, but follow-up sits above it in the layers
(docs/architecture.md): follow-up registers them here from its ``AppConfig.ready()``. Likewise
consultation adds its discussion to the pages of recommendations, actions and updates (``Panel``).
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


@dataclass(frozen=True)
class Panel:
    """A section an app higher up adds to the page of an object of an app below it (consultation's
    discussion under an action or a progress update).

    ``context`` is called with ``request=`` and ``obj=`` inside the State's context, and returns
    what ``template`` needs (it reads it as ``panel``), or None to show nothing.
    """

    name: str
    template: str
    context: Callable[..., dict | None]


ENTITY_REFERENCES: list[EntityReferences] = []
BULK_ACTIONS: dict[str, BulkAction] = {}
PANELS: list[Panel] = []


def entity_references_register(references: EntityReferences) -> None:
    if all(known.name != references.name for known in ENTITY_REFERENCES):
        ENTITY_REFERENCES.append(references)


def bulk_action_register(action: BulkAction) -> None:
    BULK_ACTIONS[action.name] = action


def panel_register(panel: Panel) -> None:
    if all(known.name != panel.name for known in PANELS):
        PANELS.append(panel)


def panels_for(*, request, obj) -> list[tuple[str, dict]]:
    """The sections other apps add to ``obj``'s page, as (template, context) pairs."""
    shown = []
    for panel in PANELS:
        context = panel.context(request=request, obj=obj)
        if context is not None:
            shown.append((panel.template, context))
    return shown

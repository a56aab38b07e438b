"""What follow-up adds to the recommendations app (registered by FollowupConfig.ready())."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from followup.models import Action, ProgressUpdate, RoundTask
from followup.plans import actions_link
from recommendations.extensions import (
    BulkAction,
    EntityReferences,
    bulk_action_register,
    entity_references_register,
)


def _followup_in_name_of(entity) -> int:
    """Actions the entity leads or supports, its progress updates and the tasks rounds gave it."""
    return (
        Action.objects.filter(Q(lead_entity=entity) | Q(supporting_entity_ids__contains=[entity.pk])).count()
        + ProgressUpdate.objects.filter(entity=entity).count()
        + RoundTask.objects.filter(entity=entity).count()
    )


def _action_field() -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        label=_("Action of a plan"),
        queryset=Action.objects.select_related("plan").order_by("plan__title", "title"),
        required=False,
    )
    field.label_from_instance = lambda action: f"{action.plan.title} — {action.title}"
    return field


def _link(*, selection, value: Action) -> int:
    return actions_link(action=value, recommendation_ids=selection.values_list("pk", flat=True))


def register() -> None:
    entity_references_register(EntityReferences(name="followup", count=_followup_in_name_of))
    bulk_action_register(
        BulkAction(
            name="link_action",
            label=_("Link to an action of an implementation plan"),
            field_name="plan_action",
            field=_action_field,
            apply=_link,
        )
    )

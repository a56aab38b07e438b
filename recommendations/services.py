"""Business operations on recommendations. Each runs in one transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from recommendations.models import VOCABULARY_LINKS, Recommendation
from recommendations.priority import derived_for_update, priority_refresh, score_of
from tenants.models import State


class StaleEdit(Exception):
    """Someone saved the recommendation after this edit began; nothing was written."""


def _set_links(recommendation: Recommendation, links: dict[str, Any]) -> None:
    """Set the vocabulary links named in ``links`` (``{"themes": [Theme, ...]}``), in their order."""
    for name, entries in links.items():
        _model, field = VOCABULARY_LINKS[name]
        setattr(recommendation, field, list(dict.fromkeys(entry.pk for entry in entries)))


def _derive_priority(recommendation: Recommendation) -> None:
    """Refresh the priority factor the affected groups give, in the same save (one history entry)."""
    recommendation.priority_derived = derived_for_update(recommendation, recommendation.affected_group_ids)
    recommendation.priority_score = score_of([*recommendation.priority_factors, *recommendation.priority_derived])


@transaction.atomic
def recommendation_create(*, state: State, values: dict[str, Any], links: dict[str, Any]) -> Recommendation:
    """Create a recommendation by hand. Side effects: history by trigger."""
    recommendation = Recommendation(state=state, **values)
    _set_links(recommendation, links)
    _derive_priority(recommendation)
    recommendation.save()
    return recommendation


@transaction.atomic
def recommendation_update(
    *, recommendation: Recommendation, values: dict[str, Any], links: dict[str, Any], seen_updated_at: datetime
) -> Recommendation:
    """Save an edit, unless someone else saved since ``seen_updated_at`` (then StaleEdit).

    The row is locked while it is compared and written, so two simultaneous saves cannot both
    pass the check.
    """
    current = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if current.updated_at != seen_updated_at:
        raise StaleEdit
    for name, value in values.items():
        setattr(current, name, value)
    _set_links(current, links)
    _derive_priority(current)
    current.updated_at = timezone.now()
    current.save()
    if current.related_group_id is not None:
        # What the group spans may have changed: "several mechanisms" for its members.
        members = Recommendation.objects.filter(related_group_id=current.related_group_id).values_list("pk", flat=True)
        priority_refresh(state_id=current.state_id, recommendation_ids=list(members))
        current.refresh_from_db()
    return current

"""Business operations on recommendations. Each runs in one transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from recommendations.models import (
    Recommendation,
    RecommendationAffectedGroup,
    RecommendationSdgTarget,
    RecommendationTheme,
    RecommendingCountry,
)
from tenants.models import State

# The link tables behind each many-to-many field, and the column naming the linked entry.
LINKS = {
    "themes": (RecommendationTheme, "theme"),
    "affected_groups": (RecommendationAffectedGroup, "affected_group"),
    "sdg_targets": (RecommendationSdgTarget, "sdg_target"),
    "recommending_countries": (RecommendingCountry, "country"),
}


class StaleEdit(Exception):
    """Someone saved the recommendation after this edit began; nothing was written."""


def _set_links(recommendation: Recommendation, links: dict[str, Any]) -> None:
    for name, entries in links.items():
        model, column = LINKS[name]
        model.objects.filter(recommendation=recommendation).delete()
        model.objects.bulk_create(
            model(state_id=recommendation.state_id, recommendation=recommendation, **{column: entry})
            for entry in entries
        )


@transaction.atomic
def recommendation_create(*, state: State, values: dict[str, Any], links: dict[str, Any]) -> Recommendation:
    """Create a recommendation by hand. Side effects: its link rows; history by trigger."""
    recommendation = Recommendation(state=state, **values)
    recommendation.save()
    _set_links(recommendation, links)
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
    current.updated_at = timezone.now()
    current.save()
    _set_links(current, links)
    return current

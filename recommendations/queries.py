"""Named querysets over recommendations. Call them inside the State's scope."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from recommendations.models import Recommendation, RelatedSuggestion
from tenants.models import State, User


def recommendations_visible_to(user: User, state: State) -> QuerySet[Recommendation]:
    """Every recommendation of the State the person may read in the workspace."""
    return Recommendation.objects.select_related("mechanism")


def recommendations_published() -> QuerySet[Recommendation]:
    """What the public portal and the public API may show."""
    return Recommendation.objects.filter(published=True).select_related("mechanism")


def curation_backlog() -> dict[str, int]:
    """What the secretariat still has to do: unassigned and unclustered recommendations, suggestions to review."""
    counts = Recommendation.objects.aggregate(
        unassigned=Count("pk", filter=Q(lead_entity__isnull=True, supporting_entity_ids=[])),
        unclustered=Count("pk", filter=Q(cluster_ids=[])),
    )
    counts["suggestions"] = RelatedSuggestion.objects.filter(status=RelatedSuggestion.Status.OPEN).count()
    return counts

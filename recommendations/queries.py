"""Named querysets over recommendations. Call them inside the State's scope."""

from __future__ import annotations

from django.db.models import QuerySet

from recommendations.models import Recommendation
from tenants.models import HistoryEntry, State, User


def recommendations_visible_to(user: User, state: State) -> QuerySet[Recommendation]:
    """Every recommendation of the State the person may read in the workspace."""
    return Recommendation.objects.select_related("mechanism")


def recommendations_published() -> QuerySet[Recommendation]:
    """What the public portal and the public API may show."""
    return Recommendation.objects.filter(published=True).select_related("mechanism")


def recommendation_history(recommendation: Recommendation) -> QuerySet[HistoryEntry]:
    return (
        HistoryEntry.objects.filter(table_name=Recommendation._meta.db_table, row_id=str(recommendation.pk))
        .select_related("context")
        .order_by("-changed_at", "-id")
    )

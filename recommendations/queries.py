"""Named querysets over recommendations. Call them inside the State's scope."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Subquery

from recommendations.models import Recommendation, RelatedSuggestion
from tenants.models import State, User

# The suffixes of the translated columns (text_en, name_fr, ...).
TEXT_COLUMNS = ("en", "fr", "es", "ar", "ru", "zh_hans")


def recommendations_visible_to(user: User, state: State) -> QuerySet[Recommendation]:
    """Every recommendation of the State the person may read in the workspace."""
    return Recommendation.objects.select_related("mechanism")


PUBLIC_FIELDS = (
    "id",
    "mechanism",
    "symbol",
    "paragraph",
    "annotation_type",
    "issued_on",
    "upr_cycle",
    "upr_session",
    "position",
    "theme_ids",
    "affected_group_ids",
    "sdg_target_ids",
    "sdg_goal_ids",
    "lead_entity",
    "supporting_entity_ids",
    "text",
    *(f"text_{column}" for column in TEXT_COLUMNS),
)


def recommendations_published() -> QuerySet[Recommendation]:
    """What the public portal and the public API may show: published recommendations, with only
    the fields the public may read (no curation, priorities or review flags)."""
    return (
        Recommendation.objects.filter(published=True)
        .select_related("mechanism", "lead_entity")
        .only(
            *PUBLIC_FIELDS,
            "mechanism__code",
            "mechanism__kind",
            "lead_entity__name",
            "lead_entity__short_name",
            *(f"mechanism__name_{c}" for c in TEXT_COLUMNS),
            *(f"lead_entity__name_{c}" for c in TEXT_COLUMNS),
        )
    )


def related_published(recommendation_id: int) -> QuerySet[Recommendation]:
    """The published recommendations the secretariat confirmed ask the same thing as this one (its
    group of related recommendations, itself aside), as the public may read them."""
    group = Recommendation.objects.filter(pk=recommendation_id).values("related_group_id")[:1]
    return (
        recommendations_published()
        .filter(related_group_id=Subquery(group))
        .exclude(pk=recommendation_id)
        .order_by("-issued_on", "symbol", "paragraph", "pk")
    )


def curation_backlog() -> dict[str, int]:
    """What the secretariat still has to do: unassigned and unclustered recommendations, suggestions to review."""
    counts = Recommendation.objects.aggregate(
        unassigned=Count("pk", filter=Q(lead_entity__isnull=True, supporting_entity_ids=[])),
        unclustered=Count("pk", filter=Q(cluster_ids=[])),
    )
    counts["suggestions"] = RelatedSuggestion.objects.filter(status=RelatedSuggestion.Status.OPEN).count()
    return counts

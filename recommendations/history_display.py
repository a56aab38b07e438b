"""How the recommendations app's records read in history (tenants.history_display)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from recommendations.models import FocalPoint
from recommendations.priority import FACTOR_CHOICES
from tenants.history_display import table_display_register


def filters_count(query: str) -> str:
    count = len(parse_qsl(query or ""))
    return ngettext("%(count)d filter", "%(count)d filters", count) % {"count": count} if count else _("no filter")


def register() -> None:
    table_display_register(
        "recommendations_recommendation",
        link="workspace:recommendation-detail",
        title=("symbol", "paragraph"),
        id_arrays={
            "theme_ids": "recommendations.Theme",
            "affected_group_ids": "recommendations.AffectedGroup",
            "sdg_target_ids": "recommendations.SdgTarget",
            "sdg_goal_ids": "recommendations.SdgGoal",
            "recommending_country_ids": "recommendations.Country",
            "cluster_ids": "recommendations.Cluster",
            "supporting_entity_ids": "recommendations.Entity",
        },
        choices={"priority_factors": FACTOR_CHOICES},
        # The import's bookkeeping, and what the priority rules derive (its score is shown).
        hidden={"import_key", "import_hash", "priority_derived"},
    )
    table_display_register(
        "recommendations_entity", link="workspace:entity-detail", title=("short_name", "name"), title_first=True
    )
    table_display_register("recommendations_focalpoint", title=("membership_id", "entity_id"))
    # A seeded cluster's source is a key of the seeding ("theme:12"), not for people.
    table_display_register("recommendations_cluster", title=("name",), hidden={"source"})
    table_display_register(
        "recommendations_relatedsuggestion", id_arrays={"recommendation_ids": "recommendations.Recommendation"}
    )
    table_display_register("recommendations_savedview", formatters={"query": filters_count})
    table_display_register("recommendations_mechanism", title=("code",))
    table_display_register("recommendations_sdggoal", title=("number", "name"))
    table_display_register("recommendations_sdgtarget", title=("code", "name"))
    # An invitation of a focal point names the entities they will answer for.
    table_display_register(
        "tenants_invitation",
        id_arrays={"entity_ids": "recommendations.Entity"},
        choices={"focal_point_kind": FocalPoint.Kind.choices},
    )

"""How consultation's records read in history (tenants.history_display)."""

from __future__ import annotations

from recommendations.history_display import filters_count
from tenants.history_display import table_display_register


def register() -> None:
    table_display_register("consultation_comment", title=("author_id", "recommendation_id", "action_id", "update_id"))
    table_display_register("consultation_mention", title=("user_id",))
    table_display_register(
        "consultation_message",
        link="workspace:message-detail",
        title=("subject",),
        id_arrays={"entity_ids": "recommendations.Entity", "recommendation_ids": "recommendations.Recommendation"},
    )
    table_display_register("consultation_messagepost", title=("author_id", "message_id"))
    table_display_register("consultation_messagerecipient", title=("email",))
    table_display_register("consultation_attachment", title=("name",), file_names={"file": "name"})
    table_display_register(
        "consultation_consultation",
        link="workspace:consultation-detail",
        id_arrays={"recommendation_ids": "recommendations.Recommendation"},
        formatters={"query": filters_count},
    )
    table_display_register(
        "consultation_submission",
        link="workspace:submission-detail",
        title=("organisation", "consultation_id"),
        id_arrays={"recommendation_ids": "recommendations.Recommendation"},
        file_names={"file": "file_name"},
    )
    table_display_register("consultation_assessment", title=("recommendation_id",))

"""How follow-up records read in history (tenants.history_display), and what its jobs did."""

from __future__ import annotations

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from tenants.history_display import activity_register, table_display_register


def register() -> None:
    table_display_register("followup_plan", link="workspace:plan-detail")
    table_display_register(
        "followup_action",
        link="workspace:action-detail",
        id_arrays={
            "recommendation_ids": "recommendations.Recommendation",
            "supporting_entity_ids": "recommendations.Entity",
        },
    )
    table_display_register("followup_indicator", link="workspace:indicator-detail")
    table_display_register("followup_measurement", title=("indicator_id", "measured_on"))
    table_display_register(
        "followup_progressupdate",
        link="workspace:update-detail",
        title=("entity_id", "recommendation_id", "action_id"),
    )
    table_display_register(
        "followup_evidence", title=("name",), file_names={"file": "name"}, formatters={"size": filesizeformat}
    )
    table_display_register(
        "followup_datacollectionround",
        link="workspace:round-detail",
        id_arrays={"recommendation_ids": "recommendations.Recommendation", "entity_ids": "recommendations.Entity"},
    )
    table_display_register("followup_roundtask", title=("round_id", "entity_id", "recommendation_id"))
    # A notification's parameters are what its text is made of; the text is the notification list's.
    table_display_register("followup_notification", title=("user_id", "kind"), hidden={"params"})
    # The period is the key that makes a reminder go once ("2026-W49").
    table_display_register("followup_reminderlog", title=("user_id", "kind"), hidden={"period"})
    activity_register("task", "reminders_task", lambda metadata: _("The automatic reminders"))
    activity_register("task", "send_notifications_task", lambda metadata: _("The sending of notifications"))

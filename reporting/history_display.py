"""How reporting records read in history (tenants.history_display), and what its jobs did."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tenants.history_display import activity_register, language_choices, table_display_register


def register() -> None:
    table_display_register(
        "reporting_reportingobligation",
        link="workspace:obligation-detail",
        id_arrays={"entity_ids": "recommendations.Entity"},
    )
    # A draft's parameters are shown, in words, on its own page.
    table_display_register(
        "reporting_reportdraft",
        link="workspace:draft-detail",
        file_names={"file": "filename"},
        choices={"language": language_choices()},
        hidden={"parameters"},
    )
    table_display_register("reporting_calendarfeed", title=("membership_id",))
    activity_register("task", "report_draft_task", lambda metadata: _("The assembly of a report draft"))

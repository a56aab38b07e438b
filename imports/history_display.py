"""What imports did, in words, in history (tenants.history_display)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tenants.history_display import activity_register, table_display_register


def register() -> None:
    # The import's file is named in the context (imports.runs); without it, the kind of import.
    activity_register("task", "import_job_task", lambda metadata: _("An import"))
    activity_register("task", "uhri_fetch_task", lambda metadata: _("A fetch from the UHRI API"))
    activity_register("task", "related_suggest_task", lambda metadata: _("The search for related recommendations"))
    activity_register("command", "import_recommendations", lambda metadata: _("An import run on the server"))
    activity_register("command", "fetch_uhri", lambda metadata: _("A fetch from the UHRI API run on the server"))
    table_display_register("recommendations_columnmapping", title=("name",))
    table_display_register("imports_uhrischedule", id_arrays={"mechanism_ids": "recommendations.Mechanism"})

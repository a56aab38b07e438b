"""What the hosting office's commands did, in words, in history (tenants.history_display)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tenants.history_display import activity_register


def _on_the_server(metadata: dict) -> str:
    return _("The hosting office, on the server")


def register() -> None:
    activity_register(
        "import",
        "state_import",
        lambda metadata: _("Copied from the archive of %(archive)s") % {"archive": metadata.get("archive") or "—"},
    )
    activity_register("command", "create_state", lambda metadata: _("The State's creation on the server"))
    for command in ("suspend_state", "resume_state", "archive_state", "import_state"):
        activity_register("command", command, _on_the_server)

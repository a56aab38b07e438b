"""What the demo's command did, in words, in history (tenants.history_display)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tenants.history_display import activity_register


def register() -> None:
    activity_register("command", "load_demo", lambda metadata: _("The demonstration data"))

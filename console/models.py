"""The hosting office's record of what it did to each State."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.models import User


class PlatformAuditEntry(models.Model):
    """What the hosting office did to a State (suspend, resume, export, archive, delete, support mode,
    import, its people and settings).

    Not State-owned (it outlives a deleted State, and the platform console reads it across
    States); ``state_id`` is kept without a foreign key, with the State's name at the time.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        SUSPEND = "suspend", _("suspended")
        RESUME = "resume", _("resumed")
        EXPORT = "export", _("exported")
        ARCHIVE = "archive", _("archived")
        DELETE = "delete", _("deleted")
        SUPPORT = "support", _("entered support mode")
        IMPORT = "import", _("started an import")
        PEOPLE = "people", _("changed the State's people")
        SETTINGS = "settings", _("changed the State's settings")

    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by"))
    actor_email = models.EmailField(_("by (e-mail)"), blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    state_ref = models.BigIntegerField(_("State id"), null=True, blank=True)
    state_name = models.CharField(_("State"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        db_table = "tenants_platformauditentry"
        verbose_name = _("platform audit entry")
        verbose_name_plural = _("platform audit")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.state_name} ({self.actor_email})"

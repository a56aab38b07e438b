"""Import jobs and the column mappings States save for their spreadsheets.

The tables keep the names they had when these models lived in ``recommendations``
(``db_table``): moving the code changed nothing in the database.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.models import StateOwned


class ImportJob(StateOwned):
    """One import of a file into a State: who, what, progress, and the outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        "tenants.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    format = models.CharField(_("format"), max_length=30)
    filename = models.CharField(_("file"), max_length=300)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    processed = models.PositiveIntegerField(_("records read"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    by_position = models.JSONField(_("by position"), default=dict, blank=True)
    # The first row-level errors: [{"location": "row 12", "column": "Text", "message": "..."}].
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # Why the whole import failed, when it did (a file that cannot be read at all).
    failure = models.TextField(_("failure"), blank=True)

    class Meta:
        db_table = "recommendations_importjob"
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class ColumnMapping(StateOwned):
    """A State's saved column mapping for CSV and Excel imports, chosen by name when importing.

    ``fields`` is ``imports.parsers.tabular.TableMapping.to_dict()["fields"]``: target
    field → ``{"column": ...}`` or ``{"constant": ...}``, with optional ``separator``,
    ``value_map``, ``transform`` and ``date_format``. Write it through
    ``imports.mappings.column_mapping_save``, which validates it.
    """

    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    fields = models.JSONField(_("fields"), default=dict)
    created_by = models.ForeignKey(
        "tenants.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        db_table = "recommendations_columnmapping"
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["state", "name"], name="column_mapping_unique_name_per_state")]

    def __str__(self) -> str:
        return self.name

"""Import jobs and the column mappings States save for their spreadsheets.

The tables keep the names they had when these models lived in ``recommendations``
(``db_table``): moving the code changed nothing in the database.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
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
    # Records merged into another of the same text and review (their recommending States added).
    merged = models.PositiveIntegerField(_("merged"), default=0)
    # Rows of a multi-State file about other States, left aside.
    skipped = models.PositiveIntegerField(_("rows of other States"), default=0)
    by_position = models.JSONField(_("by position"), default=dict, blank=True)
    # What the run found beyond the counts, for the job's page (imports.runs): what the file says
    # of its batch (symbol, date, mechanism, session, cycle), a UN document's own description,
    # the States of the rows skipped, a follow-up request, an addendum's changes of position.
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    # The first row-level errors: [{"location": "row 12", "column": "Text", "message": "..."}].
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # Why the whole import failed, when it did (a file that cannot be read at all).
    failure = models.TextField(_("failure"), blank=True)
    # Written every few seconds while a worker runs the job (tenants.heartbeat).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        db_table = "recommendations_importjob"
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def job_language(self) -> str | None:
        """The language of the person who asked for it (tenants.heartbeat writes reasons in it)."""
        return self.options.get("language")


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


class UhriSchedule(StateOwned):
    """How a State keeps in step with the UHRI: a fetch every few days, of the mechanisms it follows.

    Each run fetches the State's records from the UHRI API and prepares a preview of what is new
    or changed, which the secretariat confirms (imports.schedule). One per State; none until the
    State turns it on.
    """

    class Every(models.IntegerChoices):
        DAY = 1, _("Every day")
        WEEK = 7, _("Every week")
        TWO_WEEKS = 14, _("Every two weeks")
        MONTH = 30, _("Every month")

    enabled = models.BooleanField(_("fetch on a schedule"), default=True)
    interval_days = models.PositiveSmallIntegerField(_("how often"), choices=Every.choices, default=Every.WEEK)
    # The mechanisms whose recommendations are fetched; empty: every mechanism.
    mechanism_ids = ArrayField(
        models.BigIntegerField(), default=list, blank=True, verbose_name=_("mechanisms to follow")
    )
    next_run_at = models.DateTimeField(_("next fetch"), null=True, blank=True)
    last_run_at = models.DateTimeField(_("last fetch"), null=True, blank=True)
    last_job = models.ForeignKey(
        ImportJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("last fetch")
    )
    # Failed runs in a row: each is retried later, and reported once the retries are spent.
    failures = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    last_failure = models.TextField(_("last failure"), blank=True)
    updated_by = models.ForeignKey(
        "tenants.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("UHRI schedule")
        verbose_name_plural = _("UHRI schedules")
        constraints = [models.UniqueConstraint(fields=["state"], name="uhri_schedule_one_per_state")]

    def __str__(self) -> str:
        return str(self.get_interval_days_display())

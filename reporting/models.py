"""Reporting: the calendar of obligations and the report drafts assembled from what is tracked.

Both models are State-owned: row-level security and the history trigger apply to them like to
any other (tenants.rls, tenants.history). Entities involved in an obligation are an id array,
as elsewhere (``Recommendation.supporting_entity_ids``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from recommendations.models import Mechanism
from tenants.models import Membership, StateOwned

__all__ = ["CalendarFeed", "PackAnswer", "PackReturn", "ReportDraft", "ReportingObligation"]


class ReportingObligation(StateOwned):
    """A report or reply due to a mechanism, on the secretariat's calendar."""

    class Kind(models.TextChoices):
        PERIODIC_REPORT = "periodic_report", _("Treaty body periodic report")
        FOLLOW_UP_REPLY = "follow_up_reply", _("Reply under a follow-up procedure")
        UPR_NATIONAL = "upr_national", _("UPR national report")
        UPR_MIDTERM = "upr_midterm", _("UPR mid-term report")
        SP_VISIT = "sp_visit", _("Special procedure visit")
        SP_COMMUNICATION = "sp_communication", _("Reply to a communication")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DRAFTING = "drafting", _("Drafting")
        SUBMITTED = "submitted", _("Submitted")

    mechanism = models.ForeignKey(Mechanism, on_delete=models.PROTECT, related_name="+", verbose_name=_("mechanism"))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    reference = models.CharField(
        _("reference"), max_length=100, blank=True, help_text=_("The document symbol, once there is one.")
    )
    entity_ids = ArrayField(
        models.BigIntegerField(), default=list, db_default=[], blank=True, verbose_name=_("entities involved")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("reporting obligation")
        verbose_name_plural = _("reporting obligations")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["state", "due_on"], name="obligation_due_idx")]

    def __str__(self) -> str:
        return self.title


class CalendarFeed(StateOwned):
    """A member's secret address of the iCalendar feed of obligations (reporting.calendar).

    Calendar applications cannot sign in, so the address carries a random token; only a SHA-256
    of it is stored. Resetting replaces the hash, so the old address stops working; the row goes with
    the membership.
    """

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="+", verbose_name=_("membership")
    )
    # SHA-256 of the State's id and the token: a copy of the State (its archive imported) does not
    # open with the old addresses.
    token_hash = models.CharField(_("token hash"), max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [models.UniqueConstraint(fields=["state", "token_hash"], name="calendar_feed_token_unique")]

    def __str__(self) -> str:
        return str(self.membership_id)


class ReportDraft(StateOwned):
    """A document assembled by a background job: who asked, when, with which parameters, and the file."""

    class Kind(models.TextChoices):
        INFORMATION_REQUEST = "information_request", _("Information request packs")
        MECHANISM_REPORT = "mechanism_report", _("Draft report to a mechanism")
        ANNUAL_REPORT = "annual_report", _("Annual report")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    obligation = models.ForeignKey(
        ReportingObligation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="drafts",
        verbose_name=_("obligation"),
    )
    title = models.CharField(_("title"), max_length=300)
    language = models.CharField(_("language"), max_length=10)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("to do"), default=0)
    file = models.FileField(_("file"), upload_to="reports/", blank=True, max_length=300)
    filename = models.CharField(_("file name"), max_length=300, blank=True)
    failure = models.TextField(_("failure"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Written every few seconds while a worker assembles it (tenants.heartbeat).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        verbose_name = _("report draft")
        verbose_name_plural = _("report drafts")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def job_language(self) -> str:
        """The draft's language, in which its page says why it failed (tenants.heartbeat)."""
        return self.language


class PackReturn(StateOwned):
    """A filled information request pack brought back (reporting.returns): what it said, then
    what it did.

    Uploading reads the workbook (or the Word document) and records its answers and the rows it
    could not read, as a preview; applying turns the answers into draft progress updates of the
    entity (``PackAnswer`` remembers which, so the same file again changes nothing and a corrected
    one updates the same drafts). The file itself is not kept.
    """

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Preview")
        APPLIED = "applied", _("Applied")

    request = models.ForeignKey(
        ReportDraft, on_delete=models.CASCADE, related_name="returns", verbose_name=_("information request")
    )
    entity = models.ForeignKey(
        "recommendations.Entity", on_delete=models.CASCADE, related_name="+", verbose_name=_("entity")
    )
    filename = models.CharField(_("file name"), max_length=255)
    digest = models.CharField(_("SHA-256 of the file"), max_length=64)
    # The answered rows as read ({"row", "id", "reference", "status", "narrative", "reported_on",
    # "to_group", "digest"}), the rows that could not be read ({"row", "reference", "message"}).
    rows = models.JSONField(_("answers"), default=list, blank=True)
    problems = models.JSONField(_("rows not read"), default=list, blank=True)
    unanswered = models.PositiveIntegerField(_("rows left empty"), default=0)
    # Once applied: what each answer did ({"reference", "action", "message", "update"}).
    outcome = models.JSONField(_("outcome"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PREVIEW)
    created = models.PositiveIntegerField(_("drafts created"), default=0)
    updated = models.PositiveIntegerField(_("drafts updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    refused = models.PositiveIntegerField(_("refused"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    class Meta:
        verbose_name = _("information request brought back")
        verbose_name_plural = _("information requests brought back")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename


class PackAnswer(StateOwned):
    """The draft progress update an answer of a request's pack became, for one entity and one
    recommendation, and the digest of the answer that wrote it last."""

    request = models.ForeignKey(
        ReportDraft, on_delete=models.CASCADE, related_name="+", verbose_name=_("information request")
    )
    entity = models.ForeignKey(
        "recommendations.Entity", on_delete=models.CASCADE, related_name="+", verbose_name=_("entity")
    )
    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recommendation"),
    )
    # Deleting the draft forgets the answer: the same file brought back again writes a new one.
    update = models.ForeignKey(
        "followup.ProgressUpdate", on_delete=models.CASCADE, related_name="+", verbose_name=_("progress update")
    )
    digest = models.CharField(_("digest of the answer"), max_length=64)
    pack_return = models.ForeignKey(
        PackReturn,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("brought back in"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("answer brought back")
        verbose_name_plural = _("answers brought back")
        constraints = [
            models.UniqueConstraint(fields=["state", "request", "entity", "recommendation"], name="pack_answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.request_id}/{self.entity_id}/{self.recommendation_id}"

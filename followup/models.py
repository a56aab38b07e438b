"""Implementation plans, progress updates and their review, data-collection rounds, notifications.

Every model here is State-owned: row-level security and the history trigger apply to it like to
any other (tenants.rls, tenants.history), so each change is kept with who made it.

Recommendations and actions link by id arrays (``recommendation_ids``), as recommendations link
to clusters and entities: an action's recommendations change in one UPDATE and one history entry.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recommendations.models import Cluster, Entity, ImplementationStatus, Mechanism, Recommendation
from tenants.models import StateOwned

__all__ = [
    "Action",
    "DataCollectionRound",
    "Evidence",
    "ImplementationStatus",
    "Indicator",
    "Measurement",
    "Notification",
    "Plan",
    "ProgressUpdate",
    "ReminderLog",
    "RoundTask",
]


class Plan(StateOwned):
    """An implementation plan: the State's general plan, one per UPR cycle, or a national action plan."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("General implementation plan")
        UPR_CYCLE = "upr_cycle", _("UPR cycle plan")
        ACTION_PLAN = "action_plan", _("National human rights action plan")
        OTHER = "other", _("Other plan")

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GENERAL)
    upr_cycle = models.PositiveSmallIntegerField(_("UPR cycle"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("implementation plan")
        verbose_name_plural = _("implementation plans")
        ordering = ["-starts_on", "title", "id"]

    def __str__(self) -> str:
        return self.title


class Action(StateOwned):
    """A follow-up activity of a plan: what will be done, by whom, by when, for which recommendations."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        DELAYED = "delayed", _("Delayed")
        CANCELLED = "cancelled", _("Cancelled")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="actions", verbose_name=_("plan"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    recommendation_ids = ArrayField(
        models.BigIntegerField(), default=list, blank=True, verbose_name=_("recommendations")
    )
    lead_entity = models.ForeignKey(
        Entity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_actions",
        verbose_name=_("lead entity"),
    )
    supporting_entity_ids = ArrayField(
        models.BigIntegerField(), default=list, blank=True, verbose_name=_("supporting entities")
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    budget = models.DecimalField(_("estimated budget"), max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    # From the latest validated progress update on the action (followup.workflow).
    implementation_status = models.CharField(
        _("implementation status"), max_length=30, choices=ImplementationStatus.choices, blank=True
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_on", "title", "id"]
        indexes = [
            GinIndex(fields=["recommendation_ids"], name="action_recommendations_gin"),
            GinIndex(fields=["supporting_entity_ids"], name="action_supporting_gin"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def recommendations(self) -> models.QuerySet[Recommendation]:
        return Recommendation.objects.filter(pk__in=self.recommendation_ids).select_related("mechanism")

    @property
    def supporting_entities(self) -> models.QuerySet[Entity]:
        return Entity.objects.filter(pk__in=self.supporting_entity_ids)

    def entity_ids(self) -> set[int]:
        return {*self.supporting_entity_ids, *([self.lead_entity_id] if self.lead_entity_id else [])}

    @property
    def overdue(self) -> bool:
        return bool(
            self.due_on
            and self.due_on < timezone.localdate()
            and self.status not in {self.Status.COMPLETED, self.Status.CANCELLED}
        )


class Indicator(StateOwned):
    """A measure of progress on an action or a recommendation (OHCHR's structural/process/outcome)."""

    class Kind(models.TextChoices):
        STRUCTURAL = "structural", _("Structural")
        PROCESS = "process", _("Process")
        OUTCOME = "outcome", _("Outcome")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PROCESS)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    action = models.ForeignKey(
        Action, on_delete=models.PROTECT, null=True, blank=True, related_name="indicators", verbose_name=_("action")
    )
    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("recommendation"),
    )
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=18, decimal_places=4, null=True, blank=True)
    baseline_on = models.DateField(_("baseline date"), null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=4, null=True, blank=True)
    target_on = models.DateField(_("target date"), null=True, blank=True)
    data_source = models.CharField(_("data source"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["kind", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__isnull=False, recommendation__isnull=True)
                | models.Q(action__isnull=True, recommendation__isnull=False),
                name="indicator_on_action_or_recommendation",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Measurement(StateOwned):
    """A dated value of an indicator, for the whole population or one part of it."""

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("indicator")
    )
    measured_on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    # Disaggregation: blank means "all".
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    age_group = models.CharField(_("age group"), max_length=40, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("entered by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["-measured_on", "sex", "age_group", "region", "id"]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.measured_on})"

    @property
    def disaggregation(self) -> str:
        parts = [self.get_sex_display() if self.sex else "", self.age_group, self.region]
        return ", ".join(part for part in parts if part)


class DataCollectionRound(StateOwned):
    """The secretariat's request to entities for information on a set of recommendations, by a deadline."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=300)
    instructions = models.TextField(_("instructions"), blank=True)
    deadline = models.DateField(_("deadline"))
    # Scope, as chosen when the round was opened (the tasks are what it resolved to).
    mechanism = models.ForeignKey(
        Mechanism, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("mechanism")
    )
    cluster = models.ForeignKey(
        Cluster, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("cluster")
    )
    recommendation_ids = ArrayField(
        models.BigIntegerField(), default=list, blank=True, verbose_name=_("recommendations")
    )
    entity_ids = ArrayField(models.BigIntegerField(), default=list, blank=True, verbose_name=_("entities asked"))
    remind_days_before = models.PositiveSmallIntegerField(
        _("reminder, days before the deadline"),
        default=7,
        help_text=_("Focal points with tasks still open get a reminder this many days before the deadline."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("opened by")
    )
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("data-collection round")
        verbose_name_plural = _("data-collection rounds")
        ordering = ["-deadline", "-id"]
        indexes = [models.Index(fields=["state", "status", "deadline"], name="round_status_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.deadline < timezone.localdate()


class ProgressUpdate(StateOwned):
    """An entity's report on a recommendation or an action, and its review by the secretariat.

    draft → submitted → validated → published, or submitted → returned (with a comment) →
    submitted again. ``version`` grows with every save: an edit made from an older version is
    refused as a conflict (followup.workflow), never written over another person's text.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        VALIDATED = "validated", _("Validated")
        PUBLISHED = "published", _("Published")

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_updates",
        verbose_name=_("recommendation"),
    )
    action = models.ForeignKey(
        Action,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_updates",
        verbose_name=_("action"),
    )
    entity = models.ForeignKey(
        Entity, on_delete=models.PROTECT, related_name="progress_updates", verbose_name=_("reporting entity")
    )
    round = models.ForeignKey(
        DataCollectionRound,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="progress_updates",
        verbose_name=_("data-collection round"),
    )
    implementation_status = models.CharField(
        _("implementation status"), max_length=30, choices=ImplementationStatus.choices
    )
    narrative = models.TextField(_("what was done"))
    reported_on = models.DateField(_("information as of"), default=timezone.localdate)
    status = models.CharField(_("review status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("written by")
    )
    # Who last changed its text or its evidence: with four-eyes review (State.four_eyes_review)
    # neither the author nor this person may validate it (followup.workflow.update_validate).
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last edited by"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("reviewed by")
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-reported_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__isnull=False, recommendation__isnull=True)
                | models.Q(action__isnull=True, recommendation__isnull=False),
                name="update_on_action_or_recommendation",
            )
        ]
        indexes = [
            models.Index(fields=["state", "status"], name="update_status_idx"),
            models.Index(fields=["state", "entity", "status"], name="update_entity_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} — {self.entity} ({self.get_status_display()})"

    @property
    def subject(self):
        return self.recommendation if self.recommendation_id else self.action

    @property
    def editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.RETURNED}

    @property
    def counts(self) -> bool:
        """Whether the update has been validated (it then sets the current status)."""
        return self.status in {self.Status.VALIDATED, self.Status.PUBLISHED}


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    # A name of our own (never the uploader's: it may hold anything); the extension is the one
    # the content was recognised as.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"evidence/{instance.state_id}/{uuid.uuid4().hex}{suffix}"


class Evidence(StateOwned):
    """A file that supports a progress update (checked by its content, stored through the storage API)."""

    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("progress update")
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=300)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.BigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("added by")
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class RoundTask(StateOwned):
    """One recommendation an entity is asked about in a round, and the update that answers it."""

    round = models.ForeignKey(
        DataCollectionRound, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("round")
    )
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="round_tasks", verbose_name=_("entity"))
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="round_tasks", verbose_name=_("recommendation")
    )
    update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("answer"),
    )

    class Meta:
        verbose_name = _("round task")
        verbose_name_plural = _("round tasks")
        ordering = ["round", "entity", "recommendation"]
        constraints = [
            models.UniqueConstraint(fields=["round", "entity", "recommendation"], name="round_task_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.recommendation} ({self.entity})"


class Notification(StateOwned):
    """A line in a person's in-app list (also sent by e-mail), written in their language when shown."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("An update was submitted for review")
        RETURNED = "returned", _("An update was returned")
        VALIDATED = "validated", _("An update was validated")
        PUBLISHED = "published", _("An update was published")
        ROUND_OPENED = "round_opened", _("A data-collection round was opened")
        REMINDER = "reminder", _("Reminder of a deadline")
        OVERDUE = "overdue", _("A deadline has passed")
        DIGEST = "digest", _("Overdue rounds")
        # Consultation (consultation.discussion, consultation.network).
        MENTIONED = "mentioned", _("You were mentioned in a comment")
        MESSAGE = "message", _("A message to the network")
        MESSAGE_REPLY = "message_reply", _("A reply to a message")
        # A scheduled UHRI fetch (imports.schedule): a preview to confirm, or a fetch that kept failing.
        IMPORT_READY = "import_ready", _("New recommendations to confirm")
        IMPORT_FAILED = "import_failed", _("A scheduled fetch failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("update")
    )
    round = models.ForeignKey(
        DataCollectionRound,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("round"),
    )
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "user", "read_at"], name="notification_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}"


class ReminderLog(StateOwned):
    """A reminder or digest sent, so a beat that runs twice (or two beats) never sends it twice.

    ``period`` names the window the message belongs to ("before", an ISO week for overdue
    reminders, a day for the digest); the unique constraint makes the second insert a no-op.
    """

    class Kind(models.TextChoices):
        BEFORE = "before", _("Before the deadline")
        OVERDUE = "overdue", _("Overdue")
        DIGEST = "digest", _("Overdue digest")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    round = models.ForeignKey(
        DataCollectionRound, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("round")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    period = models.CharField(_("period"), max_length=20)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["state", "kind", "round", "user", "period"],
                name="reminder_once",
                nulls_distinct=False,
            )
        ]

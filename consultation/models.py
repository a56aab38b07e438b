"""Consultation: the discussion around the work, messages to the network, public consultations and
the national human rights institution's assessments (docs/consultation.md).

Every model here is State-owned: row-level security and the history trigger apply to it like to
any other (tenants.rls, tenants.history), so an edited comment keeps its earlier text in the
history and every message stays on the State's record. People are foreign keys (never id
arrays), so a State's archive carries them by e-mail (console.archive).
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from followup.models import Action, ProgressUpdate
from recommendations.models import Cluster, Entity, ImplementationStatus, Recommendation
from tenants.models import StateOwned

__all__ = [
    "Assessment",
    "Attachment",
    "Comment",
    "Consultation",
    "Mention",
    "Message",
    "MessagePost",
    "MessageRecipient",
    "Submission",
]


# --- Discussion ------------------------------------------------------------------------------------


class Comment(StateOwned):
    """An internal comment on a recommendation, an action or a progress update (exactly one).

    Threads are one level deep: a comment starts a thread, or answers one (``parent`` is then the
    thread's first comment). Its author may change its text for ``NRTD_COMMENT_EDIT_MINUTES``;
    the history keeps every earlier text.
    """

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("recommendation"),
    )
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, null=True, blank=True, related_name="comments", verbose_name=_("action")
    )
    update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("progress update"),
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies", verbose_name=_("in reply to")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("written by")
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    edited_at = models.DateTimeField(_("last changed"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recommendation__isnull=False, action__isnull=True, update__isnull=True)
                | models.Q(recommendation__isnull=True, action__isnull=False, update__isnull=True)
                | models.Q(recommendation__isnull=True, action__isnull=True, update__isnull=False),
                name="comment_on_one_object",
            )
        ]
        indexes = [
            models.Index(fields=["state", "recommendation"], name="comment_recommendation_idx"),
            models.Index(fields=["state", "action"], name="comment_action_idx"),
            models.Index(fields=["state", "update"], name="comment_update_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.author or '—'}: {self.text[:60]}"

    @property
    def subject(self):
        """What the comment is about: a recommendation, an action or a progress update."""
        return self.recommendation or self.action or self.update

    def editable_until(self):
        return self.created_at + settings.NRTD_COMMENT_EDIT_WINDOW


class Mention(StateOwned):
    """A person named in a comment, told once (the row is written when they are told)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="mentions", verbose_name=_("comment"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    notified_at = models.DateTimeField(_("told"), default=timezone.now)

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="mention_once")]

    def __str__(self) -> str:
        return f"{self.user} in {self.comment_id}"


# --- Messages to the network -----------------------------------------------------------------------


class Message(StateOwned):
    """A message of the secretariat to the focal points of some entities, and the thread of its replies.

    ``entity_ids`` are the entities written to; ``recommendation_ids`` the recommendations it was
    written about, when it went to every entity responsible for a filtered set of them.
    """

    subject = models.CharField(_("subject"), max_length=300)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("sent by")
    )
    entity_ids = ArrayField(models.BigIntegerField(), default=list, blank=True, verbose_name=_("entities"))
    recommendation_ids = ArrayField(
        models.BigIntegerField(), default=list, blank=True, verbose_name=_("recommendations")
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject


class MessagePost(StateOwned):
    """One text of a thread: the message itself (its first post) or a reply.

    ``entity`` names the conversation with one entity inside the thread: a focal point's reply
    (on that entity's behalf) or the secretariat's answer to it; only the secretariat and that
    entity's focal points read it. Without an entity a post is the secretariat's to every entity
    written to.
    """

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="posts", verbose_name=_("message"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("written by")
    )
    entity = models.ForeignKey(
        Entity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="message_posts",
        verbose_name=_("entity"),
    )
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    # When the delivery job told the people concerned (once: a job run twice finds it set).
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("message post")
        verbose_name_plural = _("message posts")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["state", "message"], name="message_post_idx")]

    def __str__(self) -> str:
        return f"{self.message}: {self.text[:60]}"


class MessageRecipient(StateOwned):
    """Who a post was delivered to (the address kept as it was, should the account go)."""

    post = models.ForeignKey(MessagePost, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("post"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("person")
    )
    email = models.EmailField(_("e-mail address"))

    class Meta:
        verbose_name = _("message recipient")
        verbose_name_plural = _("message recipients")
        ordering = ["email", "id"]

    def __str__(self) -> str:
        return self.email


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    # A name of our own (never the uploader's); the extension is what the content was recognised as.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"messages/{instance.state_id}/{uuid.uuid4().hex}{suffix}"


class Attachment(StateOwned):
    """A file sent with a message or a reply, checked like evidence (followup.evidence)."""

    post = models.ForeignKey(MessagePost, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("post"))
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=300)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.BigIntegerField(_("size"))
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


# --- Public consultations --------------------------------------------------------------------------


class Consultation(StateOwned):
    """A call for information on a set of recommendations, open on the portal for a period.

    The set is resolved when the consultation opens (a cluster's recommendations, or those the
    recommendation list's filters matched) and kept in ``recommendation_ids``; the portal shows
    the published ones only. Open from ``opens_on`` to ``closes_on`` inclusive, unless closed
    early (``closed_at``).
    """

    title = models.CharField(_("title"), max_length=300)
    introduction = models.TextField(_("introduction"), blank=True)
    cluster = models.ForeignKey(
        Cluster, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("cluster")
    )
    query = models.CharField(_("filters of the recommendation list"), max_length=2000, blank=True)
    recommendation_ids = ArrayField(
        models.BigIntegerField(), default=list, blank=True, verbose_name=_("recommendations")
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    closed_at = models.DateTimeField(_("closed early"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("opened by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def is_open(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.closed_at is None and self.opens_on <= today <= self.closes_on

    def has_started(self, today: date | None = None) -> bool:
        return self.opens_on <= (today or timezone.localdate())

    @property
    def last_day(self) -> date:
        """The last day it took information (the day it was closed, if closed early)."""
        if self.closed_at is not None:
            return min(self.closes_on, timezone.localtime(self.closed_at).date())
        return self.closes_on


def submission_upload_to(instance: Submission, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"submissions/{instance.state_id}/{uuid.uuid4().hex}{suffix}"


class Submission(StateOwned):
    """Information a civil society organisation or the NHRI sent through the portal.

    Never public before the secretariat accepts it; then its text (and the organisation's name,
    if the sender agreed) shows on the recommendations' public pages. The contact and the file
    are for the secretariat only. Nothing about the visitor's connection is kept.
    """

    class Kind(models.TextChoices):
        CIVIL_SOCIETY = "civil_society", _("A civil society organisation")
        NHRI = "nhri", _("The national human rights institution")
        OTHER = "other", _("Another organisation or a person")

    class Status(models.TextChoices):
        PENDING = "pending", _("To review")
        ACCEPTED = "accepted", _("Accepted (public)")
        CONSIDERED = "considered", _("Considered")
        REJECTED = "rejected", _("Rejected")

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("consultation")
    )
    recommendation_ids = ArrayField(models.BigIntegerField(), verbose_name=_("recommendations"))
    kind = models.CharField(_("sent by"), max_length=20, choices=Kind.choices, default=Kind.CIVIL_SOCIETY)
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    text = models.TextField(_("information"))
    publish_name = models.BooleanField(_("name may be published"), default=False)
    file = models.FileField(_("file"), upload_to=submission_upload_to, max_length=300, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_type = models.CharField(_("file type"), max_length=100, blank=True)
    file_size = models.BigIntegerField(_("file size"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("reviewed by")
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(_("note of the secretariat"), blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "consultation", "status"], name="submission_status_idx"),
            models.Index(fields=["state", "status"], name="submission_public_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation or _('Anonymous')} ({self.get_status_display()})"

    @property
    def anonymous(self) -> bool:
        return not self.organisation and not self.contact

    @property
    def public_name(self) -> str:
        """Who the public page says sent it."""
        return self.organisation if self.publish_name and self.organisation else ""


# --- The NHRI's assessments ------------------------------------------------------------------------


class Assessment(StateOwned):
    """The national human rights institution's own assessment of a recommendation's implementation.

    One per recommendation, changed by the NHRI's accounts (the history keeps earlier ones);
    shown apart from the government's status, and on the portal when the State publishes them.
    """

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="nhri_assessments", verbose_name=_("recommendation")
    )
    implementation_status = models.CharField(
        _("implementation status"), max_length=30, choices=ImplementationStatus.choices
    )
    text = models.TextField(_("assessment"))
    assessed_on = models.DateField(_("assessed on"), default=timezone.localdate)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("written by")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("NHRI assessment")
        verbose_name_plural = _("NHRI assessments")
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["state", "recommendation"], name="assessment_one_per_recommendation")
        ]

    def __str__(self) -> str:
        return f"{self.recommendation_id}: {self.get_implementation_status_display()}"

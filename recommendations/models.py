"""Reference vocabularies, responsible entities and recommendations."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.models import Membership, StateOwned


class Mechanism(models.Model):
    """A UN or regional mechanism that issues recommendations (global vocabulary)."""

    class Kind(models.TextChoices):
        UPR = "upr", _("Universal Periodic Review")
        TREATY_BODY = "treaty_body", _("Treaty body")
        SPECIAL_PROCEDURE = "special_procedure", _("Special procedure")
        REGIONAL = "regional", _("Regional mechanism")
        OTHER = "other", _("Other")

    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    # Other spellings met in imports ("- CRC", "Committee on the Rights of the Child").
    aliases = models.JSONField(_("aliases"), default=list, blank=True)

    class Meta:
        verbose_name = _("mechanism")
        verbose_name_plural = _("mechanisms")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.code


class Entity(StateOwned):
    """An institution responsible for implementing recommendations (ministry, agency, ...)."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        AGENCY = "agency", _("Agency")
        PARLIAMENT = "parliament", _("Parliament")
        JUDICIARY = "judiciary", _("Judiciary")
        LOCAL_GOVERNMENT = "local_government", _("Local government")
        STATISTICS = "statistics", _("Statistics office")
        NHRI = "nhri", _("National human rights institution")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.MINISTRY)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("part of")
    )

    class Meta:
        verbose_name = _("responsible entity")
        verbose_name_plural = _("responsible entities")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["state", "name"], name="entity_unique_name_per_state")]

    def __str__(self) -> str:
        return self.short_name or self.name


class FocalPoint(StateOwned):
    """A focal point's binding to an entity they report for."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="focal_points")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="focal_points")

    class Meta:
        verbose_name = _("focal point")
        verbose_name_plural = _("focal points")
        constraints = [
            models.UniqueConstraint(fields=["state", "membership", "entity"], name="focal_point_unique"),
        ]


class Position(models.TextChoices):
    SUPPORTED = "supported", _("Supported")
    NOTED = "noted", _("Noted")
    PARTIALLY_SUPPORTED = "partially_supported", _("Partially supported")
    PENDING = "pending", _("Pending")


class Recommendation(StateOwned):
    """A recommendation (or observation) a mechanism addressed to the State."""

    class AnnotationType(models.TextChoices):
        RECOMMENDATION = "recommendation", _("Recommendation")
        OBSERVATION = "observation", _("Observation")

    external_id = models.CharField(
        _("external id"), max_length=100, blank=True, help_text=_("The UHRI annotation id, when there is one.")
    )
    mechanism = models.ForeignKey(Mechanism, on_delete=models.PROTECT, related_name="+", verbose_name=_("mechanism"))
    symbol = models.CharField(_("document symbol"), max_length=100, blank=True)
    paragraph = models.CharField(_("paragraph"), max_length=40, blank=True)
    annotation_type = models.CharField(
        _("type"), max_length=20, choices=AnnotationType.choices, default=AnnotationType.RECOMMENDATION
    )
    text = models.TextField(_("text"))
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    upr_cycle = models.PositiveSmallIntegerField(_("UPR cycle"), null=True, blank=True)
    upr_session = models.PositiveSmallIntegerField(_("UPR session"), null=True, blank=True)
    position = models.CharField(_("position"), max_length=30, choices=Position.choices, blank=True)
    published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-issued_on", "symbol", "paragraph", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["state", "external_id"],
                condition=~models.Q(external_id=""),
                name="recommendation_unique_external_id",
            ),
        ]
        indexes = [models.Index(fields=["state", "published"], name="recommendation_published_idx")]

    def __str__(self) -> str:
        label = f"{self.symbol} {self.paragraph}".strip()
        return label or f"#{self.pk}"

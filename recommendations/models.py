"""Reference vocabularies, responsible entities and recommendations."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from tenants.models import Membership, State, StateOwned


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


class Vocabulary(models.Model):
    """A global, translatable list of labels, with the other spellings imports use for them."""

    name = models.CharField(_("name"), max_length=300, unique=True)
    # Older labels, codes ("A12", "B32 Racial discrimination") and UHRI spellings that mean this
    # entry; matched case- and space-insensitively by recommendations.vocabularies.
    aliases = models.JSONField(_("aliases"), default=list, blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Theme(Vocabulary):
    """A human rights theme of the UHRI taxonomy (hierarchical)."""

    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("part of")
    )

    class Meta(Vocabulary.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


class AffectedGroup(Vocabulary):
    # Disadvantaged or marginalised groups raise a recommendation's priority (recommendations.priority);
    # professional groups (judges, police, public officials, media...) do not.
    marginalised = models.BooleanField(_("disadvantaged or marginalised"), default=True)

    class Meta(Vocabulary.Meta):
        verbose_name = _("affected group")
        verbose_name_plural = _("affected groups")


class SdgGoal(Vocabulary):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    uhri_id = models.UUIDField(_("UHRI id"), null=True, blank=True, unique=True)

    class Meta(Vocabulary.Meta):
        verbose_name = _("SDG goal")
        verbose_name_plural = _("SDG goals")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} - {self.name}"


class SdgTarget(Vocabulary):
    code = models.CharField(_("code"), max_length=10, unique=True, help_text=_("Such as 16.2"))
    goal = models.ForeignKey(SdgGoal, on_delete=models.PROTECT, related_name="targets", verbose_name=_("goal"))
    uhri_id = models.UUIDField(_("UHRI id"), null=True, blank=True, unique=True)

    class Meta(Vocabulary.Meta):
        verbose_name = _("SDG target")
        verbose_name_plural = _("SDG targets")
        ordering = ["goal__number", "id"]

    def __str__(self) -> str:
        return f"{self.code} - {self.name}"


class Country(Vocabulary):
    """A country by its UN name; ISO 3166 codes and UHRI spellings map onto it."""

    iso3 = models.CharField(_("ISO 3166 alpha-3 code"), max_length=3, unique=True)
    iso2 = models.CharField(_("ISO 3166 alpha-2 code"), max_length=2, blank=True)

    class Meta(Vocabulary.Meta):
        verbose_name = _("country")
        verbose_name_plural = _("countries")


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
    """A focal point's binding to an entity they report for (a person may serve several)."""

    class Kind(models.TextChoices):
        SENIOR = "senior", _("Senior focal point")
        TECHNICAL = "technical", _("Technical focal point")

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="focal_points", verbose_name=_("person")
    )
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="focal_points", verbose_name=_("entity"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TECHNICAL)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("focal point")
        verbose_name_plural = _("focal points")
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["state", "membership", "entity"], name="focal_point_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.membership.user} ({self.get_kind_display()})"


class Cluster(StateOwned):
    """The secretariat's own thematic group of recommendations (a recommendation may sit in several)."""

    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    # Where a seeded cluster came from ("theme:12", "sdg:4"), so seeding again adds to it.
    source = models.CharField(_("seeded from"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["position", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["state", "name"], name="cluster_unique_name_per_state"),
            models.UniqueConstraint(
                fields=["state", "source"], condition=~models.Q(source=""), name="cluster_unique_source_per_state"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RelatedGroup(StateOwned):
    """Recommendations the secretariat confirmed ask the same thing (members point here)."""

    created_by = models.ForeignKey(
        "tenants.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("group of related recommendations")
        verbose_name_plural = _("groups of related recommendations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk}"


class RelatedSuggestion(StateOwned):
    """A group of recommendations the suggester (recommendations.related) thinks ask the same thing.

    Open until the secretariat confirms it (it becomes a RelatedGroup, and the suggestion is
    deleted) or rejects it (kept, so the same group is not suggested again).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("To review")
        REJECTED = "rejected", _("Rejected")

    recommendation_ids = ArrayField(models.BigIntegerField(), verbose_name=_("recommendations"))
    score = models.FloatField(_("similarity"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    decided_by = models.ForeignKey(
        "tenants.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("suggested group of related recommendations")
        verbose_name_plural = _("suggested groups of related recommendations")
        ordering = ["-score", "id"]

    def __str__(self) -> str:
        return f"#{self.pk}"


# Paragraph numbers in natural order: "121.2" before "121.10", "9" before "12(a)". The SQL
# function (migration 0018) pads every run of digits to ten places (lower-cased, so "A.3" and
# "a.3" sort together). Recommendation.paragraph_key stores it (a generated column): the lists'
# order index holds it and a page is read from the index, and no row pays the function again
# when it is read (an index on the expression itself computed it for every row a deep page or a
# sort went through: half a second at 25,000 rows).
NATURAL_KEY_SQL = r"""
CREATE OR REPLACE FUNCTION nrtd_natural_key(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT regexp_replace(regexp_replace(lower(value), '[0-9]+', '0000000000\&', 'g'), '0*([0-9]{10})', '\1', 'g')
$$
"""


class NaturalKey(models.Func):
    """The sort key of a text in natural order (every run of digits compared as a number)."""

    function = "nrtd_natural_key"
    output_field = models.TextField()


class Position(models.TextChoices):
    SUPPORTED = "supported", _("Supported")
    NOTED = "noted", _("Noted")
    PARTIALLY_SUPPORTED = "partially_supported", _("Partially supported")
    PENDING = "pending", _("Pending")


class ImplementationStatus(models.TextChoices):
    """How far a recommendation or an action has been implemented, as its entities report it."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    PARTIALLY_IMPLEMENTED = "partially_implemented", _("Partially implemented")
    IMPLEMENTED = "implemented", _("Implemented")
    NOT_APPLICABLE = "not_applicable", _("No longer applicable")


# The column of a recommendation's text in each interface language (modeltranslation's fields).
LANGUAGE_FIELDS = {
    "en": "text_en",
    "fr": "text_fr",
    "es": "text_es",
    "ar": "text_ar",
    "ru": "text_ru",
    "zh": "text_zh_hans",
    "zh-hans": "text_zh_hans",
}


class Recommendation(StateOwned):
    """A recommendation (or observation) a mechanism addressed to the State."""

    # As StateOwned's, without an index of its own: the indexes below start with it (state and id
    # serves what an index on the State alone would), and an import pays for every index.
    state = models.ForeignKey(
        State, on_delete=models.CASCADE, db_index=False, related_name="+", verbose_name=_("State")
    )

    class AnnotationType(models.TextChoices):
        RECOMMENDATION = "recommendation", _("Recommendation")
        OBSERVATION = "observation", _("Observation")

    external_id = models.CharField(
        _("external id"), max_length=100, blank=True, help_text=_("The UHRI annotation id, when there is one.")
    )
    mechanism = models.ForeignKey(Mechanism, on_delete=models.PROTECT, related_name="+", verbose_name=_("mechanism"))
    symbol = models.CharField(_("document symbol"), max_length=100, blank=True)
    paragraph = models.CharField(_("paragraph"), max_length=40, blank=True)
    # The paragraph's sort key in natural order, kept by PostgreSQL (NATURAL_KEY_SQL above).
    paragraph_key = models.GeneratedField(
        expression=NaturalKey("paragraph"),
        output_field=models.TextField(),
        db_persist=True,
        verbose_name=_("paragraph, in natural order"),
    )
    annotation_type = models.CharField(
        _("type"), max_length=20, choices=AnnotationType.choices, default=AnnotationType.RECOMMENDATION
    )
    text = models.TextField(_("text"))
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    upr_cycle = models.PositiveSmallIntegerField(_("UPR cycle"), null=True, blank=True)
    upr_session = models.PositiveSmallIntegerField(_("UPR session"), null=True, blank=True)
    position = models.CharField(_("position"), max_length=30, choices=Position.choices, blank=True)
    published = models.BooleanField(_("published"), default=False)
    published_on_uhri = models.DateField(_("published on the UHRI"), null=True, blank=True)
    # Vocabulary entries as arrays of ids (GIN-indexed), not link tables: an import writes one row
    # per recommendation, and its history entry shows a theme added or removed beside the text
    # that changed. Deleting a vocabulary entry still in use is refused by a trigger (migration
    # 0007), as a foreign key would. Read them as querysets through the properties below.
    theme_ids = ArrayField(models.BigIntegerField(), default=list, blank=True, verbose_name=_("themes"))
    affected_group_ids = ArrayField(
        models.BigIntegerField(), default=list, blank=True, verbose_name=_("affected groups")
    )
    sdg_target_ids = ArrayField(models.BigIntegerField(), default=list, blank=True, verbose_name=_("SDG targets"))
    # Goals the source names on their own ("4 - QUALITY EDUCATION"), without a target.
    sdg_goal_ids = ArrayField(models.BigIntegerField(), default=list, blank=True, verbose_name=_("SDG goals"))
    recommending_country_ids = ArrayField(
        models.BigIntegerField(), default=list, blank=True, verbose_name=_("recommending States")
    )
    # Curation (issue 4), never written by an import. Arrays for the same reason as above: a bulk
    # action is one UPDATE and one history entry per recommendation it changes.
    cluster_ids = ArrayField(
        models.BigIntegerField(), default=list, db_default=[], blank=True, verbose_name=_("clusters")
    )
    primary_cluster = models.ForeignKey(
        Cluster,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("primary cluster"),
    )
    lead_entity = models.ForeignKey(
        Entity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_recommendations",
        verbose_name=_("lead entity"),
    )
    supporting_entity_ids = ArrayField(
        models.BigIntegerField(), default=list, db_default=[], blank=True, verbose_name=_("supporting entities")
    )
    # Priority factors (recommendations.priority): those people set, those derived from the data,
    # and the score they add up to, stored so lists sort and filter by it.
    priority_factors = ArrayField(
        models.CharField(max_length=30), default=list, db_default=[], blank=True, verbose_name=_("priority factors")
    )
    priority_derived = ArrayField(
        models.CharField(max_length=30),
        default=list,
        db_default=[],
        blank=True,
        verbose_name=_("derived priority factors"),
    )
    priority_score = models.PositiveSmallIntegerField(_("priority"), default=0, db_default=0)
    related_group = models.ForeignKey(
        RelatedGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendations",
        verbose_name=_("related recommendations"),
    )
    # Follow-up (issue 5): the status of the latest validated progress update, and its date
    # (followup.workflow keeps them in step; never written by an import).
    implementation_status = models.CharField(
        _("implementation status"),
        max_length=30,
        choices=ImplementationStatus.choices,
        blank=True,
        db_default="",
    )
    implementation_status_on = models.DateField(_("status as of"), null=True, blank=True)
    # How imports recognise this recommendation again: "uhri:<annotation id>", else
    # "doc:<symbol>#<paragraph>", else "upr:<session>#<paragraph>" (imports.services).
    import_key = models.CharField(_("import key"), max_length=200, blank=True)
    # Digest of what the last import brought, so a re-import knows "unchanged" without reading
    # texts back, and a manual edit survives a re-import of the same source.
    import_hash = models.CharField(_("import digest"), max_length=64, blank=True)
    # Labels and ids an import could not match to a vocabulary, kept for review, never dropped.
    review_flags = models.JSONField(_("to review"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-issued_on", "symbol", "paragraph_key", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["state", "external_id"],
                condition=~models.Q(external_id=""),
                name="recommendation_unique_external_id",
            ),
            models.UniqueConstraint(
                fields=["state", "import_key"],
                condition=~models.Q(import_key=""),
                name="recommendation_unique_import_key",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "published"], name="recommendation_published_idx"),
            models.Index(fields=["state", "id"], name="recommendation_state_id_idx"),
            # The lists' default order (newest first): a page is read from the index, not sorted.
            models.Index(
                "state", F("issued_on").desc(), "symbol", "paragraph_key", "id", name="recommendation_order_idx"
            ),
            GinIndex(fields=["theme_ids"], name="recommendation_themes_gin"),
            GinIndex(fields=["affected_group_ids"], name="recommendation_groups_gin"),
            GinIndex(fields=["sdg_target_ids"], name="recommendation_targets_gin"),
            GinIndex(fields=["sdg_goal_ids"], name="recommendation_goals_gin"),
            GinIndex(fields=["cluster_ids"], name="recommendation_clusters_gin"),
            GinIndex(fields=["supporting_entity_ids"], name="recommendation_supporting_gin"),
            models.Index(fields=["state", "implementation_status"], name="recommendation_impl_status_idx"),
            # The dashboard's grouped counts (reporting.dashboard): every column they read or filter
            # on, so that they read this index (an index-only scan) rather than the wide rows.
            models.Index(
                fields=["state"],
                include=[
                    "id",
                    "implementation_status",
                    "mechanism",
                    "lead_entity",
                    "supporting_entity_ids",
                    "cluster_ids",
                    "sdg_goal_ids",
                    "sdg_target_ids",
                    "theme_ids",
                    "position",
                    "issued_on",
                ],
                name="recommendation_dashboard_idx",
            ),
        ]

    def __str__(self) -> str:
        label = f"{self.symbol} {self.paragraph}".strip()
        return label or f"#{self.pk}"

    # The linked vocabulary entries, in each vocabulary's order (one query each).
    @property
    def themes(self) -> models.QuerySet[Theme]:
        return Theme.objects.filter(pk__in=self.theme_ids)

    @property
    def affected_groups(self) -> models.QuerySet[AffectedGroup]:
        return AffectedGroup.objects.filter(pk__in=self.affected_group_ids)

    @property
    def sdg_targets(self) -> models.QuerySet[SdgTarget]:
        return SdgTarget.objects.filter(pk__in=self.sdg_target_ids)

    @property
    def sdg_goals(self) -> models.QuerySet[SdgGoal]:
        return SdgGoal.objects.filter(pk__in=self.sdg_goal_ids)

    @property
    def recommending_countries(self) -> models.QuerySet[Country]:
        return Country.objects.filter(pk__in=self.recommending_country_ids)

    @property
    def clusters(self) -> models.QuerySet[Cluster]:
        return Cluster.objects.filter(pk__in=self.cluster_ids)

    @property
    def supporting_entities(self) -> models.QuerySet[Entity]:
        return Entity.objects.filter(pk__in=self.supporting_entity_ids)


class SavedView(StateOwned):
    """A named filter of the recommendation list, kept by a person and shared within the State if they wish."""

    name = models.CharField(_("name"), max_length=100)
    # The list's query string, as the filter form writes it ("mechanism=CRC&theme=12").
    query = models.CharField(_("filters"), max_length=2000, blank=True)
    owner = models.ForeignKey("tenants.User", on_delete=models.CASCADE, related_name="+", verbose_name=_("kept by"))
    shared = models.BooleanField(
        _("shared"), default=False, help_text=_("Everyone in the State sees it in their list of views.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["state", "owner", "name"], name="saved_view_unique_name_per_owner"),
        ]

    def __str__(self) -> str:
        return self.name


# Each vocabulary a recommendation links to: the model, and the array field holding its ids.
VOCABULARY_LINKS = {
    "themes": (Theme, "theme_ids"),
    "affected_groups": (AffectedGroup, "affected_group_ids"),
    "sdg_targets": (SdgTarget, "sdg_target_ids"),
    "sdg_goals": (SdgGoal, "sdg_goal_ids"),
    "recommending_countries": (Country, "recommending_country_ids"),
}

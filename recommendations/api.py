"""The State's recommendations over the REST API: list with filters, read, create, edit."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import APIException

from recommendations.filters import RecommendationFilter
from recommendations.models import (
    AffectedGroup,
    Country,
    ImplementationStatus,
    Mechanism,
    Recommendation,
    SdgGoal,
    SdgTarget,
    Theme,
)
from recommendations.queries import recommendations_visible_to
from recommendations.services import StaleEdit, recommendation_create, recommendation_update
from tenants.api import StateAPIMixin

TEXT_FIELDS = ["text_en", "text_fr", "text_es", "text_ar", "text_ru", "text_zh_hans"]
LINK_FIELDS = ["themes", "affected_groups", "sdg_targets", "sdg_goals", "recommending_countries"]
CURATION_FIELDS = [
    "cluster_ids",
    "primary_cluster",
    "lead_entity",
    "supporting_entity_ids",
    "priority_score",
    "priority_factors",
    "priority_derived",
    "related_group",
    "implementation_status",
    "implementation_status_on",
]
# The name of an entry in each interface language: any of them is accepted on input.
NAME_FIELDS = ["name", *(f"name_{code.replace('-', '_')}" for code, _name in settings.LANGUAGES)]


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class VocabularyListField(serializers.Field):
    """Vocabulary entries stored as an array of ids, read and written by a label.

    Themes and groups by name (in the request's language on output, in any language on input),
    SDG targets by code, goals by number, countries by ISO 3166 alpha-3 code. Each vocabulary is
    read once per request, so a page of results costs one query per vocabulary.
    """

    default_error_messages = {
        "not_a_list": _("Expected a list of labels."),
        "unknown": _("Unknown entry: %(label)s."),
    }

    def __init__(self, model, label_field: str, match_fields: list[str], **kwargs):
        self.model, self.label_field, self.match_fields = model, label_field, match_fields
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def _entries(self) -> tuple[dict, dict]:
        cache = self.context.setdefault("vocabularies", {})
        if self.model not in cache:
            labels, keys = {}, {}
            for entry in self.model.objects.all():
                labels[entry.pk] = getattr(entry, self.label_field)
                for name in self.match_fields:
                    value = getattr(entry, name, None)
                    if value not in (None, ""):
                        keys.setdefault(str(value).casefold(), entry.pk)
            cache[self.model] = labels, keys
        return cache[self.model]

    def to_representation(self, value):
        labels, _keys = self._entries()
        return [labels[pk] for pk in value if pk in labels]

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list")
        _labels, keys = self._entries()
        ids = []
        for label in data:
            pk = keys.get(str(label).strip().casefold())
            if pk is None:
                raise serializers.ValidationError(self.error_messages["unknown"] % {"label": label})
            if pk not in ids:
                ids.append(pk)
        return ids


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The recommendation was changed by someone else since the updated_at you sent.")
    default_code = "stale_edit"


class RecommendationSerializer(serializers.ModelSerializer):
    mechanism = serializers.SlugRelatedField(slug_field="code", queryset=Mechanism.objects.all())
    text = serializers.CharField(read_only=True, help_text="The text in the request's language, or a fallback.")
    themes = VocabularyListField(Theme, "name", NAME_FIELDS, source="theme_ids")
    affected_groups = VocabularyListField(AffectedGroup, "name", NAME_FIELDS, source="affected_group_ids")
    sdg_targets = VocabularyListField(SdgTarget, "code", ["code"], source="sdg_target_ids")
    sdg_goals = VocabularyListField(SdgGoal, "number", ["number"], source="sdg_goal_ids")
    recommending_countries = VocabularyListField(Country, "iso3", ["iso3", "iso2"], source="recommending_country_ids")
    # Empty until a progress update is validated.
    implementation_status = serializers.ChoiceField(
        choices=ImplementationStatus.choices, allow_blank=True, read_only=True
    )
    updated_at = serializers.DateTimeField(
        required=False, help_text="When editing: the value you read; a newer one on the server gives 409."
    )

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "external_id",
            "mechanism",
            "symbol",
            "paragraph",
            "annotation_type",
            "text",
            *TEXT_FIELDS,
            "issued_on",
            "upr_cycle",
            "upr_session",
            "position",
            "published",
            *LINK_FIELDS,
            "review_flags",
            *CURATION_FIELDS,
            "updated_at",
        ]
        # Curation is changed in the workspace (one at a time or in bulk), read here by id.
        read_only_fields = ["id", "external_id", "review_flags", *CURATION_FIELDS]

    def validate(self, data):
        texts = [data.get(name, getattr(self.instance, name, None)) for name in TEXT_FIELDS]
        if not any(texts):
            raise serializers.ValidationError(_("Give the text in at least one language (text_en, text_fr, ...)."))
        return data

    def _split(self, data: dict) -> dict:
        data = dict(data)
        data.pop("updated_at", None)
        return data

    def create(self, validated_data):
        return recommendation_create(state=self.context["state"], values=self._split(validated_data), links={})

    def update(self, instance, validated_data):
        seen = validated_data.get("updated_at")
        if seen is None:
            raise serializers.ValidationError({"updated_at": _("Send the updated_at you read, to edit.")})
        try:
            return recommendation_update(
                recommendation=instance, values=self._split(validated_data), links={}, seen_updated_at=seen
            )
        except StaleEdit as exc:
            raise Conflict from exc


@extend_schema(tags=["recommendations"])
class RecommendationViewSet(
    StateAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The recommendations of one State, for its members; curators may create and edit."""

    serializer_class = RecommendationSerializer
    filterset_class = RecommendationFilter
    state_permission = "recommendations.view_recommendation"
    state_write_permission = "recommendations.change_recommendation"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request, no State
            return Recommendation.objects.none()
        # The lists' order (newest first, then symbol, paragraph, id): total, and read from an index.
        return recommendations_visible_to(self.request.user, self.state)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "state": getattr(self.request._request, "state", None)}

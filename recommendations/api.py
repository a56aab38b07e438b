"""The State's recommendations over the REST API: list with filters, read, create, edit."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import APIException

from recommendations.filters import RecommendationFilter
from recommendations.models import AffectedGroup, Country, Mechanism, Recommendation, SdgTarget, Theme
from recommendations.queries import recommendations_visible_to
from recommendations.services import StaleEdit, recommendation_create, recommendation_update
from tenants.api import StateAPIMixin

TEXT_FIELDS = ["text_en", "text_fr", "text_es", "text_ar", "text_ru", "text_zh_hans"]
LINK_FIELDS = ["themes", "affected_groups", "sdg_targets", "recommending_countries"]


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The recommendation was changed by someone else since the updated_at you sent.")
    default_code = "stale_edit"


class RecommendationSerializer(serializers.ModelSerializer):
    mechanism = serializers.SlugRelatedField(slug_field="code", queryset=Mechanism.objects.all())
    text = serializers.CharField(read_only=True, help_text="The text in the request's language, or a fallback.")
    themes = serializers.SlugRelatedField(slug_field="name", many=True, queryset=Theme.objects.all(), required=False)
    affected_groups = serializers.SlugRelatedField(
        slug_field="name", many=True, queryset=AffectedGroup.objects.all(), required=False
    )
    sdg_targets = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=SdgTarget.objects.all(), required=False
    )
    recommending_countries = serializers.SlugRelatedField(
        slug_field="iso3", many=True, queryset=Country.objects.all(), required=False
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
            "updated_at",
        ]
        read_only_fields = ["id", "external_id", "review_flags"]

    def validate(self, data):
        texts = [data.get(name, getattr(self.instance, name, None)) for name in TEXT_FIELDS]
        if not any(texts):
            raise serializers.ValidationError(_("Give the text in at least one language (text_en, text_fr, ...)."))
        return data

    def _split(self, data: dict) -> tuple[dict, dict]:
        data = dict(data)
        data.pop("updated_at", None)
        links = {name: data.pop(name) for name in LINK_FIELDS if name in data}
        return data, links

    def create(self, validated_data):
        values, links = self._split(validated_data)
        return recommendation_create(state=self.context["state"], values=values, links=links)

    def update(self, instance, validated_data):
        seen = validated_data.get("updated_at")
        if seen is None:
            raise serializers.ValidationError({"updated_at": _("Send the updated_at you read, to edit.")})
        values, links = self._split(validated_data)
        try:
            return recommendation_update(recommendation=instance, values=values, links=links, seen_updated_at=seen)
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
        return (
            recommendations_visible_to(self.request.user, self.state)
            .prefetch_related("themes", "affected_groups", "sdg_targets", "recommending_countries")
            .order_by("id")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "state": getattr(self.request._request, "state", None)}

from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets

from recommendations.models import Position, Recommendation
from recommendations.queries import recommendations_visible_to
from tenants.api import StateAPIMixin


class RecommendationSerializer(serializers.ModelSerializer):
    mechanism = serializers.SlugRelatedField(slug_field="code", read_only=True)

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
            "issued_on",
            "upr_cycle",
            "upr_session",
            "position",
            "published",
            "updated_at",
        ]


class RecommendationFilter(filters.FilterSet):
    # Filters are declared one by one: django-filter's generation from Meta.fields queries the
    # model's default manager at import time, which the scoped manager refuses.
    mechanism = filters.CharFilter(field_name="mechanism__code")
    position = filters.ChoiceFilter(choices=Position.choices)
    published = filters.BooleanFilter()
    upr_cycle = filters.NumberFilter()
    annotation_type = filters.ChoiceFilter(choices=Recommendation.AnnotationType.choices)

    class Meta:
        model = Recommendation
        fields: list[str] = []


class RecommendationViewSet(StateAPIMixin, viewsets.ReadOnlyModelViewSet):
    """The recommendations of one State, for its members."""

    serializer_class = RecommendationSerializer
    filterset_class = RecommendationFilter
    state_permission = "recommendations.view_recommendation"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request, no State
            return Recommendation.objects.none()
        return recommendations_visible_to(self.request.user, self.state).order_by("id")

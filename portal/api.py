"""The public API of a State's portal: ``/api/v1/public/<state>/recommendations/``.

The same search as the portal page (portal.search), the same published-only data
(portal.pages), without sign-in, rate-limited per client address (429 with
``Retry-After``). 404 unless the State's portal is on (tenants.middleware).
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from consultation.queries import assessment_public, submissions_public
from nrtd.ratelimit import ClientRateThrottle
from portal import pages, search
from recommendations.models import ImplementationStatus
from recommendations.queries import recommendations_published

MAX_PAGE_SIZE = 100


class PublicRecommendationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(help_text="The recommendation's page on the portal.")
    mechanism = serializers.CharField(help_text="The mechanism's code, such as CRC or UPR.")
    mechanism_name = serializers.CharField()
    mechanism_kind = serializers.CharField()
    symbol = serializers.CharField()
    paragraph = serializers.CharField()
    annotation_type = serializers.CharField()
    text = serializers.CharField(help_text="In the language asked for, else the original.")
    text_language = serializers.CharField()
    translated = serializers.BooleanField(help_text="False when `text` is the original, not a translation.")
    issued_on = serializers.DateField(allow_null=True)
    upr_cycle = serializers.IntegerField(allow_null=True)
    position = serializers.CharField()
    implementation_status = serializers.CharField(help_text="Of the latest published progress update; empty if none.")
    implementation_status_on = serializers.DateField(allow_null=True)
    themes = serializers.ListField(child=serializers.CharField())
    sdg_targets = serializers.ListField(child=serializers.CharField())
    affected_groups = serializers.ListField(child=serializers.CharField())
    lead_entity = serializers.CharField(allow_null=True)
    supporting_entities = serializers.ListField(child=serializers.CharField())


class PublicRecommendationDetailSerializer(PublicRecommendationSerializer):
    progress = inline_serializer(
        "PublicProgress",
        {
            "implementation_status": serializers.CharField(),
            "implementation_status_label": serializers.CharField(),
            "reported_on": serializers.DateField(),
            "entity": serializers.CharField(),
            "on_action": serializers.BooleanField(),
            "narrative": serializers.CharField(),
        },
        many=True,
        help_text="Published progress updates, newest first.",
    )
    contributions = inline_serializer(
        "PublicContribution",
        {
            "kind": serializers.CharField(help_text="civil_society, nhri or other."),
            "organisation": serializers.CharField(help_text="Empty unless the sender agreed to its publication."),
            "text": serializers.CharField(),
            "accepted_on": serializers.DateField(allow_null=True),
        },
        many=True,
        help_text="Information sent in consultations and accepted by the secretariat.",
    )
    nhri_assessment = inline_serializer(
        "PublicNhriAssessment",
        {
            "implementation_status": serializers.CharField(),
            "implementation_status_label": serializers.CharField(),
            "assessed_on": serializers.DateField(),
            "text": serializers.CharField(),
        },
        allow_null=True,
        help_text="The national human rights institution's assessment, when the State publishes them.",
    )


FACET_VALUES = inline_serializer(
    "PublicFacetValue",
    {"value": serializers.CharField(), "label": serializers.CharField(), "count": serializers.IntegerField()},
    many=True,
)
LIST_RESPONSE = inline_serializer(
    "PublicRecommendationPage",
    {
        "count": serializers.IntegerField(),
        "next": serializers.CharField(allow_null=True),
        "previous": serializers.CharField(allow_null=True),
        "results": PublicRecommendationSerializer(many=True),
        "facets": serializers.DictField(child=FACET_VALUES, help_text="Each facet's values and counts."),
    },
)

PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description='Words; "a phrase"; -excluded; a OR b.'),
    OpenApiParameter("lang", OpenApiTypes.STR, enum=[code for code, _n in settings.LANGUAGES], description="Language."),
    OpenApiParameter("sort", OpenApiTypes.STR, enum=list(search.SORTS)),
    OpenApiParameter("page", OpenApiTypes.INT),
    OpenApiParameter("page_size", OpenApiTypes.INT, description=f"At most {MAX_PAGE_SIZE}."),
    OpenApiParameter("kind", OpenApiTypes.STR, many=True, enum=[*search.MECHANISM_KINDS, "none"]),
    OpenApiParameter("body", OpenApiTypes.INT, many=True, description="Mechanism id."),
    OpenApiParameter("theme", OpenApiTypes.INT, many=True, description="Theme id (its sub-themes included)."),
    OpenApiParameter("goal", OpenApiTypes.INT, many=True, description="SDG goal id."),
    OpenApiParameter("target", OpenApiTypes.INT, many=True, description="SDG target id."),
    OpenApiParameter("group", OpenApiTypes.INT, many=True, description="Affected group id."),
    OpenApiParameter("position", OpenApiTypes.STR, many=True, enum=[*search.POSITIONS, "none"]),
    OpenApiParameter("status", OpenApiTypes.STR, many=True, enum=[*search.STATUSES, "none"]),
    OpenApiParameter("entity", OpenApiTypes.INT, many=True, description="Responsible entity id (lead or supporting)."),
    OpenApiParameter("cycle", OpenApiTypes.INT, many=True, description="UPR cycle (0: not UPR)."),
    OpenApiParameter("year", OpenApiTypes.INT, many=True, description="Year issued (0: unknown)."),
]


class PublicAPIMixin:
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ClientRateThrottle]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        lang = request.query_params.get("lang", "")
        # The values the schema lists, and no others: anything else is a 400 that names them.
        errors = {}
        if lang and lang not in dict(settings.LANGUAGES):
            errors["lang"] = [_("Choose one of: %(values)s.") % {"values": ", ".join(dict(settings.LANGUAGES))}]
        sort = request.query_params.get("sort", "")
        if sort and sort not in search.SORTS:
            errors["sort"] = [_("Choose one of: %(values)s.") % {"values": ", ".join(search.SORTS)}]
        if errors:
            raise serializers.ValidationError(errors)
        self.language = lang or "en"
        translation.activate(self.language)
        request.LANGUAGE_CODE = self.language

    def serialize(self, recommendations, statuses: dict) -> list[dict]:
        entity_ids = {pk for r in recommendations for pk in [r.lead_entity_id, *r.supporting_entity_ids] if pk}
        names = pages.public_names(entity_ids)
        themes, groups, targets, entities = names.themes, names.groups, names.targets, names.entities
        slug = self.request.state.slug
        out = []
        for r in recommendations:
            text, text_language, translated = search.text_in(r, self.language)
            status, status_on = statuses.get(r.pk, ("", None))
            out.append(
                {
                    "id": r.pk,
                    "url": self.request.build_absolute_uri(
                        reverse("portal:recommendation-detail", kwargs={"state_slug": slug, "pk": r.pk})
                    ),
                    "mechanism": r.mechanism.code,
                    "mechanism_name": r.mechanism.name,
                    "mechanism_kind": r.mechanism.kind,
                    "symbol": r.symbol,
                    "paragraph": r.paragraph,
                    "annotation_type": r.annotation_type,
                    "text": text,
                    "text_language": text_language,
                    "translated": translated,
                    "issued_on": r.issued_on,
                    "upr_cycle": r.upr_cycle,
                    "position": r.position,
                    "implementation_status": status,
                    "implementation_status_on": status_on,
                    "themes": [themes[pk] for pk in r.theme_ids if pk in themes],
                    "sdg_targets": [targets[pk] for pk in r.sdg_target_ids if pk in targets],
                    "affected_groups": [groups[pk] for pk in r.affected_group_ids if pk in groups],
                    "lead_entity": entities.get(r.lead_entity_id),
                    "supporting_entities": [entities[pk] for pk in r.supporting_entity_ids if pk in entities],
                }
            )
        return out


class PublicRecommendationList(PublicAPIMixin, APIView):
    @extend_schema(
        operation_id="public_recommendations_list",
        summary="Search a State's published recommendations",
        parameters=PARAMETERS,
        responses={200: LIST_RESPONSE},
    )
    def get(self, request, state_slug: str):
        query = search.SearchQuery.from_querydict(request.query_params, self.language)
        size = request.query_params.get("page_size", "")
        page_size = min(int(size), MAX_PAGE_SIZE) if size.isdigit() and int(size) > 0 else search.PAGE_SIZE
        result = search.search(request.state.pk, query, page_size=page_size)
        by_id = {r.pk: r for r in recommendations_published().filter(pk__in=result.ids)}
        ordered = [by_id[pk] for pk in result.ids if pk in by_id]
        statuses = pages.statuses_of(result.ids)
        page_count = max((result.total + page_size - 1) // page_size, 1)

        def page_url(number: int) -> str | None:
            if number < 1 or number > min(page_count, search.MAX_PAGE):
                return None
            params = request.query_params.copy()
            params["page"] = str(number)
            return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

        blocks = pages.facet_blocks(result)
        return Response(
            {
                "count": result.total,
                "next": page_url(query.page + 1),
                "previous": page_url(query.page - 1),
                "results": self.serialize(ordered, statuses),
                "facets": {
                    block.param: [
                        {"value": item.param, "label": item.label, "count": item.count}
                        for item in [*block.shown, *block.more]
                    ]
                    for block in blocks
                },
            }
        )


class PublicRecommendationDetail(PublicAPIMixin, APIView):
    @extend_schema(
        operation_id="public_recommendations_retrieve",
        summary="One published recommendation",
        parameters=[PARAMETERS[1]],
        responses={200: PublicRecommendationDetailSerializer},
    )
    def get(self, request, state_slug: str, pk: int):
        recommendation = get_object_or_404(recommendations_published(), pk=pk)
        data = self.serialize([recommendation], pages.statuses_of([recommendation.pk]))[0]
        status_labels = dict(ImplementationStatus.choices)
        data["progress"] = [
            {
                "implementation_status": update.implementation_status,
                "implementation_status_label": str(status_labels.get(update.implementation_status, "")),
                "reported_on": update.reported_on,
                "entity": str(update.entity),
                "on_action": update.action_id is not None,
                "narrative": update.narrative,
            }
            for update in pages.published_progress(recommendation)
        ]
        # What civil society and the NHRI sent in consultations, once the secretariat accepted it.
        data["contributions"] = [
            {
                "kind": submission.kind,
                "organisation": submission.public_name,
                "text": submission.text,
                "accepted_on": submission.reviewed_at.date() if submission.reviewed_at else None,
            }
            for submission in submissions_public(recommendation)
        ]
        assessment = assessment_public(recommendation, request.state)
        data["nhri_assessment"] = (
            {
                "implementation_status": assessment.implementation_status,
                "implementation_status_label": str(status_labels.get(assessment.implementation_status, "")),
                "assessed_on": assessment.assessed_on,
                "text": assessment.text,
            }
            if assessment
            else None
        )
        return Response(data)

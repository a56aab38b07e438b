"""Filters of the recommendation lists (workspace pages and API share them)."""

from django import forms
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from recommendations.models import (
    AffectedGroup,
    Cluster,
    Entity,
    ImplementationStatus,
    Mechanism,
    Position,
    Recommendation,
    SdgGoal,
    SdgTarget,
    Theme,
)


@extend_schema_field(OpenApiTypes.STR)
class CodeMultipleChoiceFilter(filters.ModelMultipleChoiceFilter):
    """Choice of entries by code (``?mechanism=CRC&mechanism=UPR``), described as such in the API schema."""


@extend_schema_field(OpenApiTypes.INT)
class IdMultipleChoiceFilter(filters.ModelMultipleChoiceFilter):
    """Choice of entries by id (``?theme=12&theme=40``), described as such in the API schema."""


@extend_schema_field(OpenApiTypes.INT)
class NumberChoiceFilter(filters.ModelChoiceFilter):
    """Choice of an entry by number (``?sdg_goal=16``)."""


class YearField(forms.IntegerField):
    """A year of the calendar: a whole number from 1 to 9999 (PostgreSQL and Python's dates)."""

    default_error_messages = {"invalid": _("Enter a year, such as 2024.")}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 9999})
class YearFilter(filters.NumberFilter):
    """A year (``?year=2024``): out of 1..9999, the list says so rather than failing."""

    field_class = YearField


# Paragraph numbers in natural order (121.2 before 121.10); the first one is the order index's.
PARAGRAPH = "paragraph_key"


class AnyYesNo(forms.RadioSelect):
    """A yes/no filter as three choices: Any (not filtered, the default), Yes, No. The values are
    those of Django's NullBooleanSelect ("true", "false"; "unknown" or nothing is Any), so
    addresses written before keep working."""

    VALUES = {True: "true", "True": "true", "true": "true", "2": "true", False: "false", "False": "false"}
    VALUES |= {"false": "false", "3": "false"}

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))])

    def format_value(self, value):
        return [self.VALUES.get(value, "")]


SORTS = {
    "-issued_on": ("-issued_on", "symbol", PARAGRAPH, "id"),
    "issued_on": ("issued_on", "symbol", PARAGRAPH, "id"),
    "symbol": ("symbol", PARAGRAPH, "id"),
    "mechanism": ("mechanism__code", "symbol", PARAGRAPH, "id"),
    "position": ("position", "symbol", PARAGRAPH, "id"),
    "-priority": ("-priority_score", "-issued_on", "symbol", PARAGRAPH, "id"),
}
SEARCHED_FIELDS = ("text_en", "text_fr", "text_es", "text_ar", "text_ru", "text_zh_hans", "symbol", "paragraph")


class RecommendationFilter(filters.FilterSet):
    # Declared one by one: django-filter's generation from Meta.fields queries the model's
    # default manager at import time, which the scoped manager refuses.
    q = filters.CharFilter(label=_("Search"), method="search")
    mechanism = CodeMultipleChoiceFilter(
        label=_("Mechanism"), queryset=Mechanism.objects.all(), to_field_name="code", field_name="mechanism__code"
    )
    kind = filters.ChoiceFilter(
        label=_("Kind of mechanism"), choices=Mechanism.Kind.choices, field_name="mechanism__kind"
    )
    theme = IdMultipleChoiceFilter(label=_("Theme"), queryset=Theme.objects.all(), method="filter_overlap")
    sdg_goal = NumberChoiceFilter(
        label=_("SDG goal"), queryset=SdgGoal.objects.all(), to_field_name="number", method="filter_goal"
    )
    sdg_target = CodeMultipleChoiceFilter(
        label=_("SDG target"), queryset=SdgTarget.objects.all(), to_field_name="code", method="filter_overlap"
    )
    affected_group = IdMultipleChoiceFilter(
        label=_("Affected group"), queryset=AffectedGroup.objects.all(), method="filter_overlap"
    )
    position = filters.MultipleChoiceFilter(label=_("Position"), choices=Position.choices)
    annotation_type = filters.ChoiceFilter(label=_("Type"), choices=Recommendation.AnnotationType.choices)
    upr_cycle = filters.NumberFilter(label=_("UPR cycle"))
    year = YearFilter(label=_("Year"), field_name="issued_on", lookup_expr="year")
    # A range of years of issue (the dashboard's filter; its figures link here with the same range).
    year_from = YearFilter(label=_("From year"), field_name="issued_on", lookup_expr="year__gte")
    year_to = YearFilter(label=_("To year"), field_name="issued_on", lookup_expr="year__lte")
    published = filters.BooleanFilter(label=_("Published"), widget=AnyYesNo)
    to_review = filters.BooleanFilter(label=_("Has something to review"), widget=AnyYesNo, method="filter_to_review")
    # Curation. The State's own entities and clusters (callables: read in the request's scope).
    entity = IdMultipleChoiceFilter(
        label=_("Responsible entity"), queryset=lambda request: Entity.objects.all(), method="filter_entity"
    )
    cluster = IdMultipleChoiceFilter(
        label=_("Cluster"), queryset=lambda request: Cluster.objects.all(), method="filter_cluster"
    )
    unassigned = filters.BooleanFilter(
        label=_("Without a responsible entity"), widget=AnyYesNo, method="filter_unassigned"
    )
    unclustered = filters.BooleanFilter(label=_("In no cluster"), widget=AnyYesNo, method="filter_unclustered")
    priority = filters.NumberFilter(label=_("Priority at least"), field_name="priority_score", lookup_expr="gte")
    related = filters.BooleanFilter(
        label=_("In a group of related recommendations"), widget=AnyYesNo, method="filter_related"
    )
    # "none": no validated update yet.
    implementation_status = filters.MultipleChoiceFilter(
        label=_("Implementation status"),
        choices=[*ImplementationStatus.choices, ("none", _("No validated update yet"))],
        method="filter_implementation_status",
    )
    sort = filters.ChoiceFilter(
        label=_("Sort by"),
        empty_label=None,
        choices=[
            ("-issued_on", _("Newest first")),
            ("issued_on", _("Oldest first")),
            ("symbol", _("Document symbol")),
            ("mechanism", _("Mechanism")),
            ("position", _("Position")),
            ("-priority", _("Highest priority first")),
        ],
        method="sort_by",
    )

    class Meta:
        model = Recommendation
        fields: list[str] = []

    def search(self, queryset, name, value):
        # Every word must appear, in any language's text or the symbol.
        for word in value.split()[:10]:
            condition = Q()
            for field in SEARCHED_FIELDS:
                condition |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(condition)
        return queryset

    # Each multiple-choice vocabulary filter and the array it looks in: any of the chosen entries.
    ARRAYS = {"theme": "theme_ids", "sdg_target": "sdg_target_ids", "affected_group": "affected_group_ids"}

    def filter_overlap(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(**{f"{self.ARRAYS[name]}__overlap": [entry.pk for entry in value]})

    def filter_goal(self, queryset, name, value):
        # The goal named on its own, or any of its targets.
        if not value:
            return queryset
        targets = ArraySubquery(SdgTarget.objects.filter(goal=value).values("pk"))
        return queryset.filter(Q(sdg_goal_ids__contains=[value.pk]) | Q(sdg_target_ids__overlap=targets))

    def filter_to_review(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(review_flags=[]) if value else queryset.filter(review_flags=[])

    def filter_entity(self, queryset, name, value):
        # Lead or supporting.
        if not value:
            return queryset
        ids = [entity.pk for entity in value]
        return queryset.filter(Q(lead_entity__in=ids) | Q(supporting_entity_ids__overlap=ids))

    def filter_cluster(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(cluster_ids__overlap=[cluster.pk for cluster in value])

    def filter_unassigned(self, queryset, name, value):
        if value is None:
            return queryset
        unassigned = Q(lead_entity__isnull=True, supporting_entity_ids=[])
        return queryset.filter(unassigned) if value else queryset.exclude(unassigned)

    def filter_unclustered(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(cluster_ids=[]) if value else queryset.exclude(cluster_ids=[])

    def filter_implementation_status(self, queryset, name, value):
        if not value:
            return queryset
        statuses = ["" if status == "none" else status for status in value]
        return queryset.filter(implementation_status__in=statuses)

    def filter_related(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(related_group__isnull=not value)

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["-issued_on"]))

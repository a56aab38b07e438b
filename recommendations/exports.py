"""Export of a filtered list of recommendations to Excel or CSV, with their curation.

For people who work in Excel: the header row bold and frozen with an autofilter, columns sized to
their values (nrtd.xlsx), the SDG goals beside the targets (a goal named on the recommendation or
through one of its targets), and a file name that says the State, the filters and the day
(``export_filename``).

The rows are streamed from the database in chunks, and every vocabulary, entity and cluster is
read once, so the number of queries does not grow with the rows. A cell that a spreadsheet
would take for a formula (starting with =, +, -, @, a tab or a carriage return) is neutralised:
in CSV with a leading apostrophe (OWASP's advice), in Excel by storing it as text (nrtd.xlsx
writes the workbook: every string an inline string, never a formula).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import IO

from django.db.models import QuerySet, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname, get_language, resolution_order

from nrtd import xlsx
from recommendations.models import (
    AffectedGroup,
    Cluster,
    Country,
    Entity,
    ImplementationStatus,
    Recommendation,
    SdgGoal,
    SdgTarget,
    Theme,
)
from recommendations.priority import FACTORS
from tenants.models import State

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """The value as a CSV cell no spreadsheet will run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def headers() -> list[str]:
    return [
        _("Id"),
        _("Document symbol"),
        _("Paragraph"),
        _("Mechanism"),
        _("Type"),
        _("Text"),
        _("Position"),
        _("Issued on"),
        _("UPR cycle"),
        _("Themes"),
        _("Affected groups"),
        _("SDG goals"),
        _("SDG targets"),
        _("Recommending States"),
        _("Primary cluster"),
        _("Clusters"),
        _("Lead entity"),
        _("Supporting entities"),
        _("Priority"),
        _("Priority factors"),
        _("Related group"),
        _("Published"),
        _("Implementation status"),
        _("Status as of"),
    ]


def translated(field: str) -> Coalesce:
    """A translated field's value in the active language, or in the first fallback language that has
    one, as the model's attribute gives it (modeltranslation), computed by the database."""
    descriptor = Recommendation.__dict__[field]
    languages = resolution_order(get_language(), descriptor.fallback_languages)
    return Coalesce(
        *(NullIf(build_localized_fieldname(field, language), Value("")) for language in languages),
        Value(""),
        output_field=TextField(),
    )


def rows(recommendations: QuerySet[Recommendation]) -> Iterator[list[object]]:
    """One list of cell values per recommendation, in the order of ``headers()``.

    The rows are read as plain values (no model instance per row) with the text in the active
    language, and the names of vocabularies, entities and clusters come from dicts read once.
    """
    names = {
        "themes": dict(Theme.objects.values_list("pk", "name")),
        "groups": dict(AffectedGroup.objects.values_list("pk", "name")),
        "targets": dict(SdgTarget.objects.values_list("pk", "code")),
        "goals": {
            pk: (number, f"{number}. {name}")
            for pk, number, name in SdgGoal.objects.values_list("pk", "number", "name")
        },
        "goal_of_target": dict(SdgTarget.objects.values_list("pk", "goal_id")),
        "countries": dict(Country.objects.values_list("pk", "name")),
    }
    entities = {entity.pk: str(entity) for entity in Entity.objects.all()}
    clusters = {cluster.pk: cluster.name for cluster in Cluster.objects.all()}
    # Labels as text once, not a lazy translation per row.
    positions = {value: str(label) for value, label in Recommendation._meta.get_field("position").choices}
    statuses = {value: str(label) for value, label in ImplementationStatus.choices}
    types = {value: str(label) for value, label in Recommendation.AnnotationType.choices}
    factor_labels = {code: str(factor.label) for code, factor in FACTORS.items()}
    yes, no = _("yes"), _("no")

    def joined(mapping: dict, ids: list[int]) -> str:
        return "; ".join([str(mapping[pk]) for pk in ids if pk in mapping])

    goals, goal_of_target = names["goals"], names["goal_of_target"]

    def goals_of(goal_ids: list[int], target_ids: list[int]) -> str:
        ids = {*goal_ids, *(goal_of_target[pk] for pk in target_ids if pk in goal_of_target)}
        return "; ".join(label for _number, label in sorted(goals[pk] for pk in ids if pk in goals))

    columns = recommendations.values_list(
        "pk",
        "symbol",
        "paragraph",
        "mechanism__code",
        "annotation_type",
        translated("text"),
        "position",
        "issued_on",
        "upr_cycle",
        "theme_ids",
        "affected_group_ids",
        "sdg_goal_ids",
        "sdg_target_ids",
        "recommending_country_ids",
        "primary_cluster_id",
        "cluster_ids",
        "lead_entity_id",
        "supporting_entity_ids",
        "priority_score",
        "priority_factors",
        "priority_derived",
        "related_group_id",
        "published",
        "implementation_status",
        "implementation_status_on",
    )
    for (
        pk,
        symbol,
        paragraph,
        mechanism,
        annotation_type,
        text,
        position,
        issued_on,
        upr_cycle,
        theme_ids,
        group_ids,
        goal_ids,
        target_ids,
        country_ids,
        primary_cluster_id,
        cluster_ids,
        lead_entity_id,
        supporting_entity_ids,
        priority_score,
        priority_factors,
        priority_derived,
        related_group_id,
        published,
        implementation_status,
        implementation_status_on,
    ) in columns.iterator(chunk_size=2000):
        factors = [code for code in FACTORS if code in priority_factors or code in priority_derived]
        yield [
            pk,
            symbol,
            paragraph,
            mechanism,
            types.get(annotation_type, annotation_type),
            text,
            positions.get(position, position),
            issued_on,
            upr_cycle,
            joined(names["themes"], theme_ids),
            joined(names["groups"], group_ids),
            goals_of(goal_ids, target_ids),
            joined(names["targets"], target_ids),
            joined(names["countries"], country_ids),
            clusters.get(primary_cluster_id, ""),
            joined(clusters, cluster_ids),
            entities.get(lead_entity_id, ""),
            joined(entities, supporting_entity_ids),
            priority_score,
            "; ".join([factor_labels[code] for code in factors]),
            related_group_id or "",
            yes if published else no,
            statuses.get(implementation_status, ""),
            implementation_status_on,
        ]


def csv_write(recommendations: QuerySet[Recommendation], out) -> None:
    table_csv(headers(), rows(recommendations), out)


def xlsx_write(recommendations: QuerySet[Recommendation], out: IO[bytes]) -> None:
    table_xlsx(_("Recommendations"), headers(), rows(recommendations), out)


def table_csv(header: list[str], table: Iterable[list[object]], out) -> None:
    """Write a header and rows as CSV, every cell safe from formula injection."""
    out.write("\ufeff")  # so Excel opens the UTF-8 file with its accents
    writer = csv.writer(out)
    writer.writerow(header)
    for row in table:
        writer.writerow([csv_safe(value) for value in row])


def table_xlsx(title: str, header: list[str], table: Iterable[list[object]], out: IO[bytes]) -> None:
    """Write a one-sheet workbook of a header and rows (nrtd.xlsx): every string a string, never a
    formula; the control characters a worksheet cannot hold removed; dates as Excel dates; the
    header frozen with an autofilter; right to left in Arabic."""
    xlsx.write(out, title, header, table, rtl=get_language_bidi())


FILENAME_FILTERS = 80  # characters of the file name that say the filters


def export_filename(state: State, filters: list[tuple[str, list[str]]], extension: str) -> str:
    """``<State>-recommendations-<filters>-<day>.<extension>``, in ASCII words (``filters_of`` gives
    a name without ASCII letters by its id), the filters cut after a whole one when they are many."""
    words = []
    for name, values in filters:
        parts = [slugify(str(value)) for value in values]
        words.append("-".join([slugify(name), *(part for part in parts if part)]))
    said = ""
    for word in words:
        if len(said) + len(word) + 1 > FILENAME_FILTERS:
            said += "-and-more"
            break
        said = f"{said}-{word}" if said else word
    middle = f"-{said}" if said else ""
    return f"{state.slug}-recommendations{middle}-{timezone.localdate():%Y-%m-%d}.{extension}"


def filters_of(filterset) -> list[tuple[str, list[str]]]:
    """The filters a list was given, as (parameter, values) with values named as people read them
    (a mechanism's code, a goal's number, an entity's name), in the filter set's order."""
    data = filterset.form.cleaned_data
    said = []
    for name in filterset.filters:
        if name in ("sort", "page"):
            continue
        value = data.get(name)
        if (
            value is None
            or value == ""
            or (hasattr(value, "__len__") and not isinstance(value, str) and not len(value))
        ):
            continue
        values = list(value) if isinstance(value, (list, tuple, QuerySet)) else [value]
        named = []
        for item in values:
            if isinstance(item, bool):
                named.append(_("yes") if item else _("no"))
            elif hasattr(item, "code"):
                named.append(item.code)
            elif hasattr(item, "number"):
                named.append(str(item.number))
            else:
                named.append(str(item) if slugify(str(item)) else str(getattr(item, "pk", "")))
        said.append((name, named))
    return said


def export_response(
    *, state: State, recommendations: QuerySet[Recommendation], kind: str, filters: list | None = None
) -> HttpResponse:
    """The recommendations as a download, built while the request is inside the State's context
    (a streamed response would read the rows after it has closed)."""
    filename = export_filename(state, filters or [], kind)
    if kind == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        csv_write(recommendations, response)
        return response
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    xlsx_write(recommendations, response)
    return response

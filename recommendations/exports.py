"""Export of a filtered list of recommendations to Excel or CSV, with their curation.

The rows are streamed from the database in chunks, and every vocabulary, entity and cluster is
read once, so the number of queries does not grow with the rows. A cell that a spreadsheet
would take for a formula (starting with =, +, -, @, a tab or a carriage return) is neutralised:
in CSV with a leading apostrophe (OWASP's advice), in Excel by storing it as text.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from recommendations.models import (
    AffectedGroup,
    Cluster,
    Country,
    Entity,
    ImplementationStatus,
    Recommendation,
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


def rows(recommendations: QuerySet[Recommendation]) -> Iterator[list[object]]:
    """One list of cell values per recommendation, in the order of ``headers()``."""
    names = {
        "themes": dict(Theme.objects.values_list("pk", "name")),
        "groups": dict(AffectedGroup.objects.values_list("pk", "name")),
        "targets": dict(SdgTarget.objects.values_list("pk", "code")),
        "countries": dict(Country.objects.values_list("pk", "name")),
    }
    entities = {entity.pk: str(entity) for entity in Entity.objects.all()}
    clusters = {cluster.pk: cluster.name for cluster in Cluster.objects.all()}
    positions = dict(Recommendation._meta.get_field("position").choices)
    statuses = dict(ImplementationStatus.choices)
    types = dict(Recommendation.AnnotationType.choices)
    factor_labels = {code: str(factor.label) for code, factor in FACTORS.items()}
    yes, no = _("yes"), _("no")

    def joined(mapping: dict, ids: list[int]) -> str:
        return "; ".join(str(mapping[pk]) for pk in ids if pk in mapping)

    for r in recommendations.select_related("mechanism").iterator(chunk_size=2000):
        factors = [code for code in FACTORS if code in r.priority_factors or code in r.priority_derived]
        yield [
            r.pk,
            r.symbol,
            r.paragraph,
            r.mechanism.code,
            str(types.get(r.annotation_type, r.annotation_type)),
            r.text,
            str(positions.get(r.position, r.position)),
            r.issued_on,
            r.upr_cycle,
            joined(names["themes"], r.theme_ids),
            joined(names["groups"], r.affected_group_ids),
            joined(names["targets"], r.sdg_target_ids),
            joined(names["countries"], r.recommending_country_ids),
            clusters.get(r.primary_cluster_id, ""),
            joined(clusters, r.cluster_ids),
            entities.get(r.lead_entity_id, ""),
            joined(entities, r.supporting_entity_ids),
            r.priority_score,
            "; ".join(factor_labels[code] for code in factors),
            r.related_group_id or "",
            yes if r.published else no,
            str(statuses.get(r.implementation_status, "")),
            r.implementation_status_on,
        ]


def csv_write(recommendations: QuerySet[Recommendation], out) -> None:
    out.write("\ufeff")  # so Excel opens the UTF-8 file with its accents
    writer = csv.writer(out)
    writer.writerow(headers())
    for row in rows(recommendations):
        writer.writerow([csv_safe(value) for value in row])


def xlsx_workbook(recommendations: QuerySet[Recommendation]) -> Workbook:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Recommendations"))
    sheet.append(headers())
    for row in rows(recommendations):
        cells = []
        for value in row:
            if isinstance(value, str):
                # Control characters a worksheet cannot hold (openpyxl refuses the whole file).
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # openpyxl would write it as a formula
            cells.append(cell)
        sheet.append(cells)
    return workbook


def export_response(*, state: State, recommendations: QuerySet[Recommendation], kind: str) -> HttpResponse:
    """The recommendations as a download, built while the request is inside the State's context
    (a streamed response would read the rows after it has closed)."""
    stem = f"{state.slug}-recommendations-{timezone.localdate():%Y-%m-%d}"
    if kind == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        csv_write(recommendations, response)
        return response
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    xlsx_workbook(recommendations).save(response)
    return response

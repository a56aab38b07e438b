"""Export of the filtered list to CSV and Excel: the rows, their curation, formula injection, queries."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl.utils import get_column_letter

from recommendations.models import (
    AffectedGroup,
    Cluster,
    Country,
    Entity,
    Mechanism,
    Recommendation,
    RelatedGroup,
    SdgTarget,
    Theme,
)
from tenants.scoping import state_context
from tests.factories import B_MARKER

pytestmark = pytest.mark.django_db

HEADERS = [
    "Id",
    "Document symbol",
    "Paragraph",
    "Mechanism",
    "Type",
    "Text",
    "Position",
    "Issued on",
    "UPR cycle",
    "Themes",
    "Affected groups",
    "SDG goals",
    "SDG targets",
    "Recommending States",
    "Primary cluster",
    "Clusters",
    "Lead entity",
    "Supporting entities",
    "Priority",
    "Priority factors",
    "Related group",
    "Published",
    "Implementation status",
    "Status as of",
]
TEXT = HEADERS.index("Text")


def sign_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def export(client, state, headers=None, **query):
    address = reverse("workspace:recommendation-export", kwargs={"state_slug": state.slug})
    return client.get(address, query, headers=headers)


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def xlsx_rows(response) -> list[list[tuple[object, str]]]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]


def make(state, paragraph: str, **fields) -> Recommendation:
    values = {"symbol": "A/HRC/50/9", "text": f"Recommendation {paragraph}", **fields}
    return Recommendation.objects.create(
        state=state, mechanism=Mechanism.objects.get(code="UPR"), paragraph=paragraph, **values
    )


@pytest.fixture
def curated(planted):
    """State A's published recommendation fully curated, and a second supported one."""
    state = planted.a.state
    with state_context(state):
        justice = planted.a.entity
        school = Entity.objects.get(name_en="Ministry of Education of Alphaland")
        police = Entity.objects.create(state=state, name_en="National police", short_name="POL")
        health = Cluster.objects.create(state=state, name_en="Health", position=2)
        group = RelatedGroup.objects.create(state=state)
        Recommendation.objects.filter(pk=planted.a.published.pk).update(
            text_en="Ratify the Convention against enforced disappearance",
            issued_on=datetime.date(2024, 5, 2),
            upr_cycle=4,
            theme_ids=[
                Theme.objects.get(name_en="Reservations").pk,
                Theme.objects.get(name_en="Racial discrimination").pk,
            ],
            affected_group_ids=[AffectedGroup.objects.get(name_en="Children").pk],
            sdg_target_ids=[SdgTarget.objects.get(code="16.2").pk, SdgTarget.objects.get(code="4.1").pk],
            recommending_country_ids=[Country.objects.get(iso3="FRA").pk, Country.objects.get(iso3="AFG").pk],
            cluster_ids=[health.pk, planted.a.cluster.pk],
            primary_cluster=planted.a.cluster,
            lead_entity=justice,
            supporting_entity_ids=[police.pk, school.pk],
            priority_factors=["urgent"],
            priority_derived=["marginalised_groups"],
            priority_score=3,
            related_group=group,
            implementation_status="partially_implemented",
            implementation_status_on=datetime.date(2026, 1, 15),
        )
        second = make(
            state, "2.1", issued_on=datetime.date(2023, 1, 10), position="supported", text_en="Adopt a plan on housing"
        )
    return {"group": group, "second": second, "health": health}


def expected_rows(planted, curated) -> list[list[str]]:
    return [
        HEADERS,
        [
            str(planted.a.published.pk), "A/HRC/99/XAA", "1.1", "UPR", "Recommendation",
            "Ratify the Convention against enforced disappearance", "Supported", "2024-05-02", "4",
            "Reservations; Racial discrimination", "Children",
            "4. Quality education; 16. Peace, justice and strong institutions", "16.2; 4.1", "France; Afghanistan",
            "Justice and the rule of law", "Health; Justice and the rule of law", "Ministry of Justice of Alphaland",
            "POL; Ministry of Education of Alphaland", "3",
            "Flagged urgent by a treaty body (follow-up procedure); Concerns disadvantaged or marginalised groups",
            str(curated["group"].pk), "yes", "Partially implemented", "2026-01-15",
        ],
        [
            str(curated["second"].pk), "A/HRC/50/9", "2.1", "UPR", "Recommendation", "Adopt a plan on housing",
            "Supported", "2023-01-10", "", "", "", "", "", "", "", "", "", "", "0", "", "", "no", "", "",
        ],
    ]  # fmt: skip


def test_the_csv_holds_exactly_the_filtered_rows_with_their_curation(client, planted, curated):
    sign_in(client, planted.a.people["observer"])
    response = export(client, planted.a.state, format="csv", position="supported")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="alpha-recommendations-position-supported-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    assert csv_rows(response) == expected_rows(planted, curated)
    # Another filter, another set of rows: the curation filters apply too.
    response = export(client, planted.a.state, format="csv", cluster=curated["health"].pk)
    assert [row[0] for row in csv_rows(response)] == ["Id", str(planted.a.published.pk)]
    response = export(client, planted.a.state, format="csv", unclustered="true")
    assert sorted(row[0] for row in csv_rows(response)[1:]) == sorted(
        [str(planted.a.unpublished.pk), str(curated["second"].pk)]
    )


def test_the_excel_file_holds_the_same_rows_with_typed_cells(client, planted, curated):
    sign_in(client, planted.a.people["focal_point"])
    response = export(client, planted.a.state, format="xlsx", position="supported")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == (
        f'attachment; filename="alpha-recommendations-position-supported-{timezone.localdate():%Y-%m-%d}.xlsx"'
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Recommendations"
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    first, second = expected_rows(planted, curated)[1:]
    assert values == [
        HEADERS,
        [
            planted.a.published.pk, *first[1:7], datetime.datetime(2024, 5, 2), 4, *first[9:18], 3, first[19],
            curated["group"].pk, "yes", "Partially implemented", datetime.datetime(2026, 1, 15),
        ],
        [
            curated["second"].pk, *second[1:7], datetime.datetime(2023, 1, 10), None,
            None, None, None, None, None, None, None, None, None, 0, None, None, "no", None, None,
        ],
    ]  # fmt: skip


def test_the_file_name_says_the_state_the_filters_and_the_day_and_the_sheet_is_ready_to_filter(
    client, planted, curated
):
    sign_in(client, planted.a.people["observer"])
    response = export(
        client,
        planted.a.state,
        format="xlsx",
        mechanism="UPR",
        cluster=curated["health"].pk,
        position=["supported", "noted"],
        sort="symbol",
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="alpha-recommendations-mechanism-upr-position-supported-noted-cluster-health-'
        f'{timezone.localdate():%Y-%m-%d}.xlsx"'
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert (sheet.freeze_panes, sheet.auto_filter.ref) == ("A2", f"A1:{get_column_letter(len(HEADERS))}2")
    assert [cell.value for cell in sheet[1]] == HEADERS
    # Many filters: the name says the first ones, and that there are more.
    response = export(
        client,
        planted.a.state,
        format="csv",
        q="convention against enforced disappearance",
        mechanism="UPR",
        theme=[Theme.objects.get(name_en="Reservations").pk, Theme.objects.get(name_en="Racial discrimination").pk],
        cluster=curated["health"].pk,
        position="supported",
    )
    filename = response["Content-Disposition"].removeprefix('attachment; filename="').removesuffix('"')
    assert filename == (
        "alpha-recommendations-q-convention-against-enforced-disappearance-mechanism-upr-and-more-"
        f"{timezone.localdate():%Y-%m-%d}.csv"
    )


def test_an_export_in_french_names_entries_in_french_or_their_fallback(client, planted, curated):
    sign_in(client, planted.a.people["observer"])
    with state_context(planted.a.state):
        Cluster.objects.filter(pk=curated["health"].pk).update(name_fr="Santé")
    response = export(client, planted.a.state, format="csv", position="supported", headers={"accept-language": "fr"})
    row = csv_rows(response)[1]
    columns = ["Themes", "Affected groups", "SDG goals", "Recommending States", "Clusters", "Lead entity"]
    assert [row[HEADERS.index(column)] for column in columns] == [
        "Réserves; Discrimination raciale",
        "Enfants",
        "4. Éducation de qualité; 16. Paix, justice et institutions efficaces",
        # No French name for France in the UN list: the English one, not "None".
        "France; Afghanistan",
        "Santé; Justice and the rule of law",
        "Ministry of Justice of Alphaland",
    ]


FORMULAS = [
    '=HYPERLINK("http://evil.example/","Click me")',
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1:A2)",
    "\tcmd",
    "A plain recommendation, costing -2 + 3",
]


def test_formulas_are_neutralised_in_csv_and_stored_as_text_in_excel(client, planted):
    state = planted.a.state
    with state_context(state):
        cluster = Cluster.objects.create(state=state, name_en="=1+1")
        entity = Entity.objects.create(state=state, name_en="Evil", short_name="@evil")
        for i, text in enumerate(FORMULAS):
            make(state, f"9.{i}", text_en=text, upr_cycle=9, cluster_ids=[cluster.pk], lead_entity=entity)
    sign_in(client, planted.a.people["secretariat"])

    rows = csv_rows(export(client, state, format="csv", upr_cycle=9, sort="symbol"))[1:]
    columns = [TEXT, HEADERS.index("Clusters"), HEADERS.index("Lead entity")]
    assert [[row[i] for i in columns] for row in rows] == [
        ["'" + text if i < 5 else text, "'=1+1", "'@evil"] for i, text in enumerate(FORMULAS)
    ]

    rows = xlsx_rows(export(client, state, format="xlsx", upr_cycle=9, sort="symbol"))[1:]
    assert [[row[i] for i in columns] for row in rows] == [
        [(text, "s"), ("=1+1", "s"), ("@evil", "s")] for text in FORMULAS
    ]
    # No cell of the file is a formula.
    assert [cell for row in rows for cell in row if cell[1] == "f"] == []


def queries_of(client, state, **query) -> tuple[int, int]:
    """Queries made by one export, and the rows it wrote."""
    with CaptureQueriesContext(connection) as queries:
        response = export(client, state, **query)
    assert response.status_code == 200
    rows = csv_rows(response) if query["format"] == "csv" else xlsx_rows(response)
    return len(queries), len(rows) - 1


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_number_of_queries_does_not_grow_with_the_rows(client, planted, kind):
    state = planted.a.state
    with state_context(state):
        entities = [Entity.objects.create(state=state, name_en=f"Entity {i}") for i in range(3)]
        clusters = [Cluster.objects.create(state=state, name_en=f"Cluster {i}") for i in range(3)]
        theme = Theme.objects.get(name_en="Reservations")
        for cycle, count in ((1, 1), (2, 30)):
            for i in range(count):
                make(
                    state,
                    f"{cycle}.{i}",
                    upr_cycle=cycle,
                    theme_ids=[theme.pk],
                    cluster_ids=[c.pk for c in clusters],
                    primary_cluster=clusters[i % 3],
                    lead_entity=entities[i % 3],
                    supporting_entity_ids=[entities[(i + 1) % 3].pk],
                )
    sign_in(client, planted.a.people["secretariat"])
    queries_of(client, state, format=kind, upr_cycle=1)  # the session and the person, once
    one, rows_one = queries_of(client, state, format=kind, upr_cycle=1)
    many, rows_many = queries_of(client, state, format=kind, upr_cycle=2)
    assert (rows_one, rows_many) == (1, 30)
    assert one == many


def test_invalid_filters_or_format_redirect_to_the_list_with_a_message(client, planted):
    state = planted.a.state
    sign_in(client, planted.a.people["observer"])
    listing = reverse("workspace:recommendation-list", kwargs={"state_slug": state.slug})
    cases = [
        ({"format": "csv", "position": "approved"}, f"{listing}?position=approved"),
        ({"format": "pdf"}, listing),
        # Another State's cluster and entity are no valid choice.
        ({"format": "xlsx", "cluster": planted.b.cluster.pk}, f"{listing}?cluster={planted.b.cluster.pk}"),
        ({"format": "csv", "entity": planted.b.entity.pk}, f"{listing}?entity={planted.b.entity.pk}"),
    ]
    for query, location in cases:
        response = export(client, state, **query)
        assert (response.status_code, response["Location"]) == (302, location)
        page = client.get(response["Location"])
        assert [str(m) for m in page.context["messages"]] == [
            "The filters of the list are not valid; nothing was exported."
        ]


def test_another_states_data_is_never_exported(client, planted):
    state = planted.a.state
    with state_context(planted.b.state):
        # State B curates its recommendation with its own entity and cluster.
        Recommendation.objects.filter(pk=planted.b.unpublished.pk).update(
            cluster_ids=[planted.b.cluster.pk], supporting_entity_ids=[planted.b.entity.pk]
        )
    with state_context(state):
        # Even an id of B's written into A's recommendation by mistake names nothing.
        Recommendation.objects.filter(pk=planted.a.unpublished.pk).update(
            cluster_ids=[planted.b.cluster.pk], supporting_entity_ids=[planted.b.entity.pk]
        )
    sign_in(client, planted.a.people["admin"])
    response = export(client, state, format="csv")
    rows = csv_rows(response)
    assert sorted(row[0] for row in rows[1:]) == sorted([str(planted.a.published.pk), str(planted.a.unpublished.pk)])
    assert B_MARKER not in response.content.decode()
    unpublished = next(row for row in rows if row[0] == str(planted.a.unpublished.pk))
    assert (unpublished[HEADERS.index("Clusters")], unpublished[HEADERS.index("Supporting entities")]) == ("", "")
    response = export(client, state, format="xlsx")
    cells = [value for row in xlsx_rows(response) for value, _type in row]
    assert [value for value in cells if isinstance(value, str) and B_MARKER in value] == []
    assert sorted(value for value in cells[len(HEADERS) :: len(HEADERS)]) == sorted(
        [planted.a.published.pk, planted.a.unpublished.pk]
    )


def test_control_characters_a_spreadsheet_cannot_hold_do_not_break_the_excel_export(client, planted):
    state = planted.a.state
    with state_context(state):
        make(state, "9.1", upr_cycle=9, text_en="Text pasted\x02 from a PDF\x0b with\x1f control characters")
    sign_in(client, planted.a.people["secretariat"])
    rows = xlsx_rows(export(client, state, format="xlsx", upr_cycle=9))
    assert rows[1][TEXT] == ("Text pasted from a PDF with control characters", "s")
    # CSV keeps the text as it is.
    assert csv_rows(export(client, state, format="csv", upr_cycle=9))[1][TEXT] == (
        "Text pasted\x02 from a PDF\x0b with\x1f control characters"
    )


def test_excel_keeps_formula_like_text_as_strings_dates_as_dates_and_drops_control_characters(client, planted):
    state = planted.a.state
    with state_context(state):
        for i, text in enumerate(["=1+1", "@SUM(A1)", "Pasted\x01 from\x0c a PDF\x1b"]):
            make(state, f"7.{i}", upr_cycle=7, text_en=text, issued_on=datetime.date(2025, 12, 31))
    sign_in(client, planted.a.people["secretariat"])
    response = export(client, state, format="xlsx", upr_cycle=7, sort="symbol")
    rows = xlsx_rows(response)[1:]
    issued = HEADERS.index("Issued on")
    assert [(row[TEXT], row[issued]) for row in rows] == [
        (("=1+1", "s"), (datetime.datetime(2025, 12, 31), "d")),
        (("@SUM(A1)", "s"), (datetime.datetime(2025, 12, 31), "d")),
        (("Pasted from a PDF", "s"), (datetime.datetime(2025, 12, 31), "d")),
    ]
    with zipfile.ZipFile(io.BytesIO(response.content)) as package:
        sheet = package.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "\x01" not in sheet

"""Tests for the UPR thematic list (.docx) parser, and that it runs the ZIP/XML safety checks
(tested themselves in test_safety).

Fixtures are built with python-docx in the shapes of the real lists (UHRI.md, section 4);
the real Slovenia list is read too (tests/fixtures/samples).
"""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from imports.parsers.records import ParsedRecommendation, RowError
from imports.parsers.upr_docx import iter_upr_docx
from tests.imports.helpers import (
    build_docx,
    raises_message,
    replace_parts,
    sample_file,
    write_workbook,
    write_zeros_zip,
    zip_members,
)

HEADER_3RD = [
    "Recommendation",
    "Position",
    "Full list of themes",
    "Assessment/comments on level of implementation",
]
HEADER_4TH = [
    "Recommendation and recommending State",
    "Position of the State under review",
    "Human rights themes and groups of persons",
    "Relevant SDGs",
]
HEADER_OTHER_STATE = [
    "Recommendation",
    "Recommending state/s",
    "Position",
    "Full list of rights/affected persons",
]


# The first recommendation of the real Slovenia list, which the 3rd-cycle fixture copies.
SLOVENIA_FIRST = ParsedRecommendation(
    location="table 1, row 3",
    mechanism="UPR",
    paragraph="121.1",
    texts={
        "en": "121.1 Ratify the International Convention for the Protection of All Persons "
        "from Enforced Disappearance (France) (Lithuania);"
    },
    upr_cycle=3,
    upr_session=34,
    countries=["Slovenia"],
    recommending_countries=["France", "Lithuania"],
    position="supported",
    position_raw="Supported",
    position_source="A/HRC/43/15 - Para 121",
    themes=["Acceptance of international norms", "Enforced disappearances"],
    affected_groups=["Disappeared persons"],
    sdg_goals=["16"],
    section="Acceptance of international norms",
)


def parse(path: Path) -> list[ParsedRecommendation | RowError]:
    with path.open("rb") as fileobj:
        return list(iter_upr_docx(fileobj))


# --- The three layouts ---------------------------------------------------------------------


def test_third_cycle_layout(tmp_path: Path) -> None:
    path = build_docx(
        tmp_path / "list.docx",
        HEADER_3RD,
        [
            "Theme: Acceptance of international norms",
            [
                "121.1 Ratify the International Convention for the Protection of All Persons "
                "from Enforced Disappearance (France) (Lithuania);\n"
                "Source of Position: A/HRC/43/15 - Para 121",
                "Supported",
                "- Acceptance of international norms\n- Enforced disappearances\nSDGs: \n"
                "- 16 - PEACE, JUSTICE AND STRONG INSTITUTIONS\nAffected persons: \n"
                "- Disappeared persons",
                "",
            ],
            "Theme: Constitutional & legislative framework",
            [
                "122.3 Undertake measures to ratify the Convention (Indonesia); Consider "
                "acceding to the Convention (Niger);\n"
                "Source of Position: A/HRC/43/15/Add.1 - Para.5",
                "Noted",
                "- Constitutional & legislative framework",
                "",
            ],
        ],
        page_header="UPR of Slovenia (3rd Cycle - 34th Session)\tThematic list of recommendations",
    )

    assert parse(path) == [
        SLOVENIA_FIRST,
        ParsedRecommendation(
            location="table 1, row 5",
            mechanism="UPR",
            paragraph="122.3",
            texts={
                "en": "122.3 Undertake measures to ratify the Convention (Indonesia); "
                "Consider acceding to the Convention (Niger);"
            },
            upr_cycle=3,
            upr_session=34,
            countries=["Slovenia"],
            recommending_countries=["Indonesia", "Niger"],
            position="noted",
            position_raw="Noted",
            position_source="A/HRC/43/15/Add.1 - Para.5",
            themes=["Constitutional & legislative framework"],
            section="Constitutional & legislative framework",
        ),
    ]


def test_second_cycle_layout_with_coded_themes(tmp_path: Path) -> None:
    path = build_docx(
        tmp_path / "list.docx",
        HEADER_3RD,
        [
            "Theme: A12 Acceptance of international norms",
            [
                "131.1 Ratify the Optional Protocol to the Convention against Torture (OP-CAT) (Chile, Uruguay).",
                "Supported/Noted",
                "A12 Acceptance of international norms\nD25 Prohibition of torture and "
                "cruel, inhuman or degrading treatment\nAffected persons:\n- general\n"
                "- persons deprived of their liberty",
                "",
            ],
        ],
        title="UPR of Bolivia (Plurinational State of) (2nd Cycle \u2013 20th session)",
    )

    assert parse(path) == [
        ParsedRecommendation(
            location="table 1, row 3",
            mechanism="UPR",
            paragraph="131.1",
            texts={
                "en": "131.1 Ratify the Optional Protocol to the Convention against Torture (OP-CAT) (Chile, Uruguay)."
            },
            upr_cycle=2,
            upr_session=20,
            countries=["Bolivia (Plurinational State of)"],
            recommending_countries=["Chile", "Uruguay"],
            position="partially_supported",
            position_raw="Supported/Noted",
            themes=[
                "A12 Acceptance of international norms",
                "D25 Prohibition of torture and cruel, inhuman or degrading treatment",
            ],
            affected_groups=["general", "persons deprived of their liberty"],
            section="A12 Acceptance of international norms",
        )
    ]


def test_fourth_cycle_layout(tmp_path: Path) -> None:
    path = build_docx(
        tmp_path / "list.docx",
        HEADER_4TH,
        [
            "Theme: Children: definition; general principles; protection",
            [
                "41.7 Strengthen child protection services (Costa Rica) (Bolivia "
                "(Plurinational State of));\nSource of Position: A/HRC/59/15/Add.1 - Para.3",
                "Supported",
                "- Children: definition; general principles; protection\nGroups of Persons:\n- Children",
                "- 16 - PEACE, JUSTICE AND STRONG INSTITUTIONS\n- 16.2 - Protect children "
                "from abuse, exploitation, trafficking and violence",
            ],
        ],
    )

    # Nothing in this document says which cycle, session or State it is about.
    assert parse(path) == [
        ParsedRecommendation(
            location="table 1, row 3",
            mechanism="UPR",
            paragraph="41.7",
            texts={"en": "41.7 Strengthen child protection services (Costa Rica) (Bolivia (Plurinational State of));"},
            recommending_countries=["Costa Rica", "Bolivia (Plurinational State of)"],
            position="supported",
            position_raw="Supported",
            position_source="A/HRC/59/15/Add.1 - Para.3",
            themes=["Children: definition; general principles; protection"],
            affected_groups=["Children"],
            sdg_targets=["16.2"],
            sdg_goals=["16"],
            section="Children: definition; general principles; protection",
        )
    ]


def test_second_cycle_layout_with_recommending_state_column(tmp_path: Path) -> None:
    path = build_docx(
        tmp_path / "list.docx",
        HEADER_OTHER_STATE,
        [
            "Right or area: 2.1. Acceptance of international norms",
            [
                "90.1. Ratify the Convention on the Rights of Persons with Disabilities;",
                "Chile, Uruguay\nSpain",
                "Noted",
                "Rights:\n- 2.1. Acceptance of international norms\nAffected persons:\n- persons with disabilities",
            ],
        ],
        page_header="UPR of Ruritania (Second cycle, session 19)",
    )

    assert parse(path) == [
        ParsedRecommendation(
            location="table 1, row 3",
            mechanism="UPR",
            paragraph="90.1",
            texts={"en": "90.1. Ratify the Convention on the Rights of Persons with Disabilities;"},
            upr_cycle=2,
            upr_session=19,
            countries=["Ruritania"],
            recommending_countries=["Chile", "Uruguay", "Spain"],
            position="noted",
            position_raw="Noted",
            themes=["2.1. Acceptance of international norms"],
            affected_groups=["persons with disabilities"],
            section="2.1. Acceptance of international norms",
        )
    ]


def test_cycle_inferred_from_session(tmp_path: Path) -> None:
    path = build_docx(
        tmp_path / "list.docx",
        HEADER_3RD,
        [["28.1 Adopt a plan (Chile);", "Supported", "", ""]],
        title="Thematic list of recommendations, 30th session",
    )

    [record] = parse(path)

    assert (record.upr_session, record.upr_cycle) == (30, 3)


# --- Rows that need care -------------------------------------------------------------------


def test_unreadable_rows_become_row_errors_and_odd_values_flags(tmp_path: Path) -> None:
    path = build_docx(
        tmp_path / "list.docx",
        HEADER_3RD,
        [
            ["", "Supported", "- Right to health", ""],
            ["", "", "", ""],
            ["Adopt a plan", "Maybe", "Unknown heading:\n- Right to health\nSDGs:\n- 42", ""],
        ],
    )

    assert parse(path) == [
        RowError(
            location="table 1, row 2",
            message="The recommendation cell is empty.",
            column="Recommendation",
        ),
        ParsedRecommendation(
            location="table 1, row 4",
            mechanism="UPR",
            texts={"en": "Adopt a plan"},
            position=None,
            position_raw="Maybe",
            themes=["Right to health"],
            flags=[
                "No paragraph number at the start of the recommendation.",
                "Unknown position 'Maybe'.",
                "No recommending State found.",
                "Unrecognised heading 'Unknown heading:' in a themes cell.",
                "'42' is not an SDG goal or target.",
            ],
        ),
    ]


def test_section_row_without_merged_cells(tmp_path: Path) -> None:
    path = build_docx(
        tmp_path / "list.docx",
        HEADER_3RD,
        [["Theme: Right to health", "", "", ""], ["1.1 Ratify A (Chile);", "Supported", "", ""]],
    )

    assert [(r.location, r.section) for r in parse(path)] == [("table 1, row 3", "Right to health")]


def test_vertically_merged_position_applies_to_each_row(tmp_path: Path) -> None:
    path = build_docx(
        tmp_path / "list.docx",
        HEADER_3RD,
        [
            ["1.1 Ratify A (Chile);", "", "", ""],
            ["1.2 Ratify B (Peru);", "", "", ""],
        ],
    )
    document = docx.Document(path)
    table = document.tables[0]
    table.cell(1, 1).merge(table.cell(2, 1)).text = "Noted"
    document.save(path)

    assert [(r.paragraph, r.position) for r in parse(path)] == [("1.1", "noted"), ("1.2", "noted")]


def test_title_row_repeated_header_and_continuation_table(tmp_path: Path) -> None:
    document = docx.Document()
    first = document.add_table(rows=0, cols=4)
    cells = first.add_row().cells
    cells[0].merge(cells[-1]).text = "Thematic list of recommendations"
    for values in (HEADER_3RD, ["1.1 Ratify A (Chile);", "Supported", "", ""], HEADER_3RD):
        for cell, value in zip(first.add_row().cells, values, strict=True):
            cell.text = value
    document.add_paragraph("")
    # Word users split long tables; the second part has no header row of its own.
    second = document.add_table(rows=0, cols=4)
    for cell, value in zip(second.add_row().cells, ["1.2 Ratify B (Peru);", "Noted", "", ""], strict=True):
        cell.text = value
    path = tmp_path / "list.docx"
    document.save(path)

    assert [(r.location, r.paragraph, r.position) for r in parse(path)] == [
        ("table 1, row 3", "1.1", "supported"),
        ("table 2, row 1", "1.2", "noted"),
    ]


def test_tracked_changes_read_as_the_reader_sees_them(tmp_path: Path) -> None:
    path = build_docx(tmp_path / "list.docx", HEADER_3RD, [["1.1 Ratify A", "Noted", "", ""]])
    document = docx.Document(path)
    paragraph = document.tables[0].cell(1, 0).paragraphs[0]._p
    inserted = etree.SubElement(paragraph, qn("w:ins"))
    inserted.append(_run(" and B (Chile);", "w:t"))
    deleted = etree.SubElement(paragraph, qn("w:del"))
    deleted.append(_run(" and C (Peru);", "w:delText"))
    document.save(path)

    [record] = parse(path)

    assert (record.texts, record.recommending_countries) == (
        {"en": "1.1 Ratify A and B (Chile);"},
        ["Chile"],
    )


def _run(text: str, tag: str) -> etree._Element:
    run = etree.Element(qn("w:r"))
    node = etree.SubElement(run, qn(tag))
    node.text = text
    node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


@pytest.mark.parametrize(
    ("text", "states"),
    [
        ("1.1 Ratify (France) (Lithuania);", ["France", "Lithuania"]),
        ("1.1 Ratify (Chile, Uruguay);", ["Chile", "Uruguay"]),
        ("1.1 Ratify the Convention, 1930 (No. 29) (Spain);", ["Spain"]),
        ("1.1 Ratify OP-CAT (OP-CAT) (Denmark).", ["Denmark"]),
        ("1.1 Do A (Niger); Do B (Côte d\u2019Ivoire);", ["Niger", "Côte d\u2019Ivoire"]),
        ("1.1 Join the Council (see annex) and act (Peru);", ["Peru"]),
        ("1.1 Act now (as previously recommended)", []),
    ],
)
def test_recommending_states_in_the_text(tmp_path: Path, text: str, states: list[str]) -> None:
    path = build_docx(tmp_path / "list.docx", HEADER_3RD, [[text, "Supported", "", ""]])

    [record] = parse(path)

    assert record.recommending_countries == states


# --- Files that are not thematic lists -----------------------------------------------------

EXPECTED = "Expected the UPR thematic list of recommendations as a Word document (.docx)."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty. " + EXPECTED),
        (
            b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n",
            "The file is a PDF, which cannot be read. " + EXPECTED,
        ),
        (
            b"Recommendation;Position\n1.1 Ratify;Supported\n",
            "The file is not a Word document. " + EXPECTED,
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
            "The file is an old Word .doc document, which cannot be read; open it in Word and "
            "save it as .docx. " + EXPECTED,
        ),
        (b"PK\x03\x04 truncated", "The file is not a valid ZIP-based Office document."),
    ],
)
def test_not_a_docx(content: bytes, message: str) -> None:
    with raises_message(message):
        iter_upr_docx(io.BytesIO(content))


def test_another_office_file(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "list.docx")

    with raises_message(
        "The file is not a readable Word document; it may be damaged or be another kind of Office file. " + EXPECTED
    ):
        parse(path)


@pytest.mark.parametrize("with_table", [False, True])
def test_docx_without_a_recommendation_table(tmp_path: Path, with_table: bool) -> None:
    document = docx.Document()
    document.add_paragraph("Minutes of the meeting")
    if with_table:
        cells = document.add_table(rows=1, cols=2).rows[0].cells
        for cell, value in zip(cells, ["Name", "Role"], strict=True):
            cell.text = value
    path = tmp_path / "minutes.docx"
    document.save(path)

    with raises_message(
        "The document has no table of recommendations: no table has a header row with a "
        "recommendation column and a position column. " + EXPECTED
    ):
        parse(path)


# --- Safety --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mebibytes", "message"),
    [
        (60, "The file expands to more than 50 MB when unpacked, which is more than is accepted."),
        (4, "The part 'word/document.xml' is compressed to a suspicious degree (a possible ZIP bomb)."),
    ],
    ids=["too-large", "too-compressed"],
)
def test_zip_bomb_is_refused_before_parsing(tmp_path: Path, mebibytes: int, message: str) -> None:
    path = write_zeros_zip(tmp_path / "bomb.docx", "word/document.xml", mebibytes)
    assert path.stat().st_size < 200 * 1024

    with raises_message(message):
        parse(path)


BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<!DOCTYPE w:document [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
)


@pytest.mark.parametrize(
    ("prolog", "reference", "encoding"),
    [
        (BILLION_LAUGHS, "&lol3;", "utf-8"),
        (EXTERNAL_ENTITY, "&xxe;", "utf-8"),
        (EXTERNAL_ENTITY.replace("UTF-8", "UTF-16"), "&xxe;", "utf-16"),
    ],
)
def test_doctype_and_entities_are_refused(tmp_path: Path, prolog: str, reference: str, encoding: str) -> None:
    path = build_docx(tmp_path / "list.docx", HEADER_3RD, [["1.1 Ratify", "Supported", "", ""]])
    xml = zip_members(path)["word/document.xml"].decode()
    body = xml[xml.index("<w:document") :].replace("1.1 Ratify", "1.1 Ratify " + reference)
    replace_parts(path, {"word/document.xml": (prolog + body).encode(encoding)})

    with raises_message(
        "The part 'word/document.xml' declares a DOCTYPE or XML entities, which Office "
        "documents never do; the file was refused for safety."
    ):
        parse(path)


# --- The real Slovenia list ----------------------------------------------------------------


@pytest.fixture(scope="module")
def slovenia() -> list[ParsedRecommendation | RowError]:
    return parse(sample_file("upr34-slovenia-thematic-list.docx"))


def test_slovenia_counts(slovenia: list[ParsedRecommendation | RowError]) -> None:
    assert len(slovenia) == 215
    assert all(isinstance(item, ParsedRecommendation) for item in slovenia)
    assert Counter(item.position for item in slovenia) == {"supported": 182, "noted": 33}
    assert [item.flags for item in slovenia if item.flags] == []
    assert all(item.recommending_countries for item in slovenia)
    assert {(item.upr_cycle, item.upr_session, tuple(item.countries)) for item in slovenia} == {(3, 34, ("Slovenia",))}


def test_slovenia_first_recommendations(slovenia: list[ParsedRecommendation | RowError]) -> None:
    first, second = slovenia[:2]

    assert first == SLOVENIA_FIRST
    assert second.paragraph == "121.2"
    assert second.texts == {
        "en": "121.2 Complete the process of ratification of the International Convention for "
        "the Protection of All Persons from Enforced Disappearance (Ukraine); Increase efforts "
        "towards ratification of the International Convention for the Protection of All Persons "
        "from Enforced Disappearance (Slovakia);"
    }
    assert second.recommending_countries == ["Ukraine", "Slovakia"]


def test_slovenia_parentheses_inside_the_text(
    slovenia: list[ParsedRecommendation | RowError],
) -> None:
    by_paragraph = {item.paragraph: item for item in slovenia}

    assert by_paragraph["121.3"].recommending_countries == ["United Kingdom of Great Britain and Northern Ireland"]
    assert by_paragraph["122.7"].recommending_countries == ["Slovakia", "Spain", "North Macedonia"]
    assert by_paragraph["122.3"].recommending_countries == ["Indonesia", "Niger", "Philippines"]

"""Tests of the shared import helpers (text, values, vocabularies, streaming JSON)."""

# The samples are UN texts in Arabic, Chinese, French and Russian: their letters are meant.

import io
from datetime import date, datetime

import pytest

from imports.parsers.common import (
    add_sdg,
    append_once,
    clean_label,
    combine_positions,
    country_key,
    excel_serial_to_date,
    extract_paragraph,
    html_to_text,
    iter_json_array,
    mechanism_from_symbol,
    normalize_annotation_type,
    normalize_lines,
    normalize_position,
    normalize_space,
    parse_date,
    parse_date_or_flag,
    parse_int,
    parse_iso_date,
    parse_sdg_label,
    parse_upr_cycle,
    sort_sdg_labels,
    split_multi_value,
    strip_dash_prefix,
    upr_cycle_from_session,
)
from imports.parsers.records import ParsedRecommendation
from tests.imports.helpers import raises_message

# --- Whitespace and labels -------------------------------------------------------------------


def test_normalize_space_collapses_all_kinds_of_space():
    assert normalize_space("  Eastern\u00a0Europe \r\n\t ") == "Eastern Europe"
    assert normalize_space("CRC/C/SVN/CO/5\u20116") == "CRC/C/SVN/CO/5-6"
    assert normalize_space("in\u00adformation\u200b") == "information"
    assert normalize_space("") == ""


def test_normalize_lines_keeps_lines_and_drops_empty_ones():
    assert normalize_lines("  Parliament \r\n\r\n  7.  The  Committee\n") == ("Parliament\n7. The Committee")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("- CRC", "CRC"),
        ("-CRC", "CRC"),
        ("- IE  Albinism", "IE  Albinism"),
        ("CRC", "CRC"),
        ("-5", "-5"),
        ("", ""),
    ],
)
def test_strip_dash_prefix(value, expected):
    assert strip_dash_prefix(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("- IE  Albinism", "IE Albinism"),
        ("South Sudan\r", "South Sudan"),
        ("Eastern Europe ", "Eastern Europe"),
        ("- Concerns/Observations", "Concerns/Observations"),
        ("  -  ", ""),
    ],
)
def test_clean_label(value, expected):
    assert clean_label(value) == expected


def test_split_multi_value_handles_cells_lists_and_blanks():
    assert split_multi_value("- Women & girls\r\n- Children\n\n- IE  Albinism\r") == [
        "Women & girls",
        "Children",
        "IE Albinism",
    ]
    assert split_multi_value(["- Slovenia", " Croatia ", "", None, ["- Italy"]]) == [
        "Slovenia",
        "Croatia",
        "Italy",
    ]
    assert split_multi_value(None) == []
    assert split_multi_value("") == []
    assert split_multi_value(48) == ["48"]


def test_country_key_ignores_case_space_marker_and_star():
    assert country_key("- State of Palestine*") == "state of palestine"
    assert country_key("Bolivia (Plurinational  State of) ") == country_key("bolivia (plurinational state of)")
    assert country_key("South Sudan\r") == "south sudan"


# --- HTML ------------------------------------------------------------------------------------


def test_html_to_text_paragraphs_breaks_and_entities():
    value = "<p>23. The Committee&nbsp;recommends:</p>\n<p>(a) To&rsquo;s\nend<br/>(b) Other &amp; more</p>"
    assert html_to_text(value) == "23. The Committee recommends:\n(a) To’s end\n(b) Other & more"


def test_html_to_text_without_tags_keeps_its_line_breaks():
    value = "\r\n        127-179\r\n        مواصلة جهودها (باكستان)؛\r\n      "
    assert html_to_text(value) == "127-179\nمواصلة جهودها (باكستان)؛"
    assert html_to_text("(Pakistan)&nbsp;; CRC/C/5&#8209;6") == "(Pakistan) ; CRC/C/5-6"


def test_html_to_text_drops_hidden_elements_and_word_leftovers():
    value = (
        "<style>p {color: red}</style><!--[if gte mso 9]><xml>x</xml><![endif]-->"
        "\n Normal\n 0\n \n false\n false\n false\n \n EN-GB\n ZH-CN\n AR-SA\n"
        ' <w:LatentStyles DefLockedState="false">\n  <w:LsdException Name="heading 2"/>\n'
        " </w:LatentStyles>\n /* Style Definitions */\n table.MsoNormalTable\n"
        '\t{mso-style-name:"Table Normal";\n\tmso-style-priority:99;}\n\n'
        "Rights of older persons\n35. The Committee recommends that the State party:\n"
        "(a) Guarantee in its legislation the rights of older persons;"
    )
    assert html_to_text(value) == (
        "Rights of older persons\n35. The Committee recommends that the State party:\n"
        "(a) Guarantee in its legislation the rights of older persons;"
    )


def test_html_to_text_plain_and_empty():
    assert html_to_text("R&D budget  rose") == "R&D budget rose"
    assert html_to_text("<p>&nbsp;</p>") == ""
    assert html_to_text("") == ""


# --- Dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (46078, date(2026, 2, 25)),
        (46125.4996282407, date(2026, 4, 13)),
        ("46078", date(2026, 2, 25)),
        (" 46125.4996282407 ", date(2026, 4, 13)),
        ("2025-02-12T00:00:00", date(2025, 2, 12)),
        ("2020-05-20T15:12:53.233", date(2020, 5, 20)),
        ("2025-02-12", date(2025, 2, 12)),
        (datetime(2024, 6, 20, 10, 15), date(2024, 6, 20)),
        (date(2024, 6, 20), date(2024, 6, 20)),
        ("1900-01-01T00:00:00", None),
        ("0001-01-01T00:00:00", None),
        (None, None),
        ("", None),
        ("  ", None),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["soon", "2025-13-01", True, [2025], "12/02/2025"])
def test_parse_date_rejects_garbage(value):
    with pytest.raises(ValueError):
        parse_date(value)


def test_parse_date_or_flag_keeps_the_record_and_flags_the_value():
    flags = []
    assert parse_date_or_flag("2025-02-12", "PublicationDate", flags) == date(2025, 2, 12)
    assert parse_date_or_flag("1900-01-01T00:00:00", "PublicationDate", flags) is None
    assert flags == []
    assert parse_date_or_flag("soon", "PublicationDateOnUhri", flags) is None
    assert flags == ["unreadable PublicationDateOnUhri: soon"]


def test_excel_serial_and_iso_helpers():
    assert excel_serial_to_date(45700) == date(2025, 2, 12)
    assert parse_iso_date("2023-01-05T00:00:00") == date(2023, 1, 5)
    with pytest.raises(ValueError):
        excel_serial_to_date(0)
    with pytest.raises(ValueError):
        parse_iso_date("2023-1-5")


# --- Numbers, sessions, cycles ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (34, 34),
        (34.0, 34),
        (34.5, None),
        ("- 34", 34),
        ("Session 34", 34),
        ("", None),
        (None, None),
        (True, None),
    ],
)
def test_parse_int(value, expected):
    assert parse_int(value) == expected


@pytest.mark.parametrize(
    ("session", "cycle"),
    [
        (1, 1),
        (12, 1),
        (13, 2),
        (26, 2),
        (27, 3),
        (34, 3),
        (40, 3),
        (41, 4),
        (54, 4),
        (55, None),
        (0, None),
        (None, None),
    ],
)
def test_upr_cycle_from_session(session, cycle):
    assert upr_cycle_from_session(session) == cycle


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3rd cycle", 3),
        ("Cycle 4", 4),
        ("Third cycle", 3),
        ("- 2", 2),
        (1, 1),
        ("", None),
        (None, None),
    ],
)
def test_parse_upr_cycle(value, expected):
    assert parse_upr_cycle(value) == expected


# --- Paragraphs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("137.197 Ratify the Convention (Chile);", "137.197"),
        ("115.85 .Continue to ensure full access to education (Egypt);", "115.85"),
        ("26.197S’abstenir de tout nouveau recours à la peine capitale", "26.197"),
        ("127.179继续努力促进和保障所有人的受教育权(巴基斯坦)；", "127.179"),
        ("23. The Committee recommends", "23"),
        ("41.The Committee is concerned", "41"),
        ("31.  The Committee urges the State party:", "31"),
        ("79(a) Ensure that all children are registered", "79(a)"),
        ("79 (b) Ensure that all children are registered", "79(b)"),
        ("para. 28 The Committee recommends", "28"),
        ("Paragraph 12 (c): The State party should", "12(c)"),
        ("Recommendation No. 41, para. 81: Ratify the Optional Protocol", "81.41"),
        ("Recommendation No. 45, para. 106:45. Intensify its efforts", "106.45"),
        # Headings glued before the number, as UHRI stores treaty-body paragraphs.
        ("Right to education66.While welcoming the revision", "66"),
        ("Corruption24. The Committee encourages", "24"),
        ("Liberty and security of the person (art. 14)25. The Committee is concerned", "25"),
        ("National machinery for the advancement of women 20.The Committee commends", "20"),
        ("Parliament\n7. The Committee stresses", "7"),
        ("C. 议会\n        7.委员会强调立法权", "7"),
        # Arabic versions: hyphens for dots, Arabic-Indic digits.
        ("\n        127-179\n        مواصلة جهودها", "127.179"),
        ("\r\n        115-85-\r\n        مواصلة الحرص", "115.85"),
        ("\r\n        ٣٠-\r\n        تكرر اللجنة توصيتها", "30"),
        ("الحق في التعليم٦٦- ترحب اللجنة", "66"),
        ("31 -\n وتحث اللجنة", "31"),
        # No number of its own: references inside the text are not the paragraph.
        ("The State party should ensure that non-consensual use of medication is banned.", ""),
        ("T he Committee recommends that the State party adopt a strategy under article 5. It", ""),
        ("The Committee welcomes the adoption in 2015. The State party", ""),
        ("Access to counselThe Committee is concerned that, after 24 hours.", ""),
        ("(see CRC/C/COD/CO/2, para. 79)", ""),
        ("2030 Agenda for Sustainable Development", ""),
        ("", ""),
    ],
)
def test_extract_paragraph(text, expected):
    assert extract_paragraph(text) == expected


# --- Vocabularies ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Supported", "supported"),
        ("- Accepted", "supported"),
        ("Noted", "noted"),
        ("Rejected", "noted"),
        ("Supported/Noted", "partially_supported"),
        ("Supported / Noted", "partially_supported"),
        ("supported in part", "partially_supported"),
        ("Partially supported", "partially_supported"),
        ("Pending", "pending"),
        ("Maybe", None),
        ("", None),
    ],
)
def test_normalize_position(value, expected):
    assert normalize_position(value) == expected


def test_combine_positions():
    assert combine_positions(["Supported"]) == "supported"
    assert combine_positions(["Supported", "Accepted"]) == "supported"
    assert combine_positions(["Supported", "Noted"]) == "partially_supported"
    assert combine_positions(["Supported", "Maybe"]) is None
    assert combine_positions(["Noted", "Pending"]) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Recommendations", "recommendation"),
        ("- Recommendations", "recommendation"),
        ("- Concerns/Observations", "observation"),
        ("Observations", "observation"),
        ("Something else", None),
    ],
)
def test_normalize_annotation_type(value, expected):
    assert normalize_annotation_type(value) == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        (
            "16.2 - Protect children from abuse, exploitation, trafficking and violence",
            ("target", "16.2"),
        ),
        ("- 16.a - Strengthen institutions to prevent violence", ("target", "16.a")),
        ("17.19 - Develop measurements of progress", ("target", "17.19")),
        ("16 - PEACE, JUSTICE AND STRONG INSTITUTIONS", ("goal", "16")),
        ("- 4 - QUALITY EDUCATION", ("goal", "4")),
        ("18 - NOT A GOAL", None),
        ("Goal sixteen", None),
        ("", None),
    ],
)
def test_parse_sdg_label(label, expected):
    assert parse_sdg_label(label) == expected


def test_sort_sdg_labels_keeps_order_and_drops_duplicates():
    assert sort_sdg_labels(["16.2 - Protect children", "4 - QUALITY EDUCATION", "16.2 - again", "Goal sixteen"]) == (
        ["16.2"],
        ["4"],
        ["Goal sixteen"],
    )


def test_add_sdg_files_targets_and_goals_once():
    record = ParsedRecommendation(location="row 2")
    assert add_sdg(record, "- 16.2 - Protect children")
    assert add_sdg(record, "16 - PEACE, JUSTICE AND STRONG INSTITUTIONS")
    assert add_sdg(record, "16.2 - again")
    assert not add_sdg(record, "Goal sixteen")
    assert (record.sdg_targets, record.sdg_goals, record.flags) == (["16.2"], ["16"], [])


def test_append_once():
    values = ["Chile"]
    append_once(values, "Peru")
    append_once(values, "Chile")
    assert values == ["Chile", "Peru"]


@pytest.mark.parametrize(
    ("symbol", "upr", "expected"),
    [
        ("CRC/C/SVN/CO/5-6", False, "CRC"),
        ("CRC/C/15/Add.228", False, "CRC"),
        ("CRC/C/OPSC/PRT/CO/1", False, "CRC-OP-SC"),
        ("CRC/C/OPAC/PAN/CO/1", False, "CRC-OP-AC"),
        ("CEDAW/C/WSM/CO/4-5", False, "CEDAW"),
        ("CCPR/C/MEX/CO/6", False, "CCPR"),
        ("CCPR/CO/79/LKA", False, "CCPR"),
        ("E/C.12/CPV/CO/1", False, "CESCR"),
        ("e/c.12/cpv/co/1", False, "CESCR"),
        ("CERD/C/KWT/CO/21-24", False, "CERD"),
        ("CAT/C/POL/CO/7", False, "CAT"),
        ("CAT/OP/PRY/2", False, "SPT"),
        ("CMW/C/NIC/CO/1", False, "CMW"),
        ("CRPD/C/ESP/CO/1", False, "CRPD"),
        ("CED/C/MEX/CO/1", False, "CED"),
        (" CRC / C / SVN / CO / 5-6 ", False, "CRC"),
        # Human Rights Council documents: UPR only when the record says it is a UPR one.
        ("A/HRC/43/6", True, "UPR"),
        ("A/HRC/59/15/Add.1", True, "UPR"),
        ("A/HRC/43/6", False, None),
        ("A/HRC/40/52/Add.1", False, None),
        ("A/74/38", False, None),
        ("", False, None),
    ],
)
def test_mechanism_from_symbol(symbol, upr, expected):
    assert mechanism_from_symbol(symbol, upr=upr) == expected


# --- Streaming JSON --------------------------------------------------------------------------


def test_iter_json_array_streams_items_from_bytes_text_and_bom():
    assert list(iter_json_array(io.BytesIO(b' [{"a": 1}, {"a": 2.5}, "x"] '))) == [
        {"a": 1},
        {"a": 2.5},
        "x",
    ]
    assert list(iter_json_array(io.BytesIO(b'\xef\xbb\xbf[{"a": "\xc3\xa9"}]'))) == [{"a": "é"}]
    assert list(iter_json_array(io.StringIO('[{"a": "é"}]'))) == [{"a": "é"}]
    assert list(iter_json_array(io.BytesIO(b"[]"))) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b" \n ", "The file is empty."),
        (b'{"a": 1}', "The file holds a single JSON object, not a JSON array (a list) of records."),
        (
            b"Text,Countries\n1,2\n",
            "The file is not JSON: a JSON array starts with '[', this file starts with 'Text,Countries'.",
        ),
        (
            b'[{"a": 1}, {"a": 2}, {"a": "tr',
            "The file ends in the middle of record 3: it is probably truncated.",
        ),
        (
            b'[{"a": 1}] [2]',
            "The file has unexpected content after the end of the JSON array (record 2).",
        ),
        (
            b'[{"a": 1}, {"a": NaN}]',
            "The file is not valid JSON at record 2 (lexical error: invalid char in json text.).",
        ),
    ],
)
def test_iter_json_array_rejects_bad_files(data, message):
    with raises_message(message):
        list(iter_json_array(io.BytesIO(data)))

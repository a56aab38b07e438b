"""The documents' descriptions of themselves: symbol, date, mechanism, session, cycle, State."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from imports.parsers.document_info import (
    DocumentInfo,
    add_months,
    find_symbols,
    ordinal_value,
    parse_dates,
    read_document_info,
)
from imports.parsers.document_reader import read_document
from tests.imports.documents import FIXTURES, SAMPLES

# The files in FIXTURES are CONSTRUCTED samples (see tests/fixtures/constructed.py), not UN documents.
CESCR = DocumentInfo(
    kind="concluding-observations",
    symbol="E/C.12/SVN/CO/3",
    issued_on=date(2024, 11, 5),
    adopted_on=date(2024, 10, 11),
    mechanism="CESCR",
    session=76,
    country="Slovenia",
    title="Concluding observations on the third periodic report of Slovenia",
)
SR_VISIT = DocumentInfo(
    kind="country-visit",
    symbol="A/HRC/59/40/Add.1",
    issued_on=date(2025, 4, 14),
    mechanism="Special Rapporteur on the right to food",
    session=59,
    hrc_session=59,
    country="Slovenia",
    title="Report of the Special Rapporteur on the right to food: visit to Slovenia",
)
EXPECTED = {
    SAMPLES / "upr34-slovenia-wg-report-A-HRC-43-15.pdf": DocumentInfo(
        kind="upr-report",
        symbol="A/HRC/43/15",
        issued_on=date(2019, 12, 19),
        mechanism="UPR",
        session=34,
        hrc_session=43,
        upr_cycle=3,
        country="Slovenia",
        title="Report of the Working Group on the Universal Periodic Review: Slovenia",
    ),
    SAMPLES / "upr34-slovenia-wg-report-addendum-A-HRC-43-15-Add.1.pdf": DocumentInfo(
        kind="upr-addendum",
        symbol="A/HRC/43/15/Add.1",
        issued_on=date(2020, 2, 19),
        mechanism="UPR",
        hrc_session=43,
        # The addendum does not name the Working Group's session; "the 3rd Universal Periodic Review" gives the cycle.
        upr_cycle=3,
        country="Slovenia",
        title="Report of the Working Group on the Universal Periodic Review: Slovenia \u2014 Addendum",
    ),
    FIXTURES / "constructed-cescr-co-E-C.12-SVN-CO-3.pdf": CESCR,
    FIXTURES / "constructed-cescr-co-E-C.12-SVN-CO-3.docx": CESCR,
    FIXTURES / "constructed-cedaw-co-CEDAW-C-SVN-CO-8.docx": DocumentInfo(
        kind="concluding-observations",
        symbol="CEDAW/C/SVN/CO/8",
        issued_on=date(2024, 10, 30),
        adopted_on=date(2024, 10, 23),
        mechanism="CEDAW",
        session=89,
        country="Slovenia",
        title="Concluding observations on the eighth periodic report of Slovenia",
    ),
    FIXTURES / "constructed-sr-visit-A-HRC-59-40-Add.1.pdf": SR_VISIT,
    FIXTURES / "constructed-sr-visit-A-HRC-59-40-Add.1.docx": SR_VISIT,
}


@pytest.mark.parametrize("path", list(EXPECTED), ids=lambda path: path.name)
def test_document_info(path: Path) -> None:
    with path.open("rb") as fileobj:
        assert read_document_info(read_document(fileobj)) == EXPECTED[path]


@pytest.mark.parametrize(
    ("text", "symbols"),
    [
        ("United Nations A/HRC/43/15", ["A/HRC/43/15"]),
        ("A/HRC/43/15/Add.1", ["A/HRC/43/15/Add.1"]),
        ("CRC/C/SVN/CO/5\u20116", ["CRC/C/SVN/CO/5-6"]),  # a non-breaking hyphen, as UN documents print it
        ("See CEDAW/C/SVN/CO/7, para. 12.", ["CEDAW/C/SVN/CO/7"]),
        ("E/C.12/SVN/CO/3 and CCPR/C/SVN/CO/4", ["E/C.12/SVN/CO/3", "CCPR/C/SVN/CO/4"]),
        ("(A/HRC/WG.6/34/SVN/1);", ["A/HRC/WG.6/34/SVN/1"]),
        ("CAT/OP/SVN/1", ["CAT/OP/SVN/1"]),
        ("Article 5/1 of the Act", []),
    ],
)
def test_find_symbols(text: str, symbols: list[str]) -> None:
    assert find_symbols(text) == symbols


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("thirty-fourth", 34),
        ("Forty-third", 43),
        ("seventy-sixth", 76),
        ("one hundred and thirty-ninth", 139),
        ("first", 1),
        ("34th", 34),
        ("session", None),
    ],
)
def test_ordinal_value(words: str, value: int | None) -> None:
    assert ordinal_value(words) == value


def test_dates() -> None:
    assert parse_dates("24 February\u201320 March 2020; Distr.: General 19 December 2019") == [
        date(2020, 3, 20),
        date(2019, 12, 19),
    ]
    assert add_months(date(2024, 10, 11), 24) == date(2026, 10, 11)
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)

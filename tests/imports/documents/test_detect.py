"""Recognising the kind of a UN document from its bytes, for the import registry."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from imports.parsers.document_limits import DocumentRefused
from imports.parsers.document_reader import read_document
from imports.parsers.records import ImportFormatError
from imports.parsers.un_documents import detect_un_document, read_un_document
from tests.imports.documents import FIXTURES, SAMPLES, hostile

KINDS = {
    SAMPLES / "upr34-slovenia-wg-report-A-HRC-43-15.pdf": "un-upr-report",
    SAMPLES / "upr34-slovenia-wg-report-addendum-A-HRC-43-15-Add.1.pdf": "un-upr-addendum",
    # The thematic list is a Word file but no UN document: upr_docx reads it.
    SAMPLES / "upr34-slovenia-thematic-list.docx": None,
    # Constructed samples (not UN documents):
    FIXTURES / "constructed-cescr-co-E-C.12-SVN-CO-3.pdf": "un-concluding-observations",
    FIXTURES / "constructed-cescr-co-E-C.12-SVN-CO-3.docx": "un-concluding-observations",
    FIXTURES / "constructed-cedaw-co-CEDAW-C-SVN-CO-8.docx": "un-concluding-observations",
    FIXTURES / "constructed-sr-visit-A-HRC-59-40-Add.1.pdf": "un-country-visit",
    FIXTURES / "constructed-sr-visit-A-HRC-59-40-Add.1.docx": "un-country-visit",
}


@pytest.mark.parametrize("path", list(KINDS), ids=lambda path: path.name)
def test_detect(path: Path) -> None:
    assert detect_un_document(path.read_bytes()) == KINDS[path]


def test_other_files() -> None:
    assert detect_un_document(b"Text,Country\n1,Slovenia\n") is None
    assert detect_un_document(hostile.text_pdf(["A letter", "Dear colleague,"])) is None


def test_hostile_file_refused_while_detecting() -> None:
    with pytest.raises(DocumentRefused) as refusal:
        detect_un_document(hostile.pdf_bomb(256 * 1024 * 1024))
    assert refusal.value.reason == "decompression_bomb"


def test_addendum_is_not_a_list_of_recommendations() -> None:
    path = SAMPLES / "upr34-slovenia-wg-report-addendum-A-HRC-43-15-Add.1.pdf"
    with path.open("rb") as fileobj, pytest.raises(ImportFormatError) as refusal:
        read_un_document(fileobj, format="un-upr-addendum")
    assert str(refusal.value).startswith("The document is a State's addendum to a UPR report")


def test_read_un_document_report() -> None:
    with (SAMPLES / "upr34-slovenia-wg-report-A-HRC-43-15.pdf").open("rb") as fileobj:
        assert len(list(read_un_document(fileobj, format="un-upr-report"))) == 215


@pytest.mark.parametrize(
    ("data", "reason", "message"),
    [
        (b"", "empty", "The file is empty."),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
            "unsupported",
            "The file is an old Word .doc document, which cannot be read; open it in Word and save it as .docx.",
        ),
        (
            b"Hello",
            "unsupported",
            "The file is neither a PDF nor a Word (.docx) document, so it cannot be read as a UN document.",
        ),
    ],
)
def test_reader_refusals(data: bytes, reason: str, message: str) -> None:
    with pytest.raises(DocumentRefused) as refusal:
        read_document(io.BytesIO(data))
    assert (refusal.value.reason, str(refusal.value)) == (reason, message)


def test_file_over_the_size_limit_is_not_read_whole() -> None:
    from imports.parsers.document_limits import DocumentLimits

    upload = io.BytesIO(b"%PDF-1.7\n" + b"\0" * (3 * 1024 * 1024))
    with pytest.raises(DocumentRefused) as refusal:
        read_document(upload, limits=DocumentLimits(max_bytes=1024 * 1024))
    assert (refusal.value.reason, str(refusal.value)) == (
        "too_large",
        "The document is 3 MB; documents of at most 1 MB are accepted.",
    )

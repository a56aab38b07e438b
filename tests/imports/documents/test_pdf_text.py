"""Reading PDFs: text in reading order without page furniture and footnotes; hostile PDFs refused."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from imports.parsers.document_limits import DocumentLimits, DocumentRefused
from imports.parsers.document_reader import read_document_bytes
from imports.parsers.document_text import join_lines
from imports.parsers.pdf_text import extract_pdf_text
from tests.imports.documents import FIXTURES, SAMPLES, hostile

REPORT = SAMPLES / "upr34-slovenia-wg-report-A-HRC-43-15.pdf"
ADDENDUM = SAMPLES / "upr34-slovenia-wg-report-addendum-A-HRC-43-15-Add.1.pdf"
CESCR_PDF = FIXTURES / "constructed-cescr-co-E-C.12-SVN-CO-3.pdf"  # constructed, not a UN document


@contextmanager
def measured() -> Iterator[dict[str, float]]:
    """Peak Python memory (bytes) of the block. (How long refusals take is measured by
    bench/documents.py: the tests assert no wall-clock time.)"""
    figures: dict[str, float] = {}
    tracemalloc.start()
    try:
        yield figures
    finally:
        figures["peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def test_report_text_without_furniture() -> None:
    document = extract_pdf_text(REPORT.read_bytes())
    assert document.page_count == 24
    texts = [line.text for line in document.lines]
    # Running headers (the symbol), page numbers, the job number and the bar code are gone.
    assert "A/HRC/43/15" not in texts
    assert not any(text.startswith("GE.19-21936") for text in texts)
    assert not any(text.isdigit() for text in texts)
    assert set(document.running) >= {"A/HRC/43/15", "GE.19-21936(E)", "2", "24"}
    # Page 12 starts with the recommendation the previous page did not finish.
    page_12 = [line.text for line in document.lines if line.page == 12]
    assert page_12[0] == ("121.16 Continue to strengthen its efforts through a comprehensive strategy")
    assert [line.text for line in document.footnotes] == [
        "* The annex is being circulated without formal editing, in the language of submission only."
    ]


def test_report_first_page_kept_for_the_description() -> None:
    document = extract_pdf_text(REPORT.read_bytes())
    texts = [line.text for line in document.first_page]
    assert texts[2:10] == [
        "Human Rights Council",
        "Forty-third session",
        "24 February\u201320 March 2020",
        "Agenda item 6",
        "Universal periodic review",
        "Report of the Working Group on the Universal Periodic",
        # The footnote call after "Review" is printed in superscript: dropped.
        "Review",
        "Slovenia",
    ]


def test_line_ending_with_a_dash_joins_the_next_without_space() -> None:
    document = extract_pdf_text(ADDENDUM.read_bytes())
    index = next(i for i, line in enumerate(document.lines) if line.text.endswith("122.60, 122.62-"))
    assert document.lines[index].joins_next
    assert join_lines(document.lines[index : index + 2]).endswith("122.60, 122.62-66, 122.68-71, 122.76, 122.78, "
                                                                  "122.82-85, 122.87-90, 122.105, 122.108-114, "
                                                                  "122.116-117,")  # fmt: skip
    under = next(i for i, line in enumerate(document.lines) if line.text.endswith("share of the under-"))
    assert join_lines(document.lines[under : under + 2]) == (
        "Opportunities for Women and Men Act with the aim to increase the share of the under-represented sex in the "
        "composition of the bodies of the Government and local authorities as"
    )


def test_constructed_pdf_footnotes_and_calls() -> None:
    document = extract_pdf_text(CESCR_PDF.read_bytes())
    assert [line.text for line in document.footnotes] == [
        "* Adopted by the Committee at its seventy-sixth session (23 September\u201311 October 2024).",
        "1 E/C.12/SVN/3.",
        "2 See E/C.12/2024/SR.52 and E/C.12/2024/SR.53.",
        "3 E/C.12/SVN/CO/2, para. 14.",
    ]
    paragraph_1 = next(i for i, line in enumerate(document.lines) if line.text.startswith("1. "))
    # The superscript calls 1 and 2 are not glued to "Slovenia" and "meetings,".
    assert join_lines(document.lines[paragraph_1 : paragraph_1 + 2]) == (
        "1. The Committee considered the third periodic report of Slovenia at its 52nd and 53rd meetings, held on "
        "3 and 4 October 2024, and adopted the present concluding observations at its 62nd meeting, held on "
        "11 October 2024."
    )


# --------------------------------------------------------------------------
# Hostile PDFs
# --------------------------------------------------------------------------


def refusal_of(make: Callable[[], bytes], limits: DocumentLimits | None = None) -> tuple[DocumentRefused, dict]:
    data = make()
    with measured() as figures, pytest.raises(DocumentRefused) as refusal:
        if limits is None:
            read_document_bytes(data)
        else:
            read_document_bytes(data, limits=limits)
    return refusal.value, figures


def test_flate_bomb_refused_in_bounded_memory() -> None:
    # 4 GiB of zeros in a 4 MB file.
    refusal, figures = refusal_of(hostile.pdf_bomb)
    assert refusal.reason == "decompression_bomb"
    assert str(refusal) == (
        "A compressed part of the document expands to more than 32 MB, far more than any real document needs "
        "(a possible decompression bomb); the file was refused for safety."
    )
    assert figures["peak"] < 150 * 1024 * 1024


def test_ten_thousand_pages_refused() -> None:
    refusal, figures = refusal_of(hostile.many_pages_pdf)
    assert refusal.reason == "too_many_pages"
    assert str(refusal) == "The document has 10000 pages; documents of at most 500 pages are accepted."
    assert figures["peak"] < 100 * 1024 * 1024


def test_page_count_that_lies_refused_while_the_tree_is_walked() -> None:
    refusal, figures = refusal_of(lambda: hostile.many_pages_pdf(declared=1))
    assert refusal.reason == "too_many_pages"
    assert str(refusal) == "The document has more than 500 pages, the most accepted."
    assert figures["peak"] < 100 * 1024 * 1024


@pytest.mark.parametrize("user_password", ["secret", ""])
def test_encrypted_pdf_refused(user_password: str) -> None:
    # Even one that opens without a password (restricted by an owner password only).
    refusal, _figures = refusal_of(lambda: hostile.encrypted_pdf(user_password=user_password))
    assert refusal.reason == "encrypted"
    assert str(refusal) == (
        "The PDF is encrypted or password-protected and cannot be read. Save or print it to a PDF without "
        "protection and import that file."
    )


def test_file_over_the_size_limit_refused() -> None:
    refusal, _figures = refusal_of(REPORT.read_bytes, DocumentLimits(max_bytes=100_000))
    assert refusal.reason == "too_large"
    assert str(refusal) == "The document is 378 KB; documents of at most 98 KB are accepted."


def test_time_budget_enforced() -> None:
    refusal, _figures = refusal_of(REPORT.read_bytes, DocumentLimits(max_seconds=0.05))
    assert refusal.reason == "timeout"
    assert str(refusal) == (
        "Reading the document took longer than the 0.05 seconds allowed; it is too complex or damaged."
    )


def test_text_limit_enforced() -> None:
    refusal, _figures = refusal_of(REPORT.read_bytes, DocumentLimits(max_text_chars=1000))
    assert refusal.reason == "damaged"
    assert str(refusal) == "The document holds far more text than any real document; it may be hostile."


def test_truncated_pdf_refused() -> None:
    refusal, _figures = refusal_of(lambda: REPORT.read_bytes()[:5000])
    assert refusal.reason == "damaged"
    assert str(refusal) == "The PDF is damaged or not a PDF that can be read; open it and save it again as PDF."


def test_pdf_without_text_refused_as_a_scan() -> None:
    empty_page = hostile.build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            hostile.stream(b"0 0 m 100 100 l S"),
        ]
    )
    refusal, _figures = refusal_of(lambda: empty_page)
    assert refusal.reason == "no_text"


def test_small_pdf_read() -> None:
    document = read_document_bytes(hostile.text_pdf(["Concluding observations", "1. The Committee recommends."]))
    assert [line.text for line in document.lines] == ["Concluding observations", "1. The Committee recommends."]

"""Reading Word documents: the text as a reader sees it, and hostile files refused with a reason."""

from __future__ import annotations

import io
import random
import re
import tracemalloc
import zipfile

import pytest

from imports.parsers.document_limits import DocumentLimits, DocumentRefused
from imports.parsers.docx_text import extract_docx_text, xml_encoding
from imports.parsers.records import ImportFormatError
from imports.parsers.safety import check_zip_safety
from tests.imports.documents import FIXTURES, SAMPLES, hostile

CESCR_DOCX = FIXTURES / "constructed-cescr-co-E-C.12-SVN-CO-3.docx"  # constructed, not a UN document
CEDAW_DOCX = FIXTURES / "constructed-cedaw-co-CEDAW-C-SVN-CO-8.docx"  # constructed, auto-numbered


def test_constructed_concluding_observations_read_as_paragraphs() -> None:
    document = extract_docx_text(CESCR_DOCX.read_bytes())
    texts = [line.text for line in document.lines]
    assert texts[:8] == [
        "United Nations",
        "E/C.12/SVN/CO/3",
        "Economic and Social Council",
        "Distr.: General",
        "5 November 2024",
        "Original: English",
        "Committee on Economic, Social and Cultural Rights",
        # The title's footnote call ("*", typed in superscript) is not part of the text.
        "Concluding observations on the third periodic report of Slovenia",
    ]
    # The footnote reference of paragraph 1 leaves no trace in its text.
    assert texts[9] == (
        "1. The Committee considered the third periodic report of Slovenia at its 52nd and 53rd meetings, held on "
        "3 and 4 October 2024, and adopted the present concluding observations at its 62nd meeting, held on "
        "11 October 2024."
    )
    assert [line.text for line in document.lines if line.style == "heading"][:4] == [
        "Concluding observations on the third periodic report of Slovenia",
        "A. Introduction",
        "B. Positive aspects",
        "C. Principal subjects of concern and recommendations",
    ]
    assert [line.text for line in document.footnotes] == [
        "Adopted by the Committee at its seventy-sixth session (23 September\u201311 October 2024).",
        "E/C.12/SVN/3.",
        "See E/C.12/2024/SR.52 and E/C.12/2024/SR.53.",
        "E/C.12/SVN/CO/2, para. 14.",
    ]
    assert document.running == ["E/C.12/SVN/CO/3"]
    assert document.source == "docx"


def test_word_automatic_numbering_is_written_out() -> None:
    document = extract_docx_text(CEDAW_DOCX.read_bytes())
    numbered = [line.text for line in document.lines if re.match(r"^\d+\. ", line.text)]
    assert [text.split(" ", 1)[0] for text in numbered] == [f"{number}." for number in range(1, 20)]
    assert numbered[8] == "9. The Committee recommends that the State party:"


def test_thematic_list_is_readable_too() -> None:
    document = extract_docx_text((SAMPLES / "upr34-slovenia-thematic-list.docx").read_bytes())
    assert next(line.text for line in document.lines if line.text.startswith("121.1 ")) == (
        "121.1 Ratify the International Convention for the Protection of All Persons from Enforced Disappearance "
        "(France) (Lithuania);"
    )


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<?xml version="1.0" encoding="UTF-8"?><a/>', "utf-8"),
        (b"\xef\xbb\xbf<?xml", "utf-8"),
        ("<?xml".encode("utf-16-le"), "utf-16-le"),
        ("<?xml".encode("utf-16-be"), "utf-16-be"),
        (b"\xff\xfe" + "<?xml".encode("utf-16-le"), "utf-16-le"),
        (b"\xff\xfe\x00\x00" + "<?xml".encode("utf-32-le"), "utf-32-le"),
        (b"\x00\x00\xfe\xff" + "<?xml".encode("utf-32-be"), "utf-32-be"),
        ("<?xml".encode("utf-32-le"), "utf-32-le"),
        ("<?xml".encode("utf-32-be"), "utf-32-be"),
        (b'<?xml version="1.0" encoding="UTF-7"?>', "utf-7"),
        (b"<w:document/>", "utf-8"),
    ],
)
def test_xml_encoding(head: bytes, expected: str) -> None:
    assert xml_encoding(head) == expected


# --------------------------------------------------------------------------
# Hostile Word files
# --------------------------------------------------------------------------

ENCODINGS = [
    ("utf-8", False),
    ("utf-8", True),
    ("utf-16-le", True),
    ("utf-16-le", False),
    ("utf-16-be", True),
    ("utf-16-be", False),
    ("utf-32-le", True),
    ("utf-32-le", False),
    ("utf-32-be", True),
    ("utf-32-be", False),
]
DOCTYPE_REFUSAL = (
    "The part 'word/document.xml' declares a DOCTYPE or XML entities, which Office documents never do; the file was "
    "refused for safety."
)


def _declared(encoding: str) -> str:
    return encoding.rsplit("-", 1)[0].upper() if encoding != "utf-8" else "UTF-8"


@pytest.mark.parametrize(("encoding", "bom"), ENCODINGS)
@pytest.mark.parametrize("doctype", [hostile.EXTERNAL_ENTITY_DOCTYPE, hostile.BILLION_LAUGHS_DOCTYPE])
def test_doctype_refused_in_every_encoding(encoding: str, bom: bool, doctype: str) -> None:
    xml = hostile.document_xml(
        ["&xxe;" if "xxe" in doctype else "&lol9;"], doctype=doctype, encoding=_declared(encoding)
    )
    data = hostile.build_docx(hostile.encode_xml(xml, encoding, bom=bom))
    with pytest.raises(DocumentRefused) as refusal:
        extract_docx_text(data)
    assert refusal.value.reason == "unsafe_xml"
    assert str(refusal.value) == DOCTYPE_REFUSAL


@pytest.mark.parametrize(("encoding", "bom"), [(e, b) for e, b in ENCODINGS if e.startswith("utf-32")])
def test_utf32_part_refused_even_without_doctype(encoding: str, bom: bool) -> None:
    xml = hostile.document_xml(["Hello"], encoding="UTF-32")
    data = hostile.build_docx(hostile.encode_xml(xml, encoding, bom=bom))
    with pytest.raises(DocumentRefused) as refusal:
        extract_docx_text(data)
    assert refusal.value.reason == "unsafe_xml"
    assert str(refusal.value) == (
        f"The part 'word/document.xml' is encoded in {encoding.upper()}, which Office documents never use (only UTF-8 "
        "and UTF-16); the file was refused for safety."
    )


def test_declared_foreign_encoding_refused() -> None:
    xml = f'<?xml version="1.0" encoding="UTF-7"?><w:document xmlns:w="{hostile._W_NS}"/>'
    with pytest.raises(DocumentRefused) as refusal:
        extract_docx_text(hostile.build_docx(xml.encode("ascii")))
    assert refusal.value.reason == "unsafe_xml"
    assert str(refusal.value) == (
        "The part 'word/document.xml' is encoded in UTF-7, which Office documents never use (only UTF-8 and UTF-16); "
        "the file was refused for safety."
    )


def test_doctype_hidden_by_utf7_refused() -> None:
    # In UTF-7, "<!DOCTYPE" can be written without a "<" byte: "+ADw-!DOCTYPE".
    xml = '<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE x+AD4-<w:document/>'
    with pytest.raises(DocumentRefused) as refusal:
        extract_docx_text(hostile.build_docx(xml.encode("ascii")))
    assert str(refusal.value) == DOCTYPE_REFUSAL


def test_doctype_in_a_part_that_is_not_read_is_refused() -> None:
    xml = hostile.document_xml(["Hello"])
    evil = hostile.encode_xml(
        f'<?xml version="1.0" encoding="UTF-16"?>{hostile.EXTERNAL_ENTITY_DOCTYPE}<x>&xxe;</x>', "utf-16-le", bom=True
    )
    data = hostile.build_docx(xml.encode(), extra_parts={"customXml/item1.xml": evil})
    with pytest.raises(DocumentRefused) as refusal:
        extract_docx_text(data)
    assert str(refusal.value) == (
        "The part 'customXml/item1.xml' declares a DOCTYPE or XML entities, which Office documents never do; the file "
        "was refused for safety."
    )


@pytest.mark.parametrize(("encoding", "bom"), [(e, b) for e, b in ENCODINGS if e.startswith("utf-32")])
def test_project_zip_scan_sees_utf32_doctype(encoding: str, bom: bool) -> None:
    # The scan every Office upload goes through (the thematic list's too), not only docx_text's.
    xml = hostile.document_xml(["&xxe;"], doctype=hostile.EXTERNAL_ENTITY_DOCTYPE, encoding="UTF-32")
    data = hostile.build_docx(hostile.encode_xml(xml, encoding, bom=bom))
    with pytest.raises(ImportFormatError) as refusal:
        check_zip_safety(io.BytesIO(data))
    assert str(refusal.value) == DOCTYPE_REFUSAL


def test_zip_bomb_refused_from_its_declared_size() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b" " * (300 * 1024 * 1024))
    tracemalloc.start()
    try:
        with pytest.raises(DocumentRefused) as refusal:
            extract_docx_text(out.getvalue())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refusal.value.reason == "unsafe_xml"
    assert str(refusal.value) == "The file expands to more than 256 MB when unpacked, which is more than is accepted."
    assert peak < 20 * 1024 * 1024


def test_part_inflating_past_its_declared_size_refused() -> None:
    data = bytearray(hostile.build_docx(hostile.document_xml(["Hello " * 2000]).encode()))
    # Lower the declared size of word/document.xml in its local and central headers: zipfile
    # stops at the declared size and the CRC check fails.
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
    real = info.file_size.to_bytes(4, "little")
    data = bytearray(bytes(data).replace(real, (100).to_bytes(4, "little")))
    with pytest.raises(DocumentRefused) as refusal:
        extract_docx_text(bytes(data))
    assert refusal.value.reason == "damaged"
    assert str(refusal.value) == "The file is not a readable Word document; it may be damaged."


def test_large_part_refused_by_the_stream_limit() -> None:
    # Random letters: a part that is large without being suspiciously compressible.
    text = "".join(random.Random(7).choices("abcdefghijklmnopqrstuvwxyz ", k=2_000_000))
    data = hostile.build_docx(hostile.document_xml([text]).encode())
    with pytest.raises(DocumentRefused) as refusal:
        extract_docx_text(data, limits=DocumentLimits(max_stream_bytes=1024 * 1024))
    assert refusal.value.reason == "decompression_bomb"


def test_not_a_word_document() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(DocumentRefused) as refusal:
        extract_docx_text(out.getvalue())
    assert str(refusal.value) == "The file is a zip container but not a Word document (it has no main document part)."


def test_malformed_xml_refused() -> None:
    with pytest.raises(DocumentRefused) as refusal:
        extract_docx_text(hostile.build_docx(b"<w:document><w:body>"))
    assert str(refusal.value) == (
        "The part 'word/document.xml' of the Word document is not well-formed XML; the file may be damaged."
    )

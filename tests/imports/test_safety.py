"""Tests of check_zip_safety, run on every Office file (.xlsx, .docx) before a library opens it.

That each parser runs it, with its own limits, is tested with the parser.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from imports.parsers.safety import check_zip_safety
from tests.imports.helpers import build_docx, raises_message, zip_bytes

MIB = 1024 * 1024


def _encrypted_zip() -> io.BytesIO:
    """A ZIP whose member claims to be encrypted (zipfile cannot write real ones)."""
    data = bytearray(zip_bytes({"word/document.xml": b"<a/>"}).getvalue())
    # The general purpose flags sit 6 bytes into the local header, 8 into the central one.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = data.index(signature) + offset
        data[position] |= 0x1
    return io.BytesIO(bytes(data))


@pytest.mark.parametrize(
    "open_archive",
    [
        lambda tmp_path: build_docx(tmp_path / "list.docx", ["Recommendation", "Position"], []).open("rb"),
        lambda tmp_path: zip_bytes({"a.xml": b"<a>" + bytes(range(256)) * 100 + b"</a>"}),
    ],
    ids=["word-document", "binary-part"],
)
def test_accepts_a_normal_file_and_restores_the_position(tmp_path: Path, open_archive) -> None:
    with open_archive(tmp_path) as fileobj:
        fileobj.seek(3)
        check_zip_safety(fileobj, max_uncompressed_bytes=10**6, max_ratio=100)
        assert fileobj.tell() == 3


def test_ignores_the_ratio_of_small_parts() -> None:
    check_zip_safety(zip_bytes({"xl/styles.xml": b"\0" * 500_000}))


def test_svg_images_may_carry_a_doctype() -> None:
    svg = b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x"><svg/>'

    check_zip_safety(zip_bytes({"word/media/image1.svg": svg}), max_uncompressed_bytes=10**6, max_ratio=100)


@pytest.mark.parametrize(
    ("archive", "limits", "message"),
    [
        (
            lambda: zip_bytes({f"part{n}.xml": b"<a/>" for n in range(4)}),
            {"max_members": 3},
            "The file contains 4 parts; at most 3 are accepted.",
        ),
        (
            lambda: zip_bytes({"xl/worksheets/sheet1.xml": b"\0" * (3 * MIB)}),
            {"max_uncompressed_bytes": 2 * MIB, "max_ratio": 10_000},
            "The file expands to more than 2 MB when unpacked, which is more than is accepted.",
        ),
        (
            lambda: zip_bytes({"a.xml": b"<a/>" * 100}),
            {"max_uncompressed_bytes": 100},
            "The file expands to more than 100 bytes when unpacked, which is more than is accepted.",
        ),
        (
            lambda: zip_bytes({"xl/sharedStrings.xml": b"\0" * (4 * MIB)}),
            {},
            "The part 'xl/sharedStrings.xml' is compressed to a suspicious degree (a possible ZIP bomb).",
        ),
        (
            lambda: zip_bytes({"a.xml": b"<a/>"}, compression=zipfile.ZIP_BZIP2),
            {},
            "The part 'a.xml' uses a compression method Office files do not use.",
        ),
        (
            _encrypted_zip,
            {},
            "The file is encrypted or password-protected.",
        ),
    ],
    ids=["members", "size-in-mb", "size-in-bytes", "ratio", "compression", "encryption"],
)
def test_refuses_what_exceeds_the_limits(archive, limits: dict[str, int], message: str) -> None:
    with raises_message(message):
        check_zip_safety(archive(), **limits)


@pytest.mark.parametrize("data", [b"", b"Text,Countries\n1,2\n", b"PK\x03\x04broken"])
def test_refuses_non_zip_files(data: bytes) -> None:
    with raises_message("The file is not a valid ZIP-based Office document."):
        check_zip_safety(io.BytesIO(data))

"""Checks run on untrusted Office files (.docx, .xlsx) before a library parses them.

Office files are ZIP archives of XML parts. Two tricks turn a small upload into a
denial of service: a ZIP bomb (a few kilobytes that inflate to gigabytes) and XML
entity expansion ("billion laughs") or external entities in a part. Both are
refused here, before python-docx or openpyxl see the file.

The size check trusts the sizes declared in the ZIP central directory. That is
enough because python-docx and openpyxl read members through :mod:`zipfile`,
which never returns more bytes than a member declares (a member that inflates to
more fails its CRC check instead of filling memory).
"""

from __future__ import annotations

import codecs
import zipfile
from typing import BinaryIO
from xml.parsers.expat import errors as expat_errors
from xml.sax import SAXException
from xml.sax.handler import ContentHandler

import defusedxml.sax
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .records import ImportFormatError

# Defaults: generous for a spreadsheet or a Word list; parsers pass their own where it matters.
DEFAULT_MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
DEFAULT_MAX_RATIO = 100
DEFAULT_MAX_MEMBERS = 10_000

# Office files only use these two methods. Refusing the others (bzip2, LZMA) also
# avoids decompressors that, unlike deflate, cannot be told to stop early.
_ALLOWED_COMPRESSION = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})

# A member this small cannot hurt, whatever its ratio (runs of spaces, styles and
# empty sheets compress very well), so the ratio is only checked above this size.
_RATIO_CHECK_MIN_BYTES = 1024 * 1024

# Media are never parsed as XML by python-docx or openpyxl, and an SVG image may
# legitimately carry a DOCTYPE, so they are not scanned.
_UNSCANNED_EXTENSIONS = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg", ".odttf"}
)

_FORBIDDEN_MARKUP = ("<!doctype", "<!entity")
_SCAN_CHUNK_BYTES = 64 * 1024


def check_zip_safety(
    fileobj: BinaryIO,
    *,
    max_uncompressed_bytes: int = DEFAULT_MAX_UNCOMPRESSED_BYTES,
    max_ratio: float = DEFAULT_MAX_RATIO,
    max_members: int = DEFAULT_MAX_MEMBERS,
) -> None:
    """Raise ImportFormatError unless ``fileobj`` is a ZIP archive that is safe to open.

    Refuses archives that are not ZIP files, that inflate to more than
    ``max_uncompressed_bytes`` in total, that hold a member larger than 1 MiB
    compressed more than ``max_ratio`` times, that hold more than ``max_members``
    members, that use encryption or an unusual compression method, or whose XML
    parts declare a DOCTYPE or entities. Sizes and ratios are judged from the
    central directory, before anything is inflated. ``fileobj`` must be seekable;
    its position is restored afterwards so the caller can hand the same object to
    a parser.
    """
    start = fileobj.tell()
    try:
        try:
            archive = zipfile.ZipFile(fileobj)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
            raise ImportFormatError(_("The file is not a valid ZIP-based Office document.")) from exc
        with archive:
            members = archive.infolist()
            _check_members(
                members,
                max_uncompressed_bytes=max_uncompressed_bytes,
                max_ratio=max_ratio,
                max_members=max_members,
            )
            for member in members:
                if _should_scan(member.filename):
                    _check_no_doctype(archive, member)
                    if member.filename.lower().endswith(_XML_EXTENSIONS):
                        _check_parses_without_dtd(archive, member)
    finally:
        fileobj.seek(start)


def _check_members(
    members: list[zipfile.ZipInfo],
    *,
    max_uncompressed_bytes: int,
    max_ratio: float,
    max_members: int,
) -> None:
    if len(members) > max_members:
        raise ImportFormatError(
            ngettext(
                "The file contains %(count)s part; at most %(max)s are accepted.",
                "The file contains %(count)s parts; at most %(max)s are accepted.",
                len(members),
            )
            % {"count": len(members), "max": max_members}
        )
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise ImportFormatError(_("The file is encrypted or password-protected."))
        if member.compress_type not in _ALLOWED_COMPRESSION:
            raise ImportFormatError(
                # Translators: %(part)s is the name of a file inside the uploaded Office (zip) file.
                _("The part %(part)s uses a compression method Office files do not use.")
                % {"part": repr(member.filename)}
            )
        total += member.file_size
        if total > max_uncompressed_bytes:
            raise ImportFormatError(
                # Translators: %(size)s is a size such as "256 MB".
                _("The file expands to more than %(size)s when unpacked, which is more than is accepted.")
                % {"size": _format_size(max_uncompressed_bytes)}
            )
        if member.file_size > _RATIO_CHECK_MIN_BYTES and member.file_size > max_ratio * max(member.compress_size, 1):
            raise ImportFormatError(
                # Translators: %(part)s is the name of a file inside the uploaded Office (zip) file.
                _("The part %(part)s is compressed to a suspicious degree (a possible ZIP bomb).")
                % {"part": repr(member.filename)}
            )


def _format_size(size: int) -> str:
    if size >= 1024 * 1024:
        # Translators: a size in megabytes.
        return _("%(size)s MB") % {"size": f"{size / (1024 * 1024):.0f}"}
    return ngettext("%(size)s byte", "%(size)s bytes", size) % {"size": size}


def _should_scan(name: str) -> bool:
    dot = name.rfind(".")
    return dot == -1 or name[dot:].lower() not in _UNSCANNED_EXTENSIONS


def _check_no_doctype(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Refuse a part that declares a DTD or entities.

    Office XML never contains a DOCTYPE. Refusing one outright is simpler and
    safer than trusting each parser's entity settings. The scan reads bytes, so
    it cannot itself be made to expand anything.
    """
    with archive.open(member) as stream:
        head = stream.read(_SCAN_CHUNK_BYTES)
        decoder = codecs.getincrementaldecoder(_xml_part_encoding(head))(errors="replace")
        # Keep the end of the previous chunk so a marker split across two
        # chunks is still seen.
        overlap_chars = max(len(marker) for marker in _FORBIDDEN_MARKUP) - 1
        tail = ""
        chunk = head
        while chunk:
            text = tail + decoder.decode(chunk).lower()
            if any(marker in text for marker in _FORBIDDEN_MARKUP):
                raise ImportFormatError(
                    _(
                        # Translators: %(part)s is the name of a file inside the uploaded Office (zip) file.
                        "The part %(part)s declares a DOCTYPE or XML entities, which Office documents never do; "
                        "the file was refused for safety."
                    )
                    % {"part": repr(member.filename)}
                )
            tail = text[-overlap_chars:]
            chunk = stream.read(_SCAN_CHUNK_BYTES)


# The XML parts of an Office package; other parts (printer settings, macros, embedded files) are binary.
_XML_EXTENSIONS = (".xml", ".rels", ".vml")
_ENCODING_ERRORS = {expat_errors.XML_ERROR_UNKNOWN_ENCODING, expat_errors.XML_ERROR_INCORRECT_ENCODING}


def _check_parses_without_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Parse the part with the DTD forbidden, whatever encoding it is written in.

    The byte scan above guesses the encoding; this pass does not guess: expat (through defusedxml,
    with ``forbid_dtd``, ``forbid_entities`` and ``forbid_external``) reads the part as any XML
    reader would, so a DOCTYPE in an encoding the scan did not think of is still refused, and a
    part in an encoding expat does not read (UTF-32, EBCDIC...) is refused as no Office part.
    Streamed, nothing kept: memory stays flat whatever the part's size.
    """
    with archive.open(member) as stream:
        try:
            defusedxml.sax.parse(stream, ContentHandler(), forbid_dtd=True, forbid_entities=True, forbid_external=True)
        except DefusedXmlException as exc:
            raise ImportFormatError(
                _(
                    # Translators: %(part)s is the name of a file inside the uploaded Office (zip) file.
                    "The part %(part)s declares a DOCTYPE or XML entities, which Office documents never do; "
                    "the file was refused for safety."
                )
                % {"part": repr(member.filename)}
            ) from exc
        except (SAXException, ValueError, LookupError) as exc:
            # A part that is not well-formed is left to the parser that reads it (its own message);
            # one whose encoding expat cannot read could hide a DTD from this pass: refused.
            if isinstance(exc, LookupError) or _ENCODING_ERRORS & {str(exc), str(getattr(exc, "getMessage", str)())}:
                raise ImportFormatError(
                    _(
                        # Translators: %(part)s is the name of a file inside the uploaded Office (zip) file.
                        "The part %(part)s is not XML as Office documents write it (UTF-8 or UTF-16); "
                        "the file was refused for safety."
                    )
                    % {"part": repr(member.filename)}
                ) from exc


def _xml_part_encoding(head: bytes) -> str:
    """Encoding of an XML part: Office (OPC) allows only UTF-8 and UTF-16, but a hostile part may
    be written in UTF-32 to hide its DOCTYPE from a scan that reads it as UTF-16 or Latin-1."""
    # UTF-32 first: its little-endian byte order mark starts with UTF-16's.
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith(b"<\x00\x00\x00"):
        return "utf-32-le"
    if head.startswith(b"\x00\x00\x00<"):
        return "utf-32-be"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith(b"<\x00"):
        return "utf-16-le"
    if head.startswith(b"\x00<"):
        return "utf-16-be"
    # Latin-1 maps every byte to one character, so ASCII markers are found in
    # UTF-8 data (or anything else) without a decoding error.
    return "latin-1"

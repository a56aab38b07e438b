"""Reading an uploaded UN document: PDF or Word (.docx), told apart by their first bytes."""

from __future__ import annotations

import io
from typing import BinaryIO

from django.utils.translation import gettext as _

from .document_limits import (
    DEFAULT_LIMITS,
    REASON_EMPTY,
    REASON_UNSUPPORTED,
    DocumentLimits,
    DocumentRefused,
    refuse_too_large,
)
from .document_text import DocumentText
from .docx_text import extract_docx_text
from .pdf_text import extract_pdf_text

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary Office files (.doc)
# The PDF header may follow some junk bytes; readers look for it in the first kilobyte.
_PDF_HEADER_WINDOW = 1024
_CHUNK_BYTES = 1024 * 1024


def read_bounded(fileobj: BinaryIO, limits: DocumentLimits = DEFAULT_LIMITS) -> bytes:
    """All the bytes of the file, refusing an empty file or one over ``limits.max_bytes``.

    Both formats need random access, so the file is read whole, but never more than the limit
    plus one byte.
    """
    # In chunks: read(n) of a file allocates n bytes up front, whatever the file's size.
    chunks: list[bytes] = []
    size = 0
    while size <= limits.max_bytes and (chunk := fileobj.read(min(_CHUNK_BYTES, limits.max_bytes + 1 - size))):
        chunks.append(chunk)
        size += len(chunk)
    data = b"".join(chunks)
    if len(data) > limits.max_bytes:
        raise refuse_too_large(_total_size(fileobj, len(data)), limits)
    if not data.strip():
        raise DocumentRefused(REASON_EMPTY, _("The file is empty."))
    return data


def _total_size(fileobj: BinaryIO, read: int) -> int:
    """The file's size for the message, without reading the rest of it when it can be asked."""
    try:
        return max(read, fileobj.seek(0, io.SEEK_END))
    except (OSError, ValueError, AttributeError):
        return read


def is_pdf(data: bytes) -> bool:
    return PDF_MAGIC in data[:_PDF_HEADER_WINDOW]


def read_document(fileobj: BinaryIO, *, limits: DocumentLimits = DEFAULT_LIMITS) -> DocumentText:
    """The text of a PDF or Word UN document; DocumentRefused when it cannot be read safely."""
    return read_document_bytes(read_bounded(fileobj, limits), limits=limits)


def read_document_bytes(data: bytes, *, limits: DocumentLimits = DEFAULT_LIMITS) -> DocumentText:
    if data.startswith(ZIP_MAGIC):
        return extract_docx_text(data, limits=limits)
    if is_pdf(data):
        return extract_pdf_text(data, limits=limits)
    if data.startswith(OLE_MAGIC):
        raise DocumentRefused(
            REASON_UNSUPPORTED,
            _("The file is an old Word .doc document, which cannot be read; open it in Word and save it as .docx."),
        )
    raise DocumentRefused(
        REASON_UNSUPPORTED,
        _("The file is neither a PDF nor a Word (.docx) document, so it cannot be read as a UN document."),
    )

"""Limits on the UN documents an import reads, and the refusal a document gets when it breaks one.

A PDF or Word file is untrusted input: a few kilobytes can ask for gigabytes of memory (a
compressed stream that inflates hugely), thousands of pages, or minutes of work. Every reader in
this package takes a ``DocumentLimits`` and raises ``DocumentRefused`` with a reason code (for
tests and logs) and a message for the user (translated, saying what was wrong and, where there is
one, what to do about it).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .records import ImportFormatError

# Reason codes of DocumentRefused, stable for tests, logs and metrics.
REASON_EMPTY = "empty"
REASON_TOO_LARGE = "too_large"
REASON_TOO_MANY_PAGES = "too_many_pages"
REASON_ENCRYPTED = "encrypted"
REASON_BOMB = "decompression_bomb"
REASON_TIMEOUT = "timeout"
REASON_DAMAGED = "damaged"
REASON_NO_TEXT = "no_text"
REASON_UNSAFE_XML = "unsafe_xml"
REASON_UNSUPPORTED = "unsupported"


@dataclass(frozen=True)
class DocumentLimits:
    """How much a single document may cost to read.

    The defaults leave ample room for real UN documents (a UPR Working Group report is 20-40
    pages and under 1 MB; the longest concluding observations about 25 pages) while keeping a
    hostile file to seconds and tens of megabytes.
    """

    # Size of the uploaded file itself.
    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 500
    # Wall-clock budget for extracting the text (checked between pages and while a page is read).
    max_seconds: float = 60.0
    # Largest decompressed stream (a page's content stream, an XML part of a Word file).
    max_stream_bytes: int = 32 * 1024 * 1024
    # Largest amount of text kept from the whole document.
    max_text_chars: int = 10_000_000


DEFAULT_LIMITS = DocumentLimits()


class DocumentRefused(ImportFormatError):
    """The document was not read: it is unsafe, too big or unreadable.

    ``reason`` is one of the ``REASON_*`` codes; ``str(error)`` is the message for the user,
    already translated in the language active when the error was raised.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def format_megabytes(size: int) -> str:
    """A size for messages: "50 MB", or "380 KB" under a megabyte."""
    if size < 1024 * 1024:
        # Translators: a size in kilobytes, e.g. "380 KB".
        return _("%(size)s KB") % {"size": f"{size / 1024:.0f}"}
    # Translators: a size in megabytes, e.g. "50 MB".
    return _("%(size)s MB") % {"size": f"{size / (1024 * 1024):.0f}"}


def refuse_too_large(size: int, limits: DocumentLimits) -> DocumentRefused:
    return DocumentRefused(
        REASON_TOO_LARGE,
        # Translators: %(size)s and %(max)s are sizes such as "50 MB".
        _("The document is %(size)s; documents of at most %(max)s are accepted.")
        % {"size": format_megabytes(size), "max": format_megabytes(limits.max_bytes)},
    )


def refuse_too_many_pages(pages: int, limits: DocumentLimits) -> DocumentRefused:
    return DocumentRefused(
        REASON_TOO_MANY_PAGES,
        ngettext(
            "The document has %(count)s page; documents of at most %(max)s pages are accepted.",
            "The document has %(count)s pages; documents of at most %(max)s pages are accepted.",
            pages,
        )
        % {"count": pages, "max": limits.max_pages},
    )


def refuse_bomb(limits: DocumentLimits) -> DocumentRefused:
    return DocumentRefused(
        REASON_BOMB,
        _(
            # Translators: %(max)s is a size such as "32 MB".
            "A compressed part of the document expands to more than %(max)s, far more than any real "
            "document needs (a possible decompression bomb); the file was refused for safety."
        )
        % {"max": format_megabytes(limits.max_stream_bytes)},
    )


class Deadline:
    """The time budget of one extraction; ``check()`` raises once it is spent."""

    def __init__(self, limits: DocumentLimits) -> None:
        self._limits = limits
        self._ends_at = time.monotonic() + limits.max_seconds

    def expired(self) -> bool:
        return time.monotonic() > self._ends_at

    def check(self) -> None:
        if self.expired():
            raise DocumentRefused(
                REASON_TIMEOUT,
                ngettext(
                    "Reading the document took longer than the %(seconds)s second allowed; it is too complex "
                    "or damaged.",
                    "Reading the document took longer than the %(seconds)s seconds allowed; it is too complex "
                    "or damaged.",
                    int(self._limits.max_seconds),
                )
                % {"seconds": f"{self._limits.max_seconds:g}"},
            )

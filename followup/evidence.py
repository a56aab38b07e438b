"""Evidence files: recognised by their content (never by the name or the browser's word), size
limited, stored through Django's storage API under a name of our own.

Accepted: PDF, PNG, JPEG, GIF, WebP, Office Open XML documents (Word, Excel, PowerPoint) without
macros, OpenDocument text/spreadsheet/presentation, and plain text or CSV in UTF-8. Refused with
the reason: anything else, including legacy binary Office files (they may carry macros: the
person is asked to save as .docx or PDF), macro-enabled documents, damaged archives.
"""

from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from followup.models import Evidence, ProgressUpdate
from tenants.models import User

MAX_FILES_PER_UPDATE = 20


class EvidenceRefused(Exception):
    """The file cannot be kept; ``str()`` says why, for the person who sent it."""


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str
    label: str


PDF = Kind("application/pdf", ".pdf", "PDF")
PNG = Kind("image/png", ".png", "PNG")
JPEG = Kind("image/jpeg", ".jpg", "JPEG")
GIF = Kind("image/gif", ".gif", "GIF")
WEBP = Kind("image/webp", ".webp", "WebP")
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "Word")
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "Excel")
PPTX = Kind("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx", "PowerPoint")
ODF = {
    b"application/vnd.oasis.opendocument.text": Kind("application/vnd.oasis.opendocument.text", ".odt", "ODT"),
    b"application/vnd.oasis.opendocument.spreadsheet": Kind(
        "application/vnd.oasis.opendocument.spreadsheet", ".ods", "ODS"
    ),
    b"application/vnd.oasis.opendocument.presentation": Kind(
        "application/vnd.oasis.opendocument.presentation", ".odp", "ODP"
    ),
}
TEXT = Kind("text/plain", ".txt", "text")
CSV = Kind("text/csv", ".csv", "CSV")
OOXML_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}
MAX_ZIP_MEMBERS = 10_000
# The largest part of a zip-based file read to recognise it (a tiny compressed part may expand hugely).
MAX_PART_BYTES = 1024 * 1024


def accepted_types() -> str:
    return "PDF, PNG, JPEG, GIF, WebP, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), ODT, ODS, ODP, TXT, CSV"


def recognise(fileobj, name: str) -> Kind:
    """What the file is, from its first bytes (and, for zip-based formats, its parts)."""
    fileobj.seek(0)
    head = fileobj.read(8192)
    fileobj.seek(0)
    if not head:
        raise EvidenceRefused(_("The file “%(name)s” is empty.") % {"name": name})
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise EvidenceRefused(
            _(
                "“%(name)s” is an old-style Office file, which can carry macros. Save it as .docx, .xlsx "
                "or PDF and add it again."
            )
            % {"name": name}
        )
    if head.startswith(b"PK\x03\x04"):
        return _recognise_zip(fileobj, name)
    if b"\x00" not in head:
        try:
            head.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the end of the sample is fine.
            if error.start < len(head) - 4:
                raise EvidenceRefused(_unknown(name)) from None
        return CSV if PurePosixPath(name).suffix.lower() == ".csv" else TEXT
    raise EvidenceRefused(_unknown(name))


def _unknown(name: str) -> str:
    return _("“%(name)s” is not a kind of file that can be kept as evidence. Accepted: %(types)s.") % {
        "name": name,
        "types": accepted_types(),
    }


def _recognise_zip(fileobj, name: str) -> Kind:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.namelist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise EvidenceRefused(_unknown(name))
            lowered = {member.lower() for member in members}

            def read(member: str) -> bytes:
                if archive.getinfo(member).file_size > MAX_PART_BYTES:
                    raise EvidenceRefused(_unknown(name))
                return archive.read(member)

            if "mimetype" in members:
                kind = ODF.get(read("mimetype").strip())
                if kind is None:
                    raise EvidenceRefused(_unknown(name))
                if any(member.startswith("basic/") or member.startswith("scripts/") for member in lowered):
                    raise _macros(name)
                return kind
            if "[content_types].xml" in lowered:
                if any(member.endswith("vbaproject.bin") for member in lowered):
                    raise _macros(name)
                types = read("[Content_Types].xml") if "[Content_Types].xml" in members else b""
                if b"macroEnabled" in types:
                    raise _macros(name)
                for part, kind in OOXML_PARTS.items():
                    if part in lowered:
                        return kind
    except (zipfile.BadZipFile, KeyError, EOFError, ValueError, NotImplementedError):
        raise EvidenceRefused(_("“%(name)s” is damaged: it could not be read.") % {"name": name}) from None
    finally:
        fileobj.seek(0)
    raise EvidenceRefused(_unknown(name))


def _macros(name: str) -> EvidenceRefused:
    return EvidenceRefused(
        _("“%(name)s” contains macros, which are not accepted. Save it without macros (.docx, .xlsx) or as PDF.")
        % {"name": name}
    )


def clean_name(name: str, kind: Kind) -> str:
    """The name shown for the file: the uploader's base name without control characters, with the
    extension of what the file really is."""
    base = PurePosixPath(str(name).replace("\\", "/")).name
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip() or "evidence"
    stem = PurePosixPath(base).stem if PurePosixPath(base).suffix.lower() in _known_suffixes(kind) else base
    return f"{stem[:200]}{kind.extension}"


def _known_suffixes(kind: Kind) -> set[str]:
    return {kind.extension, ".jpeg"} if kind is JPEG else {kind.extension}


def check_size(size: int, name: str) -> None:
    limit = settings.NRTD_MAX_EVIDENCE_BYTES
    if size > limit:
        raise EvidenceRefused(
            _("“%(name)s” is %(size)s; evidence files may be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


@transaction.atomic
def evidence_add(*, update: ProgressUpdate, user: User, upload) -> Evidence:
    """Keep an uploaded file as evidence of ``update`` (which must still be editable)."""
    name = str(getattr(upload, "name", "") or "evidence")
    check_size(upload.size, name)
    locked = ProgressUpdate.objects.select_for_update().get(pk=update.pk)
    if not locked.editable:
        raise EvidenceRefused(_("Evidence can be added only while the update is a draft or has been returned."))
    if Evidence.objects.filter(update=locked).count() >= MAX_FILES_PER_UPDATE:
        raise EvidenceRefused(
            _("An update can have at most %(count)d evidence files.") % {"count": MAX_FILES_PER_UPDATE}
        )
    kind = recognise(upload, name)
    evidence = Evidence(
        state=update.state,
        update=locked,
        name=clean_name(name, kind),
        content_type=kind.content_type,
        size=upload.size,
        uploaded_by=user,
    )
    upload.seek(0)
    evidence.file.save(f"evidence{kind.extension}", upload, save=False)
    stored = evidence.file.name
    try:
        evidence.save()
    except Exception:
        # The row was not written: the file it would have named goes too.
        default_storage.delete(stored)
        raise
    _edited_by(locked, user)
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, user: User | None = None) -> None:
    locked = ProgressUpdate.objects.select_for_update().get(pk=evidence.update_id)
    if not locked.editable:
        raise EvidenceRefused(_("Evidence can be removed only while the update is a draft or has been returned."))
    name = evidence.file.name
    evidence.delete()
    _edited_by(locked, user)
    delete_files_on_commit([name])


def _edited_by(update: ProgressUpdate, user: User | None) -> None:
    """Evidence is part of what is reviewed: whoever changes it counts as an editor of the update
    (four-eyes review). Nothing is written when they already do."""
    if user is not None and user.pk not in (update.author_id, update.last_edited_by_id):
        ProgressUpdate.objects.filter(pk=update.pk).update(last_edited_by=user)


def delete_files_on_commit(names: list[str]) -> None:
    def delete():
        for name in names:
            if name:
                default_storage.delete(name)

    transaction.on_commit(delete)

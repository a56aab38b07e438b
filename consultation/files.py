"""Files sent with messages and submissions, checked exactly as evidence is (followup.evidence):
recognised by their content, macros and unknown kinds refused with the reason, size limited,
stored through Django's storage API under a name of our own."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from followup.evidence import EvidenceRefused, Kind, check_size, clean_name, recognise

MAX_ATTACHMENTS = 10

__all__ = ["MAX_ATTACHMENTS", "Checked", "EvidenceRefused", "check_all", "delete_on_commit", "store"]


@dataclass(frozen=True)
class Checked:
    """An upload that passed the checks: what it is, and the name to show."""

    upload: object
    kind: Kind
    name: str
    size: int


def check(upload) -> Checked:
    name = str(getattr(upload, "name", "") or "file")
    check_size(upload.size, name)
    kind = recognise(upload, name)
    upload.seek(0)
    return Checked(upload=upload, kind=kind, name=clean_name(name, kind), size=upload.size)


def check_all(uploads, *, limit: int = MAX_ATTACHMENTS) -> list[Checked]:
    """Every file checked before anything is written (EvidenceRefused names the first refused)."""
    uploads = [upload for upload in uploads or [] if upload]
    if len(uploads) > limit:
        raise EvidenceRefused(_("Send at most %(count)d files at once.") % {"count": limit})
    return [check(upload) for upload in uploads]


def delete_on_commit(names: list[str]) -> None:
    def delete():
        for name in names:
            if name:
                default_storage.delete(name)

    transaction.on_commit(delete)


def store(row, checked: Checked, stem: str) -> None:
    """Save the checked file into ``row.file`` and the row itself; the file goes if the row cannot
    be written."""
    checked.upload.seek(0)
    row.file.save(f"{stem}{checked.kind.extension}", checked.upload, save=False)
    stored = row.file.name
    try:
        row.save()
    except Exception:
        default_storage.delete(stored)
        raise

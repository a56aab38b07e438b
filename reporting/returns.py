"""Information request packs brought back: a filled workbook (or Word document) becomes draft
progress updates of its entity.

``pack_return_read`` opens the upload safely (imports.parsers.safety's checks; openpyxl in
read-only mode, python-docx), finds the pack's signed reference (reporting.documents.packs:
State, entity, request) and reads every answered row: one answer per row (status, what was done,
evidence and difficulties appended to it, the date, and whether it goes to the related
recommendations too), and the rows it could not read, each with the reason. A file of another
State, without a reference or with one altered is refused whole (``ReturnRefused``).

``pack_return_record`` keeps what was read as a ``PackReturn`` (a preview); ``pack_return_plan``
says what each answer would do now (a new draft, a change to the draft an earlier upload made,
nothing, or why not), checking that the entity is still responsible for the recommendation;
``pack_return_apply`` does it in one transaction. ``PackAnswer`` remembers, per request, entity
and recommendation, the draft an answer became and the answer's digest: the same file again
changes nothing, a corrected one edits the same drafts (while they are drafts: a submitted one is
the entity's and the secretariat's to handle in the workspace).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import re
import zipfile
from dataclasses import asdict, dataclass, field
from typing import BinaryIO

import docx
import openpyxl
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from openpyxl.utils.datetime import from_excel

from followup.models import ProgressUpdate
from followup.workflow import updates_create_drafts, updates_edit_drafts
from imports.parsers.records import ImportFormatError
from imports.parsers.safety import check_zip_safety
from nrtd.db import update_by_id
from recommendations.models import Entity, ImplementationStatus, Recommendation
from reporting.documents.common import reference
from reporting.documents.packs import COLUMNS, FILLED, pack_token_read
from reporting.models import PackAnswer, PackReturn, ReportDraft
from tenants.models import State, User

MAX_BYTES = 20 * 1024 * 1024  # a workbook of thousands of answers is a few megabytes
MAX_ROWS = 20_000
# What a signed reference looks like (django.core.signing: payload, timestamp, signature), to try
# only such cells.
_TOKEN = re.compile(r"\.?[A-Za-z0-9_-]{8,}:[A-Za-z0-9_-]{4,}:[A-Za-z0-9_-]{20,}")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d")

Action = str  # "create", "update", "unchanged", "refused"


class ReturnRefused(Exception):
    """A file that cannot be brought back at all; ``str()`` says why, to the person who sent it."""


@dataclass
class Answer:
    """One answered row, as read."""

    place: str  # "row:5", "table:3": where the person finds it (``place_label``)
    id: int
    written: str  # the reference the row gives
    status: str
    narrative: str
    reported_on: str  # ISO date, or "" when the row gives none
    to_group: bool
    digest: str = ""

    def __post_init__(self) -> None:
        if not self.digest:
            values = [self.status, self.narrative, self.reported_on]
            self.digest = hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()


@dataclass
class Reading:
    request: ReportDraft
    entity: Entity
    answers: list[Answer]
    problems: list[dict]  # {"place", "reference", "message"}
    unanswered: int
    digest: str


@dataclass
class Step:
    """What one answer does to one recommendation."""

    place: str
    recommendation_id: int
    reference: str
    action: Action
    message: str = ""
    via_group: bool = False
    answer: Answer | None = None
    existing: PackAnswer | None = field(default=None, repr=False)


# --- Reading ------------------------------------------------------------------------------------


def _statuses() -> dict[str, str]:
    """Every way a status may be written: its label in each language (as the list offers it, with
    its commas dropped) and its code, folded."""
    known = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for value, label in ImplementationStatus.choices:
                for text in (str(label), str(label).replace(",", " ")):
                    known[_fold(text)] = value
    for value in ImplementationStatus.values:
        known[_fold(value)] = value
        known[_fold(value.replace("_", " "))] = value
    return known


def _yes_no() -> tuple[set[str], set[str]]:
    yes, no = {"y", "1", "x", "true"}, {"n", "0", "false"}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            yes.add(_fold(_("yes")))
            no.add(_fold(_("no")))
    return yes, no


def place_label(place: str) -> str:
    """Where an answer is, as the person finds it: "row 5" of the workbook, "table 3" of the document."""
    kind, _colon, number = place.partition(":")
    if kind == "table":
        return _("table %(number)s") % {"number": number}
    return _("row %(number)s") % {"number": number}


def _fold(value: str) -> str:
    return " ".join(value.split()).casefold()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value) -> tuple[str, str]:
    """The ISO date a cell gives, and the problem with it ("" when none)."""
    if value in (None, ""):
        return "", ""
    day = None
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    elif isinstance(value, (int, float)) and 20_000 < value < 80_000:  # an Excel serial not formatted as a date
        day = from_excel(value).date()
    else:
        text = _text(value)
        for pattern in _DATE_FORMATS:
            try:
                day = datetime.datetime.strptime(text[:10], pattern).date()
                break
            except ValueError:
                continue
        if day is None:
            return "", _("“%(value)s” is not a date: write it as 2026-03-31.") % {"value": text[:40]}
    if day > timezone.localdate():
        return "", _("The date %(date)s is in the future: give the day the information is true on.") % {
            "date": day.isoformat()
        }
    return day.isoformat(), ""


class _Reader:
    """Turns the cells of one answer into an ``Answer``, or a problem."""

    def __init__(self, language: str) -> None:
        self.statuses = _statuses()
        self.yes, self.no = _yes_no()
        self.choices = ", ".join(str(label) for _value, label in ImplementationStatus.choices)
        with translation.override(language):
            self.evidence_label = _("Evidence:")
            self.difficulties_label = _("Difficulties and support needed:")
        self.answers: list[Answer] = []
        self.problems: list[dict] = []
        self.unanswered = 0
        self.seen: dict[int, str] = {}

    def problem(self, place: str, written: str, message: str) -> None:
        self.problems.append({"place": place, "reference": written, "message": message})

    def read(self, place: str, raw_id, written: str, cells: dict) -> None:
        if not any(_text(cells.get(key)) for key in FILLED if key != "to_group"):
            if _text(raw_id):
                self.unanswered += 1
            return
        text_id = _text(raw_id)
        if not text_id.isdigit():
            self.problem(
                place, written, _("No recommendation id in the column “Id”: the answer cannot be matched to one.")
            )
            return
        pk = int(text_id)
        if pk in self.seen:
            self.problem(
                place,
                written,
                _("The same recommendation is answered in %(first)s: only that first answer is read.")
                % {"first": place_label(self.seen[pk])},
            )
            return
        self.seen[pk] = place
        status_text = _text(cells.get("status"))
        status = self.statuses.get(_fold(status_text))
        if not status_text:
            self.problem(place, written, _("No implementation status: choose one of the list."))
            return
        if status is None:
            self.problem(
                place,
                written,
                _("“%(value)s” is not an implementation status: choose one of %(choices)s.")
                % {"value": status_text[:60], "choices": self.choices},
            )
            return
        done = _text(cells.get("narrative"))
        if not done:
            self.problem(place, written, _("“What was done” is empty: say what was done."))
            return
        reported_on, trouble = _date(cells.get("reported_on"))
        if trouble:
            self.problem(place, written, trouble)
            return
        group_text = _fold(_text(cells.get("to_group")))
        if group_text and group_text not in self.yes and group_text not in self.no:
            self.problem(
                place,
                written,
                _("“%(value)s”: say yes or no to the same answer for the related recommendations.")
                % {"value": group_text[:20]},
            )
            return
        narrative = done
        evidence, difficulties = _text(cells.get("evidence")), _text(cells.get("difficulties"))
        if evidence:
            narrative += f"\n\n{self.evidence_label} {evidence}"
        if difficulties:
            narrative += f"\n\n{self.difficulties_label} {difficulties}"
        self.answers.append(
            Answer(
                place=place,
                id=pk,
                written=written,
                status=status,
                narrative=narrative,
                reported_on=reported_on,
                to_group=group_text in self.yes,
            )
        )


def _find_token(values) -> dict | None:
    for value in values:
        if isinstance(value, str) and len(value) < 500:
            for candidate in _TOKEN.findall(value):
                data = pack_token_read(candidate)
                if data is not None:
                    return data
    return None


def _open_xlsx(content: bytes):
    try:
        return openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise ReturnRefused(_("The workbook could not be opened: %(reason)s") % {"reason": str(error)[:200]}) from None


def _xlsx_token(workbook) -> dict | None:
    # The reference is on the "About" sheet; look there first (the request sheet is the long one).
    for sheet in [*workbook.worksheets[1:], *workbook.worksheets[:1]]:
        found = _find_token(value for row in sheet.iter_rows(values_only=True, max_row=200) for value in row)
        if found:
            return found
    return None


def _xlsx_rows(workbook, reader: _Reader) -> None:
    sheet = workbook.worksheets[0]
    positions = {name: index for index, name in enumerate(COLUMNS)}
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if number > MAX_ROWS + 1:
            raise ReturnRefused(
                _("The workbook has more than %(count)s rows: is it a request pack?") % {"count": MAX_ROWS}
            )
        row = tuple(row) + (None,) * (len(COLUMNS) - len(row))
        cells = {name: row[index] for name, index in positions.items()}
        place = f"row:{number}"
        reader.read(place, cells["id"], _text(cells["reference"]), cells)


def _docx_blocks(document):
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            yield Paragraph(element, document)
        elif element.tag == qn("w:tbl"):
            yield Table(element, document)


def _docx_rows(document, reader: _Reader, language: str, references: dict[str, int]) -> None:
    """Each recommendation's table to fill, found by its caption ("To fill: <reference>")."""
    with translation.override(language):
        prefix = _("To fill: %(reference)s") % {"reference": "\x00"}
    prefix = prefix.split("\x00")[0]
    caption = ""
    count = 0
    for block in _docx_blocks(document):
        if isinstance(block, Paragraph):
            caption = block.text.strip()
            continue
        if not caption.startswith(prefix):
            continue
        count += 1
        written = caption[len(prefix) :].strip()
        answers = [row.cells[-1].text if row.cells else "" for row in block.rows[1:]]
        keys = ("status", "narrative", "evidence", "reported_on", "difficulties", "to_group")
        answers = (answers + [""] * len(keys))[: len(keys)]
        cells = dict(zip(keys, answers, strict=True))
        place = f"table:{count}"
        pk = references.get(written)
        reader.read(place, str(pk) if pk else "", written, cells)
        caption = ""


def pack_return_read(*, state: State, fileobj: BinaryIO, filename: str) -> Reading:
    """Read a filled pack (inside the State's context). ReturnRefused when it cannot be brought back."""
    content = fileobj.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise ReturnRefused(_("The file is larger than %(size)s MB: is it a request pack?") % {"size": MAX_BYTES >> 20})
    try:
        check_zip_safety(io.BytesIO(content), max_uncompressed_bytes=20 * MAX_BYTES)
    except ImportFormatError as error:
        raise ReturnRefused(str(error)) from None
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = set(archive.namelist())
    if "xl/workbook.xml" in names:
        kind, workbook, document = "xlsx", _open_xlsx(content), None
        token = _xlsx_token(workbook)
    elif "word/document.xml" in names:
        kind, workbook = "docx", None
        try:
            document = docx.Document(io.BytesIO(content))
        except Exception as error:  # python-docx raises many kinds on a damaged file
            raise ReturnRefused(
                _("The document could not be opened: %(reason)s") % {"reason": str(error)[:200]}
            ) from None
        token = _find_token(p.text for p in document.paragraphs)
    else:
        raise ReturnRefused(_("This is neither an Excel workbook nor a Word document of a request pack."))
    try:
        if token is None:
            raise ReturnRefused(
                _(
                    "This file carries no reference of a request (or its reference was changed): send back the "
                    "workbook or document the secretariat sent, with your answers in it."
                )
            )
        if token["s"] != state.pk:
            raise ReturnRefused(_("This file is a request of another State: it cannot be brought back here."))
        request = ReportDraft.objects.filter(pk=token["r"], kind=ReportDraft.Kind.INFORMATION_REQUEST).first()
        if request is None:
            raise ReturnRefused(_("The request this file answers is no longer recorded."))
        entity = Entity.objects.filter(pk=token["e"]).first()
        if entity is None:
            raise ReturnRefused(_("The entity this file was sent to no longer exists."))
        reader = _Reader(request.language)
        if kind == "xlsx":
            _xlsx_rows(workbook, reader)
        else:
            references = {
                reference(r["symbol"], r["paragraph"], r["pk"]): r["pk"]
                for r in _responsible(entity, request).values("pk", "symbol", "paragraph")
            }
            _docx_rows(document, reader, request.language, references)
    finally:
        if workbook is not None:
            workbook.close()
    return Reading(
        request=request,
        entity=entity,
        answers=reader.answers,
        problems=reader.problems,
        unanswered=reader.unanswered,
        digest=hashlib.sha256(content).hexdigest(),
    )


# --- Recording, planning, applying --------------------------------------------------------------


def _responsible(entity: Entity, request: ReportDraft):
    """The recommendations the request may ask the entity about now: those it leads or supports
    (of the request's mechanism, if it named one)."""
    recommendations = Recommendation.objects.filter(
        Q(lead_entity=entity) | Q(supporting_entity_ids__contains=[entity.pk])
    )
    if request.parameters.get("mechanism"):
        recommendations = recommendations.filter(mechanism_id=request.parameters["mechanism"])
    return recommendations


@transaction.atomic
def pack_return_record(*, state: State, user: User, reading: Reading, filename: str) -> PackReturn:
    """Keep what a filled pack says, as a preview (nothing else changes)."""
    return PackReturn.objects.create(
        state=state,
        request=reading.request,
        entity=reading.entity,
        filename=filename[:255],
        digest=reading.digest,
        rows=[asdict(answer) for answer in reading.answers],
        problems=reading.problems,
        unanswered=reading.unanswered,
        uploaded_by=user,
    )


def pack_return_plan(*, pack_return: PackReturn) -> list[Step]:
    """What each answer would do now, in the order of the file; an answer given to its related
    recommendations is a step for each of them too. A fixed number of queries."""
    answers = [Answer(**row) for row in pack_return.rows]
    entity, request = pack_return.entity, pack_return.request
    ids = {answer.id for answer in answers}
    found = {
        r["pk"]: r
        for r in Recommendation.objects.filter(pk__in=ids).values(
            "pk", "symbol", "paragraph", "mechanism_id", "lead_entity_id", "supporting_entity_ids", "related_group_id"
        )
    }
    mechanism = request.parameters.get("mechanism")

    def responsible(row) -> bool:
        return row["lead_entity_id"] == entity.pk or entity.pk in row["supporting_entity_ids"]

    groups = {found[a.id]["related_group_id"] for a in answers if a.to_group and a.id in found} - {None}
    members: dict[int, list[dict]] = {}
    if groups:
        for row in (
            Recommendation.objects.filter(related_group_id__in=groups)
            .order_by("symbol", "paragraph", "pk")
            .values("pk", "symbol", "paragraph", "lead_entity_id", "supporting_entity_ids", "related_group_id")
        ):
            members.setdefault(row["related_group_id"], []).append(row)

    steps: list[Step] = []
    explicit = {a.id for a in answers if a.id in found}
    taken: set[int] = set()
    for answer in answers:
        row = found.get(answer.id)
        if row is None or not responsible(row) or (mechanism and row["mechanism_id"] != mechanism):
            steps.append(
                Step(
                    answer.place,
                    answer.id,
                    answer.written,
                    "refused",
                    _(
                        "This recommendation (id %(id)s) is not one %(entity)s was asked about: the row may come "
                        "from another entity's workbook."
                    )
                    % {"id": answer.id, "entity": entity},
                )
            )
            continue
        actual = reference(row["symbol"], row["paragraph"], row["pk"])
        if answer.written and _fold(answer.written) != _fold(actual):
            steps.append(
                Step(
                    answer.place,
                    answer.id,
                    answer.written,
                    "refused",
                    _(
                        "The id %(id)s is %(actual)s, but the row says %(written)s: was the row changed? Correct "
                        "the id or the reference."
                    )
                    % {"id": answer.id, "actual": actual, "written": answer.written},
                )
            )
            continue
        taken.add(answer.id)
        steps.append(Step(answer.place, answer.id, actual, "create", answer=answer))
        if answer.to_group:
            for member in members.get(row["related_group_id"], []):
                if member["pk"] == answer.id or member["pk"] in explicit or member["pk"] in taken:
                    continue  # its own row, or an answer already given, comes first
                if not responsible(member):
                    continue  # another entity's to answer
                taken.add(member["pk"])
                steps.append(
                    Step(
                        answer.place,
                        member["pk"],
                        reference(member["symbol"], member["paragraph"], member["pk"]),
                        "create",
                        via_group=True,
                        answer=answer,
                    )
                )

    existing = {
        a.recommendation_id: a
        for a in PackAnswer.objects.filter(
            request=request, entity=entity, recommendation_id__in=[s.recommendation_id for s in steps]
        ).select_related("update")
    }
    editable = {ProgressUpdate.Status.DRAFT, ProgressUpdate.Status.RETURNED}
    for step in steps:
        if step.action != "create":
            continue
        previous = existing.get(step.recommendation_id)
        if previous is None:
            continue
        step.existing = previous
        if previous.digest == step.answer.digest:
            step.action = "unchanged"
        elif previous.update.status in editable:
            step.action = "update"
        else:
            step.action = "refused"
            step.message = _(
                "The draft an earlier upload made has been submitted (%(status)s): change it in the workspace, "
                "not by a new upload."
            ) % {"status": previous.update.get_status_display()}
    return steps


@transaction.atomic
def pack_return_apply(*, pack_return: PackReturn, user: User) -> PackReturn:
    """Turn a previewed pack into draft progress updates of its entity: new drafts, corrections of
    the drafts earlier uploads made, nothing for what has not changed. Applying twice does it once.
    Applies of the same request wait for each other (its row is locked)."""
    ReportDraft.objects.select_for_update().filter(pk=pack_return.request_id).first()
    current = PackReturn.objects.select_for_update().select_related("entity", "request").get(pk=pack_return.pk)
    if current.status == PackReturn.Status.APPLIED:
        return current
    steps = pack_return_plan(pack_return=current)
    today = timezone.localdate()
    state, entity, request = current.state, current.entity, current.request

    creating = [s for s in steps if s.action == "create"]
    created = updates_create_drafts(
        state=state,
        user=user,
        entity=entity,
        drafts=[
            (
                s.recommendation_id,
                {
                    "implementation_status": s.answer.status,
                    "narrative": s.answer.narrative,
                    "reported_on": datetime.date.fromisoformat(s.answer.reported_on) if s.answer.reported_on else today,
                },
            )
            for s in creating
        ],
    )
    PackAnswer.objects.bulk_create(
        PackAnswer(
            state=state,
            request=request,
            entity=entity,
            recommendation_id=step.recommendation_id,
            update=update,
            digest=step.answer.digest,
            pack_return=current,
        )
        for step, update in zip(creating, created, strict=True)
    )
    editing = [s for s in steps if s.action == "update"]
    saved = updates_edit_drafts(
        user=user,
        edits=[
            (
                s.existing.update_id,
                s.existing.update.version,
                {
                    "implementation_status": s.answer.status,
                    "narrative": s.answer.narrative,
                    **(
                        {"reported_on": datetime.date.fromisoformat(s.answer.reported_on)}
                        if s.answer.reported_on
                        else {}
                    ),
                },
            )
            for s in editing
        ],
    )
    now = timezone.now()
    corrected = []
    for step in editing:
        if step.existing.update_id in saved:
            corrected.append((step.existing.pk, step.answer.digest, current.pk, now))
        else:
            step.action = "refused"
            step.message = _("Someone changed this draft while the file was read: bring the file back again.")
    update_by_id(
        PackAnswer._meta.db_table,
        ["digest", "pack_return_id", "updated_at"],
        corrected,
        types=["varchar", "bigint", "timestamptz"],
    )
    updates_of = {step.recommendation_id: update.pk for step, update in zip(creating, created, strict=True)}
    outcome = [
        {
            "place": step.place,
            "reference": step.reference,
            "action": step.action,
            "message": step.message,
            "via_group": step.via_group,
            "status": step.answer.status if step.answer else "",
            "narrative": step.answer.narrative if step.answer else "",
            "update": None
            if step.action == "refused"
            else updates_of.get(step.recommendation_id) or (step.existing.update_id if step.existing else None),
        }
        for step in steps
    ]
    counts = {
        action: sum(1 for s in steps if s.action == action) for action in ("create", "update", "unchanged", "refused")
    }
    PackReturn.objects.filter(pk=current.pk).update(
        status=PackReturn.Status.APPLIED,
        applied_at=timezone.now(),
        outcome=outcome,
        created=counts["create"],
        updated=counts["update"],
        unchanged=counts["unchanged"],
        refused=counts["refused"],
    )
    return PackReturn.objects.select_related("entity", "request", "uploaded_by").get(pk=current.pk)

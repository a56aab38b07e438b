"""Information request packs: for each entity, its recommendations, what it reported last time, and
a table to fill by the deadline, as Word and as Excel, all in one zip.

``packs_gather`` reads everything for every entity asked in a fixed number of queries (inside the
State's context); ``pack_docx`` and ``pack_xlsx`` write one entity's files without the database.

Each pack carries a signed reference (``pack_token``: the State, the entity and the request, signed
with the site's secret key by ``django.core.signing``), so that the filled workbook can be brought
back (reporting.returns): the reference says whose answers they are, and a workbook of another
State or altered by hand is refused. The columns to fill are at fixed places (``COLUMNS``).
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core import signing
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from followup.models import ProgressUpdate
from recommendations.models import Entity, ImplementationStatus, Mechanism, Recommendation
from reporting.documents.common import (
    RTL_LANGUAGES,
    TEXT_COLUMNS,
    Text,
    cluster_names,
    date_label,
    natural_key,
    position_label,
    reference,
    safe_stem,
    status_label,
    text_in,
)
from reporting.documents.wordml import Run, WordDocument

COUNTED = [ProgressUpdate.Status.VALIDATED, ProgressUpdate.Status.PUBLISHED]
SIGNING_NAMESPACE = "nrtd.reporting.pack"

# The request sheet's columns, in order: what reporting.returns reads back by position.
COLUMNS = (
    "number",
    "id",
    "reference",
    "mechanism",
    "text",
    "position",
    "cluster",
    "role",
    "status_now",
    "last_on",
    "last_status",
    "last_narrative",
    "status",  # M: to fill
    "narrative",
    "evidence",
    "reported_on",
    "difficulties",
    "related",  # R: the related recommendations the entity is responsible for too
    "to_group",  # S: to fill, "yes" to give them the same answer
)
FILLED = ("status", "narrative", "evidence", "reported_on", "difficulties", "to_group")


def column_letter(name: str) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[COLUMNS.index(name)]


def pack_token(*, state_id: int, entity_id: int, request_id: int) -> str:
    """The signed reference of one entity's pack of a request."""
    return signing.dumps({"s": state_id, "e": entity_id, "r": request_id}, salt=SIGNING_NAMESPACE, compress=True)


def pack_token_read(value: object) -> dict | None:
    """The ids a reference names, or None when it is not one of ours (or was altered)."""
    if not isinstance(value, str) or len(value) > 500:
        return None
    try:
        data = signing.loads(value.strip(), salt=SIGNING_NAMESPACE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(key), int) for key in ("s", "e", "r")):
        return None
    return data


@dataclass
class PackItem:
    number: int
    pk: int
    reference: str
    mechanism: str
    text: Text
    position: str
    cluster: str
    lead: bool
    status: str
    last_on: datetime.date | None = None
    last_status: str = ""
    last_narrative: str = ""
    # The other recommendations of its confirmed group the entity is responsible for too.
    related: list[str] = field(default_factory=list)


@dataclass
class Pack:
    entity_id: int
    entity: str
    stem: str
    token: str = ""
    items: list[PackItem] = field(default_factory=list)


@dataclass
class PacksData:
    state_name: str
    deadline: datetime.date
    instructions: str
    language: str
    packs: list[Pack]


def packs_gather(
    *,
    state,
    entity_ids: list[int],
    mechanism_id: int | None,
    deadline: datetime.date,
    instructions: str,
    language: str,
    request_id: int = 0,
) -> PacksData:
    """Everything the packs say (call inside ``state_context`` and ``translation.override``).
    ``request_id``: the draft the packs are, named in each pack's signed reference."""
    entities = list(Entity.objects.filter(pk__in=entity_ids).order_by("name", "pk"))
    chosen = [entity.pk for entity in entities]
    recommendations = Recommendation.objects.filter(
        Q(lead_entity_id__in=chosen) | Q(supporting_entity_ids__overlap=chosen or [0])
    )
    if mechanism_id:
        recommendations = recommendations.filter(mechanism_id=mechanism_id)
    rows = list(
        recommendations.order_by().values(
            "pk",
            "symbol",
            "paragraph",
            "mechanism_id",
            "position",
            "primary_cluster_id",
            "cluster_ids",
            "lead_entity_id",
            "supporting_entity_ids",
            "implementation_status",
            "related_group_id",
            *TEXT_COLUMNS,
        )
    )
    mechanisms = {m.pk: m.name for m in Mechanism.objects.filter(pk__in={row["mechanism_id"] for row in rows})}
    group_ids = {row["related_group_id"] for row in rows} - {None}
    # Every member of those groups (of any mechanism): an answer may be given to them all.
    members: dict[int, list[dict]] = defaultdict(list)
    if group_ids:
        for member in (
            Recommendation.objects.filter(related_group_id__in=group_ids)
            .order_by()
            .values("pk", "symbol", "paragraph", "related_group_id", "lead_entity_id", "supporting_entity_ids")
        ):
            members[member["related_group_id"]].append(member)
    clusters = cluster_names()
    last: dict[tuple[int, int], dict] = {}
    for update in (
        ProgressUpdate.objects.filter(
            entity_id__in=chosen, recommendation_id__in=recommendations.values("pk"), status__in=COUNTED
        )
        .order_by("entity_id", "recommendation_id", "-reported_on", "-reviewed_at", "-pk")
        .distinct("entity_id", "recommendation_id")
        .values("entity_id", "recommendation_id", "reported_on", "implementation_status", "narrative")
    ):
        last[(update["entity_id"], update["recommendation_id"])] = update

    rows.sort(
        key=lambda r: (
            mechanisms.get(r["mechanism_id"], ""),
            natural_key(r["symbol"]),
            natural_key(r["paragraph"]),
            r["pk"],
        )
    )
    per_entity: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        responsible = set(row["supporting_entity_ids"])
        if row["lead_entity_id"]:
            responsible.add(row["lead_entity_id"])
        for entity_id in responsible:
            per_entity[entity_id].append(row)

    packs = []
    stems: set[str] = set()
    for entity in entities:
        stem = safe_stem(str(entity), f"entity-{entity.pk}")
        if stem in stems:
            stem = f"{stem}-{entity.pk}"
        stems.add(stem)
        token = pack_token(state_id=state.pk, entity_id=entity.pk, request_id=request_id)
        pack = Pack(entity_id=entity.pk, entity=str(entity), stem=stem, token=token)
        for number, row in enumerate(per_entity.get(entity.pk, []), start=1):
            cluster_id = row["primary_cluster_id"] or next(iter(row["cluster_ids"]), None)
            previous = last.get((entity.pk, row["pk"]))
            pack.items.append(
                PackItem(
                    number=number,
                    pk=row["pk"],
                    reference=reference(row["symbol"], row["paragraph"], row["pk"]),
                    mechanism=mechanisms.get(row["mechanism_id"], ""),
                    text=text_in(row, language),
                    position=position_label(row["position"]),
                    cluster=clusters.get(cluster_id, (0, ""))[1],
                    lead=row["lead_entity_id"] == entity.pk,
                    status=status_label(row["implementation_status"]),
                    last_on=previous["reported_on"] if previous else None,
                    last_status=status_label(previous["implementation_status"]) if previous else "",
                    last_narrative=previous["narrative"] if previous else "",
                    related=[
                        reference(m["symbol"], m["paragraph"], m["pk"])
                        for m in sorted(
                            members.get(row["related_group_id"], []),
                            key=lambda m: (natural_key(m["symbol"]), natural_key(m["paragraph"]), m["pk"]),
                        )
                        if m["pk"] != row["pk"]
                        and (m["lead_entity_id"] == entity.pk or entity.pk in m["supporting_entity_ids"])
                    ],
                )
            )
        packs.append(pack)
    return PacksData(
        state_name=state.name, deadline=deadline, instructions=instructions, language=language, packs=packs
    )


def _questions(has_last: bool, related: list[str]) -> list[str]:
    """The rows of the table to fill under a recommendation, in the order reporting.returns reads them."""
    statuses = ", ".join(str(label).lower() for _value, label in ImplementationStatus.choices)
    questions = [
        _("Implementation status (%(choices)s)") % {"choices": statuses},
        _("What was done since the last report") if has_last else _("What was done"),
        _("Evidence (documents, links, data)"),
        _("Information as of (date)"),
        _("Difficulties and support needed"),
    ]
    if related:
        questions.append(
            _("The same answer for the related recommendations %(references)s? (yes or no)")
            % {"references": "; ".join(related)}
        )
    return questions


def reference_label() -> str:
    return _("Reference of this request (do not change it):")


def pack_docx(data: PacksData, pack: Pack, *, author: str = "") -> bytes:
    doc = WordDocument(language=data.language, rtl=data.language in RTL_LANGUAGES)
    title = _("Request for information: %(entity)s") % {"entity": pack.entity}
    doc.title(title)
    doc.subtitle(data.state_name)
    doc.paragraph(Run(_("Please reply by %(date)s.") % {"date": date_label(data.deadline)}, bold=True))
    if data.instructions:
        doc.paragraph(data.instructions)
    doc.paragraph(
        _(
            "For each recommendation below, fill in the table under it (or the Excel workbook sent with this "
            "document) and return it to the secretariat by the deadline."
        )
    )
    leads = sum(item.lead for item in pack.items)
    doc.paragraph(
        ngettext(
            "Your entity leads %(lead)s and supports %(supporting)s of this %(total)s recommendation.",
            "Your entity leads %(lead)s and supports %(supporting)s of these %(total)s recommendations.",
            len(pack.items),
        )
        % {"lead": leads, "supporting": len(pack.items) - leads, "total": len(pack.items)}
    )
    if not pack.items:
        doc.paragraph(Run(_("No recommendation is assigned to your entity in this request."), italic=True))
    # The labels of the loop, translated once.
    position_l, cluster_l, role_l, status_l = (
        _("Position:"),
        _("Cluster:"),
        _("Role of your entity:"),
        _("Current status:"),
    )
    lead_l, supporting_l = _("Lead"), _("Supporting")
    last_l = _("Reported last time (%(date)s, %(status)s):")
    never = Run(_("Your entity has not reported on this recommendation yet."), italic=True)
    headers = [_("Question"), _("Your answer")]
    caption = _("To fill: %(reference)s")
    questions = {has_last: [[question, ""] for question in _questions(has_last, [])] for has_last in (False, True)}
    for item in pack.items:
        doc.heading(f"{item.number}. {item.reference} — {item.mechanism}", 2)
        runs = [Run(f"“{item.text.text}”")]
        if not item.text.translated:
            runs.append(Run(f" [{item.text.note}]", italic=True))
        doc.paragraph(runs)
        facts = [
            (position_l, item.position),
            (cluster_l, item.cluster or "—"),
            (role_l, lead_l if item.lead else supporting_l),
            (status_l, item.status),
        ]
        doc.paragraph([part for label, value in facts for part in (Run(label + " ", bold=True), f"{value}   ")])
        if item.last_on:
            label = last_l % {"date": date_label(item.last_on), "status": item.last_status}
            doc.paragraph([Run(label + " ", bold=True), item.last_narrative])
        else:
            doc.paragraph(never)
        rows = (
            [[question, ""] for question in _questions(bool(item.last_on), item.related)]
            if item.related
            else questions[bool(item.last_on)]
        )
        doc.table(headers, rows, caption=caption % {"reference": item.reference}, shares=(2, 3))
    if pack.token:
        doc.paragraph([Run(reference_label() + " ", italic=True), pack.token])
    return doc.save(title=title, author=author)


def _cell(sheet, value, *, bold: bool = False, wrap: bool = False):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a formula
    if bold:
        cell.font = Font(bold=True)
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def pack_xlsx(data: PacksData, pack: Pack) -> bytes:
    """One entity's workbook: a row per recommendation with the columns to fill (``COLUMNS``: a
    list of statuses, a date, yes or no for the related recommendations), and the request's
    signed reference on the "About" sheet."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Request")[:31])
    if data.language in RTL_LANGUAGES:
        sheet.sheet_view.rightToLeft = True
    headers = [
        _("No."),
        _("Id"),
        _("Recommendation"),
        _("Mechanism"),
        _("Text"),
        _("Position"),
        _("Cluster"),
        _("Role of your entity"),
        _("Current status"),
        _("Reported last time on"),
        _("Status reported last time"),
        _("Reported last time"),
        _("Implementation status (to fill)"),
        _("What was done (to fill)"),
        _("Evidence (to fill)"),
        _("Information as of (to fill)"),
        _("Difficulties and support needed (to fill)"),
        _("Related recommendations your entity is also responsible for"),
        _("The same answer for them? (yes or no, to fill)"),
    ]
    widths = (6, 8, 22, 22, 60, 14, 22, 14, 18, 14, 18, 50, 22, 50, 30, 16, 40, 26, 16)
    for column, width in zip("ABCDEFGHIJKLMNOPQRS", widths, strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "C2"
    last = len(pack.items) + 1
    sheet.auto_filter.ref = f"A1:S{last}"
    labels = [str(label).replace(",", " ") for _value, label in ImplementationStatus.choices]
    validation = DataValidation(type="list", formula1='"' + ",".join(labels)[:250] + '"', allow_blank=True)
    validation.error = _("Choose one of the statuses of the list.")
    validation.prompt = _("Choose the implementation status.")
    dated = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
    dated.error = _("Give a date, such as 2026-03-31.")
    yes, no = _("yes"), _("no")
    answer = DataValidation(type="list", formula1=f'"{yes},{no}"', allow_blank=True)
    answer.error = _("Answer yes or no.")
    for check in (validation, dated, answer):
        sheet.data_validations.append(check)
    if pack.items:
        validation.add(f"{column_letter('status')}2:{column_letter('status')}{last}")
        dated.add(f"{column_letter('reported_on')}2:{column_letter('reported_on')}{last}")
        grouped = [n for n, item in enumerate(pack.items, start=2) if item.related]
        for row in grouped:
            answer.add(f"{column_letter('to_group')}{row}")
    sheet.append([_cell(sheet, header, bold=True, wrap=True) for header in headers])
    lead_l, supporting_l = _("Lead"), _("Supporting")
    for item in pack.items:
        text = item.text.text if item.text.translated else f"{item.text.text} [{item.text.note}]"
        date_cell = WriteOnlyCell(sheet, value=None)
        date_cell.number_format = "yyyy-mm-dd"
        sheet.append(
            [
                item.number,
                item.pk,
                _cell(sheet, item.reference),
                _cell(sheet, item.mechanism),
                _cell(sheet, text, wrap=True),
                _cell(sheet, item.position),
                _cell(sheet, item.cluster),
                _cell(sheet, lead_l if item.lead else supporting_l),
                _cell(sheet, item.status),
                item.last_on,
                _cell(sheet, item.last_status),
                _cell(sheet, item.last_narrative, wrap=True),
                None,
                None,
                None,
                date_cell,
                None,
                _cell(sheet, "; ".join(item.related), wrap=True),
                None,
            ]
        )
    about = workbook.create_sheet(_("About")[:31])
    about.column_dimensions["A"].width = 40
    about.column_dimensions["B"].width = 60
    about.append([_cell(about, _("Request for information: %(entity)s") % {"entity": pack.entity}, bold=True)])
    about.append([_cell(about, data.state_name)])
    about.append([_cell(about, _("Please reply by %(date)s.") % {"date": date_label(data.deadline)}, bold=True)])
    if data.instructions:
        about.append([_cell(about, data.instructions, wrap=True)])
    about.append(
        [_cell(about, _("Fill in the columns marked “to fill” on the first sheet, one row per recommendation."))]
    )
    about.append(
        [
            _cell(
                about,
                _(
                    "Send this workbook back as it is: the secretariat (or your entity's focal point) uploads it "
                    "and your answers become draft progress updates. Do not add, move or delete columns."
                ),
            )
        ]
    )
    if pack.token:
        about.append([_cell(about, reference_label()), _cell(about, pack.token)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def packs_zip(data: PacksData, *, author: str = "", progress: Callable[[int], None] | None = None) -> bytes:
    """One zip: a Word document and an Excel workbook per entity. ``progress(n)`` after each entity."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, pack in enumerate(data.packs, start=1):
            # Office files are zips already: stored, not compressed again.
            archive.writestr(f"{pack.stem}.docx", pack_docx(data, pack, author=author), zipfile.ZIP_STORED)
            archive.writestr(f"{pack.stem}.xlsx", pack_xlsx(data, pack), zipfile.ZIP_STORED)
            if progress:
                progress(done)
    return buffer.getvalue()

"""Report drafts: recorded with who asked and with which parameters, assembled by a Celery job, kept.

``draft_start`` records a draft (pending) and queues ``reporting.tasks.report_draft_task`` once
the transaction commits; ``draft_run`` (the task's body) marks it running, gathers the data in the
State's context, writes the document while committing its progress as it goes (each step its own
short transaction, so the draft's page can show it), stores the file through Django's storage
under ``reports/<State id>/<random>`` and marks the draft finished. A failure marks it failed with
the reason and leaves no file behind. ``draft_regenerate`` records a new draft with the same
kind, parameters and language (the old one is kept).
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from recommendations.models import Entity, Mechanism
from reporting.documents.annual import annual_report, annual_report_docx
from reporting.documents.common import date_label, language_name, safe_stem
from reporting.documents.mechanism import GROUPINGS, MechanismReport, mechanism_report, mechanism_report_docx
from reporting.documents.packs import packs_gather, packs_zip
from reporting.jobs import report_draft_queue
from reporting.models import ReportDraft, ReportingObligation
from tenants.models import State, User
from tenants.scoping import state_context

logger = logging.getLogger(__name__)

Kind = ReportDraft.Kind
Status = ReportDraft.Status

CONTENT_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip",
}


class DraftError(Exception):
    """A draft that cannot be assembled, with the reason in the requester's language."""


def default_title(kind: str, parameters: dict) -> str:
    """The draft's title when the person gives none (in the active language)."""
    if kind == Kind.MECHANISM_REPORT:
        mechanism = Mechanism.objects.filter(pk=parameters.get("mechanism")).first()
        return _("Draft report to the %(mechanism)s") % {"mechanism": mechanism.name if mechanism else "?"}
    if kind == Kind.INFORMATION_REQUEST:
        deadline = datetime.date.fromisoformat(parameters["deadline"])
        return _("Requests for information, reply by %(date)s") % {"date": date_label(deadline)}
    return _("Annual report %(year)s") % {"year": parameters.get("year")}


def draft_start(
    *,
    state: State,
    user: User,
    kind: str,
    parameters: dict,
    language: str,
    title: str = "",
    obligation: ReportingObligation | None = None,
) -> ReportDraft:
    """Record a draft and queue its job (after the transaction commits). Call inside the State's context.

    ``parameters`` are JSON values: mechanism report ``mechanism`` (id), ``grouping`` ("cluster",
    "theme" or "related"), ``up_to`` (ISO date), optional ``document`` (a document symbol: only its recommendations),
    ``review_symbol`` and ``review_date`` (the review as the document names it); packs
    ``entities`` (ids), ``mechanism`` (id or None), ``deadline`` (ISO date), ``instructions``;
    annual report ``year``.
    """
    if kind not in Kind.values:
        raise ValueError(f"unknown kind of draft: {kind}")
    if not title:
        with translation.override(language):
            title = default_title(kind, parameters)
    draft = ReportDraft.objects.create(
        state=state,
        kind=kind,
        title=title[:300],
        language=language,
        parameters=parameters,
        obligation=obligation,
        created_by=user,
    )
    report_draft_queue(draft)
    return draft


def draft_regenerate(*, draft: ReportDraft, user: User) -> ReportDraft:
    """A new draft with the same kind, parameters, language, title and obligation; the old one stays."""
    parameters = {key: value for key, value in draft.parameters.items() if key != "regenerated_from"}
    return draft_start(
        state=draft.state,
        user=user,
        kind=draft.kind,
        parameters={**parameters, "regenerated_from": draft.pk},
        language=draft.language,
        title=draft.title,
        obligation=draft.obligation,
    )


# --- The job ------------------------------------------------------------------------------------


def _progress(state: State, draft_id: int) -> Callable[..., None]:
    """A callback that commits the draft's progress, each call its own short transaction."""

    def tell(done: int, total: int | None = None) -> None:
        values = {"progress_done": done}
        if total is not None:
            values["progress_total"] = total
        with state_context(state):
            ReportDraft.objects.filter(pk=draft_id).update(**values)

    return tell


@dataclass
class Built:
    filename: str
    content: bytes


def mechanism_report_of(*, state: State, draft: ReportDraft) -> MechanismReport:
    """Gather a mechanism report with the draft's parameters (inside the State's context and the
    draft's language). Mechanism.DoesNotExist when its mechanism is gone."""
    p = draft.parameters
    obligation = draft.obligation
    return mechanism_report(
        state=state,
        mechanism_id=p["mechanism"],
        grouping=p["grouping"],
        up_to=datetime.date.fromisoformat(p["up_to"]),
        language=draft.language,
        title=draft.title,
        document=p.get("document", ""),
        review_symbol=p.get("review_symbol", ""),
        review_date=datetime.date.fromisoformat(p["review_date"]) if p.get("review_date") else None,
        report_symbol=obligation.reference if obligation else "",
        due_on=obligation.due_on if obligation else None,
    )


def _build_mechanism_report(state: State, draft: ReportDraft, tell, author: str) -> Built:
    p = draft.parameters
    if p.get("grouping") not in GROUPINGS:
        raise DraftError(_("Unknown grouping: %(value)s.") % {"value": p.get("grouping")})
    with state_context(state):
        if not Mechanism.objects.filter(pk=p.get("mechanism")).exists():
            raise DraftError(_("The mechanism of this draft no longer exists."))
        report = mechanism_report_of(state=state, draft=draft)
    tell(0, report.total)
    content = mechanism_report_docx(report, author=author, progress=tell)
    return Built(f"{safe_stem(draft.title, 'draft-report')}-{report.up_to:%Y-%m-%d}.docx", content)


def _build_packs(state: State, draft: ReportDraft, tell, author: str) -> Built:
    p = draft.parameters
    deadline = datetime.date.fromisoformat(p["deadline"])
    with state_context(state):
        data = packs_gather(
            state=state,
            entity_ids=p.get("entities") or [],
            mechanism_id=p.get("mechanism"),
            deadline=deadline,
            instructions=p.get("instructions", ""),
            language=draft.language,
            request_id=draft.pk,
        )
    if not data.packs:
        raise DraftError(_("None of the entities of this request exists any more."))
    tell(0, len(data.packs))
    content = packs_zip(data, author=author, progress=tell)
    return Built(f"{safe_stem(_('information requests'), 'information-requests')}-{deadline:%Y-%m-%d}.zip", content)


def _build_annual_report(state: State, draft: ReportDraft, tell, author: str) -> Built:
    year = int(draft.parameters["year"])
    tell(0, 5)
    with state_context(state):
        report = annual_report(state=state, year=year, language=draft.language, title=draft.title, progress=tell)
    content = annual_report_docx(report, author=author)
    tell(5)
    return Built(f"{safe_stem(draft.title, 'annual-report')}.docx", content)


BUILDERS = {
    Kind.MECHANISM_REPORT: _build_mechanism_report,
    Kind.INFORMATION_REQUEST: _build_packs,
    Kind.ANNUAL_REPORT: _build_annual_report,
}


def _fail(state: State, draft_id: int, failure: str) -> ReportDraft:
    with state_context(state):
        ReportDraft.objects.filter(pk=draft_id).update(
            status=Status.FAILED, failure=failure, finished_at=timezone.now()
        )
        return ReportDraft.objects.get(pk=draft_id)


def draft_run(*, state: State, draft_id: int) -> ReportDraft | None:
    """Assemble a recorded draft (the job's body; not inside a transaction). None when the State has
    no such draft (deleted since, or another State's id): nothing is done."""
    with state_context(state):
        draft = (
            ReportDraft.objects.select_for_update(of=("self",)).select_related("created_by").filter(pk=draft_id).first()
        )
        if draft is None:
            logger.warning("report draft %s not found in State %s: nothing to assemble", draft_id, state.pk)
            return None
        if draft.status in {Status.SUCCEEDED, Status.FAILED}:
            return draft  # a job delivered twice does the work once
        draft.status, draft.started_at, draft.progress_done = Status.RUNNING, timezone.now(), 0
        draft.save(update_fields=["status", "started_at", "progress_done"])
    author = str(draft.created_by) if draft.created_by else ""
    try:
        with translation.override(draft.language):
            built = BUILDERS[draft.kind](state, draft, _progress(state, draft_id), author)
    except DraftError as error:
        with translation.override(draft.language):
            return _fail(state, draft_id, str(error))
    except Exception as error:  # the page must say the job stopped, whatever stopped it
        logger.exception("report draft %s of State %s failed", draft_id, state.pk)
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0][:300]
        with translation.override(draft.language):
            failure = _("The draft could not be assembled, and no file was kept: %(reason)s") % {"reason": reason}
        return _fail(state, draft_id, failure)

    suffix = built.filename[built.filename.rfind(".") :]
    stored = default_storage.save(f"reports/{state.pk}/{uuid.uuid4().hex}{suffix}", ContentFile(built.content))
    try:
        with state_context(state):
            ReportDraft.objects.filter(pk=draft_id).update(
                status=Status.SUCCEEDED,
                file=stored,
                filename=built.filename,
                finished_at=timezone.now(),
                progress_done=F("progress_total"),
                failure="",
            )
            return ReportDraft.objects.get(pk=draft_id)
    except BaseException:
        default_storage.delete(stored)  # no file without its draft
        raise


# --- What the pages show ------------------------------------------------------------------------


def describe_parameters(drafts: list[ReportDraft]) -> dict[int, list[tuple[str, str]]]:
    """Each draft's parameters as labelled values, for the list and the draft's page. Two queries
    for any number of drafts (inside the State's context)."""
    mechanism_ids = {d.parameters.get("mechanism") for d in drafts} - {None}
    entity_ids = {pk for d in drafts for pk in d.parameters.get("entities") or []}
    mechanisms = {m.pk: m.name for m in Mechanism.objects.filter(pk__in=mechanism_ids)} if mechanism_ids else {}
    entities = {e.pk: str(e) for e in Entity.objects.filter(pk__in=entity_ids)} if entity_ids else {}
    groupings = {
        "cluster": _("by cluster"),
        "theme": _("by theme"),
        "related": _("by group of related recommendations"),
    }
    described = {}
    for draft in drafts:
        p = draft.parameters
        lines: list[tuple[str, str]] = []
        if p.get("mechanism"):
            lines.append((_("Mechanism"), mechanisms.get(p["mechanism"], _("(deleted)"))))
        elif draft.kind == Kind.INFORMATION_REQUEST:
            lines.append((_("Mechanism"), _("Any mechanism")))
        if p.get("grouping"):
            lines.append((_("Grouping"), str(groupings.get(p["grouping"], p["grouping"]))))
        if p.get("document"):
            lines.append((_("Document"), p["document"]))
        if p.get("review_symbol"):
            review = p["review_symbol"]
            if p.get("review_date"):
                review += f" ({date_label(datetime.date.fromisoformat(p['review_date']))})"
            lines.append((_("Review"), review))
        if p.get("up_to"):
            lines.append((_("Information up to"), date_label(datetime.date.fromisoformat(p["up_to"]))))
        if draft.kind == Kind.INFORMATION_REQUEST:
            names = [entities.get(pk, _("(deleted)")) for pk in p.get("entities") or []]
            lines.append((_("Entities"), ", ".join(names)))
            lines.append((_("Deadline"), date_label(datetime.date.fromisoformat(p["deadline"]))))
        if p.get("year"):
            lines.append((_("Year"), str(p["year"])))
        lines.append((_("Language"), language_name(draft.language)))
        described[draft.pk] = lines
    return described


def content_type_of(filename: str) -> str:
    return CONTENT_TYPES.get(filename[filename.rfind(".") :].lower(), "application/octet-stream")

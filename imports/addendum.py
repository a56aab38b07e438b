"""A State's addendum to its UPR report: the positions it sets on recommendations already imported.

The addendum (…/Add.1) lists the numbers of the report's recommendations the State supports or
notes (imports.parsers.upr_addendum). Its import is a preview like any other: which
recommendations of the State change position (from what, to what), which are already so, and
what the addendum names that could not be placed (a number the report does not have, a token
that is not a number, a list without a position). Confirming sets the positions, in one
transaction: one UPDATE, and a history entry per recommendation that changed.

The report's recommendations are found by the report's symbol (the addendum's without
``/Add.1``), or the symbol given as a batch detail; failing that (the report came in through its
thematic list, which names no symbol), by the UPR session or cycle of the review.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import BinaryIO

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from imports.batch import BatchDetails
from imports.parsers.document_info import read_document_info
from imports.parsers.document_limits import DEFAULT_LIMITS, DocumentLimits
from imports.parsers.document_reader import read_document
from imports.parsers.upr_addendum import UprAddendum, parse_upr_addendum
from recommendations.models import Recommendation

# How many changes and unplaced numbers the job keeps for its page.
MAX_LISTED = 1000
EXCERPT_CHARS = 160


@dataclass
class AddendumOutcome:
    """What an addendum does to the State's recommendations (the preview), or did."""

    report_symbol: str
    # Recommendations of the report found in the State.
    found: int = 0
    # [{"id", "paragraph", "before", "after", "text"}], by paragraph.
    changes: list[dict] = field(default_factory=list)
    unchanged: int = 0
    # [{"token", "reason", "location"}]: what could not be placed.
    unplaced: list[dict] = field(default_factory=list)
    positions: Counter = field(default_factory=Counter)

    def summary(self) -> dict:
        return {
            "report_symbol": self.report_symbol,
            "found": self.found,
            "changes": self.changes[:MAX_LISTED],
            "unplaced": self.unplaced[:MAX_LISTED],
        }


def addendum_import(
    *,
    fileobj: BinaryIO,
    details: BatchDetails,
    dry_run: bool,
    limits: DocumentLimits = DEFAULT_LIMITS,
) -> AddendumOutcome:
    """Read an addendum and set its positions on the State's recommendations (call inside the
    State's context).

    Side effects, unless ``dry_run``: the positions of the recommendations that change, in one
    transaction. ImportFormatError (DocumentRefused for an unsafe file) when the file cannot be
    read as an addendum; nothing is written then.
    """
    document = read_document(fileobj, limits=limits)
    info = read_document_info(document)
    report_symbol = details.symbol or _report_symbol(info.symbol)
    candidates = _report_recommendations(report_symbol, details, info.session, info.upr_cycle)
    by_paragraph: dict[str, list[Recommendation]] = {}
    for recommendation in candidates:
        by_paragraph.setdefault(recommendation.paragraph, []).append(recommendation)
    addendum = parse_upr_addendum(document, known_paragraphs=set(by_paragraph) or None, info=info)
    outcome = _outcome(addendum, by_paragraph, report_symbol)
    if outcome.changes and not dry_run:
        _apply(outcome.changes)
    return outcome


def _report_symbol(symbol: str) -> str:
    head, _sep, tail = symbol.rpartition("/")
    return head if tail.casefold().startswith("add.") else symbol


def _report_recommendations(
    symbol: str, details: BatchDetails, session: int | None, cycle: int | None
) -> list[Recommendation]:
    fields = ("id", "paragraph", "position", "text")
    chosen: QuerySet[Recommendation] = Recommendation.objects.none()
    if symbol:
        chosen = Recommendation.objects.filter(symbol=symbol).exclude(paragraph="")
    if not chosen.exists():
        review = details.session or session
        upr = Recommendation.objects.filter(mechanism__code="UPR").exclude(paragraph="")
        if review:
            chosen = upr.filter(upr_session=review)
        elif details.cycle or cycle:
            chosen = upr.filter(upr_cycle=details.cycle or cycle)
    return list(chosen.only(*fields).order_by("id"))


def _outcome(addendum: UprAddendum, by_paragraph: dict[str, list[Recommendation]], symbol: str) -> AddendumOutcome:
    outcome = AddendumOutcome(report_symbol=symbol, found=sum(len(found) for found in by_paragraph.values()))
    for item in addendum.unplaced:
        outcome.unplaced.append({"token": item.token, "reason": item.reason, "location": item.location})
    for paragraph, entry in sorted(addendum.positions.items(), key=lambda item: _number_key(item[0])):
        recommendations = by_paragraph.get(paragraph)
        if not recommendations:
            outcome.unplaced.append(
                {
                    "token": paragraph,
                    "reason": _("The State has no recommendation with this number from the report."),
                    "location": entry.source,
                }
            )
            continue
        outcome.positions[entry.position] += 1
        for recommendation in recommendations:
            if recommendation.position == entry.position:
                outcome.unchanged += 1
                continue
            outcome.changes.append(
                {
                    "id": recommendation.pk,
                    "paragraph": paragraph,
                    "before": recommendation.position,
                    "after": entry.position,
                    "text": _excerpt(recommendation.text),
                }
            )
    return outcome


def _number_key(paragraph: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in paragraph.split("."))


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"


@transaction.atomic
def _apply(changes: list[dict]) -> int:
    """Set the positions: one UPDATE, of the recommendations whose position differs."""
    table = Recommendation._meta.db_table
    payload = json.dumps([{"id": change["id"], "position": change["after"]} for change in changes])
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} r SET position = c.position, updated_at = now()"
            " FROM jsonb_to_recordset(%s::jsonb) AS c(id bigint, position text)"
            " WHERE r.id = c.id AND r.position IS DISTINCT FROM c.position",
            [payload],
        )
        return cursor.rowcount

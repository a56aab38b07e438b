"""What reporting does with what an import brings (registered by ReportingConfig.ready()).

A treaty body's concluding observations ask, in their follow-up paragraph, for information on a
few recommendations within a time ("within 24 months … paragraphs 12, 25 and 38"). The import
(imports.writer) marks those recommendations urgent; here their reply goes on the calendar of
obligations, once: an import of the same document again finds the obligation already there.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from imports.extensions import follow_up_listener_register
from reporting.models import ReportingObligation


def follow_up_obligations(*, state, job, follow_ups: list[dict]) -> list[ReportingObligation]:
    """An obligation (a follow-up reply) per follow-up request with a due date, unless there is one.

    Runs inside the import's transaction, in the language of whoever imported (the title stays).
    """
    created = []
    for follow_up in follow_ups:
        if not follow_up.get("due_on"):
            continue  # The import's page says the date could not be worked out.
        due_on = date.fromisoformat(follow_up["due_on"])
        symbol = follow_up.get("symbol", "")
        existing = ReportingObligation.objects.filter(
            kind=ReportingObligation.Kind.FOLLOW_UP_REPLY,
            mechanism_id=follow_up["mechanism_id"],
            reference=symbol,
            due_on=due_on,
        )
        if existing.exists():
            continue
        paragraphs = ", ".join(follow_up.get("paragraphs", []))
        created.append(
            ReportingObligation.objects.create(
                state=state,
                mechanism_id=follow_up["mechanism_id"],
                kind=ReportingObligation.Kind.FOLLOW_UP_REPLY,
                # Translators: the title of an obligation on the calendar; %(symbol)s is a document symbol.
                title=(
                    _("Follow-up information on %(symbol)s, paragraphs %(paragraphs)s")
                    % {"symbol": symbol or "—", "paragraphs": paragraphs}
                )[:300],
                due_on=due_on,
                reference=symbol[:100],
                notes=_(
                    "Asked in paragraph %(request)s of %(symbol)s; placed on the calendar by the import of “%(file)s”."
                )
                % {"request": follow_up.get("request_paragraph", ""), "symbol": symbol or "—", "file": job.filename},
                created_by=job.created_by,
            )
        )
    return created


def register() -> None:
    follow_up_listener_register(follow_up_obligations)

"""The mechanism's annual report: what was received, assigned, implemented and reported in a year.

- received: recommendations issued in the year (their date of issue, never the day they were
  imported), by mechanism and position and by review (document symbol); those recorded in the
  year without a date of issue are said apart, not counted;
- assigned: recommendations given a lead entity during the year, read from the history of
  changes (tenants.history), by entity: each recommendation counted once, at the last lead entity
  it was given in the year (so the lead column adds up to the total), and the supporting roles
  given in the year apart;
- implemented: the latest validated status of each recommendation reported in the year, and the
  recommendations reported implemented;
- reported: progress updates the entities sent (submitted) in the year and their review, the
  data-collection rounds opened, and the reports submitted to the mechanisms (the calendar).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from followup.models import DataCollectionRound, ProgressUpdate
from followup.rounds import rounds_completion
from recommendations.models import ImplementationStatus, Mechanism, Position, Recommendation
from reporting.documents.common import RTL_LANGUAGES, date_label, entity_names, position_label, reference
from reporting.documents.wordml import Run, WordDocument
from reporting.models import ReportingObligation
from tenants.models import HistoryEntry

COUNTED = [ProgressUpdate.Status.VALIDATED, ProgressUpdate.Status.PUBLISHED]


@dataclass
class AnnualReport:
    title: str
    state_name: str
    year: int
    language: str
    received_total: int
    received: list[list]  # mechanism, total, then one count per position
    position_labels: list[str]
    reviews: list[list]  # document, mechanism, issued on, total, then one count per position
    undated: int  # recorded in the year without a date of issue: not counted as received
    assigned_total: int
    assigned: list[list]  # entity, as lead, as supporting
    supporting_total: int
    status_rows: list[list]  # status, recommendations
    implemented: list[list]  # reference, mechanism, entity, date
    updates_rows: list[list]  # entity, submitted, validated, returned
    updates_total: int
    rounds: list[list]  # title, opened, deadline, tasks, answered, completion
    submitted_reports: list[list]  # title, mechanism, submitted on, reference


def annual_report(
    *, state, year: int, language: str, title: str, progress: Callable[[int], None] | None = None
) -> AnnualReport:
    """Gather the annual report (inside ``state_context`` and ``translation.override``)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    entities = entity_names()
    mechanisms = {m.pk: m.name for m in Mechanism.objects.all()}

    received = Recommendation.objects.filter(issued_on__year=year)
    undated = Recommendation.objects.filter(issued_on__isnull=True, created_at__year=year).count()
    counts = list(
        received.order_by()
        .values("mechanism_id", "symbol", "position")
        .annotate(n=Count("pk"), issued_on=Max("issued_on"))
    )
    positions = [value for value, _label in Position.choices] + [""]
    table: dict[int, Counter] = {}
    documents: dict[tuple[int, str], Counter] = {}
    issued: dict[tuple[int, str], datetime.date] = {}
    for row in counts:
        table.setdefault(row["mechanism_id"], Counter())[row["position"]] += row["n"]
        key = (row["mechanism_id"], row["symbol"])
        documents.setdefault(key, Counter())[row["position"]] += row["n"]
        issued[key] = max(issued.get(key, row["issued_on"]), row["issued_on"])
    used = [p for p in positions if any(c[p] for c in table.values())]
    received_rows = sorted(
        ([mechanisms.get(pk, ""), sum(c.values()), *[c[p] for p in used]] for pk, c in table.items()),
        key=lambda r: (-r[1], r[0]),
    )
    review_rows = [
        [symbol or _("(no document symbol)"), mechanisms.get(pk, ""), date_label(issued[(pk, symbol)]), sum(c.values())]
        + [c[p] for p in used]
        for (pk, symbol), c in sorted(documents.items(), key=lambda item: (issued[item[0]], item[0][1]))
    ]
    if progress:
        progress(1)

    # Assignments: the history of the recommendations' lead and supporting entities in the year.
    # Each recommendation counts once, at the last lead entity it was given in the year; the
    # supporting entities it had at the end of the year's changes count apart.
    lead_of: dict[str, int] = {}
    supporting_of: dict[str, list[int]] = {}
    for row_id, after in (
        HistoryEntry.objects.filter(
            table_name="recommendations_recommendation",
            changed_at__date__gte=start,
            changed_at__date__lte=end,
        )
        .filter(Q(after__has_key="lead_entity_id") | Q(after__has_key="supporting_entity_ids"))
        .order_by("changed_at", "pk")
        .values_list("row_id", "after")
    ):
        if after.get("lead_entity_id") is not None:
            lead_of[row_id] = int(after["lead_entity_id"])
        if "supporting_entity_ids" in after:
            supporting_of[row_id] = [int(pk) for pk in after["supporting_entity_ids"] or []]
    as_lead = Counter(lead_of.values())
    as_supporting = Counter(pk for ids in supporting_of.values() for pk in set(ids))
    assigned_rows = sorted(
        ([entities.get(pk, f"#{pk}"), as_lead[pk], as_supporting[pk]] for pk in set(as_lead) | set(as_supporting)),
        key=lambda r: (-r[1], -r[2], r[0]),
    )
    if progress:
        progress(2)

    latest = list(
        ProgressUpdate.objects.filter(
            recommendation__isnull=False, status__in=COUNTED, reported_on__gte=start, reported_on__lte=end
        )
        .order_by("recommendation_id", "-reported_on", "-reviewed_at", "-pk")
        .distinct("recommendation_id")
        .values(
            "recommendation_id",
            "implementation_status",
            "reported_on",
            "entity_id",
            "recommendation__symbol",
            "recommendation__paragraph",
            "recommendation__mechanism_id",
        )
    )
    statuses = Counter(row["implementation_status"] for row in latest)
    status_rows = [[str(label), statuses[value]] for value, label in ImplementationStatus.choices if statuses[value]]
    implemented = [
        [
            reference(row["recommendation__symbol"], row["recommendation__paragraph"], row["recommendation_id"]),
            mechanisms.get(row["recommendation__mechanism_id"], ""),
            entities.get(row["entity_id"], ""),
            date_label(row["reported_on"]),
        ]
        for row in sorted(latest, key=lambda r: r["reported_on"])
        if row["implementation_status"] == ImplementationStatus.IMPLEMENTED
    ]
    if progress:
        progress(3)

    sent = (
        ProgressUpdate.objects.filter(submitted_at__date__gte=start, submitted_at__date__lte=end)
        .order_by()
        .values("entity_id")
        .annotate(
            submitted=Count("pk"),
            validated=Count("pk", filter=Q(status__in=COUNTED)),
            returned=Count("pk", filter=Q(status=ProgressUpdate.Status.RETURNED)),
        )
    )
    updates_rows = sorted(
        ([entities.get(r["entity_id"], ""), r["submitted"], r["validated"], r["returned"]] for r in sent),
        key=lambda r: (-r[1], r[0]),
    )
    rounds = list(
        DataCollectionRound.objects.filter(created_at__date__gte=start, created_at__date__lte=end).order_by(
            "created_at"
        )
    )
    completion = rounds_completion([r.pk for r in rounds])
    round_rows = []
    for round_ in rounds:
        figures = completion.get(round_.pk)
        round_rows.append(
            [
                round_.title,
                date_label(round_.created_at.date()),
                date_label(round_.deadline),
                figures.tasks if figures else 0,
                figures.answered if figures else 0,
                f"{figures.percentage if figures else 0} %",
            ]
        )
    submitted_reports = [
        [o.title, mechanisms.get(o.mechanism_id, ""), date_label(o.submitted_on), o.reference]
        for o in ReportingObligation.objects.filter(submitted_on__gte=start, submitted_on__lte=end).order_by(
            "submitted_on", "pk"
        )
    ]
    if progress:
        progress(4)
    return AnnualReport(
        title=title,
        state_name=state.name,
        year=year,
        language=language,
        received_total=sum(r[1] for r in received_rows),
        received=received_rows,
        position_labels=[position_label(p) for p in used],
        reviews=review_rows,
        undated=undated,
        assigned_total=len(lead_of),
        assigned=assigned_rows,
        supporting_total=sum(as_supporting.values()),
        status_rows=status_rows,
        implemented=implemented,
        updates_rows=updates_rows,
        updates_total=sum(r[1] for r in updates_rows),
        rounds=round_rows,
        submitted_reports=submitted_reports,
    )


def annual_report_docx(report: AnnualReport, *, author: str = "") -> bytes:
    doc = WordDocument(language=report.language, rtl=report.language in RTL_LANGUAGES)
    year = report.year
    doc.title(report.title)
    doc.subtitle(_("%(state)s · %(year)s") % {"state": report.state_name, "year": year})
    doc.heading(_("I. Recommendations received"), 1)
    doc.numbered(
        ngettext(
            "In %(year)s, %(count)s recommendation was issued to the State.",
            "In %(year)s, %(count)s recommendations were issued to the State.",
            report.received_total,
        )
        % {"year": year, "count": report.received_total}
    )
    if report.received:
        doc.table(
            [_("Mechanism"), _("Recommendations"), *report.position_labels],
            report.received,
            caption=_("Recommendations issued in %(year)s, by mechanism and position") % {"year": year},
        )
    if report.reviews:
        doc.table(
            [_("Document"), _("Mechanism"), _("Issued on"), _("Recommendations"), *report.position_labels],
            report.reviews,
            caption=_("Recommendations issued in %(year)s, by review") % {"year": year},
        )
    if report.undated:
        doc.paragraph(
            Run(
                ngettext(
                    "%(count)s recommendation recorded in %(year)s has no date of issue: it is not counted above.",
                    "%(count)s recommendations recorded in %(year)s have no date of issue: they are not counted above.",
                    report.undated,
                )
                % {"count": report.undated, "year": year},
                italic=True,
            )
        )
    doc.heading(_("II. Recommendations assigned"), 1)
    doc.numbered(
        ngettext(
            "%(count)s recommendation was given a lead entity during the year.",
            "%(count)s recommendations were given a lead entity during the year.",
            report.assigned_total,
        )
        % {"count": report.assigned_total}
        + " "
        + ngettext(
            "%(count)s supporting role was given to entities (a recommendation may have several).",
            "%(count)s supporting roles were given to entities (a recommendation may have several).",
            report.supporting_total,
        )
        % {"count": report.supporting_total}
    )
    if report.assigned:
        doc.table(
            [_("Entity"), _("As lead entity"), _("As supporting entity")],
            [*report.assigned, [_("Total"), report.assigned_total, report.supporting_total]],
            caption=_(
                "Recommendations assigned in %(year)s, by entity: each recommendation once in the lead column, "
                "at the last lead entity it was given in the year"
            )
            % {"year": year},
        )
    doc.heading(_("III. Implementation"), 1)
    reported = sum(r[1] for r in report.status_rows)
    doc.numbered(
        ngettext(
            "%(count)s recommendation had its implementation reported and validated during the year;",
            "%(count)s recommendations had their implementation reported and validated during the year;",
            reported,
        )
        % {"count": reported}
        + " "
        + ngettext(
            "%(done)s was reported implemented.",
            "%(done)s were reported implemented.",
            len(report.implemented),
        )
        % {"done": len(report.implemented)}
    )
    if report.status_rows:
        doc.table(
            [_("Implementation status"), _("Recommendations")],
            report.status_rows,
            caption=_("Latest status reported in %(year)s") % {"year": year},
        )
    if report.implemented:
        doc.table(
            [_("Recommendation"), _("Mechanism"), _("Reported by"), _("Information as of")],
            report.implemented,
            caption=_("Recommendations reported implemented in %(year)s") % {"year": year},
        )
    doc.heading(_("IV. Reporting"), 1)
    doc.numbered(
        ngettext(
            "The entities sent %(count)s progress update during the year.",
            "The entities sent %(count)s progress updates during the year.",
            report.updates_total,
        )
        % {"count": report.updates_total}
    )
    if report.updates_rows:
        doc.table(
            [_("Entity"), _("Updates sent"), _("Validated"), _("Returned")],
            report.updates_rows,
            caption=_("Progress updates sent in %(year)s, by entity") % {"year": year},
        )
    doc.numbered(
        ngettext(
            "%(count)s data-collection round was opened.",
            "%(count)s data-collection rounds were opened.",
            len(report.rounds),
        )
        % {"count": len(report.rounds)}
    )
    if report.rounds:
        doc.table(
            [_("Round"), _("Opened"), _("Deadline"), _("Tasks"), _("Answered"), _("Completion")],
            report.rounds,
            caption=_("Data-collection rounds opened in %(year)s") % {"year": year},
        )
    doc.numbered(
        ngettext(
            "%(count)s report was submitted to the mechanisms.",
            "%(count)s reports were submitted to the mechanisms.",
            len(report.submitted_reports),
        )
        % {"count": len(report.submitted_reports)}
    )
    if report.submitted_reports:
        doc.table(
            [_("Report"), _("Mechanism"), _("Submitted on"), _("Reference")],
            report.submitted_reports,
            caption=_("Reports submitted in %(year)s") % {"year": year},
        )
    else:
        doc.paragraph(Run(_("[No report submitted is recorded in the calendar for the year.]"), italic=True))
    return doc.save(title=report.title, author=author)

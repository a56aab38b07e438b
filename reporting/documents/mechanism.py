"""The draft report to a mechanism: its recommendations by cluster or by theme, with what was done.

``mechanism_report`` gathers everything in a fixed number of queries (whatever the number of
recommendations) inside the State's context; ``mechanism_report_docx`` writes it as Word, and the
HTML preview renders the same ``MechanismReport``, so the two number their paragraphs alike.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from followup.models import Action, Indicator, Measurement, ProgressUpdate
from recommendations.models import ImplementationStatus, Mechanism, Position, Recommendation
from reporting.documents.common import (
    RTL_LANGUAGES,
    TEXT_COLUMNS,
    Text,
    cluster_names,
    date_label,
    entity_names,
    language_name,
    natural_key,
    position_label,
    reference,
    status_label,
    text_in,
    theme_names,
)
from reporting.documents.wordml import Run, WordDocument

COUNTED = [ProgressUpdate.Status.VALIDATED, ProgressUpdate.Status.PUBLISHED]
GROUPINGS = ("cluster", "theme")
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def group_letter(index: int) -> str:
    """A, B, … Z, AA, AB, …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = LETTERS[rest] + letters
    return letters


@dataclass
class UpdateLine:
    number: int
    entity: str
    reported_on: datetime.date
    status: str
    narrative: str


@dataclass
class IndicatorLine:
    name: str
    unit: str
    baseline: object
    target: object
    value: object
    measured_on: datetime.date | None


@dataclass
class Item:
    number: int
    pk: int
    reference: str
    text: Text
    position: str
    lead: str
    supporting: list[str]
    status: str
    status_on: datetime.date | None
    updates: list[UpdateLine] = field(default_factory=list)
    indicators: list[IndicatorLine] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)


@dataclass
class Group:
    letter: str
    title: str
    items: list[Item]


@dataclass
class MechanismReport:
    title: str
    state_name: str
    mechanism: str
    grouping: str
    up_to: datetime.date
    language: str
    groups: list[Group]
    total: int
    untranslated: int
    positions: list[tuple[str, int]]
    statuses: list[tuple[str, int]]
    introduction_number: int = 1
    overview_numbers: tuple[int, int] = (2, 3)

    @property
    def language_name(self) -> str:
        return language_name(self.language)

    @property
    def grouping_label(self) -> str:
        return _("by cluster") if self.grouping == "cluster" else _("by theme")

    @property
    def items(self):
        for group in self.groups:
            yield from group.items

    @property
    def overview_text(self) -> str:
        return _(
            "This report covers the %(count)s recommendations the %(mechanism)s addressed to %(state)s, with the "
            "information validated up to %(date)s."
        ) % {"count": self.total, "mechanism": self.mechanism, "state": self.state_name, "date": date_label(self.up_to)}

    @property
    def positions_text(self) -> str:
        parts = [f"{label}: {count}" for label, count in self.positions]
        return _("Position of the State: %(figures)s.") % {"figures": "; ".join(parts) or "—"}

    @property
    def statuses_text(self) -> str:
        parts = [f"{label}: {count}" for label, count in self.statuses]
        return _("Implementation as reported: %(figures)s.") % {"figures": "; ".join(parts) or "—"}

    @property
    def untranslated_text(self) -> str:
        if not self.untranslated:
            return ""
        return _(
            "%(count)s of the recommendation texts are not translated into %(language)s: they are given in their "
            "original language, marked “original text, not translated”."
        ) % {"count": self.untranslated, "language": self.language_name}


def mechanism_report(
    *, state, mechanism_id: int, grouping: str, up_to: datetime.date, language: str, title: str
) -> MechanismReport:
    """Gather the report (call inside ``state_context(state)`` and ``translation.override(language)``)."""
    mechanism = Mechanism.objects.get(pk=mechanism_id)
    recommendations = Recommendation.objects.filter(mechanism_id=mechanism_id).filter(
        Q(issued_on__isnull=True) | Q(issued_on__lte=up_to)
    )
    rows = list(
        recommendations.order_by().values(
            "pk",
            "symbol",
            "paragraph",
            "position",
            "primary_cluster_id",
            "cluster_ids",
            "theme_ids",
            "lead_entity_id",
            "supporting_entity_ids",
            *TEXT_COLUMNS,
        )
    )
    entities = entity_names()
    ids = recommendations.values("pk")

    updates: dict[int, list[dict]] = defaultdict(list)
    for update in (
        ProgressUpdate.objects.filter(recommendation_id__in=ids, status__in=COUNTED, reported_on__lte=up_to)
        .order_by("reported_on", "reviewed_at", "pk")
        .values("recommendation_id", "entity_id", "reported_on", "implementation_status", "narrative")
    ):
        updates[update["recommendation_id"]].append(update)

    actions: dict[int, list[str]] = defaultdict(list)
    action_of_rec: dict[int, list[int]] = defaultdict(list)
    statuses = dict(Action.Status.choices)
    id_set = {row["pk"] for row in rows}
    action_rows = list(
        Action.objects.filter(recommendation_ids__overlap=list(id_set) or [0]).values(
            "pk", "title", "status", "recommendation_ids"
        )
    )
    for action in action_rows:
        for rec_id in action["recommendation_ids"]:
            if rec_id in id_set:
                actions[rec_id].append(f"{action['title']} ({statuses.get(action['status'], '')})")
                action_of_rec[rec_id].append(action["pk"])

    indicators = list(
        Indicator.objects.filter(Q(recommendation_id__in=ids) | Q(action_id__in=[a["pk"] for a in action_rows]))
        .order_by("kind", "name", "pk")
        .values("pk", "name", "unit", "baseline", "target", "recommendation_id", "action_id")
    )
    latest: dict[int, dict] = {}
    for measurement in (
        Measurement.objects.filter(
            indicator_id__in=[i["pk"] for i in indicators], measured_on__lte=up_to, sex="", age_group="", region=""
        )
        .order_by("indicator_id", "-measured_on", "-pk")
        .distinct("indicator_id")
        .values("indicator_id", "value", "measured_on")
    ):
        latest[measurement["indicator_id"]] = measurement
    by_rec: dict[int, list[dict]] = defaultdict(list)
    by_action: dict[int, list[dict]] = defaultdict(list)
    for indicator in indicators:
        if indicator["recommendation_id"]:
            by_rec[indicator["recommendation_id"]].append(indicator)
        else:
            by_action[indicator["action_id"]].append(indicator)

    # The groups, in the State's cluster order or the themes' alphabetical order; the
    # recommendations without one last.
    if grouping == "theme":
        names = theme_names()

        def key_of(row):
            return next((pk for pk in row["theme_ids"] if pk in names), None)

        def group_order(key):
            return (key is None, names.get(key, "").casefold())

        def group_title(key):
            return names[key] if key is not None else _("Recommendations without a theme")
    else:
        clusters = cluster_names()

        def key_of(row):
            if row["primary_cluster_id"] in clusters:
                return row["primary_cluster_id"]
            return next((pk for pk in row["cluster_ids"] if pk in clusters), None)

        def group_order(key):
            position, name = clusters.get(key, (0, ""))
            return (key is None, position, name.casefold())

        def group_title(key):
            return clusters[key][1] if key is not None else _("Recommendations not in a cluster")

    grouped: dict[object, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[key_of(row)].append(row)

    number = 4  # 1: introduction; 2 and 3: the overview
    groups: list[Group] = []
    untranslated = 0
    position_counts: Counter = Counter()
    status_counts: Counter = Counter()
    for index, key in enumerate(sorted(grouped, key=group_order)):
        items = []
        for row in sorted(grouped[key], key=lambda r: (natural_key(r["symbol"]), natural_key(r["paragraph"]), r["pk"])):
            text = text_in(row, language)
            untranslated += not text.translated
            history = updates.get(row["pk"], [])
            current = history[-1] if history else None
            position_counts[row["position"]] += 1
            status_counts[current["implementation_status"] if current else ""] += 1
            item = Item(
                number=number,
                pk=row["pk"],
                reference=reference(row["symbol"], row["paragraph"], row["pk"]),
                text=text,
                position=position_label(row["position"]),
                lead=entities.get(row["lead_entity_id"], ""),
                supporting=[entities[pk] for pk in row["supporting_entity_ids"] if pk in entities],
                status=status_label(current["implementation_status"] if current else ""),
                status_on=current["reported_on"] if current else None,
                actions=actions.get(row["pk"], []),
            )
            number += 1
            for update in history:
                item.updates.append(
                    UpdateLine(
                        number=number,
                        entity=entities.get(update["entity_id"], ""),
                        reported_on=update["reported_on"],
                        status=status_label(update["implementation_status"]),
                        narrative=update["narrative"],
                    )
                )
                number += 1
            linked = by_rec.get(row["pk"], []) + [
                indicator
                for action_id in action_of_rec.get(row["pk"], [])
                for indicator in by_action.get(action_id, [])
            ]
            for indicator in linked:
                measured = latest.get(indicator["pk"])
                item.indicators.append(
                    IndicatorLine(
                        name=indicator["name"],
                        unit=indicator["unit"],
                        baseline=indicator["baseline"],
                        target=indicator["target"],
                        value=measured["value"] if measured else None,
                        measured_on=measured["measured_on"] if measured else None,
                    )
                )
            items.append(item)
        groups.append(Group(letter=group_letter(index), title=group_title(key), items=items))

    positions = [(str(label), position_counts[value]) for value, label in Position.choices if position_counts[value]]
    if position_counts[""]:
        positions.append((position_label(""), position_counts[""]))
    status_list = [
        (str(label), status_counts[value]) for value, label in ImplementationStatus.choices if status_counts[value]
    ]
    if status_counts[""]:
        status_list.append((status_label(""), status_counts[""]))
    return MechanismReport(
        title=title,
        state_name=state.name,
        mechanism=mechanism.name,
        grouping=grouping,
        up_to=up_to,
        language=language,
        groups=groups,
        total=len(rows),
        untranslated=untranslated,
        positions=positions,
        statuses=status_list,
    )


def _number(value) -> str:
    if value is None:
        return "—"
    return f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)


def mechanism_report_docx(
    report: MechanismReport, *, author: str = "", progress: Callable[[int], None] | None = None
) -> bytes:
    """The report as a Word document. ``progress(n)`` is told how many recommendations are written."""
    doc = WordDocument(language=report.language, rtl=report.language in RTL_LANGUAGES)
    doc.title(report.title)
    doc.subtitle(
        _("%(state)s · %(mechanism)s · information up to %(date)s")
        % {"state": report.state_name, "mechanism": report.mechanism, "date": date_label(report.up_to)}
    )
    doc.paragraph(
        Run(
            _("Draft assembled from the national tracking database, %(grouping)s, in %(language)s.")
            % {"grouping": report.grouping_label, "language": report.language_name},
            italic=True,
        )
    )
    if report.untranslated:
        doc.paragraph(Run(report.untranslated_text, italic=True))

    doc.heading(_("I. Introduction"), 1)
    doc.numbered(
        Run(
            _(
                "[To be drafted: the purpose of the report, the period it covers, how the information was gathered "
                "and who was consulted.]"
            ),
            italic=True,
        )
    )
    doc.heading(_("II. Overview"), 1)
    doc.numbered(f"{report.overview_text} {report.positions_text}")
    doc.numbered(report.statuses_text)
    doc.table(
        [_("Group"), _("Recommendations"), *[label for label, _count in report.statuses]],
        (
            [f"{group.letter}. {group.title}", len(group.items), *_status_figures(group, report)]
            for group in report.groups
        ),
        caption=_("Recommendations and their implementation status, by group"),
    )

    doc.heading(_("III. Implementation of the recommendations"), 1)
    # The labels of the loop, translated once (a report repeats them thousands of times).
    no_lead, supporting_label, as_of = _("no lead entity"), _("supporting: %(names)s"), _("(as of %(date)s)")
    responsible_label = Run(_("Responsible entities:") + " ", bold=True)
    status_label_run = Run(_("Implementation status:") + " ", bold=True)
    actions_label = Run(_("Actions:") + " ", bold=True)
    update_label = _("%(entity)s, %(date)s (%(status)s):")
    nothing_yet = Run(_("[No validated information yet: to be completed.]"), italic=True)
    indicator_headers = [_("Indicator"), _("Unit"), _("Baseline"), _("Target"), _("Latest value"), _("Measured on")]
    indicator_caption = _("Indicators of %(reference)s")
    written = 0
    for group in report.groups:
        doc.heading(f"{group.letter}. {group.title}", 2)
        for item in group.items:
            doc.heading(item.reference, 3)
            runs = [Run(f"{item.reference} ({item.position}): ", bold=True), Run(f"“{item.text.text}”")]
            if not item.text.translated:
                runs.append(Run(f" [{item.text.note}]", italic=True))
            doc.numbered(runs)
            responsible = item.lead or no_lead
            if item.supporting:
                responsible += " — " + supporting_label % {"names": ", ".join(item.supporting)}
            doc.paragraph([responsible_label, responsible])
            status = item.status
            if item.status_on:
                status += " " + as_of % {"date": date_label(item.status_on)}
            doc.paragraph([status_label_run, status])
            if item.actions:
                doc.paragraph([actions_label, "; ".join(item.actions)])
            for update in item.updates:
                label = update_label % {
                    "entity": update.entity,
                    "date": date_label(update.reported_on),
                    "status": update.status,
                }
                doc.numbered([Run(label + " ", italic=True), update.narrative])
            if not item.updates:
                doc.paragraph(nothing_yet)
            if item.indicators:
                doc.table(
                    indicator_headers,
                    (
                        [
                            i.name,
                            i.unit,
                            _number(i.baseline),
                            _number(i.target),
                            _number(i.value),
                            date_label(i.measured_on),
                        ]
                        for i in item.indicators
                    ),
                    caption=indicator_caption % {"reference": item.reference},
                )
            written += 1
            if progress and written % 250 == 0:
                progress(written)

    doc.heading(_("Annex: the recommendations"), 1)
    doc.table(
        [_("Paragraph"), _("Recommendation"), _("Group"), _("Position"), _("Lead entity"), _("Implementation status")],
        (
            [item.number, item.reference, f"{group.letter}. {group.title}", item.position, item.lead, item.status]
            for group in report.groups
            for item in group.items
        ),
        caption=_("The recommendations of this report, with the paragraph that treats them"),
    )
    data = doc.save(title=report.title, author=author)
    if progress:
        progress(written)
    return data


def _status_figures(group: Group, report: MechanismReport) -> list[int]:
    counts = Counter(item.status for item in group.items)
    return [counts[label] for label, _count in report.statuses]

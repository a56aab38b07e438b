"""The draft report to a mechanism, organised as States write them.

Sections by cluster, by theme or by group of related recommendations (as chosen), each with a
heading, a place for the narrative, the recommendations it answers as a compact list (paragraph
numbers, short text, recommending States, position) and the validated information once per
entry. An entry is a recommendation, or the recommendations of a confirmed group of related
recommendations taken together (``Recommendation.related_group``): they ask the same thing, so
the State answers them once. Entries without validated information are not repeated as
placeholders: one annex table lists them. The cover note says how long the report is against the
limit the mechanism sets (``WORD_LIMITS``) and, when it is over, which sections are the largest.

``mechanism_report`` gathers everything in a fixed number of queries (whatever the number of
recommendations) inside the State's context; ``mechanism_report_docx`` writes it as Word. The
HTML preview renders the same ``MechanismReport`` (the same paragraph numbers) and takes its word
count from the same writer (``report_words``), run without building the document.
"""

from __future__ import annotations

import datetime
import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from followup.models import Action, Indicator, Measurement, ProgressUpdate
from recommendations.models import Country, ImplementationStatus, Mechanism, Position, Recommendation
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
GROUPINGS = ("cluster", "theme", "related")
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SHORT_WORDS = 18  # a recommendation's short text in the compact lists: its first words
SHORT_CHARACTERS = 45  # for a text written without spaces (Chinese)
LARGEST_SECTIONS = 3  # named in the cover note when the report is over the limit

# The length a mechanism accepts, in words. UPR national reports: 10,700 words (Human Rights
# Council decision 17/119, annex, para. 5). Treaty body periodic reports: 21,200 words (General
# Assembly resolution 68/268, para. 16; common core documents 42,400). Other mechanisms set none.
WORD_LIMITS = {Mechanism.Kind.UPR: 10_700, Mechanism.Kind.TREATY_BODY: 21_200}


def limit_label(kind: str) -> str:
    if kind == Mechanism.Kind.UPR:
        return _("a UPR national report")
    return _("a treaty body periodic report")


def group_letter(index: int) -> str:
    """A, B, … Z, AA, AB, …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = LETTERS[rest] + letters
    return letters


# What a UPR text carries that the compact list says in its own columns: the paragraph number in
# front ("121.1 Ratify …"), the recommending States at the end ("… (France); ").
_LEADING_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)*)\.?\s+")
_TRAILING_BRACKETS = re.compile(r"\s*\(((?:[^()]|\([^()]*\)){2,300})\)[\s;.,]*$")


def short_text(text: str, *, paragraph: str = "", states: list[str] | tuple = ()) -> str:
    """The first words of a text, with an ellipsis when there is more; without the paragraph
    number it starts with, nor the brackets it ends with when they name one of ``states`` (the
    recommending States' names, or their first word: "Venezuela (Bolivarian Republic of)")."""
    found = _LEADING_NUMBER.match(text)
    if found and paragraph and found.group(1) == paragraph.strip():
        text = text[found.end() :]
    brackets = _TRAILING_BRACKETS.search(text) if states else None
    if brackets:
        said = brackets.group(1).casefold()
        if any(name.casefold() in said or name.split()[0].casefold() in said for name in states if name.strip()):
            text = text[: brackets.start()]
    text = text.strip().rstrip(";,")
    words = text.split()
    if len(words) == 1 and len(text) > SHORT_CHARACTERS:
        return text[:SHORT_CHARACTERS].rstrip() + "…"
    if len(words) <= SHORT_WORDS:
        return " ".join(words)
    return " ".join(words[:SHORT_WORDS]).rstrip(",;:.") + "…"


def words_label(count: int) -> str:
    return ngettext("%(count)s word", "%(count)s words", count) % {"count": number_format(count, force_grouping=True)}


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
class Member:
    """One recommendation of an entry."""

    pk: int
    label: str  # its paragraph number, or symbol and paragraph when the report covers several documents
    text: Text
    short: str
    position: str


@dataclass
class Entry:
    """A recommendation, or a confirmed group of related ones, answered once."""

    members: list[Member]
    positions: str
    countries: list[str]
    lead: list[str]
    supporting: list[str]
    status: str = ""
    status_on: datetime.date | None = None
    related: list[str] = field(default_factory=list)  # members of its group outside this report
    updates: list[UpdateLine] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    indicators: list[IndicatorLine] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.members[0].pk

    @property
    def label(self) -> str:
        return ", ".join(member.label for member in self.members)

    @property
    def informed(self) -> bool:
        return bool(self.updates)

    @property
    def short(self) -> Run | list[Run]:
        first = self.members[0]
        runs = [Run(first.short)]
        if not first.text.translated:
            runs.append(Run(f" [{first.text.note}]", italic=True))
        return runs

    @property
    def short_plain(self) -> str:
        return "".join(run.text for run in self.short)

    @property
    def responsible(self) -> str:
        lead, supporting = _("lead"), _("supporting")
        return "; ".join(
            [*(f"{name} ({lead})" for name in self.lead), *(f"{name} ({supporting})" for name in self.supporting)]
        )

    @property
    def status_text(self) -> str:
        if self.status_on:
            return f"{self.status} " + _("(as of %(date)s)") % {"date": date_label(self.status_on)}
        return self.status


@dataclass
class Section:
    letter: str
    title: str
    entries: list[Entry]
    narrative_number: int = 0

    @property
    def heading(self) -> str:
        return f"{self.letter}. {self.title}"

    @property
    def informed(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.informed]

    @property
    def pending(self) -> list[Entry]:
        return [entry for entry in self.entries if not entry.informed]

    @property
    def recommendations(self) -> int:
        return sum(len(entry.members) for entry in self.entries)

    @property
    def informed_count(self) -> int:
        return sum(len(entry.members) for entry in self.entries if entry.informed)

    @property
    def pending_count(self) -> int:
        return sum(len(entry.members) for entry in self.entries if not entry.informed)

    @property
    def key(self) -> str:
        return f"section:{self.letter}"

    @property
    def narrative_text(self) -> str:
        return _("[Narrative of the section to be drafted: what was done on %(title)s, and what remains.]") % {
            "title": self.title
        }

    @property
    def pending_text(self) -> str:
        pending = self.pending_count
        if not pending:
            return ""
        return ngettext(
            "%(count)s recommendation of this section has no validated information yet: see the annex.",
            "%(count)s recommendations of this section have no validated information yet: see the annex.",
            pending,
        ) % {"count": pending}


@dataclass
class Review:
    """A document whose recommendations the report answers (its symbol, or the UPR session)."""

    symbol: str
    issued_on: datetime.date | None


@dataclass
class Words:
    """The report's length against the mechanism's limit."""

    total: int
    limit: int | None
    limit_label: str
    sections: list[tuple[str, int]]  # every section of part III, with its words

    @property
    def over(self) -> int:
        return max(self.total - self.limit, 0) if self.limit else 0

    @property
    def largest(self) -> list[tuple[str, int]]:
        return heapq.nlargest(LARGEST_SECTIONS, self.sections, key=lambda pair: pair[1]) if self.over else []

    @property
    def text(self) -> str:
        counted = words_label(self.total)
        if not self.limit:
            return _(
                "Length: %(words)s (without this note and the annex); no word limit is set for this mechanism."
            ) % {"words": counted}
        values = {"words": counted, "limit": words_label(self.limit), "kind": self.limit_label}
        if not self.over:
            return (
                _("Length: %(words)s (without this note and the annex), within the limit of %(limit)s for %(kind)s.")
                % values
            )
        values["over"] = words_label(self.over)
        return (
            _("Length: %(words)s (without this note and the annex), %(over)s over the limit of %(limit)s for %(kind)s.")
            % values
        )

    @property
    def largest_text(self) -> str:
        if not self.largest:
            return ""
        names = "; ".join(f"{heading} ({words_label(count)})" for heading, count in self.largest)
        return _("The largest sections: %(sections)s.") % {"sections": names}


@dataclass
class MechanismReport:
    title: str
    state_name: str
    mechanism: str
    mechanism_kind: str
    grouping: str
    up_to: datetime.date
    language: str
    sections: list[Section]
    total: int
    untranslated: int
    positions: list[tuple[str, int]]
    statuses: list[tuple[str, int]]
    reviews: list[Review]
    review: Review | None = None  # the review as the person named it on the form
    report_symbol: str = ""
    due_on: datetime.date | None = None
    introduction_number: int = 1
    overview_numbers: tuple[int, int] = (2, 3)
    words: Words | None = None

    @property
    def language_name(self) -> str:
        return language_name(self.language)

    @property
    def grouping_label(self) -> str:
        return {
            "cluster": _("by cluster"),
            "theme": _("by theme"),
            "related": _("by group of related recommendations"),
        }[self.grouping]

    @property
    def entries(self):
        for section in self.sections:
            yield from section.entries

    @property
    def pending(self) -> list[tuple[Section, Entry]]:
        return [(section, entry) for section in self.sections for entry in section.pending]

    @property
    def informed_count(self) -> int:
        return sum(len(entry.members) for entry in self.entries if entry.informed)

    @property
    def word_limit(self) -> int | None:
        return WORD_LIMITS.get(self.mechanism_kind)

    @property
    def reviews_text(self) -> str:
        """The review the report answers, as named on the form; else the documents its
        recommendations come from, newest first (three at most)."""
        if self.review:
            if self.review.issued_on:
                return _("Review %(symbol)s of %(date)s") % {
                    "symbol": self.review.symbol,
                    "date": date_label(self.review.issued_on),
                }
            return _("Review %(symbol)s") % {"symbol": self.review.symbol}
        shown = [
            f"{review.symbol} ({date_label(review.issued_on)})" if review.issued_on else review.symbol
            for review in self.reviews[:3]
        ]
        if not shown:
            return ""
        more = len(self.reviews) - len(shown)
        text = "; ".join(shown)
        if more:
            text += " " + ngettext("and %(count)s other document", "and %(count)s other documents", more) % {
                "count": more
            }
        return _("Recommendations of %(documents)s") % {"documents": text}

    @property
    def subtitle(self) -> str:
        parts = [self.state_name, self.mechanism]
        if self.reviews_text:
            parts.append(self.reviews_text)
        return " · ".join(parts)

    @property
    def symbol_text(self) -> str:
        """The report's own symbol and due date, when the calendar knows them."""
        if self.report_symbol and self.due_on:
            return _("Report %(symbol)s, due on %(date)s") % {
                "symbol": self.report_symbol,
                "date": date_label(self.due_on),
            }
        if self.due_on:
            return _("Report due on %(date)s") % {"date": date_label(self.due_on)}
        if self.report_symbol:
            return _("Report %(symbol)s") % {"symbol": self.report_symbol}
        return ""

    @property
    def assembled_text(self) -> str:
        return _(
            "Draft assembled from the national tracking database, %(grouping)s, in %(language)s, with the "
            "information validated up to %(date)s. Delete this note before the report is sent."
        ) % {"grouping": self.grouping_label, "language": self.language_name, "date": date_label(self.up_to)}

    @property
    def overview_text(self) -> str:
        entries = sum(1 for _entry in self.entries)
        text = ngettext(
            "This report covers the %(count)s recommendation the %(mechanism)s addressed to %(state)s",
            "This report covers the %(count)s recommendations the %(mechanism)s addressed to %(state)s",
            self.total,
        ) % {"count": self.total, "mechanism": self.mechanism, "state": self.state_name}
        if entries != self.total:
            text += " " + ngettext(
                "(%(entries)s entry, related recommendations taken together)",
                "(%(entries)s entries, related recommendations taken together)",
                entries,
            ) % {"entries": entries}
        informed, pending = self.informed_count, self.total - self.informed_count
        text += ". " + ngettext(
            "%(informed)s has validated information up to %(date)s, presented in section III;",
            "%(informed)s have validated information up to %(date)s, presented in section III;",
            informed,
        ) % {"informed": informed, "date": date_label(self.up_to)}
        text += " " + ngettext(
            "%(pending)s, without it yet, is listed in the annex.",
            "%(pending)s, without it yet, are listed in the annex.",
            pending,
        ) % {"pending": pending}
        return text

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
        return ngettext(
            "%(count)s recommendation text is not translated into %(language)s: it is given in its original "
            "language, marked “original text, not translated”.",
            "%(count)s of the recommendation texts are not translated into %(language)s: they are given in their "
            "original language, marked “original text, not translated”.",
            self.untranslated,
        ) % {"count": self.untranslated, "language": self.language_name}


def _latest_first(update: dict) -> tuple:
    return (
        update["reported_on"],
        update["reviewed_at"] or datetime.datetime.min.replace(tzinfo=datetime.UTC),
        update["pk"],
    )


def mechanism_report(
    *,
    state,
    mechanism_id: int,
    grouping: str,
    up_to: datetime.date,
    language: str,
    title: str,
    document: str = "",
    review_symbol: str = "",
    review_date: datetime.date | None = None,
    report_symbol: str = "",
    due_on: datetime.date | None = None,
) -> MechanismReport:
    """Gather the report (call inside ``state_context(state)`` and ``translation.override(language)``).

    ``document``: only the recommendations of that document symbol (all the mechanism's when
    empty). ``review_symbol`` and ``review_date``: the review as the person names it (the
    recommendations' own symbols and dates otherwise). ``report_symbol``, ``due_on``: the report's
    own, from the calendar.
    """
    mechanism = Mechanism.objects.get(pk=mechanism_id)
    recommendations = Recommendation.objects.filter(mechanism_id=mechanism_id).filter(
        Q(issued_on__isnull=True) | Q(issued_on__lte=up_to)
    )
    if document:
        recommendations = recommendations.filter(symbol=document)
    rows = list(
        recommendations.order_by().values(
            "pk",
            "symbol",
            "paragraph",
            "position",
            "issued_on",
            "upr_session",
            "primary_cluster_id",
            "cluster_ids",
            "theme_ids",
            "lead_entity_id",
            "supporting_entity_ids",
            "recommending_country_ids",
            "related_group_id",
            *TEXT_COLUMNS,
        )
    )
    id_set = {row["pk"] for row in rows}
    group_ids = {row["related_group_id"] for row in rows} - {None}
    # The members of those groups outside this report (another mechanism's, another document's, later).
    outside = (
        list(
            Recommendation.objects.filter(related_group_id__in=group_ids)
            .exclude(pk__in=id_set)
            .order_by()
            .values("pk", "symbol", "paragraph", "related_group_id", "mechanism__code")
        )
        if group_ids
        else []
    )
    all_ids = list(id_set | {row["pk"] for row in outside}) or [0]
    entities = entity_names()

    updates: dict[int, list[dict]] = defaultdict(list)
    for update in (
        ProgressUpdate.objects.filter(recommendation_id__in=all_ids, status__in=COUNTED, reported_on__lte=up_to)
        .order_by("reported_on", "reviewed_at", "pk")
        .values(
            "pk", "recommendation_id", "entity_id", "reported_on", "reviewed_at", "implementation_status", "narrative"
        )
    ):
        updates[update["recommendation_id"]].append(update)

    action_statuses = dict(Action.Status.choices)
    action_rows = list(
        Action.objects.filter(recommendation_ids__overlap=all_ids).values("pk", "title", "status", "recommendation_ids")
    )
    actions_of: dict[int, list[dict]] = defaultdict(list)
    for action in action_rows:
        for rec_id in action["recommendation_ids"]:
            actions_of[rec_id].append(action)

    indicators = list(
        Indicator.objects.filter(Q(recommendation_id__in=all_ids) | Q(action_id__in=[a["pk"] for a in action_rows]))
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
    indicators_of_rec: dict[int, list[dict]] = defaultdict(list)
    indicators_of_action: dict[int, list[dict]] = defaultdict(list)
    for indicator in indicators:
        if indicator["recommendation_id"]:
            indicators_of_rec[indicator["recommendation_id"]].append(indicator)
        else:
            indicators_of_action[indicator["action_id"]].append(indicator)

    country_ids = {pk for row in rows for pk in row["recommending_country_ids"]}
    countries = dict(Country.objects.filter(pk__in=country_ids).values_list("pk", "name")) if country_ids else {}
    # Texts name their recommending States in English as often as in the report's language.
    country_spellings = {
        pk: [name for name in (countries.get(pk), english) if name]
        for pk, english in (
            Country.objects.filter(pk__in=country_ids).values_list("pk", "name_en") if country_ids else []
        )
    }

    def states_of(row) -> list[str]:
        return [name for pk in row["recommending_country_ids"] for name in country_spellings.get(pk, [])]

    # The documents the report answers, newest first: their symbols, or the UPR session.
    documents: dict[str, datetime.date | None] = {}
    for row in rows:
        if row["symbol"]:
            name = row["symbol"]
        elif row["upr_session"]:
            name = _("UPR Working Group, session %(session)s") % {"session": row["upr_session"]}
        else:
            continue
        known = documents.get(name)
        if name not in documents or (row["issued_on"] and (known is None or row["issued_on"] > known)):
            documents[name] = row["issued_on"]
    reviews = sorted(
        (Review(symbol, issued_on) for symbol, issued_on in documents.items()),
        key=lambda r: (r.issued_on or datetime.date.min, r.symbol),
        reverse=True,
    )
    one_document = len({row["symbol"] for row in rows}) <= 1

    def label_of(row) -> str:
        if one_document and row["paragraph"]:
            return row["paragraph"]
        return reference(row["symbol"], row["paragraph"], row["pk"])

    def order_of(row) -> tuple:
        return (natural_key(row["symbol"]), natural_key(row["paragraph"]), row["pk"])

    # Entries: a confirmed group's members of this report together, any other recommendation alone.
    by_group: dict[int, list[dict]] = defaultdict(list)
    singles: list[list[dict]] = []
    for row in rows:
        if row["related_group_id"] is None:
            singles.append([row])
        else:
            by_group[row["related_group_id"]].append(row)
    entry_rows = [sorted(members, key=order_of) for members in [*by_group.values(), *singles]]
    outside_of: dict[int, list[str]] = defaultdict(list)
    for row in sorted(outside, key=order_of):
        outside_of[row["related_group_id"]].append(
            f"{reference(row['symbol'], row['paragraph'], row['pk'])} ({row['mechanism__code']})"
        )

    # Sections, in the State's cluster order, the themes' alphabetical order or the groups' order;
    # the entries without one last. An entry goes where its first recommendation goes.
    if grouping == "theme":
        names = theme_names()

        def key_of(members):
            return next((pk for pk in members[0]["theme_ids"] if pk in names), None)

        def section_order(key):
            return (key is None, names.get(key, "").casefold())

        def section_title(key, members):
            return names[key] if key is not None else _("Recommendations without a theme")
    elif grouping == "related":

        def key_of(members):
            return members[0]["related_group_id"]

        def section_order(key):
            return (key is None, first_of.get(key, ()))

        def section_title(key, members):
            if key is None:
                return _("Recommendations not in a group of related recommendations")
            first = members[0][0]
            return short_text(
                text_in(first, language).text,
                paragraph=first["paragraph"],
                states=states_of(first),
            )
    else:
        clusters = cluster_names()

        def key_of(members):
            row = members[0]
            if row["primary_cluster_id"] in clusters:
                return row["primary_cluster_id"]
            return next((pk for pk in row["cluster_ids"] if pk in clusters), None)

        def section_order(key):
            position, name = clusters.get(key, (0, ""))
            return (key is None, position, name.casefold())

        def section_title(key, members):
            return clusters[key][1] if key is not None else _("Recommendations not in a cluster")

    grouped: dict[object, list[list[dict]]] = defaultdict(list)
    for members in entry_rows:
        grouped[key_of(members)].append(members)
    first_of = {key: order_of(min((m[0] for m in groups), key=order_of)) for key, groups in grouped.items()}

    number = 4  # 1: the introduction; 2 and 3: the overview
    sections: list[Section] = []
    untranslated = 0
    position_counts: Counter = Counter()
    status_counts: Counter = Counter()
    for index, key in enumerate(sorted(grouped, key=section_order)):
        groups = sorted(grouped[key], key=lambda members: order_of(members[0]))
        section = Section(letter=group_letter(index), title=section_title(key, groups), entries=[])
        section.narrative_number = number
        number += 1
        for member_rows in groups:
            members = []
            for row in member_rows:
                text = text_in(row, language)
                untranslated += not text.translated
                position_counts[row["position"]] += 1
                members.append(
                    Member(
                        pk=row["pk"],
                        label=label_of(row),
                        text=text,
                        short=short_text(text.text, paragraph=row["paragraph"], states=states_of(row)),
                        position=position_label(row["position"]),
                    )
                )
            positions = Counter(member.position for member in members)
            lead = list(
                dict.fromkeys(entities[r["lead_entity_id"]] for r in member_rows if r["lead_entity_id"] in entities)
            )
            supporting = list(
                dict.fromkeys(entities[pk] for r in member_rows for pk in r["supporting_entity_ids"] if pk in entities)
            )
            group_id = member_rows[0]["related_group_id"]
            entry = Entry(
                members=members,
                positions=members[0].position
                if len(positions) == 1
                else ", ".join(f"{label} ({count})" for label, count in positions.items()),
                countries=sorted(
                    {countries[pk] for r in member_rows for pk in r["recommending_country_ids"] if pk in countries},
                    key=str.casefold,
                ),
                lead=lead,
                supporting=[name for name in supporting if name not in lead],
                related=outside_of.get(group_id, []) if group_id else [],
            )
            # The group's updates, once each: an answer applied to every member of its group
            # (reporting.returns) is one update per member with the same words.
            pks = [r["pk"] for r in member_rows]
            if group_id:
                pks += [row["pk"] for row in outside if row["related_group_id"] == group_id]
            history = sorted((u for pk in pks for u in updates.get(pk, [])), key=_latest_first)
            seen = set()
            for update in history:
                same = (
                    update["entity_id"],
                    update["reported_on"],
                    update["implementation_status"],
                    update["narrative"].strip(),
                )
                if same in seen:
                    continue
                seen.add(same)
                entry.updates.append(
                    UpdateLine(
                        number=number,
                        entity=entities.get(update["entity_id"], ""),
                        reported_on=update["reported_on"],
                        status=status_label(update["implementation_status"]),
                        narrative=update["narrative"],
                    )
                )
                number += 1
            current = history[-1] if history else None
            status_counts[current["implementation_status"] if current else ""] += len(members)
            if current:
                entry.status, entry.status_on = status_label(current["implementation_status"]), current["reported_on"]
            seen_actions: set[int] = set()
            seen_indicators: set[int] = set()
            for pk in pks:
                for action in actions_of.get(pk, []):
                    if action["pk"] in seen_actions:
                        continue
                    seen_actions.add(action["pk"])
                    entry.actions.append(f"{action['title']} ({action_statuses.get(action['status'], '')})")
                linked = indicators_of_rec.get(pk, []) + [
                    indicator
                    for action in actions_of.get(pk, [])
                    for indicator in indicators_of_action.get(action["pk"], [])
                ]
                for indicator in linked:
                    if indicator["pk"] in seen_indicators:
                        continue
                    seen_indicators.add(indicator["pk"])
                    measured = latest.get(indicator["pk"])
                    entry.indicators.append(
                        IndicatorLine(
                            name=indicator["name"],
                            unit=indicator["unit"],
                            baseline=indicator["baseline"],
                            target=indicator["target"],
                            value=measured["value"] if measured else None,
                            measured_on=measured["measured_on"] if measured else None,
                        )
                    )
            section.entries.append(entry)
        sections.append(section)

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
        mechanism_kind=mechanism.kind,
        grouping=grouping,
        up_to=up_to,
        language=language,
        sections=sections,
        total=len(rows),
        untranslated=untranslated,
        positions=positions,
        statuses=status_list,
        reviews=reviews,
        review=Review(review_symbol, review_date) if review_symbol else None,
        report_symbol=report_symbol,
        due_on=due_on,
    )


def _number(value) -> str:
    if value is None:
        return "—"
    return f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)


def _words(report: MechanismReport, doc: WordDocument) -> Words:
    return Words(
        total=sum(doc.words.values()),
        limit=report.word_limit,
        limit_label=limit_label(report.mechanism_kind) if report.word_limit else "",
        sections=[(section.heading, doc.words[section.key]) for section in report.sections],
    )


def report_words(report: MechanismReport) -> Words:
    """The report's length as the Word file counts it (the same writer, without building the file)."""
    doc = WordDocument(language=report.language, rtl=report.language in RTL_LANGUAGES, build=False)
    _write_body(report, doc)
    return _words(report, doc)


def _cover_note(report: MechanismReport, doc: WordDocument, words: Words) -> None:
    doc.paragraph(Run(_("Note for the drafting team"), bold=True))
    doc.paragraph(Run(report.assembled_text, italic=True))
    doc.paragraph(Run(words.text, italic=True, bold=bool(words.over)))
    if words.over:
        doc.paragraph(Run(words.largest_text, italic=True))
    if report.untranslated:
        doc.paragraph(Run(report.untranslated_text, italic=True))


def mechanism_report_docx(
    report: MechanismReport, *, author: str = "", progress: Callable[[int], None] | None = None
) -> bytes:
    """The report as a Word document. ``progress(n)`` is told how many recommendations are written."""
    doc = WordDocument(language=report.language, rtl=report.language in RTL_LANGUAGES)
    doc.title(report.title)
    doc.subtitle(report.subtitle)
    if report.symbol_text:
        doc.paragraph(report.symbol_text)
    note = doc.placeholder()
    _write_body(report, doc, progress=progress)
    report.words = _words(report, doc)
    cover = doc.fragment()
    _cover_note(report, cover, report.words)
    doc.fill(note, cover)
    _write_annex(report, doc)
    data = doc.save(title=report.title, author=author)
    if progress:
        progress(report.total)
    return data


def compact_headers(report: MechanismReport) -> list[str]:
    headers = [_("Paragraph"), _("Recommendation")]
    if any(entry.countries for entry in report.entries):
        headers.append(_("Recommending States"))
    headers.append(_("Position"))
    return headers


def compact_row(entry: Entry, with_countries: bool) -> list:
    row = [entry.label, entry.short]
    if with_countries:
        row.append(", ".join(entry.countries) or "—")
    row.append(entry.positions)
    return row


def _write_body(report: MechanismReport, doc: WordDocument, *, progress: Callable[[int], None] | None = None) -> None:
    """Parts I to III, their words counted by section (the annex and the cover note are not counted)."""
    doc.counting = "introduction"
    doc.heading(_("I. Introduction"), 1)
    doc.numbered(
        Run(
            _(
                "[To be drafted: the purpose of the report, the period it covers, the methodology and the "
                "consultation process: how the information was gathered and who was consulted.]"
            ),
            italic=True,
        )
    )
    doc.counting = "overview"
    doc.heading(_("II. Overview"), 1)
    doc.numbered(f"{report.overview_text} {report.positions_text}")
    doc.numbered(report.statuses_text)
    doc.table(
        [_("Section"), _("Recommendations"), _("With information"), _("In the annex")],
        (
            [section.heading, section.recommendations, section.informed_count, section.pending_count]
            for section in report.sections
        ),
        caption=_("Recommendations by section"),
    )

    doc.heading(_("III. Implementation of the recommendations"), 1)
    # The labels of the loop, translated once (a report repeats them thousands of times).
    headers = compact_headers(report)
    with_countries = len(headers) == 4
    responsible_label = Run(_("Responsible entities:") + " ", bold=True)
    status_label_run = Run(_("Implementation status:") + " ", bold=True)
    actions_label = Run(_("Actions:") + " ", bold=True)
    related_label = Run(_("Related recommendations of other documents:") + " ", bold=True)
    update_label = _("%(entity)s, %(date)s (%(status)s):")
    compact_caption = _("Recommendations answered in section %(letter)s")
    indicator_headers = [_("Indicator"), _("Baseline"), _("Target"), _("Latest value"), _("Measured on")]
    # Not named after the entry: its paragraph numbers are said once, in its heading.
    indicator_caption = _("Indicators and their latest values")
    written = 0
    for section in report.sections:
        doc.counting = section.key
        doc.heading(section.heading, 2)
        doc.numbered(Run(section.narrative_text, italic=True))
        informed = section.informed
        if informed:
            doc.table(
                headers,
                (compact_row(entry, with_countries) for entry in informed),
                caption=compact_caption % {"letter": section.letter},
            )
        if section.pending_text:
            doc.paragraph(Run(section.pending_text, italic=True))
        for entry in informed:
            doc.heading(entry.label, 3)
            if entry.lead or entry.supporting:
                doc.paragraph([responsible_label, entry.responsible])
            doc.paragraph([status_label_run, entry.status_text])
            if entry.related:
                doc.paragraph([related_label, "; ".join(entry.related)])
            for update in entry.updates:
                label = update_label % {
                    "entity": update.entity,
                    "date": date_label(update.reported_on),
                    "status": update.status,
                }
                doc.numbered([Run(label + " ", italic=True), update.narrative])
            if entry.actions:
                doc.paragraph([actions_label, "; ".join(entry.actions)])
            if entry.indicators:
                doc.table(
                    indicator_headers,
                    (
                        [
                            f"{i.name} ({i.unit})" if i.unit else i.name,
                            _number(i.baseline),
                            _number(i.target),
                            _number(i.value),
                            date_label(i.measured_on),
                        ]
                        for i in entry.indicators
                    ),
                    caption=indicator_caption,
                )
        written += section.recommendations
        if progress:
            progress(written)
    doc.counting = None


def _write_annex(report: MechanismReport, doc: WordDocument) -> None:
    doc.heading(_("Annex: recommendations without validated information"), 1)
    pending = report.pending
    if not pending:
        doc.paragraph(Run(_("Every recommendation of this report has validated information."), italic=True))
        return
    doc.table(
        [_("Paragraph"), _("Recommendation"), _("Section"), _("Lead entity"), _("Position")],
        (
            [entry.label, entry.short, section.letter, ", ".join(entry.lead) or "—", entry.positions]
            for section, entry in pending
        ),
        caption=_("Recommendations without validated information up to %(date)s") % {"date": date_label(report.up_to)},
    )

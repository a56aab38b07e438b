"""What the public portal shows: a search's page, facets with labels, a recommendation, statistics, exports.

Only published data: results come from ``SearchDocument`` (published recommendations only), and
every recommendation read here is read again with ``published=True``; progress shown is that of
published updates; people's names, internal notes, clusters, priorities and drafts never appear.
The number of queries is the same whatever the number of results or facet values.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from html import escape

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from followup.models import Action, ProgressUpdate
from portal import search
from portal.search import CODED, Facet, SearchQuery, SearchResult
from recommendations.models import (
    AffectedGroup,
    Entity,
    ImplementationStatus,
    Mechanism,
    Position,
    Recommendation,
    SdgGoal,
    SdgTarget,
    Theme,
)
from recommendations.queries import recommendations_published

FACET_TITLES = {
    Facet.KIND: gettext_lazy("Kind of mechanism"),
    Facet.BODY: gettext_lazy("Mechanism"),
    Facet.THEME: gettext_lazy("Theme"),
    Facet.SDG_GOAL: gettext_lazy("SDG goal"),
    Facet.SDG_TARGET: gettext_lazy("SDG target"),
    Facet.GROUP: gettext_lazy("Affected group"),
    Facet.POSITION: gettext_lazy("Position"),
    Facet.STATUS: gettext_lazy("Implementation status"),
    Facet.ENTITY: gettext_lazy("Responsible entity"),
    Facet.CYCLE: gettext_lazy("UPR cycle"),
    Facet.YEAR: gettext_lazy("Year"),
}
# Facets listed by value rather than by count.
ORDERED_BY_VALUE = {Facet.KIND, Facet.POSITION, Facet.STATUS, Facet.CYCLE, Facet.YEAR}
# How many values a facet shows before "more", and at most under "more" (a visitor with more
# to choose from narrows with the search box; the page stays small).
SHOWN = 8
MORE = 20


def _coded_labels(facet: Facet) -> dict[int, str]:
    choices = {
        Facet.KIND: Mechanism.Kind,
        Facet.POSITION: Position,
        Facet.STATUS: ImplementationStatus,
    }[facet]
    labels = {index + 1: str(label) for index, label in enumerate(choices.labels)}
    labels[0] = {
        Facet.KIND: _("Other"),
        Facet.POSITION: _("No position stated"),
        Facet.STATUS: _("No progress published yet"),
    }[facet]
    return labels


# Labels of the global vocabularies, per facet and language, kept in the process for a while:
# they change with a migration or an administrator's edit, not with a search.
_LABELS: dict[tuple[Facet, str], tuple[float, dict[int, str]]] = {}
LABELS_SECONDS = 300


def _vocabulary_labels(facet: Facet) -> dict[int, str]:
    key = (facet, translation.get_language() or "")
    cached = _LABELS.get(key)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    if facet == Facet.BODY:
        labels = {m.pk: f"{m.code} - {m.name}" for m in Mechanism.objects.all()}
    elif facet == Facet.SDG_GOAL:
        labels = {
            g.pk: _("Goal %(number)s: %(name)s") % {"number": g.number, "name": g.name} for g in SdgGoal.objects.all()
        }
    elif facet == Facet.SDG_TARGET:
        labels = {t.pk: f"{t.code} {t.name}" for t in SdgTarget.objects.all()}
    else:
        model = {Facet.THEME: Theme, Facet.GROUP: AffectedGroup}[facet]
        labels = {obj.pk: str(obj.name) for obj in model.objects.all()}
    _LABELS[key] = (time.monotonic() + LABELS_SECONDS, labels)
    return labels


def entities_named_in_public(wanted: set[int]) -> set[int]:
    """Those of ``wanted`` that a published recommendation names (lead or supporting): the only
    entities the portal and its API may name, whatever id a visitor asks about (two queries)."""
    if not wanted:
        return set()
    published = recommendations_published()
    named = set(published.filter(lead_entity__in=wanted).values_list("lead_entity_id", flat=True).distinct())
    for ids in published.filter(supporting_entity_ids__overlap=list(wanted)).values_list(
        "supporting_entity_ids", flat=True
    ):
        named.update(pk for pk in ids if pk in wanted)
    return named


def facet_labels(values: dict[Facet, set[int]]) -> dict[Facet, dict[int, str]]:
    """Labels, in the current language, of the facet values given (the State's entities: one query)."""
    labels: dict[Facet, dict[int, str]] = {}
    for facet, wanted in values.items():
        if facet in CODED:
            labels[facet] = _coded_labels(facet)
        elif facet == Facet.CYCLE:
            labels[facet] = {
                v: (_("Cycle %(number)s") % {"number": v}) if v else _("Not a UPR recommendation") for v in wanted
            }
        elif facet == Facet.YEAR:
            labels[facet] = {v: str(v) if v else _("Date unknown") for v in wanted}
        elif facet == Facet.ENTITY:
            named = entities_named_in_public(wanted)
            labels[facet] = {obj.pk: str(obj.name) for obj in Entity.objects.filter(pk__in=named)}
        else:
            labels[facet] = _vocabulary_labels(facet)
    return labels


@dataclass
class FacetValue:
    value: int
    param: str
    label: str
    count: int
    selected: bool


@dataclass
class FacetBlock:
    facet: Facet
    param: str
    title: str
    shown: list[FacetValue]
    more: list[FacetValue]
    # Values left out of the page (the least frequent).
    hidden: int = 0

    def _choices(self, items: list[FacetValue]) -> str:
        # Written here rather than in a template loop: a page has hundreds of these, and the
        # template engine's per-variable cost made them most of a search's time.
        param = escape(self.param)
        html = []
        for item in items:
            value = escape(item.param)
            html.append(
                f'<li><input type="checkbox" class="facet-choice" name="{param}" value="{value}"'
                f' id="f-{param}-{value}"{" checked" if item.selected else ""}>'
                f' <label for="f-{param}-{value}">{escape(item.label)}'
                f' <span class="facet-count">({item.count})</span></label></li>'
            )
        return mark_safe("\n".join(html))  # noqa: S308 -- every value is escaped above

    @property
    def shown_html(self) -> str:
        return self._choices(self.shown)

    @property
    def more_html(self) -> str:
        return self._choices(self.more)


def facet_blocks(result: SearchResult) -> list[FacetBlock]:
    query = result.query
    wanted: dict[Facet, set[int]] = {}
    for facet in search.PARAMS.values():
        values = set(result.counts.get(facet, {})) | set(query.filters.get(facet, []))
        if facet in (Facet.CYCLE,) and values == {0}:
            values = set()
        if values:
            wanted[facet] = values
    labels = facet_labels(wanted)
    blocks = []
    for facet, values in wanted.items():
        counts = result.counts.get(facet, {})
        items = []
        for value in values:
            label = labels.get(facet, {}).get(value)
            if label is None:  # an id of another State or of nothing: not shown
                continue
            items.append(
                FacetValue(
                    value=value,
                    param=query.value_param(facet, value),
                    label=label,
                    count=counts.get(value, 0),
                    selected=value in query.filters.get(facet, []),
                )
            )
        if facet in (Facet.CYCLE, Facet.YEAR):
            items.sort(key=lambda item: (item.value == 0, -item.value))
        elif facet in ORDERED_BY_VALUE:
            items.sort(key=lambda item: (item.value == 0, item.value))
        else:
            items.sort(key=lambda item: (-item.count, item.label))
        shown = items[:SHOWN] + [item for item in items[SHOWN:] if item.selected]
        rest = [item for item in items[SHOWN:] if not item.selected]
        if items:
            blocks.append(
                FacetBlock(
                    facet, search.FACET_PARAM[facet], str(FACET_TITLES[facet]), shown, rest[:MORE], len(rest) - MORE
                )
            )
    return blocks


@dataclass
class Hit:
    recommendation: Recommendation
    text: str
    text_language: str
    translated: bool
    marked: str
    status: str
    status_on: object
    status_code: str = ""  # the status's value, for its colour


def hits(result: SearchResult, language: str) -> list[Hit]:
    """The recommendations of the result page, in its order, with their text in ``language`` marked."""
    by_id = {r.pk: r for r in recommendations_published().filter(pk__in=result.ids)}
    statuses = dict(ImplementationStatus.choices)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, status, status_on FROM recommendations_searchdoc WHERE id = ANY(%s)", [list(by_id)])
        status_of = {row[0]: (row[1], row[2]) for row in cursor.fetchall()}
    ordered = [by_id[pk] for pk in result.ids if pk in by_id]
    texts = [search.text_in(r, language) for r in ordered]
    mark = search.highlighter(result, [(text, lang) for text, lang, _own in texts])
    out = []
    for recommendation, (text, text_language, translated) in zip(ordered, texts, strict=True):
        status, status_on = status_of.get(recommendation.pk, ("", None))
        out.append(
            Hit(
                recommendation=recommendation,
                text=text,
                text_language=text_language,
                translated=translated,
                marked=mark(text, text_language),
                status=str(statuses.get(status, "")),
                status_on=status_on,
                status_code=status,
            )
        )
    return out


def language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


# --- A recommendation's page ---------------------------------------------------------------------


def published_progress(recommendation: Recommendation) -> list[ProgressUpdate]:
    """Published updates on the recommendation and on the actions that implement it, newest first."""
    actions = Action.objects.filter(recommendation_ids__contains=[recommendation.pk]).values("pk")
    return list(
        ProgressUpdate.objects.filter(status=ProgressUpdate.Status.PUBLISHED)
        .filter(Q(recommendation=recommendation) | Q(action__in=actions))
        .select_related("entity")
        .only(
            "implementation_status",
            "narrative",
            "reported_on",
            "published_at",
            "entity__name",
            "entity__short_name",
            *(f"entity__name_{c}" for c in search.TEXT_LANGUAGES.values()),
            "recommendation_id",
        )
        .order_by("-reported_on", "-published_at", "-pk")
    )


def statuses_of(ids: list[int]) -> dict[int, tuple[str, object]]:
    """The implementation status the public sees of each recommendation (that of its latest
    published update) and its date, from the search documents: {id: (status, date)}."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, status, status_on FROM recommendations_searchdoc WHERE id = ANY(%s)", [list(ids)])
        return {row[0]: (row[1], row[2]) for row in cursor.fetchall()}


def portal_status(recommendation: Recommendation) -> tuple[str, str, object]:
    """The status the public sees on a recommendation's page: its value, its label and its date."""
    status, status_on = statuses_of([recommendation.pk]).get(recommendation.pk, ("", None))
    return status, str(dict(ImplementationStatus.choices).get(status, "")), status_on


# --- Statistics ----------------------------------------------------------------------------------


def statistics(state_id: int) -> dict:
    """Published recommendations by mechanism kind, by mechanism and by status (two queries)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT k / {search.K}, k %% {search.K}, d.status, count(*) FROM recommendations_searchdoc d"
            " CROSS JOIN LATERAL unnest(d.keys) AS k"
            f" WHERE d.state_id = %s AND k / {search.K} IN (%s, %s) GROUP BY 1, 2, 3",
            [state_id, int(Facet.KIND), int(Facet.BODY)],
        )
        rows = cursor.fetchall()
    kind_labels = _coded_labels(Facet.KIND)
    bodies = {
        m.pk: m
        for m in Mechanism.objects.filter(pk__in={value for facet, value, _s, _c in rows if facet == Facet.BODY})
    }
    status_labels = dict(ImplementationStatus.choices)
    by_status: dict[str, int] = {}
    by_kind: dict[int, int] = {}
    by_body: dict[int, dict[str, int]] = {}
    for facet, value, status, count in rows:
        if facet == Facet.KIND:
            by_kind[value] = by_kind.get(value, 0) + count
            by_status[status] = by_status.get(status, 0) + count
        else:
            by_body.setdefault(value, {})[status] = by_body.get(value, {}).get(status, 0) + count
    total = sum(by_kind.values())
    statuses = [*ImplementationStatus.values, ""]
    return {
        "total": total,
        "by_kind": [(kind_labels[code], count, code) for code, count in sorted(by_kind.items())],
        "by_status": [
            (str(status_labels.get(status, _("No progress published yet"))), by_status.get(status, 0), status)
            for status in statuses
            if by_status.get(status)
        ],
        "by_body": sorted(
            (
                (bodies[pk], sum(counts.values()), [(status, counts.get(status, 0)) for status in statuses])
                for pk, counts in by_body.items()
                if pk in bodies
            ),
            key=lambda item: (-item[1], item[0].code),
        ),
        "statuses": [(status, str(status_labels.get(status, _("No progress published yet")))) for status in statuses],
    }


# --- Export --------------------------------------------------------------------------------------


def export_headers() -> list[str]:
    return [
        _("Document symbol"),
        _("Paragraph"),
        _("Mechanism"),
        _("Kind of mechanism"),
        _("Text"),
        _("Language of the text"),
        _("Position"),
        _("Implementation status"),
        _("Status as of"),
        _("Issued on"),
        _("UPR cycle"),
        _("Themes"),
        _("SDG goals"),
        _("SDG targets"),
        _("Affected groups"),
        _("Lead entity"),
        _("Supporting entities"),
        _("Address"),
    ]


@dataclass
class Names:
    """What the public reads instead of ids: themes and groups by name, SDG targets by code, entities."""

    themes: dict[int, str]
    groups: dict[int, str]
    targets: dict[int, str]
    entities: dict[int, str]
    goals: dict[int, tuple[int, str]]  # number, "4. Quality education"
    goal_of_target: dict[int, int]

    def goals_of(self, goal_ids: list[int], target_ids: list[int]) -> str:
        """The SDG goals named on a recommendation or through its targets, by number."""
        ids = {*goal_ids, *(self.goal_of_target[pk] for pk in target_ids if pk in self.goal_of_target)}
        return "; ".join(label for _number, label in sorted(self.goals[pk] for pk in ids if pk in self.goals))


def public_names(entity_ids: set[int] | None = None) -> Names:
    """The names, in the current language, of every vocabulary entry and of the State's entities
    (those of ``entity_ids`` only, when given): four queries."""
    entities = Entity.objects.all() if entity_ids is None else Entity.objects.filter(pk__in=entity_ids)
    return Names(
        themes=dict(Theme.objects.values_list("pk", "name")),
        groups=dict(AffectedGroup.objects.values_list("pk", "name")),
        targets=dict(SdgTarget.objects.values_list("pk", "code")),
        entities={e.pk: str(e) for e in entities},
        goals={
            pk: (number, f"{number}. {name}")
            for pk, number, name in SdgGoal.objects.values_list("pk", "number", "name")
        },
        goal_of_target=dict(SdgTarget.objects.values_list("pk", "goal_id")),
    )


def export_rows(state, ids: list[int], language: str, base_url: str):
    """One row per recommendation of ``ids``, in that order, read in chunks (queries grow by chunk, not row)."""
    names = public_names()
    themes, groups, targets, entities = names.themes, names.groups, names.targets, names.entities
    positions = dict(Position.choices)
    statuses = dict(ImplementationStatus.choices)
    kinds = dict(Mechanism.Kind.choices)

    def joined(mapping: dict, values: list[int]) -> str:
        return "; ".join(str(mapping[v]) for v in values if v in mapping)

    chunk = 2000
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        by_id = {r.pk: r for r in recommendations_published().filter(pk__in=part)}
        status_of = statuses_of(part)
        for pk in part:
            r = by_id.get(pk)
            if r is None:
                continue
            text, text_language, _own = search.text_in(r, language)
            status, status_on = status_of.get(pk, ("", None))
            yield [
                r.symbol,
                r.paragraph,
                r.mechanism.code,
                str(kinds.get(r.mechanism.kind, "")),
                text,
                language_name(text_language),
                str(positions.get(r.position, "")),
                str(statuses.get(status, "")),
                status_on,
                r.issued_on,
                r.upr_cycle,
                joined(themes, r.theme_ids),
                names.goals_of(r.sdg_goal_ids, r.sdg_target_ids),
                joined(targets, r.sdg_target_ids),
                joined(groups, r.affected_group_ids),
                entities.get(r.lead_entity_id, ""),
                joined(entities, r.supporting_entity_ids),
                base_url + reverse("portal:recommendation-detail", kwargs={"state_slug": state.slug, "pk": r.pk}),
            ]


def export_filters(query: SearchQuery) -> list[tuple[str, list[str]]]:
    """A search's words and facets, named for an export's file name (recommendations.exports):
    codes where there are (mechanisms, goals, targets, positions), names elsewhere."""
    said: list[tuple[str, list[str]]] = [("q", [query.text])] if query.text else []
    labels = facet_labels({facet: set(values) for facet, values in query.filters.items()})
    codes = {
        Facet.BODY: lambda pk: Mechanism.objects.filter(pk=pk).values_list("code", flat=True).first() or str(pk),
        Facet.SDG_GOAL: lambda pk: str(SdgGoal.objects.filter(pk=pk).values_list("number", flat=True).first() or pk),
        Facet.SDG_TARGET: lambda pk: SdgTarget.objects.filter(pk=pk).values_list("code", flat=True).first() or str(pk),
    }
    for param, facet in search.PARAMS.items():
        values = query.filters.get(facet)
        if not values:
            continue
        if facet in CODED or facet in (Facet.CYCLE, Facet.YEAR):
            named = [query.value_param(facet, value) for value in values]
        elif facet in codes:
            named = [codes[facet](value) for value in values]
        else:
            named = [labels[facet].get(value, str(value)) for value in values]
        said.append((param, named))
    return said


def search_for(*, state, query: QueryDict, language: str) -> tuple[SearchQuery, SearchResult]:
    """What a visitor asked (the portal's query string, in their language) and its results."""
    asked = SearchQuery.from_querydict(query, language)
    return asked, search.search(state.pk, asked)


# What the portal's pages show of the State itself: its name, whether the portal is on, its
# introduction (tenants.state_settings).
PORTAL_SETTINGS = ("name", "portal_enabled", "portal_introduction")


def state_settings_changed(state, changed: list[str]) -> None:
    """A State's settings changed: when the portal shows any of them, its cached pages (kept under
    the State's search version, portal.cache) are forgotten by raising that version, in the same
    transaction."""
    if any(name.startswith(PORTAL_SETTINGS) for name in changed):
        with connection.cursor() as cursor:
            cursor.execute("SELECT nrtd_search_bump(ARRAY[%s]::bigint[])", [state.pk])

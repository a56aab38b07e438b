"""The workspace dashboard's figures: one grouped query, and the lists behind every figure.

Every figure is a count the workspace can list again: a recommendation count links to the
recommendation list with the query string that gives exactly that number (the same
``RecommendationFilter``, the dashboard's own filters plus the row's and the status's); a count
of progress updates or overdue items links to one of the dashboard's lists (``updates_behind``,
``overdue_actions``, ``overdue_tasks``), which apply the same conditions as the count.

The counts come from two SQL statements whatever the number of rows: the filtered
recommendations are read once, grouped by status in five grouping sets (mechanism; the arrays of
clusters, of entities, of goals and targets, of themes), and each group's arrays are expanded
into the rows it counts in, in Python (``grouped_counts``); the validated updates per quarter and
the overdue actions and round tasks per entity are a second statement. Both are built from Django
querysets (their SQL, scoped to the State like any other query, under row-level security), never
from request text. A few more queries read the names of what the rows are about (mechanisms,
clusters, entities, goals, themes and SDG targets): constant as well.

What each figure counts:
- status by mechanism, cluster, entity (lead or supporting), SDG goal (named, or through one of
  its targets), top-level theme (the theme or any theme under it): recommendations, by their
  current implementation status (that of the latest validated update; "none" when there is none).
  A recommendation counts once per row it belongs to, so rows of a chart may add up to more than
  the total. Rows without any recommendation are left out; "in no cluster" and "without a
  responsible entity" are rows of their own (the list has those filters).
  When the dashboard is filtered on a mechanism, cluster or entity, that chart shows only the
  chosen ones (a link then names one of them, which is a subset of the filter: the same number).
- progress over time: validated (or published) progress updates on the filtered
  recommendations, per quarter of their "information as of" date, by the status they report.
- overdue per entity (lead or supporting, not narrowed by the recommendation filters, only by
  the entity filter): actions past their due date and neither completed nor cancelled; tasks of
  open rounds past the round's deadline that no submitted update answers yet (the secretariat's
  view: the same rule as followup.rounds).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, escape
from django.utils.translation import gettext as _

from followup.models import Action, DataCollectionRound, ProgressUpdate, RoundTask
from followup.rounds import ANSWERED
from nrtd.charts import Chart, chart
from recommendations.filters import RecommendationFilter
from recommendations.models import Cluster, Entity, ImplementationStatus, Mechanism, SdgGoal, SdgTarget, Theme
from recommendations.queries import recommendations_visible_to
from tenants.models import State, User

__all__ = [
    "FILTER_FIELDS",
    "STATUSES",
    "Dashboard",
    "dashboard",
    "dashboard_filter",
    "overdue_actions",
    "overdue_tasks",
    "quarter_bounds",
    "updates_behind",
]

# The dashboard's filters: a subset of the recommendation list's, under the same names.
FILTER_FIELDS = ("mechanism", "cluster", "entity", "position", "year_from", "year_to")
# The stacks of every status chart, in this order; "none": no validated update yet (the list's value).
STATUSES = [*ImplementationStatus.values, "none"]
COUNTED = [ProgressUpdate.Status.VALIDATED, ProgressUpdate.Status.PUBLISHED]
OPEN_ACTION = ~Q(status__in=[Action.Status.COMPLETED, Action.Status.CANCELLED])


def status_labels() -> list[str]:
    return [str(label) for label in ImplementationStatus.labels] + [_("No status yet")]


def filter_query(query: QueryDict) -> QueryDict:
    """The dashboard's filters out of a query string (anything else is dropped)."""
    kept = QueryDict(mutable=True)
    for name in FILTER_FIELDS:
        values = [value for value in query.getlist(name) if value != ""]
        if values:
            kept.setlist(name, values)
    return kept


def dashboard_filter(*, user: User, state: State, query: QueryDict) -> RecommendationFilter:
    """The recommendation list's filter, bound to the dashboard's part of the query string."""
    return RecommendationFilter(filter_query(query) or None, queryset=recommendations_visible_to(user, state))


def filtered_recommendations(filterset: RecommendationFilter) -> QuerySet:
    if filterset.is_bound and not filterset.is_valid():
        # Nothing, as the list shows for the same filters (not .none(): its SQL goes into the grouped query).
        return filterset.queryset.filter(pk__lt=0).order_by()
    return filterset.qs.order_by()


def quarter_key(day: date) -> int:
    return day.year * 10 + (day.month - 1) // 3 + 1


def quarter_bounds(value: str) -> tuple[date, date] | None:
    """``2024Q3`` → (1 July 2024, 1 October 2024); None when it is not a quarter."""
    year, _sep, quarter = value.upper().partition("Q")
    if not (year.isdigit() and quarter in {"1", "2", "3", "4"} and 1900 <= int(year) <= 2999):
        return None
    start = date(int(year), 3 * int(quarter) - 2, 1)
    end = date(int(year) + 1, 1, 1) if quarter == "4" else date(int(year), 3 * int(quarter) + 1, 1)
    return start, end


def quarter_name(key: int) -> str:
    return f"{key // 10}Q{key % 10}"


# --- the lists behind the figures that are not recommendations ---------------------------------


def updates_behind(filterset: RecommendationFilter, *, quarter: str = "", status: str = "") -> QuerySet:
    """The validated updates counted in "progress over time" (on the filtered recommendations),
    narrowed to a quarter (``2024Q3``) and to the status they report when given."""
    updates = ProgressUpdate.objects.filter(status__in=COUNTED, recommendation__isnull=False)
    if filterset.is_bound:
        updates = updates.filter(recommendation__in=filtered_recommendations(filterset).values("pk"))
    bounds = quarter_bounds(quarter) if quarter else None
    if quarter and bounds is None:
        return updates.none()
    if bounds:
        updates = updates.filter(reported_on__gte=bounds[0], reported_on__lt=bounds[1])
    if status:
        updates = updates.filter(implementation_status=status)
    return updates


def _entity_condition(entity_id: int | None) -> Q:
    if entity_id is None:
        return Q()
    return Q(lead_entity_id=entity_id) | Q(supporting_entity_ids__contains=[entity_id])


def overdue_actions(entity_id: int | None = None, today: date | None = None) -> QuerySet[Action]:
    """Actions past their due date, neither completed nor cancelled (of an entity, lead or supporting)."""
    today = today or timezone.localdate()
    return Action.objects.filter(OPEN_ACTION, _entity_condition(entity_id), due_on__lt=today)


def overdue_tasks(entity_id: int | None = None, today: date | None = None) -> QuerySet[RoundTask]:
    """Tasks of open rounds past their deadline that no submitted (or validated) update answers."""
    today = today or timezone.localdate()
    tasks = RoundTask.objects.filter(round__status=DataCollectionRound.Status.OPEN, round__deadline__lt=today)
    if entity_id is not None:
        tasks = tasks.filter(entity_id=entity_id)
    return tasks.exclude(update__status__in=ANSWERED)


# --- the grouped query -------------------------------------------------------------------------


def _sql(queryset: QuerySet) -> tuple[str, tuple]:
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def theme_roots() -> tuple[dict[int, int], dict[int, Theme]]:
    """Each theme's top-level theme, and the top-level themes (one query)."""
    themes = {theme.pk: theme for theme in Theme.objects.all()}
    roots: dict[int, int] = {}
    for pk in themes:
        current, seen = pk, set()
        while themes[current].parent_id and themes[current].parent_id in themes and current not in seen:
            seen.add(current)
            current = themes[current].parent_id
        roots[pk] = current
    return roots, {pk: themes[pk] for pk in set(roots.values())}


BASE_COLUMNS = (
    "pk",
    "implementation_status",
    "mechanism_id",
    "cluster_ids",
    "lead_entity_id",
    "supporting_entity_ids",
    "sdg_goal_ids",
    "sdg_target_ids",
    "theme_ids",
)
# Set for the rest of the request's transaction, in the grouped query's own statement (no query
# more). The State's rows are in memory: at the default random_page_cost (4, for spinning disks)
# the planner prices the index-only scan of recommendation_dashboard_idx above a sequential scan
# of the table, which measured a third slower (its wide rows are taken apart for a few columns).
# JIT would compile for longer than the query runs (its estimate grows with the rows).
PLANNER = "SET LOCAL random_page_cost = 1.1; SET LOCAL jit = off; "
# GROUPING(mechanism_id, cluster_ids, lead_entity_id, sdg_goal_ids, theme_ids) of each grouping set:
# a bit is set for each column the set does not group by.
GROUPED_BY = {"mechanism": 0b01111, "cluster": 0b10111, "entity": 0b11011, "goal": 0b11101, "theme": 0b11110}


def grouped_counts(
    recommendations: QuerySet,
    *,
    updates: QuerySet,
    roots: dict[int, int],
    entity_ids: list[int] | None,
    with_tasks: bool,
    today: date,
) -> dict[str, dict[int, dict[str, int]]]:
    """{dimension: {key: {status: count}}}: two statements whatever the number of rows (see the module).

    The recommendations are read once, in five grouping sets: by mechanism, by their clusters,
    entities, goals and targets, themes (the arrays as they are), each group with a count per
    status (``FILTER``). Each group's arrays are then turned into the set of rows it counts in,
    here (a recommendation counts once per cluster, entity, goal and top-level theme, as the
    list's filters find it), and the group's counts added to each. The groups are far fewer than
    the recommendations; unnesting the arrays in SQL, or a FILTER per goal and theme, read and
    sort several times more rows and measured three to eight times slower; the status as a sixth
    grouping column (rather than a count per status) made 60% more groups and took a quarter
    longer (bench/reports_dashboard.py, docs/reporting.md).
    """
    base_sql, base_params = _sql(recommendations.values(*BASE_COLUMNS))
    goal_of = dict(SdgTarget.objects.values_list("pk", "goal_id"))
    counts: dict[str, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    # One count per status, in STATUSES' order ("none": no status yet, stored as "").
    stored = [status if status != "none" else "" for status in STATUSES]
    per_status = ", ".join("count(*) FILTER (WHERE implementation_status = %s)" for _status in stored)
    sql = (
        "SELECT GROUPING(mechanism_id, cluster_ids, lead_entity_id, sdg_goal_ids, theme_ids),"
        " mechanism_id, cluster_ids, lead_entity_id, supporting_entity_ids, sdg_goal_ids, sdg_target_ids, theme_ids,"
        f" {per_status} FROM ({base_sql}) base GROUP BY GROUPING SETS ("
        "(mechanism_id), (cluster_ids), (lead_entity_id, supporting_entity_ids), (sdg_goal_ids, sdg_target_ids),"
        " (theme_ids))"
    )
    with connection.cursor() as cursor:
        cursor.execute(PLANNER + sql, (*stored, *base_params))
        while cursor.nextset():  # to the grouped query's rows
            pass
        rows = cursor.fetchall()
    for grouping, mechanism, clusters, lead, supporting, goals, targets, themes, *numbers in rows:
        if grouping == GROUPED_BY["mechanism"]:
            keys, dimension = [mechanism], "mechanism"
        elif grouping == GROUPED_BY["cluster"]:
            keys, dimension = set(clusters), "cluster"
            if not clusters:
                keys, dimension = [0], "unclustered"
        elif grouping == GROUPED_BY["entity"]:
            keys, dimension = {*supporting, *([lead] if lead else [])}, "entity"
            if not keys:
                keys, dimension = [0], "unassigned"
        elif grouping == GROUPED_BY["goal"]:
            keys, dimension = {*goals, *(goal_of[target] for target in targets if target in goal_of)}, "goal"
        else:
            keys, dimension = {roots[theme] for theme in themes if theme in roots}, "theme"
        by_key = counts[dimension]
        for key in keys:
            by_status = by_key[key]
            for status, number in zip(STATUSES, numbers, strict=True):
                if number:
                    by_status[status] += number

    # Follow-up figures: small tables, through their indexes; one statement.
    updates_sql, updates_params = _sql(updates.order_by().values("pk", "implementation_status", "reported_on"))
    entity_filter = (
        Q() if entity_ids is None else Q(lead_entity_id__in=entity_ids) | Q(supporting_entity_ids__overlap=entity_ids)
    )
    actions_sql, actions_params = _sql(
        overdue_actions(today=today)
        .filter(entity_filter)
        .order_by()
        .values("pk", "lead_entity_id", "supporting_entity_ids")
    )
    parts = [
        "SELECT 'quarter', (extract(year FROM reported_on) * 10 + extract(quarter FROM reported_on))::bigint,"
        f" implementation_status, count(*) FROM ({updates_sql}) updates GROUP BY 2, 3",
        "SELECT 'actions', e, '', count(DISTINCT pk) FROM ("
        f"{actions_sql}) actions, unnest(array_append(supporting_entity_ids, lead_entity_id)) e"
        " WHERE e IS NOT NULL GROUP BY 2, 3",
    ]
    params = [*updates_params, *actions_params]
    if with_tasks:
        tasks = overdue_tasks(today=today)
        if entity_ids is not None:
            tasks = tasks.filter(entity_id__in=entity_ids)
        tasks_sql, tasks_params = _sql(tasks.order_by().values("pk", "entity_id"))
        parts.append(f"SELECT 'tasks', entity_id, '', count(*) FROM ({tasks_sql}) tasks GROUP BY 2, 3")
        params.extend(tasks_params)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(f"({part})" for part in parts), params)
        for dimension, key, status, number in cursor.fetchall():
            counts[dimension][key][status or "none"] += number
    return counts


# --- the page's figures ------------------------------------------------------------------------


class SelectRenderer:
    """The form's renderer, drawing ``<select>`` elements in Python: the markup of Django's
    ``django/forms/widgets/select.html`` (and ``select_option.html``, ``attrs.html``), character for
    character, without an include per option (the filters' 130 options took 20-50 ms through the
    template engine, more than all the charts). Anything else goes to the form's own renderer."""

    TEMPLATE = "django/forms/widgets/select.html"

    def __init__(self, renderer):
        self.renderer = renderer

    def __getattr__(self, name):
        return getattr(self.renderer, name)

    @staticmethod
    def _attrs(attrs: dict) -> str:
        out = []
        for name, value in attrs.items():
            if value is False:
                continue
            if value is True:
                out.append(f" {conditional_escape(name)}")
            else:
                out.append(f' {conditional_escape(name)}="{escape(str(value))}"')
        return "".join(out)

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if template_name == self.TEMPLATE else None
        options = [option for _name, group, _index in widget["optgroups"] for option in group] if widget else []
        if (
            widget is None
            or any(not isinstance(name, str | None) for name, _group, _index in widget["optgroups"])
            or any(
                option["template_name"] != "django/forms/widgets/select_option.html"
                or not isinstance(option["label"], str)
                for option in options
            )
        ):  # what the template would localise or render otherwise
            return self.renderer.render(template_name, context, request=request)
        out = [f'<select name="{conditional_escape(widget["name"])}"{self._attrs(widget["attrs"])}>']
        for group_name, group, _index in widget["optgroups"]:
            if group_name:
                out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in group:
                out.append(
                    f'\n  <option value="{escape(str(option["value"]))}"{self._attrs(option["attrs"])}>'
                    f"{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return "".join(out)  # stripped, as the template renderer's output is


@dataclass
class Dashboard:
    filterset: RecommendationFilter
    query: str
    total: int
    with_status: int
    total_url: str
    with_status_url: str
    charts: dict[str, Chart] = field(default_factory=dict)

    @property
    def filter_fields(self) -> list:
        form = self.filterset.form
        form.renderer = SelectRenderer(form.renderer)
        return [form[name] for name in FILTER_FIELDS]

    @property
    def share(self) -> int:
        return round(100 * self.with_status / self.total) if self.total else 0


class Links:
    """URLs of the lists behind the figures, from the dashboard's own query."""

    def __init__(self, state, query: QueryDict):
        self.query = query
        self.list_url = reverse("workspace:recommendation-list", kwargs={"state_slug": state.slug})
        self.updates_url = reverse("workspace:dashboard-updates", kwargs={"state_slug": state.slug})
        self.actions_url = reverse("workspace:dashboard-overdue-actions", kwargs={"state_slug": state.slug})
        self.tasks_url = reverse("workspace:dashboard-overdue-tasks", kwargs={"state_slug": state.slug})

    def recommendations(self, replace: dict[str, list] | None = None, status: str | None = None) -> str:
        query = self.query.copy()
        for name, values in (replace or {}).items():
            query.setlist(name, [str(value) for value in values])
        if status:
            query.setlist("implementation_status", [status])
        return f"{self.list_url}?{query.urlencode()}" if query else self.list_url

    def updates(self, quarter: str, status: str) -> str:
        query = self.query.copy()
        query["quarter"] = quarter
        query["update_status"] = status
        return f"{self.updates_url}?{query.urlencode()}"

    def overdue(self, what: str, entity_id: int) -> str:
        url = self.actions_url if what == "actions" else self.tasks_url
        return f"{url}?{urlencode({'entity': entity_id})}"


def _status_rows(keys, counts: dict[int, dict[str, int]], label, replace, links: Links) -> list[tuple]:
    rows = []
    for key in keys:
        by_status = counts.get(key, {})
        if not any(by_status.values()):
            continue
        values = [by_status.get(status, 0) for status in STATUSES]
        row_url = links.recommendations(replace(key))
        separator = "&" if "?" in row_url else "?"
        urls = [f"{row_url}{separator}implementation_status={status}" for status in STATUSES]
        rows.append((label(key), values, urls, row_url))
    return rows


def dashboard(*, user: User, state: State, query: QueryDict) -> Dashboard:
    """Every figure of the dashboard for the filters in ``query`` and what ``user`` may see (see the module)."""
    filterset = dashboard_filter(user=user, state=state, query=query)
    recommendations = filtered_recommendations(filterset)
    form = filterset.form
    chosen = form.cleaned_data if filterset.is_bound and form.is_valid() else {}
    chosen_entities = [entity.pk for entity in chosen.get("entity") or []] or None
    chosen_clusters = {cluster.pk for cluster in chosen.get("cluster") or []}
    chosen_mechanisms = {mechanism.pk for mechanism in chosen.get("mechanism") or []}
    with_tasks = user.has_perm("followup.manage_rounds", state)
    today = timezone.localdate()
    roots, top_themes = theme_roots()
    counts = grouped_counts(
        recommendations,
        updates=updates_behind(filterset),
        roots=roots,
        entity_ids=chosen_entities,
        with_tasks=with_tasks,
        today=today,
    )
    links = Links(state, filter_query(query))
    series = status_labels()

    # Names of what the rows are about: one query each, whatever the number of rows.
    mechanisms = Mechanism.objects.in_bulk(list(counts["mechanism"]))
    wanted_entities = {*counts["entity"], *counts["actions"], *counts["tasks"]}
    # Names read once: a translated field is a descriptor (the active language and its fallbacks).
    entities = {entity.pk: entity.name for entity in Entity.objects.filter(pk__in=sorted(wanted_entities))}
    clusters = {cluster.pk: cluster for cluster in Cluster.objects.filter(pk__in=sorted(counts["cluster"]))}
    goals = {goal.pk: goal for goal in SdgGoal.objects.filter(pk__in=sorted(counts["goal"]))}
    below: dict[int, list[int]] = defaultdict(list)
    for pk, root in roots.items():
        below[root].append(pk)

    by_status = counts["mechanism"]
    totals = {status: sum(row.get(status, 0) for row in by_status.values()) for status in STATUSES}
    total = sum(totals.values())
    with_status = total - totals["none"]
    charts: dict[str, Chart] = {}

    charts["status"] = chart(
        _("Implementation status"),
        rows=[
            (label, totals[status], links.recommendations(status=status))
            for status, label in zip(STATUSES, series, strict=True)
        ],
        keys=STATUSES,
        label_heading=_("Status"),
        value_heading=_("Recommendations"),
        key="chart-status",
    )

    def mechanism_order(pk):
        return mechanisms[pk].code if pk in mechanisms else ""

    mechanism_keys = sorted(
        (pk for pk in by_status if not chosen_mechanisms or pk in chosen_mechanisms), key=mechanism_order
    )
    charts["mechanism"] = chart(
        _("Implementation status by mechanism"),
        rows=_status_rows(
            mechanism_keys,
            by_status,
            lambda pk: mechanisms[pk].code if pk in mechanisms else str(pk),
            lambda pk: {"mechanism": [mechanisms[pk].code]},
            links,
        ),
        series=series,
        keys=STATUSES,
        label_heading=_("Mechanism"),
        key="chart-mechanism",
    )

    cluster_keys = sorted(
        (pk for pk in counts["cluster"] if pk in clusters and (not chosen_clusters or pk in chosen_clusters)),
        key=lambda pk: (clusters[pk].position, clusters[pk].name, pk),
    )
    cluster_rows = _status_rows(
        cluster_keys, counts["cluster"], lambda pk: clusters[pk].name, lambda pk: {"cluster": [pk]}, links
    )
    if not chosen_clusters:
        cluster_rows += _status_rows(
            [0], counts["unclustered"], lambda pk: _("In no cluster"), lambda pk: {"unclustered": ["true"]}, links
        )
    charts["cluster"] = chart(
        _("Implementation status by cluster"),
        rows=cluster_rows,
        series=series,
        keys=STATUSES,
        label_heading=_("Cluster"),
        key="chart-cluster",
    )

    entity_keys = sorted(
        (pk for pk in counts["entity"] if pk in entities and (chosen_entities is None or pk in chosen_entities)),
        key=lambda pk: (entities[pk], pk),
    )
    entity_rows = _status_rows(
        entity_keys, counts["entity"], lambda pk: entities[pk], lambda pk: {"entity": [pk]}, links
    )
    if chosen_entities is None:
        entity_rows += _status_rows(
            [0],
            counts["unassigned"],
            lambda pk: _("Without a responsible entity"),
            lambda pk: {"unassigned": ["true"]},
            links,
        )
    charts["entity"] = chart(
        _("Implementation status by responsible entity"),
        rows=entity_rows,
        series=series,
        keys=STATUSES,
        label_heading=_("Entity (lead or supporting)"),
        key="chart-entity",
    )

    goal_keys = sorted((pk for pk in counts["goal"] if pk in goals), key=lambda pk: goals[pk].number)
    charts["goal"] = chart(
        _("Implementation status by SDG goal"),
        rows=_status_rows(
            goal_keys,
            counts["goal"],
            lambda pk: f"{goals[pk].number}. {goals[pk].name}",
            lambda pk: {"sdg_goal": [goals[pk].number]},
            links,
        ),
        series=series,
        keys=STATUSES,
        label_heading=_("SDG goal"),
        description=_("A goal named on a recommendation, or one of its targets."),
        key="chart-goal",
    )

    theme_keys = sorted((pk for pk in counts["theme"] if pk in top_themes), key=lambda pk: top_themes[pk].name)
    charts["theme"] = chart(
        _("Implementation status by theme"),
        rows=_status_rows(
            theme_keys,
            counts["theme"],
            lambda pk: top_themes[pk].name,
            lambda pk: {"theme": sorted(below[pk])},
            links,
        ),
        series=series,
        keys=STATUSES,
        label_heading=_("Theme"),
        description=_("Top-level themes, each with the themes under it."),
        key="chart-theme",
    )

    quarters = counts["quarter"]
    charts["progress"] = chart(
        _("Validated progress updates per quarter"),
        rows=[
            (
                quarter_name(key),
                [quarters[key].get(status, 0) for status in ImplementationStatus.values],
                [links.updates(quarter_name(key), status) for status in ImplementationStatus.values],
                links.updates(quarter_name(key), ""),
            )
            for key in sorted(quarters)
        ],
        series=series[:-1],
        keys=STATUSES[:-1],
        label_heading=_("Quarter"),
        description=_("By the status they report, on the date the information is as of."),
        key="chart-progress",
    )

    def overdue_chart(what: str, title: str, heading: str) -> Chart:
        rows = counts[what]
        keys = sorted((pk for pk in rows if pk in entities), key=lambda pk: (-rows[pk]["none"], entities[pk]))
        return chart(
            title,
            rows=[(entities[pk], rows[pk]["none"], links.overdue(what, pk)) for pk in keys],
            label_heading=_("Entity"),
            value_heading=heading,
            key=f"chart-overdue-{what}",
        )

    charts["actions"] = overdue_chart(
        "actions", _("Overdue actions per entity"), _("Actions past their due date, not completed")
    )
    if with_tasks:
        charts["tasks"] = overdue_chart(
            "tasks", _("Overdue round tasks per entity"), _("Tasks of open rounds past the deadline, not answered")
        )

    return Dashboard(
        filterset=filterset,
        query=query.urlencode(),
        total=total,
        with_status=with_status,
        total_url=links.recommendations(),
        with_status_url=links.recommendations({"implementation_status": ImplementationStatus.values}),
        charts=charts,
    )

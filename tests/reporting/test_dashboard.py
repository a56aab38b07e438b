"""The workspace dashboard: its figures equal the lists they link to, its cost, who sees what.

"The dashboard's totals equal the list's counts for the same filter": for several filters, every
figure the dashboard shows is compared with the count of the list its link opens (the
recommendation list through ``RecommendationFilter`` on the link's query string, as the list
applies it, and a sample of them through the list page itself; the updates and overdue lists
through their pages).
"""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.http import QueryDict
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone, translation

from followup.models import Action, DataCollectionRound, Plan, ProgressUpdate, RoundTask
from nrtd.charts import chart
from recommendations.filters import RecommendationFilter
from recommendations.models import Cluster, Entity, Mechanism, Recommendation, SdgGoal, SdgTarget, Theme
from reporting.dashboard import FILTER_FIELDS
from tenants.scoping import state_context
from tests.factories import B_MARKER

pytestmark = pytest.mark.django_db

Status = ProgressUpdate.Status


def sign_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def url(name, state, **kwargs):
    return reverse(f"workspace:{name}", kwargs={"state_slug": state.slug, **kwargs})


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def make(state, paragraph, *, mechanism="UPR", **values) -> Recommendation:
    return Recommendation.objects.create(
        state=state,
        mechanism=Mechanism.objects.get(code=mechanism),
        symbol="A/HRC/60/1",
        paragraph=paragraph,
        text=f"Recommendation {paragraph}",
        **values,
    )


@pytest.fixture
def world(planted):
    """State A: three entities, two clusters, themes and goals, recommendations in every status,
    validated updates in two quarters, an overdue action and an overdue round task."""
    state = planted.a.state
    a = planted.a
    with state_context(state):
        justice = a.entity
        education = Entity.objects.get(name_en="Ministry of Education of Alphaland")
        health = Entity.objects.create(state=state, name_en="Ministry of Health of Alphaland")
        children = Cluster.objects.create(state=state, name_en="Children")
        prisons = Cluster.objects.create(state=state, name_en="Prisons")
        framework = Theme.objects.get(name_en="International human rights framework")
        ratification = Theme.objects.get(name_en="Ratification of & accession to international instruments")
        goal4 = SdgGoal.objects.get(number=4)
        target16 = SdgTarget.objects.get(code="16.2")
        recs = {
            "crc1": make(
                state,
                "10",
                mechanism="CRC",
                lead_entity=education,
                supporting_entity_ids=[health.pk],
                cluster_ids=[children.pk],
                position="supported",
                issued_on=datetime.date(2019, 5, 1),
                implementation_status="implemented",
                theme_ids=[ratification.pk],
                sdg_goal_ids=[goal4.pk],
            ),
            "crc2": make(
                state,
                "11",
                mechanism="CRC",
                lead_entity=health,
                position="noted",
                issued_on=datetime.date(2021, 3, 1),
                implementation_status="in_progress",
                theme_ids=[framework.pk, ratification.pk],
                sdg_target_ids=[target16.pk],
            ),
            "upr1": make(
                state,
                "20.1",
                lead_entity=justice,
                supporting_entity_ids=[education.pk],
                cluster_ids=[children.pk, prisons.pk],
                position="supported",
                issued_on=datetime.date(2022, 11, 1),
                implementation_status="in_progress",
                sdg_goal_ids=[goal4.pk],
                sdg_target_ids=[target16.pk],
            ),
            "upr2": make(
                state,
                "20.2",
                lead_entity=justice,
                supporting_entity_ids=[justice.pk],
                cluster_ids=[prisons.pk],
                position="supported",
                issued_on=datetime.date(2023, 2, 1),
            ),
            "nobody": make(state, "20.3", position="pending", issued_on=datetime.date(2024, 6, 1)),
        }
        for paragraph, status, day in [
            ("10", Status.VALIDATED, datetime.date(2024, 2, 10)),
            ("20.1", Status.PUBLISHED, datetime.date(2024, 3, 31)),
            ("11", Status.VALIDATED, datetime.date(2024, 4, 1)),
            ("20.2", Status.SUBMITTED, datetime.date(2024, 4, 2)),  # not validated: not counted
        ]:
            subject = Recommendation.objects.get(paragraph=paragraph)
            ProgressUpdate.objects.create(
                state=state,
                recommendation=subject,
                entity=subject.lead_entity,
                implementation_status="in_progress" if paragraph != "10" else "implemented",
                narrative="Done",
                reported_on=day,
                status=status,
            )
        plan = Plan.objects.create(state=state, title="Plan")
        Action.objects.create(state=state, plan=plan, title="Late", lead_entity=health, due_on=days(-3))
        Action.objects.create(
            state=state,
            plan=plan,
            title="Late too",
            lead_entity=justice,
            supporting_entity_ids=[health.pk],
            due_on=days(-1),
        )
        Action.objects.create(
            state=state, plan=plan, title="Done late", lead_entity=health, due_on=days(-3), status="completed"
        )
        Action.objects.create(state=state, plan=plan, title="In time", lead_entity=health, due_on=days(3))
        late_round = DataCollectionRound.objects.create(
            state=state, title="Late round", deadline=days(-2), entity_ids=[education.pk, health.pk]
        )
        RoundTask.objects.create(state=state, round=late_round, entity=education, recommendation=recs["crc1"])
        RoundTask.objects.create(state=state, round=late_round, entity=health, recommendation=recs["crc1"])
        RoundTask.objects.create(state=state, round=late_round, entity=health, recommendation=recs["crc2"])
    return {
        "state": state,
        "planted": planted,
        "justice": justice,
        "education": education,
        "health": health,
        "children": children,
        "prisons": prisons,
        "framework": framework,
        "goal4": goal4,
        **recs,
    }


def figures(response) -> list[tuple[str, str, int, str]]:
    """Every linked figure of the dashboard: (chart key, row label, value, url)."""
    found = []
    board = response.context["dashboard"]
    found.append(("summary", "total", board.total, board.total_url))
    found.append(("summary", "with status", board.with_status, board.with_status_url))
    for key, item in board.charts.items():
        for row in item.rows:
            for cell in row.cells:
                if cell.url:
                    found.append((key, row.label, cell.value, cell.url))
            if item.stacked and row.total_url:
                found.append((key, row.label, row.total, row.total_url))
    return found


def list_count(state, link: str) -> int:
    """What the recommendation list counts for the link's query string (the list's own filter)."""
    query = QueryDict(urlsplit(link).query)
    with state_context(state):
        filterset = RecommendationFilter(query or None, queryset=Recommendation.objects.all())
        assert not filterset.is_bound or filterset.is_valid(), filterset.errors
        return filterset.qs.count()


def page_count(client, link: str) -> int:
    response = client.get(link)
    assert response.status_code == 200, link
    return (
        response.context["paginator"].count
        if "paginator" in response.context
        else response.context["page"].paginator.count
    )


FILTERS = [
    {},
    {"mechanism": ["CRC"]},
    {"mechanism": ["CRC", "UPR"], "position": ["supported"]},
    {"cluster": "children"},
    {"entity": "education"},
    {"year_from": ["2021"], "year_to": ["2023"]},
]


def query_of(world, spec: dict) -> dict:
    query = dict(spec)
    for name in ("cluster", "entity"):
        if isinstance(query.get(name), str):
            query[name] = [world[query[name]].pk]
    return query


@pytest.mark.parametrize("spec", FILTERS, ids=lambda spec: "&".join(spec) or "none")
def test_every_figure_equals_the_count_of_the_list_it_links_to(client, world, spec):
    state = world["state"]
    sign_in(client, world["planted"].a.people["secretariat"])
    response = client.get(url("dashboard", state), query_of(world, spec))
    assert response.status_code == 200
    found = figures(response)
    assert len(found) > 10
    recommendation_list = url("recommendation-list", state)
    followed = 0
    for key, label, value, link in found:
        path = urlsplit(link).path
        if path == recommendation_list:
            assert list_count(state, link) == value, (key, label, link)
            # A sample through the list page itself: its count is what people see.
            if followed < 6 and (followed == 0 or value):
                assert page_count(client, link) == value, (key, label, link)
                followed += 1
        else:
            assert resolve(path).url_name in {
                "dashboard-updates",
                "dashboard-overdue-actions",
                "dashboard-overdue-tasks",
            }
            assert page_count(client, link) == value, (key, label, link)
    assert followed


def test_the_figures_are_the_expected_ones(client, world):
    """The cross-check above could pass with wrong figures on both sides: pin a few."""
    state = world["state"]
    sign_in(client, world["planted"].a.people["secretariat"])
    board = client.get(url("dashboard", state)).context["dashboard"]
    planted_count = 2  # tests/factories.py plants a published and an unpublished recommendation
    assert board.total == 5 + planted_count
    assert board.with_status == 3

    def row(key, label):
        (found,) = [item for item in board.charts[key].rows if item.label == label]
        return {
            status: cell.value
            for status, cell in zip(
                ("not_started", "in_progress", "partially_implemented", "implemented", "not_applicable", "none"),
                found.cells,
                strict=True,
            )
            if cell.value
        }

    assert row("mechanism", "CRC") == {"implemented": 1, "in_progress": 1}
    assert row("cluster", "Children") == {"implemented": 1, "in_progress": 1}
    assert row("cluster", "Prisons") == {"in_progress": 1, "none": 1}
    # upr2 has Justice as lead and as supporting entity: counted once (with the planted one it leads).
    with state_context(state):
        led = Recommendation.objects.filter(lead_entity=world["justice"]).exclude(paragraph__in=["20.1", "20.2"])
        assert led.count() == 1
    assert row("entity", "Ministry of Justice of Alphaland") == {"in_progress": 1, "none": 2}
    assert row("entity", "Ministry of Health of Alphaland") == {"implemented": 1, "in_progress": 1}
    assert row("entity", "Without a responsible entity") == {"none": 2}  # and the planted unpublished one
    # Goal 4 named on two; goal 16 through its target 16.2 on two (upr1 counts under both goals).
    goals = {item.label.split(".")[0]: item.total for item in board.charts["goal"].rows}
    assert (goals["4"], goals["16"]) == (2, 2)  # (the planted recommendations bring other goals)
    # crc2 has the top-level theme and one under it: counted once under the top-level theme.
    themes = {item.label: item.total for item in board.charts["theme"].rows}
    assert themes["International human rights framework"] == 2
    quarters = {item.label: [cell.value for cell in item.cells] for item in board.charts["progress"].rows}
    # The submitted update of 2 April is not counted (and the planted validated one is of today).
    assert (quarters["2024Q1"], quarters["2024Q2"]) == ([0, 1, 0, 1, 0], [0, 1, 0, 0, 0])
    actions = {item.label: item.total for item in board.charts["actions"].rows}
    assert actions == {"Ministry of Health of Alphaland": 2, "Ministry of Justice of Alphaland": 1}
    tasks = {item.label: item.total for item in board.charts["tasks"].rows}
    assert tasks == {"Ministry of Health of Alphaland": 2, "Ministry of Education of Alphaland": 1}


def test_an_answered_task_and_a_completed_action_are_no_longer_overdue(client, world):
    state = world["state"]
    with state_context(state):
        task = RoundTask.objects.get(entity=world["education"])
        task.update = ProgressUpdate.objects.create(
            state=state,
            recommendation=world["crc1"],
            entity=world["education"],
            implementation_status="implemented",
            narrative="Sent",
            status=Status.SUBMITTED,
        )
        task.save()
        Action.objects.filter(title="Late too").update(status="completed")
    sign_in(client, world["planted"].a.people["secretariat"])
    board = client.get(url("dashboard", state)).context["dashboard"]
    assert {item.label for item in board.charts["tasks"].rows} == {"Ministry of Health of Alphaland"}
    assert {item.label: item.total for item in board.charts["actions"].rows} == {"Ministry of Health of Alphaland": 1}


def test_a_filtered_chart_shows_only_the_chosen_rows(client, world):
    state = world["state"]
    sign_in(client, world["planted"].a.people["secretariat"])
    board = client.get(url("dashboard", state), {"entity": [world["education"].pk]}).context["dashboard"]
    assert [item.label for item in board.charts["entity"].rows] == ["Ministry of Education of Alphaland"]
    assert board.total == 2  # crc1 (lead) and upr1 (supporting)
    assert [item.label for item in board.charts["tasks"].rows] == ["Ministry of Education of Alphaland"]
    assert [item.label for item in board.charts["actions"].rows] == []


def test_the_number_of_queries_does_not_grow_with_the_rows(client, world):
    state = world["state"]
    sign_in(client, world["planted"].a.people["secretariat"])
    counts = []
    for extra in (0, 1):
        if extra:
            with state_context(state):
                entities = [Entity.objects.create(state=state, name_en=f"Office {n}") for n in range(6)]
                clusters = [Cluster.objects.create(state=state, name_en=f"Cluster {n}") for n in range(6)]
                goals = list(SdgGoal.objects.order_by("number")[:6])
                plan = Plan.objects.first()
                for n in range(30):
                    rec = make(
                        state,
                        f"90.{n}",
                        mechanism=["CAT", "CRC", "UPR", "CEDAW"][n % 4],
                        lead_entity=entities[n % 6],
                        cluster_ids=[clusters[n % 6].pk],
                        sdg_goal_ids=[goals[n % 6].pk],
                        theme_ids=[Theme.objects.filter(parent=None)[n % 5].pk],
                        implementation_status=["implemented", "", "not_started"][n % 3],
                    )
                    ProgressUpdate.objects.create(
                        state=state,
                        recommendation=rec,
                        entity=entities[n % 6],
                        implementation_status="implemented",
                        narrative="Done",
                        reported_on=datetime.date(2020 + n % 5, 1 + n % 12, 1),
                        status=Status.VALIDATED,
                    )
                    Action.objects.create(
                        state=state, plan=plan, title=f"A{n}", lead_entity=entities[n % 6], due_on=days(-1)
                    )
        for query in ({}, {"mechanism": ["CRC"], "cluster": [world["children"].pk]}):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url("dashboard", state), query)
            assert response.status_code == 200
            counts.append(len(queries))
    # The same filters cost the same whatever the rows (a filter's choices are checked once each).
    assert counts[0] == counts[2] and counts[1] == counts[3], counts
    # One statement reads the recommendations, one the follow-up figures.
    assert len([q for q in queries.captured_queries if "GROUPING SETS" in q["sql"]]) == 1
    assert len([q for q in queries.captured_queries if "UNION ALL" in q["sql"]]) == 1


def test_members_see_the_dashboard_and_only_curators_the_round_tasks(client, world):
    state = world["state"]
    people = world["planted"].a.people
    for role in ("focal_point", "observer"):
        sign_in(client, people[role])
        response = client.get(url("dashboard", state))
        assert response.status_code == 200
        assert "tasks" not in response.context["dashboard"].charts
        assert "Overdue round tasks" not in response.content.decode()
        assert response.context["dashboard"].total == 7  # the whole State
        assert client.get(url("dashboard-overdue-tasks", state)).status_code == 403
        assert client.get(url("dashboard-overdue-actions", state)).status_code == 200


def test_no_other_states_data(client, world):
    state = world["state"]
    b = world["planted"].b
    sign_in(client, world["planted"].a.people["admin"])
    response = client.get(url("dashboard", state))
    body = response.content.decode()
    assert B_MARKER not in body
    assert "Ministry of Justice of Alphaland" in body
    # Another State's entity or cluster as a filter is refused like an unknown one, not counted.
    response = client.get(url("dashboard", state), {"entity": [b.entity.pk], "cluster": [b.cluster.pk]})
    assert response.status_code == 200
    assert response.context["dashboard"].total == 0
    assert B_MARKER not in response.content.decode()
    assert client.get(url("dashboard-overdue-actions", state), {"entity": b.entity.pk}).status_code == 404
    assert client.get(url("dashboard-overdue-tasks", state), {"entity": b.entity.pk}).status_code == 404
    # B's updates are never in A's list.
    page = client.get(url("dashboard-updates", state)).context["page"]
    assert B_MARKER not in client.get(url("dashboard-updates", state)).content.decode()
    assert page.paginator.count == 4  # three of the world's and the planted validated one


def test_the_page_is_accessible_and_strict_csp_safe(client, world):
    state = world["state"]
    sign_in(client, world["planted"].a.people["secretariat"])
    body = client.get(url("dashboard", state)).content.decode()
    assert "<script>" not in body and " style=" not in body and "onclick" not in body
    assert body.count('role="img"') == 9  # every chart has rows here
    assert body.count("<caption>") >= 8
    for key in ("status", "mechanism", "cluster", "entity", "goal", "theme", "progress", "overdue-actions"):
        assert f'role="img" aria-labelledby="chart-{key}-title"' in body
    assert 'th scope="row"' in body and 'th scope="col"' in body
    assert '<label for="id_year_from">' in body


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_filters_are_drawn_as_django_draws_them(client, world, language):
    """The dashboard draws its filters' <select> elements in Python (reporting.dashboard.SelectRenderer):
    the same markup, character for character, as Django's templates, chosen options and errors included."""
    state = world["state"]
    sign_in(client, world["planted"].a.people["secretariat"])
    queries = [
        {},
        {"mechanism": ["CRC", "UPR"], "cluster": [world["children"].pk], "position": ["noted"], "year_from": 2020},
        {"mechanism": ["NOPE"], "entity": ["x"], "cluster": [999999], "year_from": "abc"},
    ]
    with translation.override(language):
        for query in queries:
            response = client.get(url("dashboard", state), query)
            board = response.context["dashboard"]
            fast = [str(item) for item in board.filter_fields]
            form = board.filterset.form
            form.renderer = form.renderer.renderer  # Django's own
            assert fast == [str(form[name]) for name in FILTER_FIELDS]
            assert sum(html.count("<option") for html in fast) > 10
            assert fast[0].split("\n")[0] in response.content.decode()  # the select's opening tag
            if "position" in query:
                assert '<option value="noted" selected>' in fast[3]


def test_the_list_filters_on_a_range_of_years(client, world):
    state = world["state"]
    sign_in(client, world["planted"].a.people["secretariat"])
    response = client.get(url("recommendation-list", state), {"year_from": 2021, "year_to": 2023})
    assert {r.paragraph for r in response.context["recommendations"]} == {"11", "20.1", "20.2"}


# The chart component ---------------------------------------------------------------------------


def test_a_chart_renders_bars_and_a_table_with_links():
    item = chart(
        "Recommendations by mechanism",
        rows=[("CRC", 1200, "/a/?mechanism=CRC&x=1"), ("UPR", 600, None), ("CAT", 0, "/c/")],
        label_heading="Mechanism",
    )
    html = render_to_string("includes/chart.html", {"chart": item})
    assert f'<div class="chart-graphic" role="img" aria-labelledby="{item.key}-title">' in html
    assert f'<span class="chart-title" id="{item.key}-title">Recommendations by mechanism</span>' in html
    assert "<caption>Recommendations by mechanism</caption>" in html
    assert '<th scope="row"><bdi>CRC</bdi></th>' in html
    # Figures as the language writes them, every one a link when it has one.
    assert '<td><a href="/a/?mechanism=CRC&amp;x=1">1,200</a></td>' in html
    assert "<td>600</td>" in html
    widths = [float(w) for w in re.findall(r'<rect x="[^"]+" y="3" width="([^"]+)%"', html)]
    assert widths == [80.0, 40.0]  # proportional, the longest at 80% (its figure after it); no bar for a zero
    assert "<a " not in html.split('<div class="table-scroll">')[0]  # the links are in the table
    assert " style=" not in html and "<script" not in html
    # The labels are HTML text, readable at any width; each row's total at its bar's end.
    assert '<span class="chart-label"><bdi>UPR</bdi></span>' in html
    assert '<text x="40.0%" dx="4" y="15" text-anchor="start">600</text>' in html
    with translation.override("fr"):
        french = render_to_string("includes/chart.html", {"chart": chart("x", rows=[("CRC", 1200, None)])})
    assert "<td>1\u202f200</td>" in french or "<td>1\xa0200</td>" in french


def test_a_stacked_chart_has_a_complete_legend_a_total_one_colour_per_status_and_mirrors_in_arabic():
    rows = [("Education", [3, 1], ["/i/", None], "/all/")]
    keys = ["implemented", "in_progress"]
    item = chart("By cluster", rows=rows, series=["Implemented", "In progress"], keys=keys, label_heading="Cluster")
    html = render_to_string("includes/chart.html", {"chart": item})
    legend = re.search(r'<ul class="chart-legend">(.*?)</ul>', html).group(1)
    assert re.findall(r'class="(chart-fill-[a-z_]+)"></rect></svg>([^<]+)</li>', legend) == [
        ("chart-fill-implemented", "Implemented"),
        ("chart-fill-in_progress", "In progress"),
    ]
    assert re.findall(r'<rect [^>]*class="(chart-fill-[a-z_]+)"><title>', html) == [
        "chart-fill-implemented",
        "chart-fill-in_progress",
    ]
    assert '<td><a href="/all/">4</a></td>' in html
    assert '<th scope="col">' in html and "Implemented</th>" in html
    with translation.override("ar"):
        mirrored = chart("By cluster", rows=rows, series=["Implemented", "In progress"], keys=keys)
        mirrored_html = render_to_string("includes/chart.html", {"chart": mirrored})
    first = mirrored.rows[0].segments[0]
    assert mirrored.rtl and first.x + first.width == 100
    assert item.rows[0].segments[0].x == 0
    # Right to left: the total is written at the bar's left end, anchored there.
    assert 'dx="-4" y="15" text-anchor="end">4</text>' in mirrored_html
    # The same status, the same colour, in a simple chart too.
    simple = chart("Status", rows=[("Implemented", 2, None), ("No status yet", 5, None)], keys=["implemented", "none"])
    assert [row.fill for row in simple.rows] == ["chart-fill-implemented", "chart-fill-none"]
    with pytest.raises(ValueError):
        chart("Bad", rows=[("x", [1], None)], series=["a", "b"])
    with pytest.raises(ValueError):
        chart("Bad", rows=[("x", 1, None)], keys=["a", "b"])

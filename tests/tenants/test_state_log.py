"""The State's log: every change, filtered by person, kind of record, action and dates, page by
page, exported to CSV and Excel; the same queries whatever the number of entries."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tenants.models import HistoryEntry
from tenants.scoping import state_context
from tests.factories import PLANTED_PDF

pytestmark = pytest.mark.django_db

LOG = "/alpha/workspace/log/"
EXPORT = "/alpha/workspace/log/export/"


def plant_entries(planted, count: int, *, start: datetime.datetime | None = None) -> list[HistoryEntry]:
    """``count`` changes of the planted entity's short name, one a minute, alternately by the
    administrator and the secretariat officer; and of the planted plan's title by the officer."""
    a = planted.a
    start = start or timezone.now() - datetime.timedelta(minutes=count)
    entries = []
    for index in range(count):
        plan = index % 5 == 4
        entries.append(
            HistoryEntry(
                state=a.state,
                table_name="followup_plan" if plan else "recommendations_entity",
                row_id=str(a.plan.pk if plan else a.entity.pk),
                operation="U",
                changed_at=start + datetime.timedelta(minutes=index),
                actor=a.people["secretariat"] if plan or index % 2 else a.people["admin"],
                before={"title": f"Plan {index}"} if plan else {"short_name": f"MJ{index}"},
                after={"title": f"Plan {index + 1}"} if plan else {"short_name": f"MJ{index + 1}"},
            )
        )
    with state_context(a.state):
        return HistoryEntry.objects.bulk_create(entries)


def titles(response) -> list[str]:
    return [f"{line.kind}: {line.changes[0].after}" for day in response.context["days"] for line in day.lines]


def test_the_log_lists_every_change_newest_first_with_who_and_what(client, planted):
    plant_entries(planted, 6, start=timezone.now() + datetime.timedelta(hours=1))
    client.force_login(planted.a.people["admin"])
    response = client.get(LOG)
    lines = [line for day in response.context["days"] for line in day.lines]
    assert [
        (line.kind, line.title, line.who, [(c.label, c.before, c.after) for c in line.changes]) for line in lines[:3]
    ] == [
        (
            "Responsible entity",
            "Ministry of Justice of Alphaland",
            "secretariat of Alphaland",
            [("Short name", "MJ5", "MJ6")],
        ),
        (
            "Implementation plan",
            "Implementation plan of Alphaland",
            "secretariat of Alphaland",
            [("Title", "Plan 4", "Plan 5")],
        ),
        (
            "Responsible entity",
            "Ministry of Justice of Alphaland",
            "secretariat of Alphaland",
            [("Short name", "MJ3", "MJ4")],
        ),
    ]
    assert lines[0].link == f"/alpha/workspace/entities/{planted.a.entity.pk}/"
    # The planting itself is there too (the invitation is the last row it created).
    assert "Invitation" in {line.kind for line in lines}


def test_filters_by_person_kind_action_and_dates(client, planted):
    a = planted.a
    entries = plant_entries(planted, 10, start=timezone.now() - datetime.timedelta(days=5))
    client.force_login(a.people["admin"])
    by_admin = client.get(LOG, {"person": a.people["admin"].pk, "kind": "recommendations_entity"})
    assert titles(by_admin) == [f"Responsible entity: MJ{n}" for n in (9, 7, 3, 1)]
    plans = client.get(LOG, {"kind": "followup_plan", "action": "U"})
    assert titles(plans) == ["Implementation plan: Plan 10", "Implementation plan: Plan 5"]
    assert client.get(LOG, {"kind": "followup_plan", "action": "D"}).context["days"] == []
    # A period: the day the entries were planted, nothing after.
    day = timezone.localtime(entries[0].changed_at).date()
    window = client.get(LOG, {"since": day.isoformat(), "until": day.isoformat(), "kind": "followup_plan"})
    assert titles(window) == ["Implementation plan: Plan 10", "Implementation plan: Plan 5"]
    later = day + datetime.timedelta(days=1)
    assert (
        client.get(LOG, {"since": later.isoformat(), "until": later.isoformat(), "kind": "followup_plan"}).context[
            "days"
        ]
        == []
    )
    refused = client.get(LOG, {"since": later.isoformat(), "until": day.isoformat()})
    assert refused.context["form"].errors == {"until": ["The end of the period comes before its start."]}


def test_pages_follow_each_other_without_gaps_or_repeats(client, planted):
    plant_entries(planted, 130, start=timezone.now() + datetime.timedelta(days=1))
    client.force_login(planted.a.people["admin"])
    seen, cursor, pages = [], None, 0
    while True:
        response = client.get(LOG, {"kind": "recommendations_entity", **({"before": cursor} if cursor else {})})
        page = [line.entry.pk for day in response.context["days"] for line in day.lines]
        seen += page
        pages += 1
        cursor = response.context["next_cursor"]
        if not cursor:
            break
    with state_context(planted.a.state):
        expected = list(
            HistoryEntry.objects.filter(table_name="recommendations_entity")
            .order_by("-changed_at", "-id")
            .values_list("pk", flat=True)
        )
    assert seen == expected
    assert pages == -(-len(expected) // 50)


def test_query_counts_do_not_grow_with_the_number_of_entries(client, planted):
    admin = planted.a.people["admin"]
    client.force_login(admin)
    client.get(LOG)  # the session and the caches, once
    counts, so_far = {}, 0
    # A first page full of the same kinds of records either way, and a filtered page that finds
    # 12, then 120 entries (a page of 50).
    for total in (60, 600):
        plant_entries(planted, total - so_far, start=timezone.now() + datetime.timedelta(days=total))
        so_far = total
        filtered = {"kind": "followup_plan", "person": planted.a.people["secretariat"].pk}
        for name, query in (("first", {}), ("filtered", filtered)):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(LOG, query).status_code == 200
            counts[(name, total)] = len(queries)
    assert counts[("first", 60)] == counts[("first", 600)]
    assert counts[("filtered", 60)] == counts[("filtered", 600)]


def test_the_export_holds_the_filtered_changes_in_csv_and_excel(client, planted):
    a = planted.a
    plant_entries(planted, 5, start=timezone.now() + datetime.timedelta(hours=1))
    with state_context(a.state):
        HistoryEntry.objects.create(
            state=a.state,
            table_name="recommendations_entity",
            row_id=str(a.entity.pk),
            operation="U",
            changed_at=timezone.now() + datetime.timedelta(hours=2),
            actor=a.people["admin"],
            before={"short_name": "MJ"},
            after={"short_name": '=HYPERLINK("http://evil")'},
        )
    client.force_login(a.people["admin"])
    query = {"kind": "recommendations_entity", "person": a.people["admin"].pk}
    response = client.get(EXPORT, {**query, "format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="alpha-log-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["When", "Who", "Kind of record", "Record", "Action", "Field", "Before", "After"]
    assert [row[1:] for row in rows[1:]] == [
        [
            "admin of Alphaland",
            "Responsible entity",
            "Ministry of Justice of Alphaland",
            "changed",
            "Short name",
            "MJ",
            '\'=HYPERLINK("http://evil")',
        ],
        [
            "admin of Alphaland",
            "Responsible entity",
            "Ministry of Justice of Alphaland",
            "changed",
            "Short name",
            "MJ2",
            "MJ3",
        ],
        [
            "admin of Alphaland",
            "Responsible entity",
            "Ministry of Justice of Alphaland",
            "changed",
            "Short name",
            "MJ0",
            "MJ1",
        ],
    ]
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(EXPORT, {**query, "format": "xlsx"}).content))
    sheet = workbook.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["When", "Who", "Kind of record", "Record", "Action", "Field", "Before", "After"]
    # The same rows; Excel keeps the formula-like text as text (an inline string), not prefixed.
    assert [row[1:] for row in values[1:]] == [[*row[1:7], row[7].removeprefix("'")] for row in rows[1:]]
    assert isinstance(values[1][0], datetime.datetime)
    # The State's log export is its administrators' only.
    client.force_login(a.people["secretariat"])
    assert client.get(EXPORT, {"format": "csv"}).status_code == 403


def test_the_export_stops_at_its_limit(client, planted, settings):
    settings.NRTD_STATE_LOG_EXPORT_MAX = 4
    plant_entries(planted, 10, start=timezone.now() + datetime.timedelta(hours=1))
    client.force_login(planted.a.people["admin"])
    rows = list(csv.reader(io.StringIO(client.get(EXPORT, {"format": "csv"}).content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 4


def test_the_log_shows_nothing_of_another_state(client, planted):
    client.force_login(planted.b.people["admin"])
    response = client.get(reverse("workspace:state-log", kwargs={"state_slug": "beta"}))
    text = response.content.decode()
    assert "Alphaland" not in text
    assert {line.entry.state_id for day in response.context["days"] for line in day.lines} == {planted.b.state.pk}


def test_the_whole_log_exports_every_kind_of_record(client, planted):
    client.force_login(planted.a.people["admin"])
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(EXPORT, {"format": "xlsx"}).content))
    rows = list(workbook.active.iter_rows(values_only=True))[1:]
    kinds = {row[2] for row in rows}
    assert {"State", "Membership", "Invitation", "Recommendation", "Evidence", "Progress update"} <= kinds
    # The evidence file by its name and its size in words, never its storage path.
    evidence = {row[5]: row[7] for row in rows if row[2] == "Evidence"}
    assert (evidence["File"], evidence["Size"]) == ("minutes.pdf", f"{len(PLANTED_PDF)}\xa0bytes")

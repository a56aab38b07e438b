"""The calendar of obligations: overdue logic, suggested dates, the pages (versioned edits, status
changes, permissions), the workspace home's box, and the iCalendar feed with its token rules."""

from __future__ import annotations

import datetime
import logging
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from recommendations.models import Mechanism, Position, Recommendation
from reporting import calendar
from reporting.calendar import add_months, ics_fold, ics_text, is_overdue, suggest_due
from reporting.models import CalendarFeed, ReportDraft, ReportingObligation
from tenants.models import Membership, State
from tenants.scoping import cross_state_access, state_context

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"
Kind = ReportingObligation.Kind
Status = ReportingObligation.Status
TODAY = datetime.date(2026, 6, 15)


def url(name, **kwargs):
    return reverse(f"workspace:{name}", kwargs={"state_slug": "alpha", **kwargs})


def feed_url(token, slug="alpha"):
    return reverse("feed:calendar", kwargs={"state_slug": slug, "token": token})


def sign_in(client, planted, role):
    client.force_login(planted.a.people[role], backend=BACKEND)


def mechanism(code):
    return Mechanism.objects.get(code=code)


def obligation(state, **values):
    values = {
        "mechanism": mechanism("CRC"),
        "kind": Kind.PERIODIC_REPORT,
        "title": "A report",
        "due_on": TODAY,
        **values,
    }
    with state_context(state):
        return ReportingObligation.objects.create(state=state, **values)


# --- Overdue ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due_on", "status", "submitted_on", "overdue"),
    [
        (TODAY - datetime.timedelta(days=1), Status.PLANNED, None, True),
        (TODAY - datetime.timedelta(days=1), Status.DRAFTING, None, True),
        # Submitted late: no longer overdue.
        (TODAY - datetime.timedelta(days=30), Status.SUBMITTED, TODAY - datetime.timedelta(days=2), False),
        # Due today: not yet overdue.
        (TODAY, Status.PLANNED, None, False),
        (TODAY + datetime.timedelta(days=1), Status.DRAFTING, None, False),
    ],
)
def test_overdue_is_due_before_today_and_not_submitted(planted, due_on, status, submitted_on, overdue):
    state = planted.a.state
    row = obligation(state, due_on=due_on, status=status, submitted_on=submitted_on, title="Checked")
    assert is_overdue(row, TODAY) is overdue
    with state_context(state):
        # The database's answer (filters, the home box) is the same as the Python one.
        in_filter = calendar.obligations_filtered(status=calendar.OVERDUE, today=TODAY).filter(pk=row.pk).exists()
        box = calendar.home_box(TODAY)
        sections = calendar.calendar_sections(calendar.obligations_filtered(today=TODAY), TODAY)
    assert in_filter is overdue
    assert (row.pk in [o.pk for o in sections.overdue]) is overdue
    assert (row.pk in [o.pk for o in box.items if o.overdue]) is overdue


def test_calendar_sections_put_overdue_then_upcoming_then_months(planted):
    state = planted.a.state
    with cross_state_access():
        ReportingObligation.objects.all().delete()
    late = obligation(state, due_on=TODAY - datetime.timedelta(days=3), title="Late")
    soon = obligation(state, due_on=TODAY + datetime.timedelta(days=90), title="Soon")
    later = obligation(state, due_on=TODAY + datetime.timedelta(days=91), title="Later")
    done = obligation(
        state, due_on=TODAY + datetime.timedelta(days=10), status=Status.SUBMITTED, submitted_on=TODAY, title="Done"
    )
    with state_context(state):
        sections = calendar.calendar_sections(calendar.obligations_filtered(today=TODAY), TODAY)
    assert [o.pk for o in sections.overdue] == [late.pk]
    assert [o.pk for o in sections.upcoming] == [soon.pk]
    assert [(m.first, [o.pk for o in m.obligations]) for m in sections.months] == [
        (datetime.date(2026, 6, 1), [done.pk]),
        (datetime.date(2026, 9, 1), [later.pk]),
    ]
    assert sections.total == 4


# --- Suggested dates ---------------------------------------------------------------------------


def recommendation(state, code, issued_on, n=1):
    with state_context(state):
        return Recommendation.objects.create(
            state=state,
            mechanism=mechanism(code),
            symbol=f"CO/{code}/{n}",
            paragraph=str(n),
            text=f"Recommendation {n} of {code}",
            position=Position.SUPPORTED,
            issued_on=issued_on,
        )


def test_add_months_stays_within_the_month():
    assert add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2023, 11, 30), 54) == datetime.date(2028, 5, 30)
    assert add_months(datetime.date(2025, 8, 31), -2) == datetime.date(2025, 6, 30)


def test_suggestion_from_the_last_submitted_obligation_of_that_mechanism_and_kind(planted):
    state = planted.a.state
    obligation(state, due_on=datetime.date(2015, 3, 1), status=Status.SUBMITTED, submitted_on=datetime.date(2015, 3, 9))
    obligation(
        state,
        title="Fifth and sixth periodic report",
        due_on=datetime.date(2020, 3, 1),
        status=Status.SUBMITTED,
        submitted_on=datetime.date(2020, 9, 1),
    )
    # Not submitted, another kind, another mechanism: not counted from.
    obligation(state, due_on=datetime.date(2024, 1, 1), title="Planned")
    obligation(
        state,
        kind=Kind.FOLLOW_UP_REPLY,
        due_on=datetime.date(2023, 1, 1),
        status=Status.SUBMITTED,
        submitted_on=datetime.date(2023, 1, 1),
    )
    with state_context(state):
        crc = suggest_due(mechanism("CRC"), Kind.PERIODIC_REPORT, today=TODAY)
        cedaw = suggest_due(mechanism("CEDAW"), Kind.PERIODIC_REPORT, today=TODAY)
    # CRC: five years after the last one's due date.
    assert crc.due_on == datetime.date(2025, 3, 1)
    assert "Fifth and sixth periodic report" in crc.source and "5 years" in crc.source
    assert cedaw.due_on is None
    assert "4 years" in cedaw.source


def test_suggestion_from_the_latest_recommendations_when_newer_or_alone(planted):
    state = planted.a.state
    recommendation(state, "CEDAW", datetime.date(2021, 7, 1), n=1)
    recommendation(state, "CEDAW", datetime.date(2023, 11, 10), n=2)
    recommendation(state, "UPR", datetime.date(2022, 11, 20), n=3)
    # A CRC report was due in 2018, and the committee has reviewed the State since.
    obligation(state, due_on=datetime.date(2018, 1, 1), status=Status.SUBMITTED, submitted_on=datetime.date(2018, 2, 1))
    recommendation(state, "CRC", datetime.date(2019, 10, 4), n=4)
    with state_context(state):
        periodic = suggest_due(mechanism("CEDAW"), Kind.PERIODIC_REPORT, today=TODAY)
        follow_up = suggest_due(mechanism("CEDAW"), Kind.FOLLOW_UP_REPLY, today=TODAY)
        cat_follow_up = suggest_due(mechanism("CAT"), Kind.FOLLOW_UP_REPLY, today=TODAY)
        midterm = suggest_due(mechanism("UPR"), Kind.UPR_MIDTERM, today=TODAY)
        national = suggest_due(mechanism("UPR"), Kind.UPR_NATIONAL, today=TODAY)
        crc = suggest_due(mechanism("CRC"), Kind.PERIODIC_REPORT, today=TODAY)
    assert periodic.due_on == datetime.date(2027, 11, 10)  # CEDAW: four years
    assert follow_up.due_on == datetime.date(2025, 11, 10)  # CEDAW follow-up: two years
    assert "CEDAW" in follow_up.source and "2 years" in follow_up.source
    assert cat_follow_up.due_on is None  # no CAT recommendation in the State
    assert midterm.due_on == datetime.date(2025, 5, 20)  # two and a half years after the review
    assert national.due_on == datetime.date(2027, 2, 20)  # some weeks before the next review, 4.5 years on
    assert crc.due_on == datetime.date(2024, 10, 4)
    assert "latest recommendations of CRC" in crc.source


def test_suggestion_for_communications_visits_and_other_mechanisms(planted):
    with state_context(planted.a.state):
        reply = suggest_due(mechanism("SR Torture"), Kind.SP_COMMUNICATION, today=TODAY)
        visit = suggest_due(mechanism("SR Torture"), Kind.SP_VISIT, today=TODAY)
        other = suggest_due(mechanism("OTHER"), Kind.OTHER, today=TODAY)
    assert reply.due_on == TODAY + datetime.timedelta(days=60)
    assert "60 days" in reply.source
    assert visit.due_on is None and other.due_on is None


def test_the_suggest_step_fills_the_date_in_and_saves_nothing(client, planted):
    state = planted.a.state
    recommendation(state, "CRC", datetime.date(2024, 2, 2))
    sign_in(client, planted, "secretariat")
    before = _count(state)
    response = client.post(
        url("obligation-create"),
        {
            "mechanism": mechanism("CRC").pk,
            "kind": Kind.PERIODIC_REPORT,
            "title": "Seventh periodic report",
            "status": Status.PLANNED,
            "entities": [planted.a.entity.pk],
            "suggest": "1",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_bound
    assert form.initial["due_on"] == datetime.date(2029, 2, 2)
    assert form.initial["title"] == "Seventh periodic report"
    body = response.content.decode()
    assert 'value="2029-02-02"' in body
    assert "latest recommendations of CRC" in body
    assert _count(state) == before
    # Saved as suggested (or changed): the person decides.
    response = client.post(
        url("obligation-create"),
        {
            "mechanism": mechanism("CRC").pk,
            "kind": Kind.PERIODIC_REPORT,
            "title": "Seventh periodic report",
            "due_on": "2029-03-01",
            "status": Status.PLANNED,
            "entities": [planted.a.entity.pk],
        },
    )
    assert response.status_code == 302
    with state_context(state):
        saved = ReportingObligation.objects.get(title="Seventh periodic report")
    assert (saved.due_on, saved.entity_ids, saved.created_by) == (
        datetime.date(2029, 3, 1),
        [planted.a.entity.pk],
        planted.a.people["secretariat"],
    )


def _count(state):
    with state_context(state):
        return ReportingObligation.objects.count()


# --- Pages -------------------------------------------------------------------------------------


def form_data(row, **changes):
    data = {
        "mechanism": row.mechanism_id,
        "kind": row.kind,
        "title": row.title,
        "due_on": row.due_on.isoformat(),
        "status": row.status,
        "submitted_on": row.submitted_on.isoformat() if row.submitted_on else "",
        "reference": row.reference,
        "entities": row.entity_ids,
        "notes": row.notes,
        "version": row.version,
    }
    return {**data, **changes}


def test_a_stale_edit_is_refused_with_the_input_kept(client, planted):
    row = planted.a.obligation
    sign_in(client, planted, "secretariat")
    loaded = form_data(row)
    # Someone else saves first.
    other = form_data(row, title="Changed by the administrator")
    assert client.post(url("obligation-edit", pk=row.pk), other).status_code == 302
    response = client.post(url("obligation-edit", pk=row.pk), {**loaded, "title": "My own wording"})
    assert response.status_code == 200
    assert response.context["conflict"].title == "Changed by the administrator"
    body = response.content.decode()
    assert 'value="My own wording"' in body
    assert "Saved in the meantime by someone else" in body
    with state_context(planted.a.state):
        current = ReportingObligation.objects.get(pk=row.pk)
    assert (current.title, current.version) == ("Changed by the administrator", 2)
    # The form shown again carries the current version: saving it replaces the other change.
    retry = response.context["form"]
    assert str(retry["version"].value()) == "2"
    response = client.post(url("obligation-edit", pk=row.pk), {**loaded, "title": "My own wording", "version": 2})
    assert response.status_code == 302
    with state_context(planted.a.state):
        assert ReportingObligation.objects.get(pk=row.pk).title == "My own wording"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"status": Status.SUBMITTED, "submitted_on": ""}, "submitted_on"),
        ({"status": Status.SUBMITTED, "submitted_on": "2999-01-01"}, "submitted_on"),
        ({"kind": Kind.UPR_NATIONAL}, "kind"),
        ({"due_on": ""}, "due_on"),
    ],
)
def test_invalid_obligations_are_refused(client, planted, changes, field):
    sign_in(client, planted, "admin")
    response = client.post(
        url("obligation-edit", pk=planted.a.obligation.pk), form_data(planted.a.obligation, **changes)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors


def test_quick_status_change_from_planned_to_drafting_to_submitted(client, planted):
    row = planted.a.obligation
    sign_in(client, planted, "secretariat")
    page = client.get(url("obligation-detail", pk=row.pk)).content.decode()
    assert "Mark as Drafting" in page
    response = client.post(url("obligation-status", pk=row.pk), {"version": 1, "status": Status.DRAFTING})
    assert response.status_code == 302
    # A submission needs its date.
    response = client.post(url("obligation-status", pk=row.pk), {"version": 2, "status": Status.SUBMITTED})
    assert response.status_code == 200
    assert "submitted_on" in response.context["status_form"].errors
    today = timezone.localdate()
    response = client.post(
        url("obligation-status", pk=row.pk),
        {"version": 2, "status": Status.SUBMITTED, "submitted_on": today.isoformat()},
    )
    assert response.status_code == 302
    with state_context(planted.a.state):
        current = ReportingObligation.objects.get(pk=row.pk)
    assert (current.status, current.submitted_on, current.version) == (Status.SUBMITTED, today, 3)
    # A stale one (version 2 again) changes nothing.
    response = client.post(url("obligation-status", pk=row.pk), {"version": 2, "status": Status.PLANNED}, follow=True)
    assert "Someone else saved a change" in response.content.decode()
    with state_context(planted.a.state):
        assert ReportingObligation.objects.get(pk=row.pk).status == Status.SUBMITTED
    # Back to drafting clears the submission date.
    client.post(url("obligation-status", pk=row.pk), {"version": 3, "status": Status.DRAFTING})
    with state_context(planted.a.state):
        current = ReportingObligation.objects.get(pk=row.pk)
    assert (current.status, current.submitted_on) == (Status.DRAFTING, None)


def test_observers_and_focal_points_read_but_cannot_change(client, planted):
    row = planted.a.obligation
    for role in ("observer", "focal_point"):
        sign_in(client, planted, role)
        assert client.get(url("calendar")).status_code == 200
        detail = client.get(url("obligation-detail", pk=row.pk))
        assert detail.status_code == 200
        body = detail.content.decode()
        assert row.title in body and str(planted.a.entity) in body
        assert "Change the status" not in body
        assert client.get(url("obligation-edit", pk=row.pk)).status_code == 403
        assert client.post(url("obligation-edit", pk=row.pk), form_data(row, title="No")).status_code == 403
        assert client.post(url("obligation-create"), form_data(row, title="No")).status_code == 403
        assert client.post(url("obligation-status", pk=row.pk), {"version": 1, "status": "drafting"}).status_code == 403
        assert client.post(url("obligation-delete", pk=row.pk)).status_code == 403
    with state_context(planted.a.state):
        current = ReportingObligation.objects.get(pk=row.pk)
    assert (current.title, current.status, current.version) == (row.title, Status.PLANNED, 1)


def test_the_obligation_page_shows_drafts_history_and_delete_keeps_the_drafts(client, planted):
    row = planted.a.obligation
    with state_context(planted.a.state):
        draft = ReportDraft.objects.create(
            state=planted.a.state, kind="mechanism_report", obligation=row, title="CRC draft, June", language="en"
        )
    sign_in(client, planted, "secretariat")
    client.post(url("obligation-edit", pk=row.pk), form_data(row, title="Renamed report"))
    body = client.get(url("obligation-detail", pk=row.pk)).content.decode()
    assert "CRC draft, June" in body
    # Linked to the draft's page when the drafts' pages exist (workspace:draft-detail).
    try:
        draft_page = reverse("workspace:draft-detail", kwargs={"state_slug": "alpha", "pk": draft.pk})
    except NoReverseMatch:
        draft_page = None
    if draft_page:
        assert f'href="{draft_page}"' in body
    assert "Renamed report" in body and "History" in body
    # The history shows the change of title, before and after.
    assert re.search(r"Combined periodic report of Alphaland to the CRC.*Renamed report", body, re.S)
    # Observers do not see drafts (reporting.draft_reports).
    sign_in(client, planted, "observer")
    assert "CRC draft, June" not in client.get(url("obligation-detail", pk=row.pk)).content.decode()
    sign_in(client, planted, "admin")
    with state_context(planted.a.state):
        linked = ReportDraft.objects.filter(obligation=row).count()  # the planted draft may be one
    assert linked >= 1
    expected = "1 report draft is linked" if linked == 1 else f"{linked} report drafts are linked"
    assert expected in client.get(url("obligation-delete", pk=row.pk)).content.decode()
    assert client.post(url("obligation-delete", pk=row.pk)).status_code == 302
    with state_context(planted.a.state):
        assert not ReportingObligation.objects.filter(pk=row.pk).exists()
        assert ReportDraft.objects.get(pk=draft.pk).obligation_id is None
        assert ReportDraft.objects.filter(obligation__isnull=True).count() >= linked


def test_calendar_filters_and_constant_queries(client, planted):
    state = planted.a.state
    today = timezone.localdate()
    sign_in(client, planted, "observer")

    def queries(params=""):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url("calendar") + params)
        assert response.status_code == 200
        return len(captured), response

    few, _ = queries()
    for n in range(20):
        obligation(state, title=f"Reply {n}", due_on=today + datetime.timedelta(days=n * 20 - 100))
    obligation(state, mechanism=mechanism("UPR"), kind=Kind.UPR_MIDTERM, title="Mid-term", due_on=today)
    many, response = queries()
    assert many == few
    assert response.context["sections"].total == 22
    _, response = queries(f"?mechanism={mechanism('UPR').pk}")
    assert [o.title for o in response.context["sections"].upcoming] == ["Mid-term"]
    _, response = queries("?status=overdue")
    sections = response.context["sections"]
    assert sections.upcoming == [] and sections.months == []
    assert {o.title for o in sections.overdue} == {f"Reply {n}" for n in range(5)}
    _, response = queries(f"?kind=upr_midterm&entity={planted.a.entity.pk}")
    assert response.context["sections"].total == 0


def test_the_workspace_home_box_lists_overdue_and_soon_due_with_constant_queries(client, planted):
    state = planted.a.state
    today = timezone.localdate()
    sign_in(client, planted, "focal_point")

    def home():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url("home"))
        assert response.status_code == 200
        return len(captured), response.content.decode()

    few, body = home()
    assert "Reports due: upcoming and overdue" in body
    late = obligation(state, title="Late follow-up reply", due_on=today - datetime.timedelta(days=1))
    obligation(state, title="Far away report", due_on=today + datetime.timedelta(days=200))
    obligation(
        state,
        title="Already sent",
        due_on=today - datetime.timedelta(days=5),
        status=Status.SUBMITTED,
        submitted_on=today,
    )
    for n in range(15):
        obligation(state, title=f"Soon {n}", due_on=today + datetime.timedelta(days=n + 1))
    many, body = home()
    assert many == few
    assert "1 overdue" in body and "16 due within 90 days" in body
    assert url("obligation-detail", pk=late.pk) in body
    assert "Late follow-up reply" in body
    assert "Far away report" not in body and "Already sent" not in body


# --- The iCalendar feed ------------------------------------------------------------------------


def parse_ics(data: bytes) -> list[dict[str, str]]:
    """The feed read back: every line ends in CRLF and is at most 75 octets; unfolded, then split
    into components whose properties are unescaped."""
    assert data.endswith(b"\r\n")
    physical = data.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in physical), max(physical, key=len)
    assert not any(b"\n" in line or b"\r" in line for line in physical)
    text = data.decode()
    unfolded = text.replace("\r\n ", "").split("\r\n")[:-1]
    assert unfolded[0] == "BEGIN:VCALENDAR" and unfolded[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in unfolded and any(line.startswith("PRODID:") for line in unfolded)
    events, current = [], None
    for line in unfolded:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            name, value = line.split(":", 1)
            current[name] = unescape(value)
    return events


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def test_ics_text_escaping_and_folding():
    assert ics_text('a\\b;c,d\ne\r\nf"') == 'a\\\\b\\;c\\,d\\ne\\nf"'
    line = "SUMMARY:" + "é" * 80
    folded = ics_fold(line).encode()
    parts = folded.split(b"\r\n")
    assert all(len(part) <= 75 for part in parts)
    assert all(part.startswith(b" ") for part in parts[1:])
    # Never inside a UTF-8 character: every part decodes on its own.
    assert "".join(part.decode()[1:] if i else part.decode() for i, part in enumerate(parts)) == line


def test_the_feed_has_one_event_per_obligation(client, planted):
    state = planted.a.state
    long_title = "Rapport périodique combiné; second, troisième et quatrième: « suivi » " * 3
    special = obligation(
        state,
        title=long_title.strip(),
        due_on=datetime.date(2027, 1, 31),
        status=Status.DRAFTING,
        mechanism=mechanism("CEDAW"),
    )
    old = obligation(
        state,
        title="Late",
        due_on=timezone.localdate() - datetime.timedelta(days=10),
        mechanism=mechanism("CAT"),
        kind=Kind.FOLLOW_UP_REPLY,
    )
    with state_context(state):
        ReportingObligation.objects.filter(pk=special.pk).update(version=4)
    response = client.get(feed_url(planted.a.feed_token))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = parse_ics(response.content)
    with state_context(state):
        expected = ReportingObligation.objects.count()
    assert len(events) == expected == 3
    by_uid = {event["UID"]: event for event in events}
    assert len(by_uid) == 3
    domain = urlsplit(settings.SITE_URL).hostname
    event = by_uid[f"obligation-{state.pk}-{special.pk}@{domain}"]
    assert event["DTSTART;VALUE=DATE"] == "20270131"
    assert event["DTEND;VALUE=DATE"] == "20270201"
    assert event["SUMMARY"] == f"CEDAW: {long_title.strip()}"
    assert event["SEQUENCE"] == "3"
    assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"])
    assert event["URL"] == f"http://testserver{url('obligation-detail', pk=special.pk)}"
    assert "Status: Drafting" in event["DESCRIPTION"].split("\n")
    assert "Mechanism: CEDAW, " in event["DESCRIPTION"]
    late = by_uid[f"obligation-{state.pk}-{old.pk}@{domain}"]
    assert "Status: Planned, overdue" in late["DESCRIPTION"]
    assert "Reply under a follow-up procedure" in late["DESCRIPTION"]
    # The same obligation keeps its UID from one fetch to the next.
    again = {e["UID"] for e in parse_ics(client.get(feed_url(planted.a.feed_token)).content)}
    assert again == set(by_uid)


def test_every_member_may_get_an_address_and_a_reset_invalidates_the_old_one(client, planted):
    sign_in(client, planted, "observer")
    page = client.get(url("calendar")).content.decode()
    assert "Get my calendar address" in page
    response = client.post(url("calendar-feed-token"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    first = response.context["feed_url"]
    token = first.rsplit("/", 1)[1].removesuffix(".ics")
    assert first == f"http://testserver{feed_url(token)}"
    assert client.get(feed_url(token)).status_code == 200
    # Only the hash is stored.
    with state_context(planted.a.state):
        feed = CalendarFeed.objects.get(membership__user=planted.a.people["observer"])
    assert token not in feed.token_hash and feed.token_hash == calendar.token_hash(token, planted.a.state.pk)
    assert "Get a new address" in client.get(url("calendar")).content.decode()
    second = client.post(url("calendar-feed-token")).context["feed_url"]
    new_token = second.rsplit("/", 1)[1].removesuffix(".ics")
    assert new_token != token
    assert client.get(feed_url(token)).status_code == 404
    assert client.get(feed_url(new_token)).status_code == 200


def test_the_feed_refuses_wrong_foreign_ended_and_suspended_tokens(client, planted, caplog):
    caplog.set_level(logging.DEBUG)
    a, b = planted.a, planted.b
    good = a.feed_token
    assert client.get(feed_url(good)).status_code == 200
    wrong = good[:-1] + ("A" if good[-1] != "A" else "B")
    for address in (
        feed_url(wrong),
        feed_url("short"),
        feed_url(good + "x"),
        feed_url(b.feed_token),  # another State's token under this State's address
        feed_url(good, slug="beta"),  # this State's token under another's
        feed_url(good, slug="no-such-state"),
    ):
        response = client.get(address)
        assert response.status_code == 404, address
        assert b"BEGIN:VCALENDAR" not in response.content
    assert client.get(feed_url(b.feed_token, slug="beta")).status_code == 200
    # Nothing wrote a token to the logs, not even Django's "Not Found" line.
    assert good not in caplog.text and wrong not in caplog.text and b.feed_token not in caplog.text
    # A person who may no longer sign in.
    admin = a.people["admin"]
    admin.is_active = False
    admin.save(update_fields=["is_active"])
    assert client.get(feed_url(good)).status_code == 404
    admin.is_active = True
    admin.save(update_fields=["is_active"])
    assert client.get(feed_url(good)).status_code == 200
    # A suspended State.
    with cross_state_access():
        State.objects.filter(pk=a.state.pk).update(status=State.Status.SUSPENDED)
    assert client.get(feed_url(good)).status_code == 404
    with cross_state_access():
        State.objects.filter(pk=a.state.pk).update(status=State.Status.ACTIVE)
    assert client.get(feed_url(good)).status_code == 200
    # A membership that ended: its feed went with it.
    with state_context(a.state):
        Membership.objects.filter(user=admin).delete()
        assert not CalendarFeed.objects.filter(token_hash=calendar.token_hash(good, a.state.pk)).exists()
    assert client.get(feed_url(good)).status_code == 404

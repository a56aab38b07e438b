"""The calendar of obligations: what is due to which mechanism, when, and what is overdue.

- "Overdue" is derived, never stored: due before today and not submitted (``overdue_q``).
- The typical periods between reports live in ``TYPICAL_PERIODS``, the one table of them;
  ``suggest_due`` turns them into a suggested date and says where it came from.
- Each member may have a secret calendar feed address (``CalendarFeed``): only a hash of its
  token is stored, and ``ics_calendar`` writes the feed by hand (RFC 5545).
"""

from __future__ import annotations

import calendar as pycalendar
import datetime
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from followup.plans import StaleEdit
from recommendations.models import Mechanism, Recommendation
from reporting.models import CalendarFeed, ReportingObligation
from tenants.models import Membership, State

Kind = ReportingObligation.Kind
Status = ReportingObligation.Status

# How far ahead the workspace home and the calendar's "upcoming" section look.
UPCOMING_DAYS = 90
# How many obligations the workspace home lists (the counts cover them all).
HOME_LIMIT = 8


# --- Overdue ---------------------------------------------------------------------------------


def overdue_q(today: datetime.date) -> Q:
    """Due before today and not submitted (a report submitted late is not overdue any more)."""
    return Q(due_on__lt=today) & ~Q(status=Status.SUBMITTED)


def upcoming_q(today: datetime.date, days: int = UPCOMING_DAYS) -> Q:
    """Not submitted, due from today to ``days`` ahead (today itself is not overdue yet)."""
    return Q(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=days)) & ~Q(status=Status.SUBMITTED)


def is_overdue(obligation: ReportingObligation, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return obligation.status != Status.SUBMITTED and obligation.due_on < today


def with_overdue(obligations: Iterable[ReportingObligation], today: datetime.date) -> list[ReportingObligation]:
    """The obligations with ``overdue`` set on each, for templates."""
    rows = list(obligations)
    for row in rows:
        row.overdue = is_overdue(row, today)
    return rows


# --- The calendar page -----------------------------------------------------------------------

OVERDUE = "overdue"


def obligations_filtered(
    *, mechanism: int | None = None, kind: str = "", status: str = "", entity: int | None = None, today=None
) -> QuerySet[ReportingObligation]:
    """The State's obligations, filtered; ``status`` may be ``overdue`` (derived)."""
    today = today or timezone.localdate()
    rows = ReportingObligation.objects.select_related("mechanism")
    if mechanism:
        rows = rows.filter(mechanism_id=mechanism)
    if kind:
        rows = rows.filter(kind=kind)
    if status == OVERDUE:
        rows = rows.filter(overdue_q(today))
    elif status:
        rows = rows.filter(status=status)
    if entity:
        rows = rows.filter(entity_ids__contains=[entity])
    return rows.order_by("due_on", "id")


@dataclass
class Month:
    first: datetime.date
    obligations: list[ReportingObligation]


@dataclass
class CalendarSections:
    overdue: list[ReportingObligation]
    upcoming: list[ReportingObligation]
    months: list[Month]
    total: int


def calendar_sections(rows: Iterable[ReportingObligation], today: datetime.date) -> CalendarSections:
    """Overdue first, then what falls due in the next 90 days, then everything else by month."""
    limit = today + datetime.timedelta(days=UPCOMING_DAYS)
    overdue, upcoming, months = [], [], {}
    total = 0
    for row in with_overdue(rows, today):
        total += 1
        if row.overdue:
            overdue.append(row)
        elif row.status != Status.SUBMITTED and today <= row.due_on <= limit:
            upcoming.append(row)
        else:
            first = row.due_on.replace(day=1)
            months.setdefault(first, []).append(row)
    return CalendarSections(
        overdue=overdue,
        upcoming=upcoming,
        months=[Month(first, items) for first, items in sorted(months.items())],
        total=total,
    )


@dataclass
class HomeBox:
    overdue: int
    upcoming: int
    items: list[ReportingObligation]


def home_box(today: datetime.date | None = None) -> HomeBox:
    """The workspace home's box: how many are overdue and due within 90 days, and the first few
    of them (overdue first). Two queries, whatever the number of obligations."""
    today = today or timezone.localdate()
    pending = ReportingObligation.objects.filter(overdue_q(today) | upcoming_q(today))
    counts = pending.aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=today)), upcoming=Count("pk", filter=Q(due_on__gte=today))
    )
    items = with_overdue(pending.select_related("mechanism").order_by("due_on", "id")[:HOME_LIMIT], today)
    return HomeBox(overdue=counts["overdue"], upcoming=counts["upcoming"], items=items)


# --- Typical periods and suggestions ---------------------------------------------------------


@dataclass(frozen=True)
class Period:
    months: int = 0
    days: int = 0

    def after(self, day: datetime.date) -> datetime.date:
        return add_months(day, self.months) + datetime.timedelta(days=self.days)

    def __str__(self) -> str:
        if self.days:
            return ngettext("%(n)d day", "%(n)d days", self.days) % {"n": self.days}
        years, months = divmod(self.months, 12)
        if years and months:
            return _("%(years)s and %(months)s") % {
                "years": ngettext("%(n)d year", "%(n)d years", years) % {"n": years},
                "months": ngettext("%(n)d month", "%(n)d months", months) % {"n": months},
            }
        if years:
            return ngettext("%(n)d year", "%(n)d years", years) % {"n": years}
        return ngettext("%(n)d month", "%(n)d months", months) % {"n": months}


@dataclass(frozen=True)
class TypicalPeriod:
    # From the last obligation of this mechanism and kind to the next one.
    cycle: Period | None = None
    # From the latest recommendations of the mechanism (a review, concluding observations).
    after_recommendations: Period | None = None
    # From today (a communication just received).
    from_today: Period | None = None


def _years(n: float) -> Period:
    return Period(months=round(n * 12))


# The typical periods, in one place. They are suggestions only: the concluding observations, the
# UPR calendar or the mechanism's letter give the real date, and the secretariat decides.
# Sources:
# - Treaty body periodic reports: the treaties' own periodicity. ICERD art. 9 (every two years;
#   CERD asks for combined reports, in practice about four years apart), ICESCR arts. 16-17 with
#   CESCR's five-year periodicity, ICCPR art. 40 (the Human Rights Committee sets the date in its
#   concluding observations, historically about four years; up to eight in its predictable review
#   cycle), CEDAW art. 18 (at least every four years), CAT art. 19 (every four years), CRC art. 44
#   and its optional protocols (every five years, within the CRC report), ICRMW art. 73 (every five
#   years), CRPD art. 35 (at least every four years). CED (art. 29) and the SPT have no periodic
#   reports. See OHCHR, "Reporting to the United Nations human rights treaty bodies: training guide".
# - Treaty body follow-up procedures: the concluding observations ask for information on a few
#   recommendations within one year (CERD, CAT, CRPD, CED) or two years (CCPR, CESCR, CEDAW).
# - UPR: a 4.5-year cycle since the second cycle (HRC resolution 16/21 and decision 17/119); the
#   national report is due about twelve weeks before the review; a voluntary mid-term report is
#   encouraged about half-way, some two and a half years after the review.
# - Special procedures: communications ask for a reply within 60 days.
TREATY_CYCLE_YEARS = {
    "CERD": 4,
    "CESCR": 5,
    "CCPR": 4,
    "CEDAW": 4,
    "CAT": 4,
    "CRC": 5,
    "CRC-OP-SC": 5,
    "CRC-OP-AC": 5,
    "CMW": 5,
    "CRPD": 4,
}
TREATY_FOLLOW_UP_YEARS = {"CERD": 1, "CAT": 1, "CRPD": 1, "CED": 1, "CCPR": 2, "CESCR": 2, "CEDAW": 2}
TREATY_FOLLOW_UP_DEFAULT_YEARS = 1
UPR_CYCLE = Period(months=54)
UPR_NATIONAL_AFTER_REVIEW = Period(months=51)
UPR_MIDTERM_AFTER_REVIEW = Period(months=30)
COMMUNICATION_REPLY = Period(days=60)


def typical_period(mechanism: Mechanism, kind: str) -> TypicalPeriod | None:
    """The typical periods for this mechanism and kind of obligation, or None when there is none
    (special procedure visits, other mechanisms)."""
    if mechanism.kind == Mechanism.Kind.TREATY_BODY:
        cycle_years = TREATY_CYCLE_YEARS.get(mechanism.code)
        cycle = _years(cycle_years) if cycle_years else None
        if kind == Kind.PERIODIC_REPORT and cycle:
            return TypicalPeriod(cycle=cycle, after_recommendations=cycle)
        if kind == Kind.FOLLOW_UP_REPLY:
            years = TREATY_FOLLOW_UP_YEARS.get(mechanism.code, TREATY_FOLLOW_UP_DEFAULT_YEARS)
            return TypicalPeriod(cycle=cycle, after_recommendations=_years(years))
    if mechanism.kind == Mechanism.Kind.UPR:
        if kind == Kind.UPR_NATIONAL:
            return TypicalPeriod(cycle=UPR_CYCLE, after_recommendations=UPR_NATIONAL_AFTER_REVIEW)
        if kind == Kind.UPR_MIDTERM:
            return TypicalPeriod(cycle=UPR_CYCLE, after_recommendations=UPR_MIDTERM_AFTER_REVIEW)
    if mechanism.kind == Mechanism.Kind.SPECIAL_PROCEDURE and kind == Kind.SP_COMMUNICATION:
        return TypicalPeriod(from_today=COMMUNICATION_REPLY)
    return None


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by whole months, kept within the month (31 January + 1 month = 28/29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return day.replace(year=year, month=month, day=min(day.day, pycalendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Suggestion:
    due_on: datetime.date | None
    source: str


def _day(value: datetime.date) -> str:
    return date_format(value, "DATE_FORMAT")


def suggest_due(
    mechanism: Mechanism, kind: str, *, today: datetime.date | None = None, exclude: int | None = None
) -> Suggestion:
    """A suggested due date for the next obligation of ``kind`` to ``mechanism``, and where it
    comes from: the last submitted obligation of that mechanism and kind plus the usual cycle, or
    (when there is none, or the mechanism has issued recommendations to the State since it was
    due) the latest issue date of the mechanism's recommendations plus the usual delay; for a
    communication, today plus 60 days. Two queries at most."""
    today = today or timezone.localdate()
    period = typical_period(mechanism, kind)
    if period is None:
        return Suggestion(None, _("There is no typical period for this kind of obligation to this mechanism."))
    if period.from_today:
        return Suggestion(
            period.from_today.after(today),
            _("Today plus the usual %(period)s for a reply; count from the date of the communication if it is older.")
            % {"period": period.from_today},
        )
    last = None
    if period.cycle:
        submitted = ReportingObligation.objects.filter(mechanism=mechanism, kind=kind, status=Status.SUBMITTED)
        if exclude:
            submitted = submitted.exclude(pk=exclude)
        last = submitted.order_by("-due_on", "-id").first()
    issued = None
    if period.after_recommendations:
        issued = Recommendation.objects.filter(mechanism=mechanism, issued_on__isnull=False).aggregate(
            latest=Max("issued_on")
        )["latest"]
    if last is not None and (issued is None or issued <= last.due_on):
        return Suggestion(
            period.cycle.after(last.due_on),
            _("The last submitted one, “%(title)s”, was due on %(due)s; the usual period between them is %(period)s.")
            % {"title": last.title, "due": _day(last.due_on), "period": period.cycle},
        )
    if issued is not None:
        return Suggestion(
            period.after_recommendations.after(issued),
            _("The latest recommendations of %(mechanism)s to the State were issued on %(issued)s; plus %(period)s.")
            % {"mechanism": mechanism.code, "issued": _day(issued), "period": period.after_recommendations},
        )
    return Suggestion(
        None,
        _(
            "Nothing to count from: no submitted obligation of this kind and no dated recommendation of this "
            "mechanism. The usual period is %(period)s."
        )
        % {"period": period.cycle or period.after_recommendations},
    )


# --- Changes ---------------------------------------------------------------------------------


@transaction.atomic
def obligation_status_set(
    obligation: ReportingObligation, *, version: int | None, status: str, submitted_on: datetime.date | None
) -> ReportingObligation:
    """Move the obligation to ``status`` (a submission keeps its date; other statuses clear it),
    if it is still at ``version``; else ``StaleEdit``."""
    values = {"status": status, "submitted_on": submitted_on if status == Status.SUBMITTED else None}
    changed = ReportingObligation.objects.filter(pk=obligation.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now(), **values
    )
    current = ReportingObligation.objects.select_related("mechanism").get(pk=obligation.pk)
    if not changed:
        raise StaleEdit(current)
    return current


def next_status(obligation: ReportingObligation) -> str | None:
    """The next step of the quick status change: planned → drafting → submitted."""
    return {Status.PLANNED: Status.DRAFTING, Status.DRAFTING: Status.SUBMITTED}.get(obligation.status)


# --- The feed's secret address ---------------------------------------------------------------

TOKEN_BYTES = 32
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")


def token_hash(token: str, state_id: int) -> str:
    """What is stored of a token: bound to its State, so another State's copy of it opens nothing."""
    return hashlib.sha256(f"{state_id}:{token}".encode()).hexdigest()


@transaction.atomic
def feed_token_reset(membership: Membership) -> str:
    """A new secret token for the member's feed (the previous address stops working). Returns the
    token, which is not stored: only its hash is."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    CalendarFeed.objects.update_or_create(
        membership=membership,
        defaults={"state_id": membership.state_id, "token_hash": token_hash(token, membership.state_id)},
    )
    return token


def feed_exists(membership: Membership) -> bool:
    return membership.pk is not None and CalendarFeed.objects.filter(membership=membership).exists()


def feed_membership(state: State, token: str) -> Membership | None:
    """The membership the token opens the feed of, in ``state`` (run inside its context): None for
    a malformed or unknown token, another State's, or one whose person may no longer sign in or was
    deactivated in the State."""
    if not TOKEN_RE.fullmatch(token or ""):
        return None
    digest = token_hash(token, state.pk)
    feed = CalendarFeed.objects.select_related("membership__user").filter(token_hash=digest).first()
    if feed is None or not hmac.compare_digest(feed.token_hash, digest) or feed.state_id != state.pk:
        return None
    if not feed.membership.user.is_active or not feed.membership.is_active:
        return None
    return feed.membership


# --- iCalendar (RFC 5545), written by hand ---------------------------------------------------


def ics_text(value: str) -> str:
    """A TEXT value escaped (RFC 5545 3.3.11): backslash, semicolon, comma, line breaks."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")
    # Other control characters are not allowed in a TEXT value.
    return "".join(ch for ch in value if ch == "\t" or (ord(ch) >= 0x20 and ord(ch) != 0x7F))


def ics_fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8 character; each
    continuation starts with one space, which counts in its 75."""
    parts, current, size, limit = [], [], 0, 75
    for ch in line:
        width = len(ch.encode())
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [" "], 1, 75
        current.append(ch)
        size += width
    parts.append("".join(current))
    return "\r\n".join(parts)


def _utc_stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass(frozen=True)
class FeedEvent:
    obligation: ReportingObligation
    url: str
    description: str


def ics_calendar(*, name: str, uid_domain: str, state: State, events: Iterable[FeedEvent]) -> str:
    """The whole feed: one all-day VEVENT per obligation, CRLF line ends, folded lines."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//NRTD//Calendar of obligations//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{ics_text(name)}",
    ]
    for event in events:
        obligation = event.obligation
        lines += [
            "BEGIN:VEVENT",
            f"UID:obligation-{state.pk}-{obligation.pk}@{uid_domain}",
            f"DTSTAMP:{_utc_stamp(obligation.updated_at)}",
            f"SEQUENCE:{max(obligation.version - 1, 0)}",
            f"DTSTART;VALUE=DATE:{obligation.due_on:%Y%m%d}",
            f"DTEND;VALUE=DATE:{obligation.due_on + datetime.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{ics_text(f'{obligation.mechanism.code}: {obligation.title}')}",
            f"DESCRIPTION:{ics_text(event.description)}",
            f"URL:{event.url}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(ics_fold(line) + "\r\n" for line in lines)


def feed_description(obligation: ReportingObligation, today: datetime.date) -> str:
    status = obligation.get_status_display()
    if is_overdue(obligation, today):
        status = _("%(status)s, overdue") % {"status": status}
    lines = [
        _("Status: %(status)s") % {"status": status},
        _("Mechanism: %(code)s, %(name)s") % {"code": obligation.mechanism.code, "name": obligation.mechanism.name},
        _("Kind: %(kind)s") % {"kind": obligation.get_kind_display()},
    ]
    if obligation.submitted_on:
        lines.append(_("Submitted on %(date)s") % {"date": _day(obligation.submitted_on)})
    if obligation.reference:
        lines.append(_("Reference: %(reference)s") % {"reference": obligation.reference})
    return "\n".join(lines)

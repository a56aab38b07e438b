"""The State's log: every change in the State, newest first, filtered, page by page, exported.

A page is read with a keyset (the time and id of the last entry shown, never an offset) through
the indexes of migration tenants 0010: the State's entries by time, by kind of record (table) and
by person (``actor_id``). So the first page, a filtered page and the hundredth page cost the
same few queries and milliseconds at a million entries (bench/state_log.py); no page counts the
entries. The export renders the filtered entries a thousand at a time, with the same renderer as
the page (tenants.history_display), up to ``NRTD_STATE_LOG_EXPORT_MAX`` entries.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nrtd import xlsx
from tenants.history import HISTORY_TABLE, STATE_TABLE
from tenants.history_display import Line, kind_of, models_by_table, render
from tenants.models import HistoryEntry, Membership, State, User
from tenants.rls import DERIVED_TABLES

PAGE_SIZE = 50
EXPORT_CHUNK = 1000
# A spreadsheet cell holds at most 32,767 characters; a CSV cell starting with these would be a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def record_kinds() -> list[tuple[str, str]]:
    """(table, label) of every kind of record the State's log can hold, by label."""
    tables = models_by_table()
    kinds = {STATE_TABLE: kind_of(State)}
    for table, model in tables.items():
        if table in (HISTORY_TABLE, *DERIVED_TABLES):
            continue
        if any(f.name == "state" and f.is_relation for f in model._meta.concrete_fields):
            kinds[table] = kind_of(model)
    return sorted(kinds.items(), key=lambda item: item[1].lower())


def people_of(state: State) -> list[User]:
    """Who may have changed something in the State: its members (deactivated ones too) and the
    hosting office's administrators. (Not read from history: a distinct over a million entries
    would cost more than the page.)"""
    member_ids = Membership.objects.values("user_id")
    return list(User.objects.filter(Q(pk__in=member_ids) | Q(is_platform_admin=True)).order_by("name", "email"))


class LogFilterForm(forms.Form):
    person = forms.TypedChoiceField(label=gettext_lazy("Person"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=gettext_lazy("Kind of record"), required=False)
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        required=False,
        choices=[("", gettext_lazy("Any")), *HistoryEntry.Operation.choices],
    )
    since = forms.DateField(label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=gettext_lazy("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, state: State, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("Anyone")), *((p.pk, str(p)) for p in people_of(state))]
        self.fields["kind"].choices = [("", _("Any")), *record_kinds()]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end of the period comes before its start."))
        return data


@dataclass(frozen=True)
class LogQuery:
    person: int | None = None
    kind: str = ""
    action: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None

    @classmethod
    def from_form(cls, form: LogFilterForm) -> LogQuery:
        if not form.is_valid():
            return cls()
        data = form.cleaned_data
        return cls(
            data.get("person"), data.get("kind") or "", data.get("action") or "", data.get("since"), data.get("until")
        )


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def log_queryset(query: LogQuery) -> QuerySet[HistoryEntry]:
    """The State's entries that match (the State is the scope's: run inside its context)."""
    entries = HistoryEntry.objects.all()
    if query.person:
        entries = entries.filter(actor_id=query.person)
    if query.kind:
        entries = entries.filter(table_name=query.kind)
    if query.action:
        entries = entries.filter(operation=query.action)
    if query.since:
        entries = entries.filter(changed_at__gte=_start_of(query.since))
    if query.until:
        entries = entries.filter(changed_at__lt=_start_of(query.until + datetime.timedelta(days=1)))
    return entries.order_by("-changed_at", "-id")


def cursor_of(entry: HistoryEntry) -> str:
    return f"{entry.changed_at.isoformat()}|{entry.pk}"


def parse_cursor(value: str) -> tuple[datetime.datetime, int] | None:
    moment, _sep, pk = (value or "").partition("|")
    when = parse_datetime(moment) if moment else None
    if when is None or not pk.isdigit():
        return None
    return when, int(pk)


def older_than(entries: QuerySet[HistoryEntry], cursor: tuple[datetime.datetime, int]) -> QuerySet[HistoryEntry]:
    """The entries after ``cursor`` in the log's order (older, or as old with a smaller id). The
    bound on the time comes first, so the index is read from there, not from the newest entry."""
    when, pk = cursor
    return entries.filter(changed_at__lte=when).exclude(changed_at=when, pk__gte=pk)


@dataclass
class LogPage:
    lines: list[Line]
    next_cursor: str | None


def log_page(*, state: State, query: LogQuery, cursor: str = "", size: int = PAGE_SIZE) -> LogPage:
    """One page of the log (inside the State's context): at most ``size`` lines, and the cursor of
    the next page when there is one."""
    entries = log_queryset(query)
    bound = parse_cursor(cursor)
    if bound is not None:
        entries = older_than(entries, bound)
    rows = list(entries.select_related("context")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return LogPage(render(rows, state=state), cursor_of(rows[-1]) if more and rows else None)


# --- Export ---------------------------------------------------------------------------------------


def export_header() -> list[str]:
    return [_("When"), _("Who"), _("Kind of record"), _("Record"), _("Action"), _("Field"), _("Before"), _("After")]


def export_rows(*, state: State, query: LogQuery, limit: int | None = None) -> Iterator[list[object]]:
    """One row per changed field (one per entry without fields), newest first, a thousand entries
    rendered at a time."""
    limit = limit if limit is not None else settings.NRTD_STATE_LOG_EXPORT_MAX
    entries = log_queryset(query).select_related("context")
    done = 0
    bound = None
    while done < limit:
        chunk_query = older_than(entries, bound) if bound is not None else entries
        chunk = list(chunk_query[: min(EXPORT_CHUNK, limit - done)])
        if not chunk:
            return
        for line in render(chunk, state=None):
            when = timezone.localtime(line.when)
            common = [when, line.who, line.kind, line.title, line.action]
            if not line.changes:
                yield [*common, "", "", ""]
            for change in line.changes:
                yield [*common, change.label, change.before, change.after]
        done += len(chunk)
        bound = (chunk[-1].changed_at, chunk[-1].pk)


def _csv_safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value


def export_csv(*, state: State, query: LogQuery, out: IO[str]) -> None:
    out.write("\ufeff")  # so Excel opens the UTF-8 file with its accents
    writer = csv.writer(out)
    writer.writerow(export_header())
    for row in export_rows(state=state, query=query):
        writer.writerow([_csv_safe(value) for value in row])


def export_xlsx(*, state: State, query: LogQuery, out: IO[bytes]) -> None:
    xlsx.write(out, _("Log"), export_header(), export_rows(state=state, query=query))


def export_bytes(*, state: State, query: LogQuery, kind: str) -> bytes:
    """The export as a file's content, built while the request is inside the State's context (a
    streamed response would read the entries after the context has closed)."""
    if kind == "csv":
        text = io.StringIO()
        export_csv(state=state, query=query, out=text)
        return text.getvalue().encode()
    binary = io.BytesIO()
    export_xlsx(state=state, query=query, out=binary)
    return binary.getvalue()

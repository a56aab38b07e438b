"""Details of a batch: the document symbol, date, mechanism, session and cycle an import gives
the records of a file that lack them, and what the file itself says of them.

A UPR thematic list names no symbol nor date; a spreadsheet may name no mechanism. The person
importing gives them once for the whole file, on the preview page or as options of
``import_recommendations``; ``BatchDetails.fill`` then completes each record that lacks one
(a value the file gives is never replaced), before its import key is worked out. ``DetailsTally``
counts, for the preview, which values the file gave and how many records lacked each.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from imports.parsers.common import upr_cycle_from_session
from imports.parsers.records import ParsedRecommendation

DETAIL_FIELDS = ("symbol", "issued_on", "mechanism", "session", "cycle")
# How many of the values a file gives the preview lists per detail (the most frequent first).
VALUES_SHOWN = 3
UPR = "UPR"


@dataclass(frozen=True)
class BatchDetails:
    """What the person importing gave for the whole batch; empty values give nothing."""

    symbol: str = ""
    issued_on: date | None = None
    # A mechanism's code (``UPR``, ``CRC``, ``SR Food``).
    mechanism: str = ""
    # The UPR Working Group's session for a UPR batch, else the mechanism's own.
    session: int | None = None
    cycle: int | None = None

    @classmethod
    def from_options(cls, options: dict | None) -> BatchDetails:
        """From an import job's ``options["batch"]`` (as ``as_options`` writes it)."""
        data = options or {}
        issued_on = data.get("issued_on")
        return cls(
            symbol=str(data.get("symbol") or "").strip(),
            issued_on=date.fromisoformat(issued_on) if issued_on else None,
            mechanism=str(data.get("mechanism") or "").strip(),
            session=_int(data.get("session")),
            cycle=_int(data.get("cycle")),
        )

    def as_options(self) -> dict:
        """The details as JSON for the job's options, without the empty ones."""
        values = {
            "symbol": self.symbol,
            "issued_on": self.issued_on.isoformat() if self.issued_on else "",
            "mechanism": self.mechanism,
            "session": self.session,
            "cycle": self.cycle,
        }
        return {name: value for name, value in values.items() if value not in ("", None)}

    def __bool__(self) -> bool:
        return bool(self.as_options())

    def fill(self, record: ParsedRecommendation, *, is_upr: Callable[[str | None], bool]) -> None:
        """Give ``record`` the details it lacks (in place)."""
        if self.symbol and not record.symbol:
            record.symbol = self.symbol
        if self.issued_on and record.issued_on is None:
            record.issued_on = self.issued_on
        if self.mechanism and not record.mechanism:
            record.mechanism = self.mechanism
        upr = is_upr(record.mechanism)
        if self.session:
            if upr and record.upr_session is None:
                record.upr_session = self.session
            elif not upr and record.session is None:
                record.session = self.session
        if upr and record.upr_cycle is None:
            record.upr_cycle = self.cycle or upr_cycle_from_session(record.upr_session)


@dataclass
class DetailsTally:
    """What the records of a file say of their batch, before any detail given is filled in."""

    values: dict[str, Counter] = field(default_factory=lambda: {name: Counter() for name in DETAIL_FIELDS})
    missing: Counter = field(default_factory=Counter)
    records: int = 0

    def count(self, record: ParsedRecommendation, *, is_upr: Callable[[str | None], bool]) -> None:
        self.records += 1
        upr = is_upr(record.mechanism)
        found = {
            "symbol": record.symbol,
            "issued_on": record.issued_on.isoformat() if record.issued_on else "",
            "mechanism": record.mechanism or "",
            "session": record.upr_session if upr else record.session,
        }
        # A cycle is the UPR's only: other mechanisms' records are not said to lack one.
        if upr or record.upr_cycle is not None:
            found["cycle"] = record.upr_cycle
        for name, value in found.items():
            if value in ("", None):
                self.missing[name] += 1
            else:
                self.values[name][value] += 1

    def as_summary(self) -> dict:
        """``{"records": 215, "details": [{"name": "symbol", "values": [["A/HRC/43/15", 215]],
        "others": 0, "missing": 0}, …]}``, in the order of DETAIL_FIELDS (a list: a JSON object
        stored in PostgreSQL does not keep its keys' order)."""
        details = []
        for name in DETAIL_FIELDS:
            counter = self.values[name]
            shown = counter.most_common(VALUES_SHOWN)
            details.append(
                {
                    "name": name,
                    "values": [[value, count] for value, count in shown],
                    "others": len(counter) - len(shown),
                    "missing": self.missing[name],
                }
            )
        return {"records": self.records, "details": details}


def filled(
    records: Iterable,
    details: BatchDetails,
    tally: DetailsTally,
    *,
    is_upr: Callable[[str | None], bool],
) -> Iterator:
    """The records with the details filled in, counted in ``tally`` as the file gave them."""
    for record in records:
        if isinstance(record, ParsedRecommendation):
            tally.count(record, is_upr=is_upr)
            if details:
                details.fill(record, is_upr=is_upr)
        yield record


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None

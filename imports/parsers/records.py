"""The shape every import format is parsed into, before anything touches the database.

Parsers are pure: they read a file (streamed where the format allows) and yield
``ParsedRecommendation`` or ``RowError`` items. Writing to the database, matching
vocabularies and deduplication happen later, in the import service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

POSITIONS = ("supported", "noted", "partially_supported", "pending")
ANNOTATION_TYPES = ("recommendation", "observation")


@dataclass
class ParsedRecommendation:
    # Where the record came from, for messages: "row 12", "record 3051", "table 2, row 7",
    # translated (see common.record_location and its siblings).
    location: str
    # UHRI annotation id (UUID string) when the source has one; the deduplication key.
    external_id: str | None = None
    # Raw mechanism label or code as found ("CRC", "UPR", "Committee on the Rights of the Child").
    mechanism: str | None = None
    symbol: str = ""
    # Paragraph number as written in the document ("137.197", "28", "79(a)").
    paragraph: str = ""
    annotation_type: str = "recommendation"
    # Plain text (HTML stripped, whitespace normalised) keyed by language code: en, fr, es, ar, ru, zh...
    texts: dict[str, str] = field(default_factory=dict)
    issued_on: date | None = None
    published_on_uhri: date | None = None
    upr_cycle: int | None = None
    upr_session: int | None = None
    # States concerned (the State under review), raw labels.
    countries: list[str] = field(default_factory=list)
    recommending_countries: list[str] = field(default_factory=list)
    # Normalised position (one of POSITIONS) or None when the source says nothing.
    position: str | None = None
    position_raw: str = ""
    # Where the position was given, as a thematic list cites it ("A/HRC/43/15/Add.1 - Para.3").
    position_source: str = ""
    themes: list[str] = field(default_factory=list)
    affected_groups: list[str] = field(default_factory=list)
    # SDG target codes ("16.2") and goal numbers ("16").
    sdg_targets: list[str] = field(default_factory=list)
    sdg_goals: list[str] = field(default_factory=list)
    # Theme/group section the record sat under in a thematic list, if any.
    section: str = ""
    # Things the parser could not resolve (unknown ids, odd values): kept, flagged for review.
    flags: list[str] = field(default_factory=list)
    # The State's comment on its position (a UPR addendum), as written.
    position_explanation: str = ""
    # The session of a mechanism other than the UPR (a treaty body's; the Human Rights Council's
    # for a special procedure); the UPR Working Group's is upr_session.
    session: int | None = None
    # Lettered sub-items of a recommendation paragraph, label to text: {"a": "Ensure …;", …}.
    # The whole paragraph, sub-items included, stays in ``texts``.
    sub_items: dict[str, str] = field(default_factory=dict)
    # When the body asked for information on this recommendation (treaty bodies' follow-up
    # procedure), and the paragraph that asked.
    follow_up_due_on: date | None = None
    follow_up_paragraph: str = ""


@dataclass
class SkippedRow:
    """A row left aside: about another State (multi-State files), or of a mechanism not followed.
    Not imported, but counted, so the outcome can say how many rows were left aside and why."""

    location: str
    # The State the row is about, as the file names it ("" when the row names none).
    country: str = ""
    # Why it was left aside: "state" (another State's row) or "mechanism" (a mechanism the
    # State does not follow, for a scheduled UHRI fetch).
    reason: str = "state"


@dataclass
class RowError:
    location: str
    message: str
    column: str | None = None


class ImportFormatError(ValueError):
    """The file as a whole cannot be read in this format (wrong type, truncated, missing columns)."""

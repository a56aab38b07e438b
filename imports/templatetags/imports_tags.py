"""Template filters of the import pages: what a job's summary keeps as codes and ISO dates."""

from datetime import date

from django import template

from recommendations.models import Position

register = template.Library()
_POSITIONS = dict(Position.choices)


@register.filter
def position_label(code: str | None) -> str:
    """A position's name in the active language ("supported" → "Supported"); "—" for none."""
    return str(_POSITIONS.get(code or "", "—"))


@register.filter
def position_counts(by_position: dict | None) -> list[tuple[str, int]]:
    """A job's counts by position, in the order of the positions (JSON keeps no order)."""
    counts = by_position or {}
    return [(code, counts.get(code, 0)) for code in _POSITIONS]


@register.filter
def iso_date(value: str | None) -> date | None:
    """A date kept as ISO text in a job's summary, as a date for the ``date`` filter."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None

"""Server-rendered bar charts, each with an accessible table beside it.

One function and one include::

    from nrtd.charts import chart

    # One value per row; ``keys`` gives each row its colour (a status, say).
    by_status = chart(
        _("Implementation status"),
        rows=[("Implemented", 12, "/…/?implementation_status=implemented"), ("No status yet", 80, None)],
        keys=["implemented", "none"],
        label_heading=_("Status"),
    )

    # Stacked: one value per series in each row; ``url`` is then a list (one per series, or None),
    # and ``keys`` names the colour of each series.
    by_cluster = chart(
        _("Implementation status by cluster"),
        rows=[("Education", [3, 5, 0], [url_a, url_b, None], total_url)],
        series=[_("Implemented"), _("Partially implemented"), _("Not started")],
        keys=["implemented", "partially_implemented", "not_started"],
        label_heading=_("Cluster"),
    )

    {% include "includes/chart.html" with chart=by_cluster %}

A row is ``(label, value, url)`` or, to link the row's total too, ``(label, value, url, total_url)``;
``value`` is a number, or a list of numbers (one per series) when ``series`` is given; ``url`` is
a string or None (no link), or for a stacked chart a list of them. Keyword arguments:
``label_heading`` (the table's first column heading), ``value_heading`` (the heading of the only
value column of a simple chart; "Number" by default), ``description`` (a sentence under the
title, also the chart's accessible description), ``key`` (the element id, made from the title
when not given), ``keys`` (colour keys, see below).

What is drawn, so that it reads the same at 320 CSS pixels as on a desktop and in Arabic as in
English: each row is HTML text (its label, wrapping as text does, at the page's font size) above
a bar, a one-line SVG as wide as its container whose rectangles are placed in percentages, with
the row's total written at the bar's end; a stacked chart has its legend, complete and wrapping,
inside the chart above the bars. The drawing is ``role="img"`` named by the chart's title (its
children are not read out); the figures and their links are in the table beside it, where every
figure is a link when a URL was given. In a right-to-left language (Django's active language
when ``chart`` is called) the bars grow from the right. No script and no style attribute (the
site's Content-Security-Policy): geometry is SVG attributes, colours are CSS classes.

Colours come from static/css/nrtd.css, by key: ``chart-fill-<key>``. A key is a status code
(``implemented``, ``in_progress``, …, ``none`` for "no status yet"), so one status has one colour
in every chart of the site; without keys, rows or series take the palette's colours in turn
(``chart-fill-0`` … ``chart-fill-8``). The palette is Okabe and Ito's, distinguishable with
colour blindness, and every segment has a dark outline (3:1 against the page); the legend and
the table write every status and number, so colour is never the only way to read the chart.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

__all__ = ["PALETTE_SIZE", "Chart", "chart", "format_number"]

PALETTE_SIZE = 9  # chart-fill-0 … chart-fill-8 in nrtd.css
PLOT = 80.0  # the longest bar's share of the width, in percent: its total is written after it
BAR_HEIGHT = 14
LINE_HEIGHT = 20  # the bar's SVG: the bar and room for its figure


@dataclass
class Cell:
    value: float | int
    url: str | None = None


@dataclass
class Segment:
    x: float  # percent of the width
    width: float  # percent of the width
    fill: str  # a CSS class
    title: str


@dataclass
class Row:
    label: str
    cells: list[Cell]
    total: float | int
    total_url: str | None
    fill: str = ""  # a simple chart's row colour
    segments: list[Segment] = field(default_factory=list)
    value_x: float = 0.0  # percent: where the total is written


@dataclass
class LegendItem:
    label: str
    fill: str


@dataclass
class Chart:
    key: str
    title: str
    description: str
    label_heading: str
    value_headings: list[str]
    stacked: bool
    rows: list[Row]
    legend: list[LegendItem]
    rtl: bool

    @property
    def empty(self) -> bool:
        return not self.rows

    # The markup is written here rather than in template loops: a dashboard draws a few thousand
    # elements, which Django's template engine took a quarter of a second to render.

    def graphic(self) -> SafeString:
        """The bars, their labels and the legend (``role="img"``, named by the title; no link: the table has them)."""
        key = escape(self.key)
        number = _formatter()
        described = f' aria-describedby="{key}-description"' if self.description else ""
        out = [f'<div class="chart-graphic" role="img" aria-labelledby="{key}-title"{described}>']
        if self.legend:
            out.append('<ul class="chart-legend">')
            for item in self.legend:
                out.append(f"<li>{_swatch(item.fill)}{escape(item.label)}</li>")
            out.append("</ul>")
        out.append('<ol class="chart-bars">')
        anchor, shift = ("end", "-4") if self.rtl else ("start", "4")
        for row in self.rows:
            out.append(f'<li><span class="chart-label"><bdi>{escape(row.label)}</bdi></span>')
            # direction="ltr": the coordinates below are physical (the mirroring is done in them),
            # and an inherited right-to-left direction would turn text-anchor around.
            out.append(
                f'<svg class="chart-bar" width="100%" height="{LINE_HEIGHT}" direction="ltr"'
                f' aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">'
            )
            for segment in row.segments:
                out.append(
                    f'<rect x="{segment.x}%" y="3" width="{segment.width}%" height="{BAR_HEIGHT}"'
                    f' class="{segment.fill}"><title>{escape(segment.title)}</title></rect>'
                )
            out.append(f'<text x="{row.value_x}%" dx="{shift}" y="15" text-anchor="{anchor}">')
            out.append(f"{number(row.total)}</text></svg></li>")
        out.append("</ol></div>")
        return mark_safe("".join(out))  # noqa: S308 (every value above is escaped or a number)

    def table(self) -> SafeString:
        """The accessible table: a caption, column and row headers, every figure a link when it has one."""

        number = _formatter()

        def figure(value, url) -> str:
            text = number(value)
            return f'<a href="{escape(url)}">{text}</a>' if url else text

        if self.stacked:
            headings = "".join(f'<th scope="col">{_swatch(item.fill)}{escape(item.label)}</th>' for item in self.legend)
            headings += f'<th scope="col">{escape(_("Total"))}</th>'
        else:
            headings = "".join(f'<th scope="col">{escape(heading)}</th>' for heading in self.value_headings)
        out = [
            f'<div class="table-scroll"><table class="chart-table"><caption>{escape(self.title)}</caption>'
            f'<thead><tr><th scope="col">{escape(self.label_heading)}</th>{headings}</tr></thead><tbody>'
        ]
        for row in self.rows:
            cells = "".join(f"<td>{figure(cell.value, cell.url)}</td>" for cell in row.cells)
            if self.stacked:
                cells += f"<td>{figure(row.total, row.total_url)}</td>"
            swatch = _swatch(row.fill) if row.fill else ""
            out.append(f'<tr><th scope="row">{swatch}<bdi>{escape(row.label)}</bdi></th>{cells}</tr>')
        out.append("</tbody></table></div>")
        return mark_safe("".join(out))  # noqa: S308 (every value above is escaped or a number)


def _swatch(fill: str) -> str:
    return (
        '<svg class="chart-swatch" width="12" height="12" aria-hidden="true" focusable="false"'
        f' xmlns="http://www.w3.org/2000/svg"><rect x="0.5" y="0.5" width="11" height="11" class="{fill}"></rect></svg>'
    )


def format_number(value) -> str:
    """A figure as the active language writes it, grouped by thousands (1,234 · 1 234 · 1.234)."""
    return number_format(value, force_grouping=True)


def _formatter():
    """``escape(format_number(value))``, each value formatted once (a chart repeats the same small
    numbers hundreds of times, and the format is looked up each time)."""
    done: dict = {}

    def number(value) -> str:
        key = (type(value), value)
        text = done.get(key)
        if text is None:
            text = done[key] = escape(format_number(value))
        return text

    return number


def _number(value) -> float | int:
    return value if isinstance(value, int | float) else 0


def _fill(key, index: int) -> str:
    if key is None or key == "":
        return f"chart-fill-{index % PALETTE_SIZE}"
    return "chart-fill-" + re.sub(r"[^a-z0-9_-]", "", str(key).lower())


def chart(
    title: str,
    rows: Sequence[tuple],
    series: Sequence[str] | None = None,
    *,
    label_heading: str | None = None,
    value_heading: str | None = None,
    description: str = "",
    key: str | None = None,
    keys: Sequence[str] | None = None,
) -> Chart:
    """A horizontal bar chart (stacked when ``series`` is given) and the table beside it; see the module."""
    stacked = series is not None
    series = list(series or [])
    rtl = get_language_bidi()
    if keys is not None and len(keys) != (len(series) if stacked else len(rows)):
        raise ValueError(f"{len(keys)} colour keys for {len(series) if stacked else len(rows)} series or rows")
    built: list[Row] = []
    for index, row in enumerate(rows):
        label, value, url = row[0], row[1], row[2]
        total_url = row[3] if len(row) > 3 else None
        if stacked:
            values = list(value)
            urls = list(url) if url is not None else [None] * len(values)
            if len(values) != len(series) or len(urls) != len(series):
                raise ValueError(f"row {label!r}: {len(values)} values for {len(series)} series")
            cells = [Cell(_number(v), u) for v, u in zip(values, urls, strict=True)]
            fill = ""
        else:
            cells = [Cell(_number(value), url)]
            total_url = total_url or url
            # A row's own colour only when keys name it; otherwise every bar takes the first colour.
            fill = _fill(keys[index], index) if keys is not None else ""
        built.append(Row(str(label), cells, sum(cell.value for cell in cells), total_url, fill))

    fills = [_fill(keys[index] if keys is not None else None, index) for index in range(len(series))]
    largest = max((row.total for row in built), default=0) or 1
    for row in built:
        offset = 0.0
        for position, cell in enumerate(row.cells):
            if not cell.value:
                continue
            width = cell.value / largest * PLOT
            name = series[position] if stacked else ""
            shown = format_number(cell.value)
            tip = f"{row.label}, {name}: {shown}" if stacked else f"{row.label}: {shown}"
            x = 100 - offset - width if rtl else offset
            fill = fills[position] if stacked else (row.fill or _fill(None, 0))
            row.segments.append(Segment(round(x, 3), round(width, 3), fill, tip))
            offset += width
        row.value_x = round(100 - offset if rtl else offset, 3)

    legend = [LegendItem(str(name), fills[position]) for position, name in enumerate(series)]
    if key is None:
        key = "chart-" + hashlib.sha1(str(title).encode(), usedforsecurity=False).hexdigest()[:10]
    return Chart(
        key=key,
        title=str(title),
        description=str(description),
        label_heading=str(label_heading or ""),
        value_headings=[str(name) for name in series] if stacked else [str(value_heading or _("Number"))],
        stacked=stacked,
        rows=built,
        legend=legend,
        rtl=rtl,
    )

"""Server-rendered bar charts, each with an accessible table beside it.

One function and one include::

    from nrtd.charts import chart

    # One value per row.
    by_mechanism = chart(
        _("Recommendations by mechanism"),
        rows=[("CRC", 120, "/…/recommendations/?mechanism=CRC"), ("UPR", 80, None)],
        label_heading=_("Mechanism"),
    )

    # Stacked: one value per series in each row; ``url`` is then a list (one per series, or None).
    by_status = chart(
        _("Implementation status by cluster"),
        rows=[("Education", [3, 5, 0], [url_a, url_b, None], total_url)],
        series=[_("Implemented"), _("Partially implemented"), _("Not implemented")],
        label_heading=_("Cluster"),
    )

    {% include "includes/chart.html" with chart=by_mechanism %}

A row is ``(label, value, url)`` or, to link the row's total too, ``(label, value, url, total_url)``;
``value`` is a number, or a list of numbers (one per series) when ``series`` is given; ``url`` is
a string or None (no link), or for a stacked chart a list of them. Keyword arguments:
``label_heading`` (the table's first column heading), ``value_heading`` (the heading of the only
value column of a simple chart; "Number" by default), ``description`` (a sentence under the
title, also the chart's accessible description), ``key`` (the element id, made from the title
when not given).

What is drawn: horizontal bars, the label above each bar and its value at its end; a stacked
chart has a legend and one segment per non-zero series value, each with its figure as a tooltip.
The SVG is ``role="img"`` named by its ``<title>`` (``aria-labelledby``); the links are in the
table beside it, where every figure is a link when a URL was given (one focusable link per
figure for a keyboard and a screen reader, and half the page weight of links on the bars too).
No script, no style attribute (the site's Content-Security-Policy): geometry and colours are SVG
presentation attributes, the layout is ``.chart`` in static/css/nrtd.css. In a right-to-left
language (Django's active language when ``chart`` is called) the bars grow from the right.
Colours are the Okabe-Ito palette (distinguishable with colour blindness); the table carries
every number, so the colours are never the only way to read the chart.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

__all__ = ["PALETTE", "Chart", "chart"]

# Okabe & Ito, "Color Universal Design", in an order where neighbours contrast.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999")

WIDTH = 640  # the viewBox; the SVG scales to its container
LABEL_HEIGHT = 18
BAR_HEIGHT = 16
ROW_GAP = 10
LEGEND_HEIGHT = 24
VALUE_SPACE = 64  # room at the end of the longest bar for its value
LABEL_MAX = 80  # characters drawn; the full label is in the bar's <title> and the table


@dataclass
class Cell:
    value: float | int
    url: str | None = None


@dataclass
class Segment:
    x: float
    width: float
    fill: str
    url: str | None
    title: str


@dataclass
class Row:
    label: str
    cells: list[Cell]
    total: float | int
    total_url: str | None
    # Geometry (SVG user units).
    label_y: float = 0
    bar_y: float = 0
    value_y: float = 0
    value_x: float = 0
    segments: list[Segment] = field(default_factory=list)
    short_label: str = ""


@dataclass
class LegendItem:
    label: str
    fill: str
    x: float
    text_x: float


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
    width: int
    height: int
    rtl: bool
    bar_height: int = BAR_HEIGHT

    @property
    def empty(self) -> bool:
        return not self.rows

    @property
    def text_anchor_start(self) -> str:
        return "end" if self.rtl else "start"

    @property
    def label_x(self) -> float:
        return self.width if self.rtl else 0

    # The markup is written here rather than in template loops: a dashboard draws a few thousand
    # elements, which Django's template engine took a quarter of a second to render.

    def svg(self) -> SafeString:
        """The chart as an SVG image (``role="img"``, named by its title; no link: the table has them)."""
        key, anchor = escape(self.key), self.text_anchor_start
        number = _localizer()
        described = f' aria-describedby="{key}-svg-desc"' if self.description else ""
        out = [
            f'<svg class="chart-svg" role="img" aria-labelledby="{key}-svg-title"{described}'
            f' viewBox="0 0 {self.width} {self.height}" width="100%" preserveAspectRatio="xMinYMin meet"'
            f' xmlns="http://www.w3.org/2000/svg" focusable="false">',
            f'<title id="{key}-svg-title">{escape(self.title)}</title>',
        ]
        if self.description:
            out.append(f'<desc id="{key}-svg-desc">{escape(self.description)}</desc>')
        for item in self.legend:
            out.append(
                f'<rect x="{item.x}" y="4" width="10" height="10" fill="{item.fill}"></rect>'
                f'<text x="{item.text_x}" y="13" font-size="12" fill="#1b1f24" text-anchor="{anchor}">'
                f"{escape(item.label)}</text>"
            )
        for row in self.rows:
            out.append(
                f'<text x="{self.label_x}" y="{row.label_y}" font-size="13" fill="#1b1f24" text-anchor="{anchor}">'
                f"{escape(row.short_label)}</text>"
            )
            for segment in row.segments:
                out.append(
                    f'<rect x="{segment.x}" y="{row.bar_y}" width="{segment.width}" height="{self.bar_height}"'
                    f' fill="{segment.fill}"><title>{escape(segment.title)}</title></rect>'
                )
            out.append(
                f'<text x="{row.value_x}" y="{row.value_y}" font-size="12" fill="#1b1f24" text-anchor="{anchor}">'
                f"{number(row.total)}</text>"
            )
        out.append("</svg>")
        return mark_safe("".join(out))  # noqa: S308 (every value above is escaped or a number)

    def table(self) -> SafeString:
        """The accessible table: a caption, column and row headers, every figure a link when it has one."""

        number = _localizer()

        def figure(value, url) -> str:
            text = number(value)
            return f'<a href="{escape(url)}">{text}</a>' if url else text

        headings = "".join(f'<th scope="col">{escape(heading)}</th>' for heading in self.value_headings)
        if self.stacked:
            headings += f'<th scope="col">{escape(_("Total"))}</th>'
        out = [
            f'<table class="chart-table"><caption>{escape(self.title)}</caption>'
            f'<thead><tr><th scope="col">{escape(self.label_heading)}</th>{headings}</tr></thead><tbody>'
        ]
        for row in self.rows:
            cells = "".join(f"<td>{figure(cell.value, cell.url)}</td>" for cell in row.cells)
            if self.stacked:
                cells += f"<td>{figure(row.total, row.total_url)}</td>"
            out.append(f'<tr><th scope="row">{escape(row.label)}</th>{cells}</tr>')
        out.append("</tbody></table>")
        return mark_safe("".join(out))  # noqa: S308 (every value above is escaped or a number)


def _localizer():
    """``escape(localize(value))``, each value formatted once (a chart repeats the same small numbers
    hundreds of times, and localize() looks the format up each time)."""
    done: dict = {}

    def number(value) -> str:
        key = (type(value), value)
        text = done.get(key)
        if text is None:
            text = done[key] = escape(localize(value))
        return text

    return number


def _number(value) -> float | int:
    return value if isinstance(value, int | float) else 0


def chart(
    title: str,
    rows: Sequence[tuple],
    series: Sequence[str] | None = None,
    *,
    label_heading: str | None = None,
    value_heading: str | None = None,
    description: str = "",
    key: str | None = None,
) -> Chart:
    """A horizontal bar chart (stacked when ``series`` is given) and the table beside it; see the module."""
    stacked = series is not None
    series = list(series or [])
    rtl = get_language_bidi()
    built: list[Row] = []
    for row in rows:
        label, value, url = row[0], row[1], row[2]
        total_url = row[3] if len(row) > 3 else None
        if stacked:
            values = list(value)
            urls = list(url) if url is not None else [None] * len(values)
            if len(values) != len(series) or len(urls) != len(series):
                raise ValueError(f"row {label!r}: {len(values)} values for {len(series)} series")
            cells = [Cell(_number(v), u) for v, u in zip(values, urls, strict=True)]
        else:
            cells = [Cell(_number(value), url)]
            total_url = total_url or url
        built.append(Row(str(label), cells, sum(cell.value for cell in cells), total_url))

    top = LEGEND_HEIGHT if stacked else 0
    plot = WIDTH - VALUE_SPACE
    largest = max((row.total for row in built), default=0) or 1
    fills = [PALETTE[index % len(PALETTE)] for index in range(max(len(series), 1))]
    for index, row in enumerate(built):
        row.short_label = row.label if len(row.label) <= LABEL_MAX else row.label[: LABEL_MAX - 1] + "…"
        row.label_y = top + index * (LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP) + LABEL_HEIGHT - 5
        row.bar_y = top + index * (LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP) + LABEL_HEIGHT
        offset = 0.0
        for position, cell in enumerate(row.cells):
            if not cell.value:
                continue
            width = cell.value / largest * plot
            name = series[position] if stacked else ""
            tip = f"{row.label}, {name}: {cell.value}" if stacked else f"{row.label}: {cell.value}"
            x = WIDTH - offset - width if rtl else offset
            row.segments.append(Segment(round(x, 2), round(width, 2), fills[position], cell.url, tip))
            offset += width
        row.value_y = row.bar_y + BAR_HEIGHT - 4
        row.value_x = round(WIDTH - offset - 4 if rtl else offset + 4, 2)

    legend: list[LegendItem] = []
    if stacked:
        # Laid out in one line, as wide as the text needs (an estimate: SVG text is not measured here).
        x = 0.0
        for position, name in enumerate(series):
            item_width = 14 + 7 * len(str(name)) + 16
            if rtl:
                legend.append(LegendItem(str(name), fills[position], WIDTH - x - 10, WIDTH - x - 14))
            else:
                legend.append(LegendItem(str(name), fills[position], x, x + 14))
            x += item_width
        # Wrap to a second line would need measuring text; long legends are in the table anyway.

    height = top + len(built) * (LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP) + 2
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
        width=WIDTH,
        height=max(height, 1),
        rtl=rtl,
    )

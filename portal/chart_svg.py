"""The indicator chart drawn on the server as an inline SVG: visible before any script runs.

plotly.js (≈400 KB gzipped, 98 % of the indicator page's bytes) made a phone on slow 4G wait
seconds for the chart. The page now carries this SVG inside the chart's box; plotly.js,
loaded with ``defer``, replaces it to add tooltips and zoom. The SVG is part of the page, so it
is drawn when the page is (the page cache keeps it until the data change) and reused by PDFs
and share images later.

Drawn by hand, not by a charting library: the SVG uses the site's CSS classes, so the
high-contrast and large-text modes restyle it like the rest of the page (a library's SVG
carries its own colours), and it needs no dependency. Months are labelled 1月 … 12月 (Jan …
Dec), never rotated: the width per month is checked against the widest label.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal.values import format_number, number_or_none

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

# Two drawings of each chart, shown by width (site.css): a phone's has fewer units across, so
# its 12-unit text stays about 12 px on the screen instead of shrinking with the picture.
WIDTH, NARROW_WIDTH, HEIGHT = 560, 360, 260
LEFT, RIGHT, TOP, BOTTOM = 52, 14, 30, 34  # room for the value axis, legend and months
FONT = 12  # user units; the SVG scales with the page (CSS: max-width)
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_tick(month: datetime.date, language: str) -> str:
    """1月 … 12月, or Jan … Dec."""
    if language.startswith("zh"):
        return f"{month.month}月"
    return EN_MONTHS[month.month - 1]


def label_width(text: str) -> float:
    """Rough width of ``text`` at FONT: a Chinese character is a full em, others about half."""
    return sum(FONT if ord(ch) > 0x2E80 else FONT * 0.6 for ch in text)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round values for the value axis covering ``low`` … ``high``."""
    if high <= low:
        high = low + 1
    raw = (high - low) / (count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value <= high + step * 0.001:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 10))
    return ticks


@dataclass
class _Scale:
    months: int
    low: float
    high: float
    width: int = WIDTH
    top: int = TOP

    def x(self, index: int) -> float:
        inner = self.width - LEFT - RIGHT
        return LEFT + inner * (index + 0.5) / self.months

    def y(self, value: float) -> float:
        inner = HEIGHT - self.top - BOTTOM
        return self.top + inner * (1 - (value - self.low) / (self.high - self.low))


def _path(scale: _Scale, values: Sequence[float | None]) -> str:
    """An SVG path through the values, broken where a month has none."""
    parts, pen_down = [], False
    for index, value in enumerate(values):
        if value is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{scale.x(index):.1f} {scale.y(value):.1f}")
        pen_down = True
    return " ".join(parts)


def indicator_chart_svg(
    months: Sequence[datetime.date],
    actual: Sequence,
    planned: Sequence,
    statuses: Sequence[str],
    targets: Sequence,
    *,
    unit: str = "",
    language: str = "zh-hans",
) -> SafeString:
    """Actual values (a line with a marker per month, shaped by status), the planned path
    (dashed), and the target in force (a labelled line), for the months of one cycle: the
    phone's drawing and the wider screen's, one of which the site's CSS shows."""
    return mark_safe(
        "".join(
            _drawing(months, actual, planned, statuses, targets, unit, language, width)
            for width in (NARROW_WIDTH, WIDTH)
        )
    )


def _drawing(months, actual, planned, statuses, targets, unit, language, width) -> str:
    actual = [number_or_none(v) for v in actual]
    planned = [number_or_none(v) for v in planned]
    targets = [number_or_none(v) for v in targets]
    every = [v for v in (*actual, *planned, *targets) if v is not None]
    if not months or not every:
        return ""
    low, high = min(every), max(every)
    ticks = nice_ticks(min(low, 0) if low >= 0 and low < high * 0.5 else low, high)
    legend, legend_height = _legend(width)
    scale = _Scale(len(months), ticks[0], ticks[-1], width, TOP + legend_height - 18)
    unit_text = f" {unit}" if unit else ""
    size = "narrow" if width == NARROW_WIDTH else "wide"
    out = [
        f'<svg class="chart-svg chart-svg--{size}" viewBox="0 0 {width} {HEIGHT}"'
        ' xmlns="http://www.w3.org/2000/svg" aria-hidden="true" focusable="false"'
        f' font-size="{FONT}">'
    ]
    for tick in ticks:
        y = scale.y(tick)
        out.append(
            f'<line class="chart-svg__grid" x1="{LEFT}" x2="{width - RIGHT}" y1="{y:.1f}"'
            f' y2="{y:.1f}"/><text class="chart-svg__tick" x="{LEFT - 6}" y="{y + 4:.1f}"'
            f' text-anchor="end">{escape(format_number(tick, 2))}</text>'
        )
    # Month labels: every month when they fit, else every second or third, never rotated.
    widest = max(label_width(month_tick(m, language)) for m in months)
    room = (width - LEFT - RIGHT) / len(months)
    every_nth = 1 if widest + 4 <= room else 2 if widest + 4 <= 2 * room else 3
    for index, month in enumerate(months):
        if index % every_nth:
            continue
        out.append(
            f'<text class="chart-svg__tick" x="{scale.x(index):.1f}" y="{HEIGHT - BOTTOM + 18}"'
            f' text-anchor="middle">{escape(month_tick(month, language))}</text>'
        )
    if any(v is not None for v in targets):
        out.append(f'<path class="chart-svg__target" d="{_path(scale, targets)}"/>')
        last = next(v for v in reversed(targets) if v is not None)
        # Above the line's right end, inside the plot (a halo keeps it readable over a line).
        out.append(
            f'<text class="chart-svg__target-label" x="{width - RIGHT}" text-anchor="end"'
            f' y="{scale.y(last) - 5:.1f}">{escape(_("Target"))} {escape(format_number(last, 2))}'
            "</text>"
        )
    out.append(f'<path class="chart-svg__planned" d="{_path(scale, planned)}"/>')
    out.append(f'<path class="chart-svg__actual" d="{_path(scale, actual)}"/>')
    for index, (value, status) in enumerate(zip(actual, statuses, strict=False)):
        if value is None:
            continue
        x, y = scale.x(index), scale.y(value)
        shape = _marker(status or "none", x, y)
        out.append(
            f"{shape}<title>{escape(month_tick(months[index], language))} "
            f"{escape(format_number(value, 2))}{escape(unit_text)}</title></g>"
        )
    out.append(legend)
    out.append("</svg>")
    return "".join(out)


def _marker(status: str, x: float, y: float) -> str:
    """Status differs by shape as well as colour (WCAG 1.4.1), as on the plotly chart."""
    cls = f"chart-svg__marker chart-svg__marker--{escape(status)}"
    if status == "red":
        return f'<g class="{cls}"><rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10"/>'
    if status == "yellow":
        return (
            f'<g class="{cls}"><path d="M{x:.1f} {y - 6:.1f} L{x + 6:.1f} {y + 5:.1f}'
            f' L{x - 6:.1f} {y + 5:.1f} Z"/>'
        )
    return f'<g class="{cls}"><circle cx="{x:.1f}" cy="{y:.1f}" r="5"/>'


def _legend(width: int) -> tuple[str, int]:
    """The three series' keys in a row, or wrapped onto a second row when they do not fit;
    and the height they take."""
    items = (
        ("chart-svg__actual", _("Actual value")),
        ("chart-svg__planned", _("Planned path")),
        ("chart-svg__target", _("Target")),
    )
    out, x, y = ['<g class="chart-svg__legend">'], float(LEFT), 12
    for cls, text in items:
        needed = 22 + label_width(text)
        if x > LEFT and x + needed > width - RIGHT:
            x, y = float(LEFT), y + 16
        out.append(f'<path class="{cls}" d="M{x:.0f} {y} h18"/>')
        out.append(f'<text x="{x + 22:.0f}" y="{y + 4}">{escape(text)}</text>')
        x += needed + 16
    out.append("</g>")
    return "".join(out), y + 6


# --- the rankings page: departments as horizontal bars, best first ---------------------------

BAR_ROW, BAR_TOP, BAR_VALUE = 24, 8, 40  # row height, room above, room for the value text


def _fit_label(text: str, room: float) -> str:
    """``text`` cut with an ellipsis to ``room`` user units (the table has the full name)."""
    if label_width(text) <= room:
        return text
    while text and label_width(text + "…") > room:
        text = text[:-1]
    return text + "…"


def ranking_bars_svg(items: Sequence[tuple[str, object]], *, maximum: float = 100) -> SafeString:
    """Each department's total score as a horizontal bar, in the order given (by rank), with
    its name on the left and its score at the bar's end; a department without a score shows a
    dash and no bar. The phone's drawing and the wider screen's, as for the indicator chart.
    The page's table says the same in words (the SVG is hidden from screen readers)."""
    rows = [(str(label), number_or_none(value)) for label, value in items]
    if not any(value is not None for _label, value in rows):
        return mark_safe("")
    top = max([maximum, *(v for _label, v in rows if v is not None)])
    # What both drawings print of a row, worked out once: its name's width, its escaped name
    # and score, its language mark (a Chinese name on the English site: WCAG 3.1.2).
    chinese_page = (get_language() or "").startswith("zh")
    prepared = [
        (
            label,
            value,
            label_width(label),
            escape(label),
            escape(format_number(value, 1)),
            "" if chinese_page or not _HAN.search(label) else ' lang="zh-Hans"',
        )
        for label, value in rows
    ]
    return mark_safe("".join(_bars(prepared, top, width) for width in (NARROW_WIDTH, WIDTH)))


def _bars(rows, top: float, width: int) -> str:
    label_room = min(max(row[2] for row in rows), width * 0.4)
    left = label_room + 10
    plot = width - left - BAR_VALUE - RIGHT
    height = BAR_TOP + BAR_ROW * len(rows) + 4
    size = "narrow" if width == NARROW_WIDTH else "wide"
    out = [
        f'<svg class="chart-svg chart-svg--{size} chart-svg--bars" viewBox="0 0 {width}'
        f' {height}" xmlns="http://www.w3.org/2000/svg" aria-hidden="true" focusable="false"'
        f' font-size="{FONT}">'
    ]
    for tick in (0, 20, 40, 60, 80, 100):
        if tick > top:
            break
        x = left + plot * tick / top
        out.append(
            f'<line class="chart-svg__grid" x1="{x:.1f}" x2="{x:.1f}" y1="{BAR_TOP - 4}"'
            f' y2="{height - 4}"/>'
        )
    for index, (label, value, width_of_label, name, score, lang) in enumerate(rows):
        y = BAR_TOP + BAR_ROW * index
        middle = y + BAR_ROW / 2 + 4
        fitted = name if width_of_label <= label_room else escape(_fit_label(label, label_room))
        out.append(
            f'<g class="chart-svg__bar-row"{lang}><title>{name} {score}</title>'
            f'<text x="{left - 8:.1f}" y="{middle:.1f}" text-anchor="end">{fitted}</text>'
        )
        end = left
        if value is not None:
            end = left + plot * max(value, 0) / top
            out.append(
                f'<rect class="chart-svg__bar" x="{left:.1f}" y="{y + 4}"'
                f' width="{end - left:.1f}" height="{BAR_ROW - 8}"/>'
            )
        out.append(
            f'<text class="chart-svg__bar-value" x="{end + 4:.1f}" y="{middle:.1f}">'
            f"{score}</text></g>"
        )
    out.append("</svg>")
    return "".join(out)

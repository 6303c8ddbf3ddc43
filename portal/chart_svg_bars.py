"""Bar, ranked-bar and status-donut charts drawn on the server as inline SVG.

The same approach as ``portal.chart_svg`` (the indicator line chart): the SVG uses the site's
CSS classes, so high-contrast and large-text modes restyle it, and it is visible before any
script runs. Report blocks draw these from their stored figures; every chart has a table with
the same figures beside it, so the SVG itself is ``aria-hidden``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portal.chart_svg import (
    BOTTOM,
    FONT,
    HEIGHT,
    LEFT,
    NARROW_WIDTH,
    RIGHT,
    TOP,
    WIDTH,
    label_width,
    nice_ticks,
)
from portal.values import format_number, number_or_none

STATUS_ORDER = ("green", "yellow", "red", "none", "not_started")


def _open(width: int, height: int, size: str) -> str:
    return (
        f'<svg class="chart-svg chart-svg--{size}" viewBox="0 0 {width} {height}"'
        ' xmlns="http://www.w3.org/2000/svg" aria-hidden="true" focusable="false"'
        f' font-size="{FONT}">'
    )


def _both(draw) -> SafeString:
    """The phone's drawing and the wider screen's (site.css shows one)."""
    return mark_safe(
        "".join(
            draw(width, "narrow" if width == NARROW_WIDTH else "wide")
            for width in (NARROW_WIDTH, WIDTH)
        )
    )


def _fit(text: str, room: float) -> str:
    """``text`` cut with "…" to fit ``room`` user units (the full text is in the table)."""
    if label_width(text) <= room:
        return text
    while text and label_width(text + "…") > room:
        text = text[:-1]
    return text + "…"


def bar_chart_svg(
    labels: Sequence[str],
    values: Sequence,
    *,
    unit: str = "",
    target=None,
    statuses: Sequence[str] = (),
) -> SafeString:
    """One bar per label (e.g. a month), a gap where a value is missing, and the target as a
    labelled line when given. Bars are shaded by status where one is given."""
    numbers = [number_or_none(v) for v in values]
    target = number_or_none(target)
    every = [v for v in (*numbers, target) if v is not None]
    if not labels or not every:
        return mark_safe("")
    ticks = nice_ticks(min(0.0, min(every)), max(0.0, max(every)))
    low, high = ticks[0], ticks[-1]

    def draw(width: int, size: str) -> str:
        inner_w, inner_h = width - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
        step = inner_w / len(labels)

        def y(value: float) -> float:
            return TOP + inner_h * (1 - (value - low) / (high - low))

        out = [_open(width, HEIGHT, size)]
        for tick in ticks:
            out.append(
                f'<line class="chart-svg__grid" x1="{LEFT}" x2="{width - RIGHT}" y1="{y(tick):.1f}"'
                f' y2="{y(tick):.1f}"/><text class="chart-svg__tick" x="{LEFT - 6}"'
                f' y="{y(tick) + 4:.1f}" text-anchor="end">{escape(format_number(tick, 2))}</text>'
            )
        widest = max(label_width(str(label)) for label in labels)
        every_nth = max(1, math.ceil((widest + 4) / step))
        zero = y(max(low, 0.0))
        for index, (label, value) in enumerate(zip(labels, numbers, strict=True)):
            x = LEFT + step * index
            if value is not None:
                top, bottom = sorted((y(value), zero))
                status = statuses[index] if index < len(statuses) else ""
                cls = f"chart-svg__bar chart-svg__bar--{escape(status or 'none')}"
                out.append(
                    f'<rect class="{cls}" x="{x + step * 0.15:.1f}" y="{top:.1f}"'
                    f' width="{step * 0.7:.1f}" height="{max(bottom - top, 1):.1f}">'
                    f"<title>{escape(label)} {escape(format_number(value, 2))}"
                    f"{escape(' ' + unit if unit else '')}</title></rect>"
                )
            if index % every_nth == 0:
                out.append(
                    f'<text class="chart-svg__tick" x="{x + step / 2:.1f}"'
                    f' y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">{escape(label)}</text>'
                )
        if target is not None:
            out.append(
                f'<path class="chart-svg__target" d="M{LEFT} {y(target):.1f} H{width - RIGHT}"/>'
                f'<text class="chart-svg__target-label" x="{width - RIGHT}" text-anchor="end"'
                f' y="{y(target) - 5:.1f}">{escape(format_number(target, 2))}</text>'
            )
        out.append("</svg>")
        return "".join(out)

    return _both(draw)


ROW = 28  # user units per bar of a ranked chart


def ranked_bar_svg(
    labels: Sequence[str], values: Sequence, *, statuses: Sequence[str] = (), suffix: str = ""
) -> SafeString:
    """Horizontal bars, one row per item in the given order (largest first), the value printed
    at each bar's end; a missing value has no bar and prints "—"."""
    numbers = [number_or_none(v) for v in values]
    present = [v for v in numbers if v is not None]
    if not labels:
        return mark_safe("")
    high = max([*present, 0.0]) or 1.0
    low = min([*present, 0.0])
    height = TOP + ROW * len(labels) + 8

    def draw(width: int, size: str) -> str:
        label_room = width * 0.36
        bar_left = label_room + 8
        bar_room = width - bar_left - RIGHT - 56  # room for the value text

        def x(value: float) -> float:
            return bar_left + bar_room * (value - low) / (high - low)

        out = [_open(width, height, size)]
        for index, (label, value) in enumerate(zip(labels, numbers, strict=True)):
            top = TOP + ROW * index
            out.append(
                f'<text x="{label_room:.1f}" y="{top + ROW / 2 + 4:.1f}" text-anchor="end">'
                f"{escape(_fit(str(label), label_room - 4))}<title>{escape(label)}</title></text>"
            )
            text = "—" if value is None else format_number(value, 1) + suffix
            end = bar_left
            if value is not None:
                left, right = sorted((x(0.0), x(value)))
                status = statuses[index] if index < len(statuses) else ""
                out.append(
                    f'<rect class="chart-svg__bar chart-svg__bar--{escape(status or "none")}"'
                    f' x="{left:.1f}" y="{top + 5}" width="{max(right - left, 1):.1f}"'
                    f' height="{ROW - 10}"/>'
                )
                end = right
            out.append(
                f'<text class="chart-svg__tick" x="{end + 4:.1f}" y="{top + ROW / 2 + 4:.1f}">'
                f"{escape(text)}</text>"
            )
        out.append("</svg>")
        return "".join(out)

    return _both(draw)


def donut_svg(slices: Sequence[tuple[str, str, int]]) -> SafeString:
    """A ring divided by count, one slice per (status, label, count), with a legend that
    prints each label and count (the colours also differ by the legend's words)."""
    total = sum(count for _status, _label, count in slices)
    if total <= 0:
        return mark_safe("")
    height = max(HEIGHT - 60, 40 + 20 * len(slices))

    def draw(width: int, size: str) -> str:
        radius, stroke = 70, 34
        cx, cy = 20 + radius + stroke / 2, height / 2
        circumference = 2 * math.pi * radius
        out = [_open(width, height, size)]
        offset = 0.0
        for status, label, count in slices:
            if count <= 0:
                continue
            length = circumference * count / total
            out.append(
                f'<circle class="chart-svg__slice chart-svg__slice--{escape(status)}"'
                f' cx="{cx:.1f}" cy="{cy:.1f}" r="{radius}" fill="none"'
                f' stroke-width="{stroke}" stroke-dasharray="{length:.2f} {circumference:.2f}"'
                f' stroke-dashoffset="{-offset:.2f}" transform="rotate(-90 {cx:.1f} {cy:.1f})">'
                f"<title>{escape(label)} {count}</title></circle>"
            )
            offset += length
        out.append(
            f'<text x="{cx:.1f}" y="{cy + 6:.1f}" text-anchor="middle" font-size="{FONT + 6}">'
            f"{total}</text>"
        )
        legend_x = cx + radius + stroke / 2 + 24
        for index, (status, label, count) in enumerate(slices):
            y = cy - 10 * len(slices) + 20 * index + 10
            out.append(
                f'<rect class="chart-svg__bar chart-svg__bar--{escape(status)}"'
                f' x="{legend_x:.1f}" y="{y - 10:.1f}" width="12" height="12"/>'
                f'<text x="{legend_x + 18:.1f}" y="{y:.1f}">{escape(label)} {count}</text>'
            )
        out.append("</svg>")
        return "".join(out)

    return _both(draw)


__all__ = ["STATUS_ORDER", "bar_chart_svg", "donut_svg", "ranked_bar_svg"]

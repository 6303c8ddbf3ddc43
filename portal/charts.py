"""Plotly figures of the public site and disclosure reports, serialised for a self-hosted plotly.js.

Figures are built server-side with the plotly package and shipped as JSON, so the browser only
needs the vendored plotly.js (no CDN: government intranets are often offline). An indicator's
chart and the table that stands for it come from ``indicator_chart_context``, for the indicator
page and a report's chart block alike.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal import exports
from portal.chart_svg import indicator_chart_svg, month_tick
from portal.evaluation import indicator_series, indicator_values
from portal.models import Cycle, Indicator, Measurement
from portal.terms import TERMS
from portal.values import format_number, number_or_none


def _as_date(value) -> datetime.date:
    """A series' period (a date or a pandas Timestamp) as a date."""
    return value.date() if hasattr(value, "date") and callable(value.date) else value


# The same system font stack as the site CSS, Chinese fonts included (no web fonts).
FONT_FAMILY = (
    '-apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", '
    '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif'
)
# Colours with at least 4.5:1 contrast on white; status also differs by marker shape.
ACTUAL_COLOUR = "#0b4f9c"
PLANNED_COLOUR = "#555555"
TARGET_COLOUR = "#8a5a00"
STATUS_MARKERS = {
    "green": ("circle", "#1a7f37"),
    "yellow": ("triangle-up", "#8a5a00"),
    "red": ("square", "#c62828"),
    "none": ("circle-open", "#555555"),
    "not_started": ("circle-open", "#555555"),
}

PLOTLY_CONFIG = {
    "responsive": True,
    "displaylogo": False,
    # The toolbar covers the legend on phones; the table and downloads serve the same needs.
    "displayModeBar": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d", "toggleSpikelines"],
}


def _clean(values) -> list:
    """Plain floats with NaN as None, so the JSON is valid and gaps stay gaps."""
    return [number_or_none(value) for value in values]


def indicator_figure_spec(series: pd.DataFrame, *, unit: str = "", title: str = "") -> dict:
    """Actual values against the planned target path, month by month, as a plotly.js spec.

    Plain dicts, not ``plotly.graph_objects``: building and validating a Figure costs about
    10 ms and embeds plotly's whole default theme, on every uncached page view.
    """
    language = get_language() or ""
    months = [month_tick(_as_date(p), language) for p in series["period"]]
    unit_suffix = f" {unit}" if unit else ""
    statuses = [str(s) for s in series.get("status", pd.Series(["none"] * len(series)))]
    symbols = [STATUS_MARKERS.get(s, STATUS_MARKERS["none"])[0] for s in statuses]
    colours = [STATUS_MARKERS.get(s, STATUS_MARKERS["none"])[1] for s in statuses]
    planned_label, actual_label = _("Planned path"), _("Actual value")
    planned, actual = _clean(series["planned"]), _clean(series["value"])
    targets = _clean(series["target"]) if "target" in series else []
    # The figures as the table prints them (not 0.3566667), in the tooltip: the department's
    # own figures to their decimals, the planned path to the same number of decimals.
    places = exports.planned_places(actual, targets)
    traces = [
        {
            "type": "scatter",
            "x": months,
            "y": planned,
            "name": planned_label,
            "mode": "lines",
            "line": {"color": PLANNED_COLOUR, "dash": "dash", "width": 2},
            "customdata": [format_number(v, places) for v in planned],
            "hovertemplate": f"{planned_label}: %{{customdata}}{unit_suffix}<extra></extra>",
        },
        {
            "type": "scatter",
            "x": months,
            "y": actual,
            "name": actual_label,
            "mode": "lines+markers",
            "connectgaps": False,
            "line": {"color": ACTUAL_COLOUR, "width": 3},
            "marker": {"symbol": symbols, "color": colours, "size": 11, "line": {"width": 1}},
            "customdata": [format_number(v, 4) for v in actual],
            "hovertemplate": f"{actual_label}: %{{customdata}}{unit_suffix}<extra></extra>",
        },
    ]
    if any(v is not None for v in targets):
        target_label = _("Target")
        traces.insert(
            0,
            {
                "type": "scatter",
                "x": months,
                "y": targets,
                "name": target_label,
                "mode": "lines",
                "line": {"color": TARGET_COLOUR, "width": 2, "shape": "hv"},
                "customdata": [format_number(v, 4) for v in targets],
                "hovertemplate": f"{target_label}: %{{customdata}}{unit_suffix}<extra></extra>",
            },
        )
    return {
        "data": traces,
        "layout": {
            **({"title": {"text": title}} if title else {}),
            "font": {"family": FONT_FAMILY, "size": 14, "color": "#1a1a1a"},
            "margin": {"l": 56, "r": 16, "t": 40 if title else 16, "b": 48},
            "height": 360,
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "#ffffff",
            "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
            # 1月 … 12月, never rotated (plotly would tilt 2026-01 … on a phone).
            "xaxis": {
                "type": "category",
                "title": {"text": _("Month")},
                "gridcolor": "#e5e5e5",
                "tickangle": 0,
            },
            "yaxis": {
                "title": {"text": unit or _("Value")},
                "gridcolor": "#e5e5e5",
                "zeroline": False,
            },
            "hovermode": "x unified",
        },
    }


def score_history_spec(frame: pd.DataFrame | Mapping[str, Sequence], *, title: str = "") -> dict:
    """Department total score by month or year (columns label, total), as a plotly.js spec.

    ``frame`` is a DataFrame or any mapping of the two columns (a page with three years to
    draw need not build a DataFrame)."""
    return {
        "data": [
            {
                "type": "bar",
                "x": [str(x) for x in frame["label"]],
                "y": _clean(frame["total"]),
                "marker": {"color": ACTUAL_COLOUR},
                "name": _("Total score"),
                "hovertemplate": "%{x}: %{y:.1f}<extra></extra>",
            }
        ],
        "layout": {
            **({"title": {"text": title}} if title else {}),
            "font": {"family": FONT_FAMILY, "size": 14, "color": "#1a1a1a"},
            "margin": {"l": 48, "r": 16, "t": 16, "b": 40},
            "height": 260,
            "yaxis": {"range": [0, 100], "title": {"text": _("Score")}},
            "xaxis": {"type": "category"},
            "plot_bgcolor": "#ffffff",
            "paper_bgcolor": "rgba(0,0,0,0)",
        },
    }


# Bar series after the first differ by fill pattern as well as colour (WCAG 1.4.1).
BAR_COLOURS = (ACTUAL_COLOUR, "#8a5a00", "#1a7f37", "#555555", "#9b111e")
BAR_PATTERNS = ("", "/", ".", "x", "-")


def _error_bars(values: list, low: Sequence | None, high: Sequence | None) -> dict | None:
    """Whiskers from ``low`` to ``high`` around each value (a 95 % interval); none where a
    bound or the value is missing."""
    if low is None or high is None:
        return None
    lows, highs = _clean(low), _clean(high)
    above = [h - v if None not in (h, v) else None for v, h in zip(values, highs, strict=True)]
    below = [v - lo if None not in (lo, v) else None for v, lo in zip(values, lows, strict=True)]
    return {
        "type": "data",
        "symmetric": False,
        "array": above,
        "arrayminus": below,
        "visible": True,
        "color": "#1a1a1a",
        "thickness": 1.5,
        "width": 6,
    }


def bar_chart_spec(
    categories: Sequence,
    series: Sequence[Mapping],
    *,
    y_title: str = "",
    y_range: Sequence[float] | None = None,
    value_suffix: str = "",
    title: str = "",
    height: int = 300,
    counts: bool = False,
) -> dict:
    """Bars per category for one or more series, as a plotly.js spec.

    Each series is a mapping with ``name`` and ``values`` (one per category; None for a gap)
    and optionally ``low`` and ``high``, drawn as whiskers (e.g. a 95 % confidence interval).
    Several series are grouped side by side and told apart by fill pattern as well as colour.
    ``counts``: the values are whole numbers (answers), so the axis never shows 2.5 of them.
    Plain dicts, like ``indicator_figure_spec``.
    """
    labels = [str(c) for c in categories]
    traces, largest = [], 0.0
    for n, item in enumerate(series):
        values = _clean(item["values"])
        name = str(item.get("name", ""))
        trace = {
            "type": "bar",
            "x": labels,
            "y": values,
            "name": name,
            "marker": {
                "color": BAR_COLOURS[n % len(BAR_COLOURS)],
                "pattern": {
                    "shape": BAR_PATTERNS[n % len(BAR_PATTERNS)],
                    "fillmode": "overlay",  # white lines over the series' colour
                    "fgcolor": "#ffffff",
                    "solidity": 0.3,
                },
                "line": {"color": "#1a1a1a", "width": 1},
            },
            "hovertemplate": f"%{{x}}<br>{name}: %{{y}}{value_suffix}<extra></extra>",
        }
        largest = max([largest, *(v for v in values if v is not None)])
        errors = _error_bars(values, item.get("low"), item.get("high"))
        if errors is not None:
            trace["error_y"] = errors
        traces.append(trace)
    return {
        "data": traces,
        "layout": {
            **({"title": {"text": title}} if title else {}),
            "font": {"family": FONT_FAMILY, "size": 14, "color": "#1a1a1a"},
            "margin": {"l": 56, "r": 16, "t": 40 if title or len(traces) > 1 else 16, "b": 48},
            "height": height,
            "barmode": "group",
            "showlegend": len(traces) > 1,
            "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
            "xaxis": {"type": "category", "automargin": True},
            "yaxis": {
                **({"range": list(y_range)} if y_range is not None else {}),
                **({"title": {"text": y_title}} if y_title else {}),
                "gridcolor": "#e5e5e5",
                "rangemode": "tozero",
                **({"tickformat": ",d"} if counts else {}),
                # Few answers: a tick per answer, else plotly's ticks could repeat "1", "1".
                **({"dtick": 1} if counts and largest <= 5 else {}),
            },
            "plot_bgcolor": "#ffffff",
            "paper_bgcolor": "rgba(0,0,0,0)",
        },
    }


def indicator_figure(series: pd.DataFrame, *, unit: str = "", title: str = "") -> go.Figure:
    """The indicator chart as a validated plotly Figure (for reports and tests)."""
    return go.Figure(indicator_figure_spec(series, unit=unit, title=title))


def score_history_figure(frame: pd.DataFrame, *, title: str = "") -> go.Figure:
    """The score history chart as a validated plotly Figure."""
    return go.Figure(score_history_spec(frame, title=title))


def figure_json(figure: go.Figure | dict) -> str:
    """The figure and config as JSON safe to embed in <script type="application/json">."""
    spec = figure if isinstance(figure, dict) else json.loads(figure.to_json())
    payload = json.dumps({"figure": spec, "config": PLOTLY_CONFIG}, ensure_ascii=False)
    # Same escaping as Django's json_script: no "</script>" or HTML parsing surprises.
    return payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def indicator_chart_context(indicator: Indicator) -> dict:
    """An indicator's chart and the table that stands for it (rows, column labels, "as of"
    month, downloads): what the indicator page and a report's chart block both show.

    Drawn when the indicator's data changes, not per request: kept in the shared cache for
    ``CHART_CACHE_SECONDS`` (0 draws on every call) under a key made of everything the
    drawing is made from (``chart_key``), so the page reads the indicator's figures (one
    query) and finds the drawing; a change to other indicators keeps it. The open-data build
    that follows every data change draws the charts whose data changed (``draw_missing_charts``);
    a page that finds none draws it itself and keeps it."""
    if settings.CHART_CACHE_SECONDS <= 0:
        return _draw_indicator_chart(indicator)
    values = indicator_values(indicator)
    data_month = Cycle.objects.data_month(indicator.goal.cycle)
    key = chart_key(indicator, values, data_month, get_language() or "")
    context = cache.get(key)
    if context is None:
        context = _draw_indicator_chart(indicator, values)
        cache.set(key, context, settings.CHART_CACHE_SECONDS)
    return context


def chart_key(
    indicator: Indicator, values: Mapping, data_month: datetime.date | None, language: str
) -> str:
    """The shared-cache key of an indicator's drawing: a digest of every input it is drawn
    from — the indicator's terms, unit and target adjustments, its cycle's months,
    thresholds and data month (``Cycle.objects.data_month``), its figures, the language, and
    the code and translations that draw it (``DRAWING_CODE``). Equal keys draw equal charts,
    so a kept drawing is never stale: a changed figure or term is a new key."""
    cycle = indicator.goal.cycle
    material = (
        DRAWING_CODE,
        language,
        indicator.pk,
        [str(getattr(indicator, term)) for term in TERMS],
        indicator.unit,
        json.dumps(indicator.adjustments or [], sort_keys=True, default=str),
        cycle.pk,
        str(cycle.start_date),
        str(cycle.end_date),
        str(cycle.green_threshold),
        str(cycle.yellow_threshold),
        str(data_month),
        sorted((str(period), str(value)) for period, value in values.items()),
    )
    digest = hashlib.blake2b(repr(material).encode(), digest_size=20).hexdigest()
    return f"portal:chart:{digest}"


def _drawing_code() -> str:
    """A digest of the domain's code and the compiled translations, read when this module is
    imported (the code the process runs, even if files change on disk later): a deployment that
    changes either draws every chart anew."""
    root = Path(__file__).resolve().parent
    digest = hashlib.blake2b(digest_size=16)
    files = sorted(root.rglob("*.py")) + sorted(
        Path(settings.BASE_DIR).glob("locale/*/LC_MESSAGES/*.mo")
    )
    for path in files:
        if "migrations" not in path.parts:
            digest.update(path.read_bytes())
    return digest.hexdigest()


DRAWING_CODE = _drawing_code()


@dataclass
class DrawnCharts:
    """What ``draw_missing_charts`` did: charts drawn, charts found already drawn, seconds."""

    drawn: int = 0
    kept: int = 0
    seconds: float = 0.0


def draw_missing_charts() -> DrawnCharts:
    """Draw, in every language, the chart of each indicator of a published cycle whose
    drawing is not kept yet (its data changed, or it expired), and keep each kept one for
    another ``CHART_CACHE_SECONDS``. One query per cycle for the figures; an unchanged
    indicator costs a key and a touch of the shared cache."""
    report = DrawnCharts()
    if settings.CHART_CACHE_SECONDS <= 0:
        return report
    started = time.perf_counter()
    languages = [code for code, _name in settings.LANGUAGES]
    for cycle in Cycle.objects.published_with_latest_month():
        indicators = list(
            Indicator.objects.filter(goal__cycle=cycle)
            .select_related("goal__cycle")
            .defer("methodology")
            .order_by("pk")
        )
        months = cycle.months()
        data_month = Cycle.objects.data_month(cycle)
        figures: dict[int, dict] = {indicator.pk: {} for indicator in indicators}
        for indicator_id, period, value in Measurement.objects.filter(
            indicator__goal__cycle=cycle, period__gte=months[0], period__lte=months[-1]
        ).values_list("indicator_id", "period", "value"):
            figures[indicator_id][period] = value
        for indicator in indicators:
            for language in languages:
                key = chart_key(indicator, figures[indicator.pk], data_month, language)
                if cache.touch(key, settings.CHART_CACHE_SECONDS):
                    report.kept += 1
                    continue
                with translation.override(language):
                    context = _draw_indicator_chart(indicator, figures[indicator.pk])
                cache.set(key, context, settings.CHART_CACHE_SECONDS)
                report.drawn += 1
    report.seconds = time.perf_counter() - started
    return report


def _draw_indicator_chart(indicator: Indicator, values: Mapping | None = None) -> dict:
    series = indicator_series(indicator, values)
    rows = exports.indicator_records(series)
    measured = [row for row in rows if row["value"] is not None]
    chart = svg = None
    if len(series):
        chart = figure_json(indicator_figure_spec(series, unit=indicator.unit))
        svg = indicator_chart_svg(
            [_as_date(p) for p in series["period"]],
            series["value"].tolist(),
            series["planned"].tolist(),
            [str(s) for s in series["status"].tolist()],
            series["target"].tolist() if "target" in series else [],
            unit=indicator.unit,
            language=get_language() or "",
        )
    return {
        "rows": rows,
        "columns": exports.column_labels(indicator.unit),
        "as_of": measured[-1]["period"] if measured else None,
        "chart_json": chart,
        "chart_svg": svg,
        "formats": exports.FORMATS,
    }

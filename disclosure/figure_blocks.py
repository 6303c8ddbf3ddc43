"""Report blocks that show figures: the base that renders only from figures, the indicator
chart (line with target, bar, ranked bar, status donut) and the indicator table.

A block's figures come from the report's snapshot of its live revision when there is one
(``figures_by_block`` in the page's context, see ``disclosure.snapshots``), else they are
computed from the current data (the editor's preview, a draft, a report published before
snapshots existed).
"""

from __future__ import annotations

import pandas as pd
from django.core.validators import RegexValidator
from django.utils.translation import get_language
from django.utils.translation import gettext as _now
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from disclosure.choosers import IndicatorChooserBlock
from disclosure.figures import (
    cell_text,
    column,
    empty_figures,
    month_text,
    summary_sentence,
    value_key,
)
from portal import exports
from portal.models import Indicator, Status

MONTH_VALIDATOR = RegexValidator(
    r"^\d{4}-(0[1-9]|1[0-2])$", _("Enter a month as YYYY-MM, e.g. 2026-03.")
)


def status_text(value) -> str:
    try:
        return str(Status(str(value)).label)
    except ValueError:
        return str(Status.NO_DATA.label)


def chart_drawing(chart: dict | None) -> tuple[str, str | None]:
    """The chart's server-drawn SVG and, where plotly adds something, its plotly.js JSON."""
    from portal import charts
    from portal.chart_svg import indicator_chart_svg, month_tick
    from portal.chart_svg_bars import bar_chart_svg, donut_svg, ranked_bar_svg
    from portal.months import parse_month

    if not chart:
        return "", None
    language = get_language() or ""
    kind = chart.get("kind")
    if kind == "line":
        months = [parse_month(m) for m in chart["months"]]
        svg = indicator_chart_svg(
            months,
            chart["actual"],
            chart["planned"],
            chart["statuses"],
            chart["targets"],
            unit=chart.get("unit", ""),
            language=language,
        )
        series = pd.DataFrame(
            {
                "period": months,
                "value": chart["actual"],
                "planned": chart["planned"],
                "status": chart["statuses"],
                "target": chart["targets"],
            }
        )
        spec = charts.indicator_figure_spec(series, unit=chart.get("unit", ""))
        return svg, charts.figure_json(spec)
    if kind == "bar":
        labels = [month_tick(parse_month(m), language) for m in chart["months"]]
        targets = [t for t in chart["targets"] if t is not None]
        svg = bar_chart_svg(
            labels,
            chart["actual"],
            unit=chart.get("unit", ""),
            target=targets[-1] if targets else None,
            statuses=chart["statuses"],
        )
        spec = charts.bar_chart_spec(
            labels,
            [{"name": _now("Actual value"), "values": chart["actual"]}],
            y_title=chart.get("unit", ""),
        )
        return svg, charts.figure_json(spec)
    if kind == "ranked_bar":
        return ranked_bar_svg(
            chart["labels"],
            chart["values"],
            statuses=chart.get("statuses", ()),
            suffix=chart.get("suffix", ""),
        ), None
    if kind == "donut":
        return donut_svg([tuple(s) for s in chart["slices"]]), None
    return "", None


class FiguresBlock(blocks.StructBlock):
    """A block rendered only from its figures (``compute_figures``), with its summary, table
    alternative and CSV/XLSX/JSON downloads of exactly the shown rows."""

    def compute_figures(self, value) -> dict:
        raise NotImplementedError

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        parent = parent_context or {}
        block_id = str(parent.get("block_id") or "preview")
        stored = parent.get("figures_by_block")
        figures = stored.get(block_id) if stored else None
        if figures is None:
            figures = self.compute_figures(value)
        columns = figures.get("columns") or []
        svg, chart_json = chart_drawing(figures.get("chart"))
        base = parent.get("block_download_base")
        context.update(
            {
                "figures": figures,
                "block_id": block_id,
                "table_rows": [
                    {
                        "cells": [
                            {
                                "text": cell_text(row.get(c["key"]), c.get("places")),
                                "num": c.get("places") is not None,
                            }
                            for c in columns
                        ],
                        "link": row.get("_link"),
                    }
                    for row in figures.get("rows") or []
                ],
                "chart_svg": svg,
                "chart_json": chart_json,
                "downloads": (
                    [(fmt, f"{base}{block_id}.{fmt}") for fmt in exports.FORMATS]
                    if base and figures.get("rows")
                    else []
                ),
            }
        )
        return context

    def get_preview_context(self, value, parent_context=None):
        return {**super().get_preview_context(value, parent_context), "block_id": "preview"}

    class Meta:
        template = "blocks/figures.html"


def indicator_problem(indicator) -> str | None:
    """Why ``indicator`` cannot be shown (None when it can): not chosen, gone, unpublished."""
    if indicator is None:
        return _now("No indicator has been chosen.")
    if indicator.pk is None:
        return _now("The indicator %(code)s no longer exists.") % {"code": indicator.code}
    if not indicator.goal.cycle.published:
        return _now("The indicator %(code)s is no longer published.") % {"code": indicator.code}
    return None


def _in_range(records: list[dict], first: str, last: str) -> list[dict]:
    return [
        r
        for r in records
        if (not first or r["period"] >= first) and (not last or r["period"] <= last)
    ]


def _value_entry(indicator: Indicator, month: str, value) -> dict:
    return {
        "key": value_key(indicator.code, month),
        "label": f"{indicator.name} {month_text(month)}",
        "value": value,
        "link": indicator.get_absolute_url(),
    }


def indicator_months(indicator: Indicator, first: str = "", last: str = "") -> list[dict]:
    """The indicator's monthly records (``portal.exports.indicator_records``) within the range,
    with the raw status code kept as ``status_code``."""
    from portal.evaluation import indicator_series

    series = indicator_series(indicator)
    records = exports.indicator_records(series)
    for record, code in zip(records, series["status"].tolist(), strict=True):
        record["status_code"] = str(code)
    return _in_range(records, first, last)


def indicator_about(indicator: Indicator, records: list[dict]) -> dict:
    measured = [r["period"] for r in records if r["value"] is not None]
    return {
        "as_of": measured[-1] if measured else None,
        "source": indicator.source_description or "",
        "link": indicator.get_absolute_url(),
        "link_text": indicator.name,
        "department": str(indicator.goal.owner),
    }


class ChartType:
    LINE, BAR, RANKED, DONUT = "line", "bar", "ranked_bar", "donut"
    choices = [
        (LINE, _("Line: monthly values against the target")),
        (BAR, _("Bars: monthly values, with the target")),
        (RANKED, _("Ranked bars: progress of several indicators")),
        (DONUT, _("Donut: how many of several indicators show each light")),
    ]


class IndicatorChartBlock(FiguresBlock):
    """A chart of one or several indicators, with its summary, table and downloads."""

    indicator = IndicatorChooserBlock(
        label=_("Indicator"), help_text=_("An indicator of a published year.")
    )
    others = blocks.ListBlock(
        IndicatorChooserBlock(label=_("Indicator")),
        label=_("More indicators"),
        required=False,
        default=[],
        help_text=_("For ranked bars and the donut: the indicators compared with the first."),
    )
    chart_type = blocks.ChoiceBlock(
        choices=ChartType.choices, default=ChartType.LINE, label=_("Chart type")
    )
    from_month = blocks.CharBlock(
        label=_("From month"),
        required=False,
        max_length=7,
        validators=[MONTH_VALIDATOR],
        help_text=_("YYYY-MM; empty for the start of the year."),
    )
    to_month = blocks.CharBlock(
        label=_("To month"),
        required=False,
        max_length=7,
        validators=[MONTH_VALIDATOR],
        help_text=_("YYYY-MM; empty for the latest month with data."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=200)

    class Meta:
        icon = "chart"  # wagtail has no chart icon; falls back gracefully
        label = _("Indicator chart")
        description = _(
            "A chart of one indicator's months (line or bars) or of several indicators (ranked "
            "bars, donut of lights), with a one-sentence summary, its table and downloads."
        )
        preview_value = {"indicator": "2026-GA-01-1", "caption": "", "chart_type": "line"}

    def get_preview_value(self):
        """A published indicator of this site (the newest year's first), so that the preview
        shows a real chart; the fixed example code where none is published yet."""
        code = (
            Indicator.objects.filter(goal__cycle__published=True)
            .order_by("-goal__cycle__year", "code")
            .values_list("code", flat=True)
            .first()
        )
        value = dict(self.meta.preview_value, indicator=code or "2026-GA-01-1")
        return self.to_python(value)

    def compute_figures(self, value) -> dict:
        kind = value.get("chart_type") or ChartType.LINE
        if kind in (ChartType.RANKED, ChartType.DONUT):
            chosen = [value.get("indicator"), *(value.get("others") or [])]
            return several_indicators_figures(
                chosen, value.get("to_month") or "", kind=kind, caption=value.get("caption") or ""
            )
        indicator = value.get("indicator")
        problem = indicator_problem(indicator)
        caption = value.get("caption") or ""
        if problem:
            return empty_figures(caption or _now("Indicator chart"), problem)
        records = indicator_months(indicator, value.get("from_month"), value.get("to_month"))
        title = caption or indicator.name
        if not records:
            return empty_figures(
                title, _now("No months to show yet."), **indicator_about(indicator, records)
            )
        labels = exports.column_labels(indicator.unit)
        columns = [
            column("period", labels["period"]),
            column("value", labels["value"], 4),
            column("planned", labels["planned"], 4),
            column("target", labels["target"], 4),
            column("progress", labels["progress"], 1),
            column("status", labels["status"]),
        ]
        keys = [c["key"] for c in columns]
        rows = [{k: r[k] for k in keys} for r in records]
        with_progress = any(r["progress"] is not None for r in records)
        points = [(r["period"], r["progress"] if with_progress else r["value"]) for r in records]
        chart_kind = ChartType.BAR if kind == ChartType.BAR else ChartType.LINE
        description = (
            _now("Bar chart of %(name)s: actual value each month, with the target.")
            if chart_kind == ChartType.BAR
            else _now(
                "Line chart of %(name)s: actual value each month against the planned target "
                "path. The table below has the same figures."
            )
        ) % {"name": indicator.name}
        return {
            "title": title,
            "summary": summary_sentence(points, percent=with_progress, unit=indicator.unit),
            "columns": columns,
            "rows": rows,
            "chart": {
                "kind": chart_kind,
                "label": description,
                "months": [r["period"] for r in records],
                "actual": [r["value"] for r in records],
                "planned": [r["planned"] for r in records],
                "targets": [r["target"] for r in records],
                "statuses": [r["status_code"] for r in records],
                "unit": indicator.unit,
            },
            "values": [
                _value_entry(indicator, r["period"], r["value"])
                for r in records
                if r["value"] is not None
            ],
            "missing": "",
            **indicator_about(indicator, records),
        }

    def get_searchable_content(self, value):
        content = [value.get("caption") or ""]
        for indicator in [value.get("indicator"), *(value.get("others") or [])]:
            content += self.child_blocks["indicator"].get_searchable_content(indicator)
        return [text for text in content if text]


def _latest(records: list[dict]) -> dict | None:
    measured = [r for r in records if r["value"] is not None]
    return measured[-1] if measured else None


def _by_progress(pair) -> tuple[bool, float]:
    """Highest progress first; indicators without a figure last."""
    latest = pair[1]
    progress = latest["progress"] if latest else None
    return (progress is None, -(progress or 0.0))


def several_indicators_figures(chosen, to_month: str, *, kind: str, caption: str) -> dict:
    """Ranked bars (by progress), a donut of lights, or a table ("table") of several
    indicators, each at its latest month with a figure up to ``to_month``."""
    shown, notes = [], []
    for indicator in chosen:
        problem = indicator_problem(indicator)
        if problem:
            if indicator is not None:
                notes.append(problem)
            continue
        records = indicator_months(indicator, "", to_month)
        shown.append((indicator, _latest(records)))
    default_title = {
        ChartType.RANKED: _now("Progress of the indicators"),
        ChartType.DONUT: _now("Lights of the indicators"),
    }.get(kind, _now("Indicators"))
    title = caption or default_title
    if not shown:
        return empty_figures(title, " ".join(notes) or _now("No indicator has been chosen."))
    values = [
        _value_entry(indicator, latest["period"], latest["value"])
        for indicator, latest in shown
        if latest is not None
    ]
    months = sorted(latest["period"] for _i, latest in shown if latest is not None)
    about = {"as_of": months[-1] if months else None, "notes": notes}
    if kind == ChartType.DONUT:
        return _donut_figures(title, shown, values, about)
    if kind == ChartType.RANKED:
        shown.sort(key=_by_progress)
    rows = [
        {
            "indicator": indicator.name,
            "_link": indicator.get_absolute_url(),
            "department": str(indicator.goal.owner),
            "period": latest["period"] if latest else None,
            "value": latest["value"] if latest else None,
            "unit": indicator.unit,
            "target": latest["target"] if latest else float(indicator.target),
            "progress": latest["progress"] if latest else None,
            "status": status_text(latest["status_code"] if latest else "none"),
        }
        for indicator, latest in shown
    ]
    columns = [
        column("indicator", _now("Indicator")),
        column("department", _now("Department")),
        column("period", _now("Month")),
        column("value", _now("Actual value"), 4),
        column("unit", _now("Unit")),
        column("target", _now("Target"), 4),
        column("progress", _now("Progress (%)"), 1),
        column("status", _now("Status")),
    ]
    figures = {
        "title": title,
        "summary": "",
        "columns": columns,
        "rows": rows,
        "chart": None,
        "values": values,
        "missing": "",
        **about,
    }
    if kind == ChartType.RANKED:
        first = rows[0]
        if first["progress"] is not None:
            figures["summary"] = _now(
                "%(name)s has the highest progress of the %(count)s indicators: %(value)s%% "
                "(%(month)s)."
            ) % {
                "name": first["indicator"],
                "count": len(rows),
                "value": cell_text(first["progress"], 1),
                "month": month_text(first["period"]),
            }
        else:
            figures["summary"] = _now("No figure has been reported yet.")
        figures["chart"] = {
            "kind": ChartType.RANKED,
            "label": _now(
                "Ranked bar chart of the indicators' progress (%). The table below "
                "has the same figures."
            ),
            "labels": [r["indicator"] for r in rows],
            "values": [r["progress"] for r in rows],
            "statuses": [latest["status_code"] if latest else "none" for _i, latest in shown],
            "suffix": "%",
        }
    return figures


def _donut_figures(title: str, shown, values: list[dict], about: dict) -> dict:
    counts = {status.value: 0 for status in Status}
    for _indicator, latest in shown:
        code = latest["status_code"] if latest else Status.NO_DATA.value
        counts[code if code in counts else Status.NO_DATA.value] += 1
    return status_count_figures(title, counts, values=values, **about)


def status_count_figures(title: str, counts: dict[str, int], **extra) -> dict:
    """The lights' counts as a donut and a table, with a one-sentence summary."""
    total = sum(counts.values())
    rows = [
        {"status": status_text(code), "count": count}
        for code, count in counts.items()
        if count or code in ("green", "yellow", "red")
    ]
    summary = (
        _now(
            "Of %(total)s indicators, %(green)s are on track, %(yellow)s lagging and %(red)s "
            "seriously lagging."
        )
        % {"total": total, **{k: counts.get(k, 0) for k in ("green", "yellow", "red")}}
        if total
        else _now("No figure has been reported yet.")
    )
    figures = {
        "title": title,
        "summary": summary,
        "columns": [column("status", _now("Status")), column("count", _now("Indicators"), 0)],
        "rows": rows if total else [],
        "chart": {
            "kind": ChartType.DONUT,
            "label": _now(
                "Donut chart of how many indicators show each light. The table below "
                "has the same figures."
            ),
            "slices": [(code, status_text(code), count) for code, count in counts.items() if count],
        }
        if total
        else None,
        "values": [],
        "missing": "" if total else _now("No indicator to count."),
    }
    figures.update(extra)
    return figures


class IndicatorTableBlock(FiguresBlock):
    """Several indicators in one table, each at its latest month with a figure."""

    indicators = blocks.ListBlock(
        IndicatorChooserBlock(label=_("Indicator")), label=_("Indicators")
    )
    to_month = blocks.CharBlock(
        label=_("Up to month"),
        required=False,
        max_length=7,
        validators=[MONTH_VALIDATOR],
        help_text=_("YYYY-MM; empty for the latest month with data."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=200)

    class Meta:
        icon = "list-ul"
        label = _("Indicator table")
        description = _(
            "Several indicators in one table: latest value, target, progress and light, with "
            "downloads."
        )
        preview_value = {"indicators": ["2026-GA-01-1"], "caption": "主要指标完成情况"}

    def get_preview_value(self):
        codes = list(
            Indicator.objects.filter(goal__cycle__published=True)
            .order_by("-goal__cycle__year", "code")
            .values_list("code", flat=True)[:3]
        )
        return self.to_python(dict(self.meta.preview_value, indicators=codes or ["2026-GA-01-1"]))

    def compute_figures(self, value) -> dict:
        return several_indicators_figures(
            list(value.get("indicators") or []),
            value.get("to_month") or "",
            kind="table",
            caption=value.get("caption") or "",
        )

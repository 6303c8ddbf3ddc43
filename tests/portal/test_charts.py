"""Chart figures and their embedding, and the chart cache (drawn once per data change)."""

from __future__ import annotations

import datetime
import json
import math
from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from portal import charts
from portal.actions import record_measurement
from portal.cache import VERSION_KEY
from portal.exports import indicator_table
from portal.models import Indicator
from tests.builders import YEAR, build_city


def _series():
    return pd.DataFrame(
        {
            "period": [datetime.date(2026, m, 1) for m in (1, 2, 3)],
            "value": [10.0, math.nan, 30.0],
            "planned": [8.333, 16.667, 25.0],
            "progress": [0.1, math.nan, 0.3],
            "expected": [1 / 12, 2 / 12, 3 / 12],
            "status": ["green", "none", "red"],
        }
    )


def test_indicator_figure_plots_actual_against_planned_with_gaps_kept():
    with translation.override("zh-hans"):
        figure = charts.indicator_figure(_series(), unit="%")
    planned, actual = figure.data
    assert list(planned.x) == ["1月", "2月", "3月"]  # short, never rotated
    assert figure.layout.xaxis.tickangle == 0
    assert list(actual.customdata) == ["10", "—", "30"]  # tooltips as the table prints them
    assert list(actual.y) == [10.0, None, 30.0]  # a missing month is a gap, not a zero
    assert planned.line.dash == "dash"  # the target path differs by line style, not colour
    assert figure.layout.yaxis.title.text == "%"


def test_status_markers_differ_in_shape_not_only_colour():
    figure = charts.indicator_figure(_series())
    symbols = list(figure.data[1].marker.symbol)
    assert len(set(symbols)) == 3


def test_figure_json_is_safe_inside_a_script_tag():
    figure = charts.indicator_figure(_series(), title="</script><script>alert(1)</script>")
    payload = charts.figure_json(figure)
    assert "</script>" not in payload and "<" not in payload
    decoded = json.loads(payload)
    assert decoded["config"]["displaylogo"] is False
    assert decoded["figure"]["layout"]["title"]["text"].startswith("</script>")


def test_table_rows_match_the_chart_points():
    series = _series()
    table = indicator_table(series)
    assert list(table["period"]) == ["2026-01", "2026-02", "2026-03"]
    assert list(table["value"]) == [10.0, None, 30.0]
    assert list(table["progress"]) == [10.0, None, 30.0]  # shares shown as percentages
    figure = charts.indicator_figure(series)
    assert list(figure.data[1].y) == list(table["value"])


def test_history_figure_shows_one_bar_per_year():
    frame = pd.DataFrame({"label": [2024, 2025], "total": [81.5, 88.0]})
    figure = charts.score_history_figure(frame)
    assert list(figure.data[0].x) == ["2024", "2025"]
    assert list(figure.data[0].y) == [81.5, 88.0]


def test_bar_chart_groups_series_with_interval_whiskers_and_keeps_gaps():
    spec = charts.bar_chart_spec(
        ["2026-09", "2026-10"],
        [
            {"name": "满意率", "values": [100, 50], "low": [51.0, 21.5], "high": [100, 78.5]},
            {"name": "得分", "values": [None, 72.5]},
        ],
        y_range=(0, 100),
    )
    figure = go.Figure(spec)  # a valid plotly figure
    share, score = figure.data
    assert list(share.error_y.array) == [0, 28.5] and list(share.error_y.arrayminus) == [49, 28.5]
    assert list(score.y) == [None, 72.5] and score.error_y.array is None  # a gap, not a zero
    # The second series differs by its fill pattern, not by colour alone (WCAG 1.4.1).
    assert share.marker.pattern.shape != score.marker.pattern.shape
    assert figure.layout.barmode == "group" and figure.layout.showlegend
    assert list(figure.layout.yaxis.range) == [0, 100]
    single = charts.bar_chart_spec(["非常满意", "满意"], [{"name": "评价数", "values": [2, 3]}])
    assert single["layout"]["showlegend"] is False


def test_a_chart_of_counts_has_whole_number_ticks():
    spec = charts.bar_chart_spec(["a", "b"], [{"name": "n", "values": [2, 3]}], counts=True)
    assert spec["layout"]["yaxis"]["dtick"] == 1 and spec["layout"]["yaxis"]["tickformat"] == ",d"
    many = charts.bar_chart_spec(["a"], [{"name": "n", "values": [120]}], counts=True)
    assert "dtick" not in many["layout"]["yaxis"]


@pytest.mark.django_db
def test_an_indicators_chart_is_drawn_once_per_data_change_and_language(
    settings, django_capture_on_commit_callbacks
):
    settings.CHART_CACHE_SECONDS = 3600
    build_city(departments=1, indicators_per_goal=1, months=2)
    indicator = Indicator.objects.select_related("goal__cycle").first()
    bump_data_version_now()
    with CaptureQueriesContext(connection) as first:
        drawn = charts.indicator_chart_context(indicator)
    with CaptureQueriesContext(connection) as again:
        assert charts.indicator_chart_context(indicator) == drawn
    assert len(first.captured_queries) > 0 and len(again.captured_queries) == 0
    with translation.override("en"):
        english = charts.indicator_chart_context(indicator)
    assert english["columns"] != drawn["columns"]  # drawn again, in English

    # A new figure bumps the data version when its transaction commits: drawn again.
    with django_capture_on_commit_callbacks(execute=True):
        record_measurement(indicator, datetime.date(YEAR, 3, 1), Decimal("77.5"))
    redrawn = charts.indicator_chart_context(indicator)
    assert [row["value"] for row in redrawn["rows"]][-1] == Decimal("77.5")
    assert redrawn["chart_svg"] != drawn["chart_svg"]


def bump_data_version_now():
    """The data version the first change of a fresh cache sets (nothing is cached without
    one)."""
    cache.set(VERSION_KEY, 1, timeout=None)

"""Chart figures and their embedding, and the chart cache (drawn once per data change)."""

from __future__ import annotations

import datetime
import io
import json
import math
from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go
import pytest
from django.core.cache import cache
from django.core.management import call_command
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


@pytest.fixture
def draws(monkeypatch):
    """Counts the charts actually drawn (not found kept in the shared cache)."""
    drawn = []
    draw = charts._draw_indicator_chart

    def counting(indicator, values=None):
        drawn.append((indicator.pk, translation.get_language()))
        return draw(indicator, values)

    monkeypatch.setattr(charts, "_draw_indicator_chart", counting)
    return drawn


@pytest.mark.django_db
def test_an_indicators_chart_is_drawn_once_per_change_of_its_own_data_and_language(
    settings, draws, django_capture_on_commit_callbacks
):
    settings.CHART_CACHE_SECONDS = 3600
    build_city(departments=1, indicators_per_goal=2, months=2)
    indicator, other = Indicator.objects.select_related("goal__cycle").order_by("pk")[:2]
    bump_data_version_now()
    with translation.override("zh-hans"):
        drawn = charts.indicator_chart_context(indicator)
        with CaptureQueriesContext(connection) as again:
            assert charts.indicator_chart_context(indicator) == drawn
    assert len(draws) == 1
    assert len(again.captured_queries) <= 2  # the figures (and the data month): no drawing
    with translation.override("en"):
        english = charts.indicator_chart_context(indicator)
    assert english["columns"] != drawn["columns"] and len(draws) == 2  # drawn in English

    def chinese(indicator):
        with translation.override("zh-hans"):
            return charts.indicator_chart_context(indicator)

    # Another indicator's new figure moves the data version but not this drawing.
    with django_capture_on_commit_callbacks(execute=True):
        record_measurement(other, datetime.date(YEAR, 2, 1), Decimal("55"))
    assert chinese(indicator) == drawn and len(draws) == 2

    # Its own new figure is a new drawing.
    with django_capture_on_commit_callbacks(execute=True):
        record_measurement(indicator, datetime.date(YEAR, 2, 1), Decimal("77.5"))
    redrawn = chinese(indicator)
    assert [row["value"] for row in redrawn["rows"]][-1] == Decimal("77.5")
    assert redrawn["chart_svg"] != drawn["chart_svg"] and len(draws) == 3

    # So is a changed target, and a deployment of other drawing code.
    Indicator.objects.filter(pk=indicator.pk).update(target=indicator.target + 1)
    indicator.refresh_from_db()
    chinese(indicator)
    assert len(draws) == 4
    charts.DRAWING_CODE, code = "another release", charts.DRAWING_CODE
    try:
        chinese(indicator)
    finally:
        charts.DRAWING_CODE = code
    assert len(draws) == 5


@pytest.mark.django_db
def test_draw_missing_charts_draws_what_changed_and_the_page_then_draws_nothing(
    settings, draws, django_capture_on_commit_callbacks
):
    settings.CHART_CACHE_SECONDS = 3600
    build_city(departments=2, indicators_per_goal=1, months=2)
    bump_data_version_now()
    indicators = list(Indicator.objects.select_related("goal__cycle").order_by("pk"))
    languages = len(settings.LANGUAGES)

    first = charts.draw_missing_charts()
    assert (first.drawn, first.kept) == (len(indicators) * languages, 0)
    again = charts.draw_missing_charts()
    assert (again.drawn, again.kept) == (0, len(indicators) * languages)

    with django_capture_on_commit_callbacks(execute=True):
        record_measurement(indicators[0], datetime.date(YEAR, 2, 1), Decimal("12.5"))
    after_change = charts.draw_missing_charts()
    assert after_change.drawn == languages  # only the changed indicator, in each language
    drawn_before = len(draws)
    for indicator in indicators:
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                charts.indicator_chart_context(indicator)
    assert len(draws) == drawn_before  # every page found its chart drawn


@pytest.mark.django_db
def test_draw_charts_command_reports_what_it_did(settings):
    settings.CHART_CACHE_SECONDS = 3600
    build_city(departments=1, indicators_per_goal=1, months=1)
    bump_data_version_now()
    out = io.StringIO()
    call_command("draw_charts", stdout=out)
    expected = Indicator.objects.count() * len(settings.LANGUAGES)
    assert f"Charts: {expected} drawn, 0 kept" in out.getvalue()


def bump_data_version_now():
    """The data version the first change of a fresh cache sets (nothing is cached without
    one)."""
    cache.set(VERSION_KEY, 1, timeout=None)

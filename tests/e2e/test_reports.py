"""A visitor reads a published report: its charts are drawn (server SVG, before any script)
and each chart's table downloads as the CSV of exactly its rows."""

from __future__ import annotations

import csv
import io

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_visitor_sees_a_reports_chart_and_downloads_its_csv(site_page, city):
    # Drawn on the server: in the page before any script runs.
    html = site_page.page.request.get(site_page.base_url + city.report.url).text()
    assert html.count('class="chart-svg__bar') >= 12
    page = site_page.open(city.report.url)
    chart = page.locator(".report-chart").filter(has_text="共享目录完成率（柱状）")
    # plotly.js (self-hosted) then redraws the bars with tooltips.
    chart.locator("svg.main-svg").first.wait_for(state="attached")
    assert chart.locator(".report-summary").inner_text().strip()
    shown = chart.locator("table.data-table tbody tr").count()
    with page.expect_download() as download_info:
        chart.locator(".downloads a", has_text="CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(open(download.path(), encoding="utf-8-sig").read())))
    assert len(rows) - 1 == shown
    assert [r[0] for r in rows[1:4]] == [f"{city.cycle.year}-0{m}" for m in (1, 2, 3)]
    # The ranked bars and the donut are drawn too, without waiting for plotly.js.
    assert page.locator(".report-chart svg.chart-svg circle.chart-svg__slice").count() >= 1
    assert site_page.errors == []
    assert site_page.external_requests == []

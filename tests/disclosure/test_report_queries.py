"""A published report page costs the same number of SQL queries whatever the number of its
chart blocks: their figures come from the snapshot stored at publication, not per block."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosure.factories import chart, heading, make_report
from portal.factories import CycleFactory, GoalFactory, IndicatorFactory, MeasurementFactory

pytestmark = pytest.mark.usefixtures("wagtail_site")


def queries_of(client, url: str) -> int:
    client.get(url)  # warm: the site, its settings and the language are read once
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_six_charts_cost_the_queries_of_one(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # every request renders the page
    goal = GoalFactory(cycle=CycleFactory(year=2025))
    codes = []
    for n in range(6):
        indicator = IndicatorFactory(goal=goal, code=f"2025-Q-01-{n}")
        for month in (1, 2, 3):
            MeasurementFactory(indicator=indicator, period=datetime.date(2025, month, 1), value=n)
        codes.append(indicator.code)
    one = make_report("一个图表", body=[heading("一"), chart(codes[0])])
    six = make_report("六个图表", body=[heading("一"), *(chart(code) for code in codes)])

    # Wagtail's routing and view restrictions take most of them (site, five page lookups);
    # the figures are one snapshot read plus the correction check's one query.
    assert queries_of(client, six.url) == queries_of(client, one.url) <= 16

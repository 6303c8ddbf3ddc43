"""The department page's lists are built in Python (portal/templatetags/portal_tables.py,
docs/decisions/0003): they must escape every value exactly as Django's templates do."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from portal.factories import CycleFactory, DepartmentFactory, GoalFactory, IndicatorFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
EVIL = "<script>alert(\"x\")</script> & 'q'"


def test_every_value_in_the_lists_is_escaped_as_django_escapes_it(client):
    department = DepartmentFactory()
    goal = GoalFactory(cycle=CycleFactory(year=2026), owner=department, title=f"目标{EVIL}")
    IndicatorFactory(goal=goal, name=f"指标{EVIL}", unit="<i>&'", source_description=EVIL)
    response = client.get(department.get_absolute_url(), **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    # Django's escape is the yardstick: if an upgrade changes it, the lists built in Python no
    # longer print what a template would, and this test says so.
    for text in (f"目标{EVIL}", f"指标{EVIL}", "<i>&'", EVIL):
        assert escape(text) in html, text


def test_the_indicator_pages_month_rows_escape_and_mark_an_adjusted_target():
    from django.utils import translation

    from portal.templatetags.portal_tables import indicator_month_rows

    columns = {key: f"{key}{EVIL}" for key in ("status", "progress", "expected", "value")}
    columns |= {"planned": "计划路径 (万件)", "target": "Target in force"}
    rows = [
        {
            "period": "2026-01",
            "status": EVIL,
            "progress": 91.26,
            "expected": 8.3,
            "value": 1234.56789,
            "planned": None,
            "target": 100,
            "adjustment": None,
        },
        {
            "period": "2026-02",
            "status": "on track",
            "progress": None,
            "expected": 16.7,
            "value": 2,
            "planned": 1.5,
            "target": 90,
            "adjustment": "目标 100 → 90",
        },
    ]
    with translation.override("en"):
        html = indicator_month_rows(rows, columns)
    assert html.count('<tr role="row">') == 2
    assert f'<td role="cell" data-label="{escape(columns["status"])}">{escape(EVIL)}</td>' in html
    assert ">91.3</td>" in html and ">1,234.5679</td>" in html and ">—</td>" in html
    assert html.count("(adjusted)") == 1
    assert "<script>" not in html

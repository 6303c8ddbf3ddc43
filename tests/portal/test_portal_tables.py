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

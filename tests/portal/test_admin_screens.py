"""The admin screens: Chinese by default, useful filters, bounded queries, the dashboard panel."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.factories import (
    CycleFactory,
    DepartmentEditorFactory,
    GoalFactory,
    IndicatorFactory,
    MeasurementFactory,
    QualitativeReviewFactory,
)
from portal.models import Status
from portal.wagtail_hooks import previous_month
from tests.builders import editor_group

INDEXES = [
    "portal_goal",
    "portal_indicator",
    "portal_measurement",
    "portal_department",
    "portal_cycle",
    "portal_review",
    "portal_department_editor",
]


@pytest.mark.parametrize("namespace", INDEXES)
def test_list_pages_render_in_chinese_by_default(client, world, namespace):
    client.force_login(world["city_admin"])
    response = client.get(reverse(f"{namespace}:index"))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="zh-hans"' in content
    # Wagtail's own zh-Hans catalog: "Search" and "Skip to main content".
    assert "搜索" in content
    assert "跳到主要内容" in content


def add_rows(world, n: int, offset: int) -> None:
    """n more goals per department, each with an indicator, a corrected measurement and a link."""
    for i in range(n):
        for dept in (world["dept_a"], world["dept_b"]):
            goal = GoalFactory(cycle=world["cycle"], owner=dept, code=f"Q{offset + i}-{dept.pk}")
            indicator = IndicatorFactory(goal=goal, code=f"QI{offset + i}-{dept.pk}")
            measurement = MeasurementFactory(indicator=indicator, entered_by=world["editor"])
            measurement.corrections.create(old_value=1, new_value=measurement.value, reason="更正")
        cycle = CycleFactory(year=2000 + offset + i)
        QualitativeReviewFactory(department=world["dept_a"], cycle=cycle)
        DepartmentEditorFactory(department=world["dept_b"])


def count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("user_key", ["editor", "city_admin"])
def test_list_pages_issue_a_bounded_number_of_queries(client, world, user_key):
    client.force_login(world[user_key])
    namespaces = INDEXES if user_key == "city_admin" else INDEXES[:4]
    paths = [reverse(f"{namespace}:index") for namespace in namespaces]
    for path in paths:  # warm per-process caches (content types, site)
        client.get(path)
    add_rows(world, 1, offset=10)
    small = {path: count_queries(client, path) for path in paths}
    add_rows(world, 6, offset=20)
    large = {path: count_queries(client, path) for path in paths}
    assert small == large


def test_filters_narrow_the_indicator_list(client, world):
    world["ind_a"].status = Status.RED
    world["ind_a"].save()
    client.force_login(world["city_admin"])
    index = reverse("portal_indicator:index")
    content = client.get(index, {"status": Status.RED}).content.decode()
    assert "数据开放率" in content
    assert "公交准点率" not in content
    content = client.get(index, {"department": world["dept_b"].pk}).content.decode()
    assert "公交准点率" in content
    assert "数据开放率" not in content
    content = client.get(index, {"q": "公交"}).content.decode()
    assert "公交准点率" in content
    assert "数据开放率" not in content


def test_measurement_list_filters_by_department_and_cycle(client, world):
    other_cycle = CycleFactory(year=2026)
    goal = GoalFactory(cycle=other_cycle, owner=world["dept_a"], code="2026-01")
    MeasurementFactory(
        indicator=IndicatorFactory(goal=goal, code="A26-01"), period=datetime.date(2026, 1, 1)
    )
    client.force_login(world["city_admin"])
    index = reverse("portal_measurement:index")
    content = client.get(index, {"cycle": other_cycle.pk}).content.decode()
    assert "A26-01" in content
    assert "A-01 " not in content
    content = client.get(index, {"department": world["dept_b"].pk}).content.decode()
    assert "B-01" in content
    assert "A26-01" not in content


def test_the_department_filter_offers_only_the_editors_departments(client, world):
    client.force_login(world["editor"])
    response = client.get(reverse("portal_indicator:index"))
    choices = response.context["filters"].form.fields["department"].queryset
    assert list(choices) == [world["dept_a"]]


def test_indicator_list_shows_latest_value_and_status_in_words(client, world):
    indicator = world["ind_a"]
    indicator.latest_value = 42
    indicator.latest_period = datetime.date(2025, 3, 1)
    indicator.status = Status.YELLOW
    indicator.save()
    client.force_login(world["editor"])
    content = client.get(reverse("portal_indicator:index")).content.decode()
    assert "42 %" in content
    assert "2025-03" in content
    assert "portal-status--yellow" in content


# ---- dashboard ------------------------------------------------------------------------------


def test_previous_month():
    assert previous_month(datetime.date(2026, 1, 15)) == datetime.date(2025, 12, 1)
    assert previous_month(datetime.date(2026, 3, 31)) == datetime.date(2026, 2, 1)


@pytest.fixture
def current(world):
    """Departments with indicators in the cycle that contains last month."""
    month = previous_month(timezone.localdate())
    cycle = CycleFactory(year=month.year)
    goal_a = GoalFactory(cycle=cycle, owner=world["dept_a"], code="NOW-A")
    goal_b = GoalFactory(cycle=cycle, owner=world["dept_b"], code="NOW-B")
    world.update(
        month=month,
        reported=IndicatorFactory(goal=goal_a, code="NOW-A-1", name="已报送指标"),
        missing=IndicatorFactory(goal=goal_a, code="NOW-A-2", name="未报送指标"),
        red=IndicatorFactory(goal=goal_a, code="NOW-A-3", name="严重滞后指标", status=Status.RED),
        other=IndicatorFactory(goal=goal_b, code="NOW-B-1", name="他局未报送", status=Status.RED),
    )
    MeasurementFactory(indicator=world["reported"], period=month)
    MeasurementFactory(indicator=world["red"], period=month)
    return world


def test_dashboard_lists_the_editors_missing_and_red_indicators(client, current):
    client.force_login(current["editor"])
    response = client.get(reverse("wagtailadmin_home"))
    content = response.content.decode()
    assert "未报送指标" in content
    assert "严重滞后指标" in content
    assert "已报送指标" not in content
    assert "他局未报送" not in content
    assert current["month"].strftime("%Y-%m") in content


def test_dashboard_panel_is_absent_for_accounts_without_a_department(client, current):
    from portal.factories import UserFactory

    writer = UserFactory(username="report-writer")
    writer.groups.add(editor_group())
    client.force_login(writer)
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "portal-department-work" not in content


def test_inspect_pages_show_times_in_the_citys_time_zone(admin_client, world):
    """A value entered at 04:30 in the city reads 04:30, not the stored UTC 20:30."""
    measurement = world["meas_a"]
    stored = datetime.datetime(2026, 10, 5, 20, 30, tzinfo=datetime.UTC)
    type(measurement).objects.filter(pk=measurement.pk).update(entered_at=stored)
    html = admin_client.get(reverse("portal_measurement:inspect", args=[measurement.pk]))
    text = html.content.decode()
    assert "2026年10月6日 04:30" in text
    assert "20:30" not in text

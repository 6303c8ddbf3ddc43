"""What tests share: builders for a small city, the default site, the vendored real data and
the admin's refusal check.

Plain functions, called by the fixtures in ``tests/conftest.py`` or directly by a test that
needs a variant (``build_city(departments=3)``). A test module never imports helpers from
another test module: what two modules need lives here.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from portal import evaluation
from portal.actions import record_measurement
from portal.factories import (
    CycleFactory,
    DepartmentEditorFactory,
    DepartmentFactory,
    GoalFactory,
    IndicatorFactory,
    MeasurementFactory,
    QualitativeReviewFactory,
    UserFactory,
)
from portal.models import Department, Goal, HomePage

# Real published data, copied with its source (tests/data/README.md); the tests read nothing
# outside the repository.
REALDATA = Path(__file__).resolve().parent / "data"

# Request headers for the public site in each language.
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}

# The year of the city that build_city() builds.
YEAR = 2026


# ---- the site -------------------------------------------------------------------------------


def ensure_default_site():
    """Return the default Wagtail site, rebuilding root page, home page and site if missing.

    Migrations create them, but a transactional test (``transactional_db``, ``live_server``)
    ends by flushing every table, so the tests after it would find no home page at ``/``.
    """
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        return site
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    home = HomePage.objects.first() or root.add_child(
        instance=HomePage(title="首页", slug="home", live=True)
    )
    return Site.objects.create(
        hostname="localhost",
        port=80,
        root_page=home,
        is_default_site=True,
        site_name=settings.WAGTAIL_SITE_NAME,
    )


# ---- a small city for the public pages -------------------------------------------------------


def build_city(departments=2, indicators_per_goal=2, months=3, year=YEAR):
    """A cycle with departments, a city goal, department goals, key tasks and measurements,
    recorded through the domain's action and recomputed, as an editor's entries would be."""
    cycle = CycleFactory(year=year)
    owners = [
        DepartmentFactory(category=Department.Category.SOCIAL if n % 2 else "general")
        for n in range(departments)
    ]
    city_goal = Goal.objects.filter(cycle=cycle, level=Goal.Level.CITY).first() or GoalFactory(
        cycle=cycle, level=Goal.Level.CITY, owner=owners[0], title="建设人民满意的服务型政府"
    )
    for n, department in enumerate(owners):
        goal = GoalFactory(cycle=cycle, owner=department, parent=city_goal)
        goal.co_departments.add(owners[(n + 1) % len(owners)])
        task = GoalFactory(cycle=cycle, owner=department, parent=goal, level=Goal.Level.TASK)
        for k in range(indicators_per_goal):
            indicator = IndicatorFactory(goal=goal if k % 2 == 0 else task)
            for m in range(1, months + 1):
                record_measurement(indicator, datetime.date(year, m, 1), Decimal(10 * m + n))
        QualitativeReviewFactory(department=department, cycle=cycle)
    evaluation.recompute_cycle(cycle)
    return cycle


# ---- two departments and their editors, for the admin ----------------------------------------

EDITOR_MODELS = ("goal", "indicator", "measurement")
ALL_MODELS = (
    "goal",
    "indicator",
    "measurement",
    "department",
    "cycle",
    "qualitativereview",
    "departmenteditor",
)


def group_with(name: str, codenames: list[str]) -> Group:
    """A group with these portal permissions and access to the admin."""
    group, _ = Group.objects.get_or_create(name=name)
    perms = Permission.objects.filter(
        content_type__app_label="portal", codename__in=codenames
    ) | Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
    group.permissions.set(perms)
    return group


def editor_group() -> Group:
    """What a city gives its department staff: full rights on goals, indicators, measurements."""
    codenames = [f"{a}_{m}" for a in ("add", "change", "delete", "view") for m in EDITOR_MODELS]
    return group_with("部门填报员", [*codenames, "view_department"])


def city_admin_group() -> Group:
    """City administrators: every model, every department (not superusers)."""
    codenames = [f"{a}_{m}" for a in ("add", "change", "delete", "view") for m in ALL_MODELS]
    return group_with("市级管理员", [*codenames, "manage_all_departments"])


def build_world() -> dict:
    """Departments A and B with a goal, indicator and measurement each; an editor of A; admins."""
    cycle = CycleFactory(year=2025)
    dept_a = DepartmentFactory(name="市数据局", slug="data-bureau", sort_order=1)
    dept_b = DepartmentFactory(name="市交通局", slug="transport-bureau", sort_order=2)
    goal_a = GoalFactory(cycle=cycle, owner=dept_a, code="2025-01", title="数据共享")
    goal_b = GoalFactory(cycle=cycle, owner=dept_b, code="2025-02", title="公交准点")
    ind_a = IndicatorFactory(goal=goal_a, code="A-01", name="数据开放率")
    ind_b = IndicatorFactory(goal=goal_b, code="B-01", name="公交准点率")
    meas_a = MeasurementFactory(indicator=ind_a, period=datetime.date(2025, 3, 1), value=11)
    meas_b = MeasurementFactory(indicator=ind_b, period=datetime.date(2025, 3, 1), value=22)
    editor = UserFactory(username="data-editor")
    editor.groups.add(editor_group())
    DepartmentEditorFactory(user=editor, department=dept_a)
    city_admin = UserFactory(username="city-admin")
    city_admin.groups.add(city_admin_group())
    return {
        "cycle": cycle,
        "dept_a": dept_a,
        "dept_b": dept_b,
        "goal_a": goal_a,
        "goal_b": goal_b,
        "ind_a": ind_a,
        "ind_b": ind_b,
        "meas_a": meas_a,
        "meas_b": meas_b,
        "review_b": QualitativeReviewFactory(department=dept_b, cycle=cycle),
        "editor": editor,
        "city_admin": city_admin,
    }


# ---- admin requests --------------------------------------------------------------------------


def url(namespace: str, view: str, obj=None) -> str:
    """The URL of a viewset's view: ``url("portal_goal", "edit", goal)``."""
    return reverse(f"{namespace}:{view}", args=[obj.pk] if obj is not None else [])


def refused(response) -> bool:
    """Wagtail answers a refusal with 403/404, or a redirect to the dashboard with a message."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response.url.rstrip("/").endswith("/admin")

"""The indicator chooser of the chart and table blocks: published years only, a department
editor's own department's indicators; a chart chosen in the editor is saved by code."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import GroupPagePermission
from wagtail.test.utils.form_data import nested_form_data, streamfield

from disclosure.factories import make_report, report_index
from disclosure.models import ReportPage
from portal.factories import (
    CycleFactory,
    DepartmentEditorFactory,
    DepartmentFactory,
    GoalFactory,
    IndicatorFactory,
    UserFactory,
)

pytestmark = pytest.mark.usefixtures("wagtail_site")


@pytest.fixture
def world(db):
    cycle, hidden = CycleFactory(year=2025), CycleFactory(year=2026, published=False)
    police, market = DepartmentFactory(name="市公安局"), DepartmentFactory(name="市市场监管局")
    own = IndicatorFactory(goal=GoalFactory(cycle=cycle, owner=police), name="刑事案件破案率")
    other = IndicatorFactory(goal=GoalFactory(cycle=cycle, owner=market), name="抽检合格率")
    draft = IndicatorFactory(goal=GoalFactory(cycle=hidden, owner=police), name="未公布指标")
    index = report_index()
    group = Group.objects.create(name="报告编辑")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=group,
            page=index,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    editor = UserFactory(is_staff=True)
    editor.groups.add(group)
    DepartmentEditorFactory(user=editor, department=police)
    admin = UserFactory(is_staff=True, is_superuser=True)
    return {
        "own": own,
        "other": other,
        "draft": draft,
        "editor": editor,
        "admin": admin,
        "police": police,
    }


def chooser_names(client, **params) -> str:
    response = client.get(reverse("indicator_chooser:choose"), params)
    assert response.status_code == 200
    return response.json()["html"]


def test_the_chooser_offers_published_indicators_in_the_editors_scope(client, world):
    client.force_login(world["admin"])
    html = chooser_names(client)
    assert world["own"].name in html and world["other"].name in html
    assert world["draft"].name not in html  # an unpublished year is never charted
    client.force_login(world["editor"])
    html = chooser_names(client)
    assert world["own"].name in html and world["other"].name not in html
    searched = client.get(reverse("indicator_chooser:choose_results"), {"q": "不存在"})
    assert world["own"].name not in searched.content.decode()


def test_an_editor_saves_a_chart_chosen_in_the_editor(client, world):
    report = make_report("公安局报告", department=world["police"], year=2025)
    client.force_login(world["editor"])
    url = f"/admin/pages/{report.pk}/edit/"
    page = client.get(url)
    assert page.status_code == 200 and "indicator_chooser" in page.content.decode()
    chart = {
        "indicator": world["own"].pk,
        "others": streamfield([]),
        "chart_type": "bar",
        "from_month": "2025-01",
        "to_month": "",
        "caption": "破案率",
    }
    data = nested_form_data(
        {
            "title": "公安局报告",
            "slug": report.slug,
            "kind": "performance",
            "year": 2025,
            "department": world["police"].pk,
            "report_date": "2026-02-01",
            "publisher": "",
            "summary": "",
            "body": streamfield([("indicator_chart", chart)]),
            "action-publish": "1",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302
    saved = ReportPage.objects.get(pk=report.pk)
    raw = saved.body.raw_data[0]["value"]
    assert raw["indicator"] == world["own"].code  # stored by code, as generated reports are
    assert raw["chart_type"] == "bar"
    assert saved.snapshots.count() == 2  # the first publication and this one

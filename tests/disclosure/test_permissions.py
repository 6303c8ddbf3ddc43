"""Department editors write reports only for their own department."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission
from wagtail.test.utils.form_data import nested_form_data, streamfield

from disclosure.factories import make_report, paragraph, report_index
from disclosure.models import ReportPage
from portal.factories import DepartmentEditorFactory, DepartmentFactory, UserFactory

pytestmark = pytest.mark.usefixtures("wagtail_site")


@pytest.fixture
def world(db):
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
    police, market = DepartmentFactory(name="市公安局"), DepartmentFactory(name="市市场监管局")
    editor = UserFactory(is_staff=True)
    editor.groups.add(group)
    DepartmentEditorFactory(user=editor, department=police)
    return {
        "index": index,
        "police": police,
        "market": market,
        "editor": editor,
        "own": make_report("公安局报告", department=police, body=[paragraph("<p>原文</p>")]),
        "other": make_report("市场监管局报告", department=market),
        "city": make_report("全市报告"),
    }


def form(title, department, slug="new-report", **extra):
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "kind": "performance",
            "year": 2025,
            "department": department.pk if department else "",
            "report_date": "2026-02-01",
            "publisher": "",
            "summary": "",
            "body": streamfield([]),
            **extra,
        }
    )


def test_an_editor_edits_and_publishes_their_own_departments_report(client, world):
    client.force_login(world["editor"])
    report = world["own"]
    url = f"/admin/pages/{report.pk}/edit/"
    assert client.get(url).status_code == 200
    data = form("公安局报告（修订）", world["police"], slug=report.slug, **{"action-publish": "1"})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ReportPage.objects.get(pk=report.pk).title == "公安局报告（修订）"


@pytest.mark.parametrize("which", ["other", "city"])
def test_an_editor_cannot_touch_another_departments_or_the_citys_report(client, world, which):
    client.force_login(world["editor"])
    report = world[which]
    for action in ("edit", "delete", "unpublish", "move", "history"):
        response = client.get(f"/admin/pages/{report.pk}/{action}/")
        assert response.status_code in (302, 403), (action, response.status_code)
        if response.status_code == 302:
            assert f"/pages/{report.pk}/" not in response["Location"], action
    data = form("被改掉的标题", world["police"], slug=report.slug, **{"action-publish": "1"})
    client.post(f"/admin/pages/{report.pk}/edit/", data)
    assert ReportPage.objects.get(pk=report.pk).title == report.title
    assert ReportPage.objects.get(pk=report.pk).live


def test_an_editor_creates_reports_only_for_their_department(client, world):
    client.force_login(world["editor"])
    url = f"/admin/pages/add/disclosure/reportpage/{world['index'].pk}/"
    page = client.get(url)
    choices = page.context["form"].fields["department"].queryset
    assert list(choices) == [world["police"]]
    for department in (world["market"], None):
        response = client.post(url, form("冒名报告", department, slug="fake"))
        assert response.status_code == 200
        assert response.context["form"].errors["department"]
    assert not ReportPage.objects.filter(slug="fake").exists()
    response = client.post(url, form("公安局新报告", world["police"], slug="ok"))
    assert response.status_code == 302
    assert ReportPage.objects.get(slug="ok").department == world["police"]


def test_a_city_administrator_writes_any_report(client, world):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    url = f"/admin/pages/add/disclosure/reportpage/{world['index'].pk}/"
    response = client.post(url, form("全市新报告", None, slug="city-new"))
    assert response.status_code == 302
    assert ReportPage.objects.get(slug="city-new").department is None
    assert client.get(f"/admin/pages/{world['other'].pk}/edit/").status_code == 200


def test_an_editor_cannot_take_back_a_reassigned_report_through_an_old_revision(client, world):
    report = world["own"]
    old_revision = report.latest_revision
    admin = UserFactory(is_superuser=True, is_staff=True)
    report.department = world["market"]
    report.save_revision(user=admin).publish(user=admin)
    client.force_login(world["editor"])
    url = f"/admin/pages/{report.pk}/revisions/{old_revision.pk}/revert/"
    response = client.get(url)
    assert response.status_code in (302, 403)
    data = form("被公安局改回", world["police"], slug=report.slug, **{"action-publish": "1"})
    client.post(url, data)
    client.post(f"/admin/pages/{report.pk}/edit/", data)
    report = ReportPage.objects.get(pk=report.pk)
    assert (report.title, report.department) == ("公安局报告", world["market"])
    assert report.latest_revision.user == admin


def test_only_the_city_manages_the_report_index_itself(client, world):
    from wagtail.models import PageViewRestriction

    index = world["index"]
    client.force_login(world["editor"])
    for action in ("edit", "delete", "unpublish", "move", "copy", "privacy"):
        response = client.get(f"/admin/pages/{index.pk}/{action}/")
        assert response.status_code in (302, 403), (action, response.status_code)
    client.post(f"/admin/pages/{index.pk}/privacy/", {"restriction_type": "login"})
    client.post(f"/admin/pages/{index.pk}/unpublish/")
    assert not PageViewRestriction.objects.exists()
    index.refresh_from_db()
    assert index.live
    # ... while the editor may still add their department's reports under it.
    assert client.get(f"/admin/pages/add/disclosure/reportpage/{index.pk}/").status_code == 200


def test_no_admin_list_shows_another_departments_draft_to_an_editor(client, world):
    draft = make_report("Zebrasecret 市场监管局草稿", department=world["market"], publish=False)
    own = make_report("Zebrapublic 公安局草稿", department=world["police"], publish=False)
    index = world["index"].pk
    lists = [
        f"/admin/pages/{index}/",
        f"/admin/pages/{index}/?q=Zebra",
        f"/admin/pages/{index}/?q=Zebra&search_all=1",
        "/admin/pages/search/?q=Zebra",
        f"/admin/choose-page/{index}/",
        "/admin/choose-page/search/?q=Zebra",
        f"/admin/api/main/pages/?child_of={index}",
        "/admin/reports/site-history/",
    ]
    client.force_login(world["editor"])
    for url in lists:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        html = response.content.decode()
        assert draft.title not in html, url
        for other in ("市场监管局报告", "全市报告"):
            assert other not in html, (url, other)
    assert own.title in client.get("/admin/pages/search/?q=Zebra").content.decode()
    assert own.title in client.get(f"/admin/pages/{index}/").content.decode()
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    html = client.get("/admin/pages/search/?q=Zebra").content.decode()
    assert draft.title in html and own.title in html


def test_the_explorer_lists_only_the_editors_own_departments_reports(client, world):
    draft = make_report("市场监管局报告草稿", department=world["market"], publish=False)
    client.force_login(world["editor"])
    html = client.get(f"/admin/pages/{world['index'].pk}/").content.decode()
    assert "公安局报告" in html
    for other in ("市场监管局报告", draft.title, "全市报告"):
        assert other not in html, other
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    html = client.get(f"/admin/pages/{world['index'].pk}/").content.decode()
    assert all(t in html for t in ("公安局报告", "市场监管局报告", draft.title, "全市报告"))

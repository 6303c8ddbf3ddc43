"""The review workflow: editors submit, a department's reviewers approve only their department's
reports, city reviewers publish (at once or at the go-live date); nothing unapproved is public."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import TaskState, WorkflowPage
from wagtail.test.utils.form_data import nested_form_data, streamfield

from disclosure.factories import make_report, paragraph, report_index
from disclosure.models import ReportPage
from disclosure.search import report_documents
from disclosure.workflow import (
    CITY_REVIEWERS,
    CITY_TASK,
    DEPARTMENT_EDITORS,
    DEPARTMENT_REVIEWERS,
    DEPARTMENT_TASK,
    WORKFLOW_NAME,
    ensure_review_workflow,
)
from portal.factories import DepartmentEditorFactory, DepartmentFactory, UserFactory
from tests.builders import refused

pytestmark = pytest.mark.usefixtures("wagtail_site")


def member(group_name: str, department=None, **fields):
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=group_name))
    if department is not None:
        DepartmentEditorFactory(user=user, department=department)
    return user


@pytest.fixture
def people(db):
    police, market = DepartmentFactory(name="市公安局"), DepartmentFactory(name="市市场监管局")
    return {
        "index": report_index(),
        "police": police,
        "market": market,
        "editor": member(DEPARTMENT_EDITORS, police, username="police-editor"),
        "police_reviewer": member(DEPARTMENT_REVIEWERS, police, username="police-reviewer"),
        "market_reviewer": member(DEPARTMENT_REVIEWERS, market, username="market-reviewer"),
        "city_reviewer": member(CITY_REVIEWERS, username="city-reviewer"),
    }


def login(client, user):
    client.cookies.pop("messages", None)  # the previous user's "submitted" message
    client.force_login(user)


def edit_form(report, title=None, **extra):
    return nested_form_data(
        {
            "title": title or report.title,
            "slug": report.slug,
            "kind": report.kind,
            "year": report.year,
            "period": "",
            "department": report.department_id or "",
            "report_date": report.report_date.isoformat(),
            "publisher": "",
            "summary": report.summary,
            "body": streamfield([]),
            **extra,
        }
    )


def submit(client, report, user, **extra):
    login(client, user)
    response = client.post(
        f"/admin/pages/{report.pk}/edit/", edit_form(report, **{"action-submit": "1", **extra})
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return ReportPage.objects.get(pk=report.pk)


def approve(client, report, user):
    login(client, user)
    state = TaskState.objects.get(
        workflow_state__object_id=str(report.pk), status=TaskState.STATUS_IN_PROGRESS
    )
    url = reverse("wagtailadmin_pages:workflow_action", args=[report.pk, "approve", state.pk])
    return client.post(url, {"comment": ""})


def current_task(report) -> str | None:
    report = ReportPage.objects.get(pk=report.pk)
    task = report.current_workflow_task
    return task.name if task else None


def test_every_report_index_gets_the_review_workflow_once(people):
    index = people["index"]
    assert WorkflowPage.objects.get(page=index).workflow.name == WORKFLOW_NAME
    tasks = [t.name for t in WorkflowPage.objects.get(page=index).workflow.tasks]
    assert tasks == [DEPARTMENT_TASK, CITY_TASK]
    ensure_review_workflow()
    ensure_review_workflow(index)
    assert WorkflowPage.objects.filter(page=index).count() == 1
    assert len(WorkflowPage.objects.get(page=index).workflow.tasks) == 2


def test_a_department_editor_submits_but_cannot_publish(client, people):
    report = make_report("公安局月报", department=people["police"], publish=False)
    client.force_login(people["editor"])
    client.post(
        f"/admin/pages/{report.pk}/edit/", edit_form(report, "直接发布", **{"action-publish": "1"})
    )
    assert not ReportPage.objects.get(pk=report.pk).live
    report = submit(client, report, people["editor"])
    assert not report.live
    assert current_task(report) == DEPARTMENT_TASK


def test_only_the_reports_own_department_reviewer_and_the_city_approve(client, people):
    report = make_report("公安局月报", department=people["police"], publish=False)
    report = submit(client, report, people["editor"])
    # Another department's reviewer: no editor, no approve action, not in their review list.
    market = people["market_reviewer"]
    login(client, market)
    assert refused(client.get(f"/admin/pages/{report.pk}/edit/"))
    assert report.title not in client.get("/admin/").content.decode()
    assert refused(approve(client, report, market))
    assert current_task(report) == DEPARTMENT_TASK
    # The editor cannot approve their own report either.
    assert refused(approve(client, report, people["editor"]))
    # The police department's reviewer sees it awaiting review and approves their step.
    police = people["police_reviewer"]
    login(client, police)
    assert report.title in client.get("/admin/").content.decode()
    assert client.get(f"/admin/pages/{report.pk}/edit/").status_code == 200
    assert not refused(approve(client, report, police))
    assert current_task(report) == CITY_TASK
    assert not ReportPage.objects.get(pk=report.pk).live
    # The city step is the city reviewers': the department's reviewer cannot publish.
    assert refused(approve(client, report, police))
    assert not refused(approve(client, report, people["city_reviewer"]))
    report = ReportPage.objects.get(pk=report.pk)
    assert report.live and current_task(report) is None
    assert report.live_revision.user == people["editor"]


def test_a_city_reviewer_approves_both_steps_of_a_city_wide_report(client, people):
    city = member(CITY_REVIEWERS, username="city-reviewer-2")
    report = make_report("全市月报", publish=False, user=city)
    report = submit(client, report, city)
    assert refused(approve(client, report, people["police_reviewer"]))
    assert not refused(approve(client, report, people["city_reviewer"]))
    assert not refused(approve(client, report, people["city_reviewer"]))
    assert ReportPage.objects.get(pk=report.pk).live


def test_a_report_in_review_is_nowhere_public(client, people):
    published = make_report("已发布的公安局报告", department=people["police"], summary="旧摘要")
    draft = make_report("审核中的公安局报告", department=people["police"], publish=False)
    submit(client, draft, people["editor"])
    # An edit of the published report awaits review too: the public keeps the live text.
    submit(client, published, people["editor"], title="改过但未审核的标题")
    client.logout()
    pages = [
        client.get("/reports/").content.decode(),
        client.get("/reports/feed/").content.decode(),
        client.get(f"/reports/feed/{people['police'].slug}/").content.decode(),
        client.get("/").content.decode(),
    ]
    for html in pages:
        assert "已发布的公安局报告" in html
        assert "审核中的公安局报告" not in html and "改过但未审核的标题" not in html
    assert client.get(draft.url or f"/reports/{draft.slug}/").status_code == 404
    titles = [document.title for document in report_documents()]
    assert titles == ["已发布的公安局报告"]


def test_an_approved_report_goes_live_at_its_go_live_date(client, people, monkeypatch):
    report = make_report("定时发布的公安局报告", department=people["police"], publish=False)
    go_live = timezone.localtime() + datetime.timedelta(days=2)
    report = submit(client, report, people["editor"], go_live_at=go_live.strftime("%Y-%m-%d %H:%M"))
    approve(client, report, people["police_reviewer"])
    approve(client, report, people["city_reviewer"])
    report = ReportPage.objects.get(pk=report.pk)
    assert not report.live and report.scheduled_revision is not None
    call_command("publish_scheduled")
    assert not ReportPage.objects.get(pk=report.pk).live
    assert "定时发布的公安局报告" not in client.get("/reports/").content.decode()
    later = timezone.now() + datetime.timedelta(days=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    call_command("publish_scheduled")
    assert ReportPage.objects.get(pk=report.pk).live
    monkeypatch.undo()
    assert "定时发布的公安局报告" in client.get("/reports/").content.decode()


def test_two_revisions_of_a_report_compare(client, people):
    report = make_report(
        "公安局报告", department=people["police"], body=[paragraph("<p>第一稿</p>")]
    )
    first = report.latest_revision
    report.body = [paragraph("<p>第二稿</p>")]
    second = report.save_revision(user=people["city_reviewer"])
    client.force_login(people["city_reviewer"])
    url = reverse("wagtailadmin_pages:revisions_compare", args=[report.pk, first.pk, second.pk])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "第一稿" in html and "第二稿" in html
    # ... and the police reviewer compares their department's report, the market one may not.
    client.force_login(people["market_reviewer"])
    assert refused(client.get(url))

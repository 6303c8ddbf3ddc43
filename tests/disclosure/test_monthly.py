"""The generated monthly report: a draft written from the month's scores, updated (never
duplicated, never published) by a second run, from the command line or the admin's button."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from disclosure.actions import draft_monthly_report
from disclosure.factories import report_index
from disclosure.models import ReportKind, ReportPage
from disclosure.monthly import MonthlyReportError
from disclosure.workflow import DEPARTMENT_EDITORS, DEPARTMENT_REVIEWERS
from portal import evaluation
from portal.actions import record_measurement
from portal.factories import (
    CycleFactory,
    DepartmentEditorFactory,
    DepartmentFactory,
    GoalFactory,
    IndicatorFactory,
    QualitativeReviewFactory,
    UserFactory,
)
from portal.models import Evaluation, Indicator
from portal.values import format_number
from tests.builders import refused

pytestmark = pytest.mark.usefixtures("wagtail_site")
OCTOBER = datetime.date(2026, 10, 1)


@pytest.fixture
def city(db):
    """Two departments and four indicators (target 100 from 0) measured in September and
    October 2026: one green throughout, one turning from green to red, one yellow (its October
    figure corrected) and one red throughout."""
    cycle = CycleFactory(year=2026)
    police = DepartmentFactory(name="市公安局", slug="police", sort_order=1)
    market = DepartmentFactory(name="市市场监管局", slug="market", sort_order=2)
    figures = {
        ("A-01", "刑事案件破案率", police): (80, 95),
        ("A-02", "交通事故下降率", police): (70, 40),
        ("B-01", "食品抽检合格率", market): (60, 62),
        ("B-02", "企业开办时间达标率", market): (20, 25),
    }
    for (code, name, owner), (september, october) in figures.items():
        goal = GoalFactory(cycle=cycle, owner=owner)
        indicator = IndicatorFactory(goal=goal, code=code, name=name, unit="%")
        record_measurement(indicator, datetime.date(2026, 9, 1), Decimal(september))
        record_measurement(indicator, OCTOBER, Decimal(october))
    record_measurement(
        Indicator.objects.get(code="B-01"), OCTOBER, Decimal(65), reason="抽检批次口径更正"
    )
    for department in (police, market):
        QualitativeReviewFactory(department=department, cycle=cycle)
    evaluation.recompute_cycle(cycle)
    statuses = dict(Indicator.objects.values_list("code", "status"))
    assert statuses == {"A-01": "green", "A-02": "red", "B-01": "yellow", "B-02": "red"}
    return {"cycle": cycle, "police": police, "market": market, "index": report_index()}


def texts(report) -> str:
    return "\n".join(report.body_text())


def blocks_of(report, kind: str) -> list:
    return [block.value for block in report.body if block.block_type == kind]


def chart_codes(report) -> list[str]:
    # The chooser stores a code; a page read back from the database holds the indicator.
    values = [block["indicator"] for block in blocks_of(report, "indicator_chart")]
    return [getattr(value, "code", value) for value in values]


def table_rows(block) -> list[list[str]]:
    return block["table"]["data"]


def test_the_city_draft_states_the_months_figures(city):
    result = draft_monthly_report(OCTOBER)
    report = ReportPage.objects.get(pk=result.report.pk)
    assert result.created and not report.live and not result.live
    assert (report.kind, report.period, report.year, report.department) == (
        ReportKind.MONTHLY,
        OCTOBER,
        2026,
        None,
    )
    text = texts(report)
    # Every red and yellow indicator with its owner, reds first; never the green one.
    tables = blocks_of(report, "table")
    lagging = next(t for t in tables if any("B-01" in row for row in table_rows(t)))
    rows = table_rows(lagging)[1:]
    assert [(row[0], row[2]) for row in rows] == [
        ("交通事故下降率", "市公安局"),
        ("企业开办时间达标率", "市市场监管局"),
        ("食品抽检合格率", "市市场监管局"),
    ]
    assert rows[2][4] == "65%"  # the corrected figure
    assert "刑事案件破案率" not in text
    # The headline: four indicators, one green; the departments' average score.
    totals = list(
        Evaluation.objects.filter(cycle=city["cycle"], period=OCTOBER).values_list(
            "total", flat=True
        )
    )
    headline = blocks_of(report, "paragraph")[0].source
    assert format_number(sum(totals) / len(totals), 1) in headline
    assert "25%" in headline  # one of four indicators on target
    # What changed: the light that turned red, and the correction with its reason.
    assert "抽检批次口径更正" in text
    changed = next(t for t in tables if any("交通事故下降率（A-02）" in r for r in table_rows(t)))
    assert len(table_rows(changed)) == 2
    # The score table: both departments with their one-decimal totals; charts of the reds.
    scores = table_rows(tables[-1])
    for e in Evaluation.objects.filter(cycle=city["cycle"], period=OCTOBER):
        assert [str(e.rank), e.department.name, format_number(e.total, 1)] in [
            row[:3] for row in scores
        ]
    assert chart_codes(report) == ["A-02", "B-02"]


def test_a_department_draft_holds_only_its_own_indicators(city):
    report = draft_monthly_report(OCTOBER, department=city["market"]).report
    assert report.department == city["market"]
    text = texts(report)
    assert "食品抽检合格率" in text and "企业开办时间达标率" in text
    assert "交通事故下降率" not in text
    assert chart_codes(report) == ["B-02"]
    assert draft_monthly_report(OCTOBER).report.pk != report.pk  # the city's is another report


def test_a_second_run_updates_the_same_draft(city):
    first = draft_monthly_report(OCTOBER).report
    revisions = first.revisions.count()
    record_measurement(Indicator.objects.get(code="B-02"), OCTOBER, Decimal(90), reason="补报")
    evaluation.recompute_cycle(city["cycle"])
    second = draft_monthly_report(OCTOBER)
    assert not second.created and second.report.pk == first.pk
    assert ReportPage.objects.filter(kind=ReportKind.MONTHLY).count() == 1
    assert second.report.revisions.count() == revisions + 1
    latest = second.report.get_latest_revision_as_object()
    assert chart_codes(latest) == ["A-02"]


def test_a_published_monthly_report_keeps_its_text_and_gets_a_draft_revision(client, city):
    report = draft_monthly_report(OCTOBER).report
    report.get_latest_revision().publish()
    published = client.get(report.url).content.decode()
    assert "企业开办时间达标率" in published
    record_measurement(Indicator.objects.get(code="B-02"), OCTOBER, Decimal(90), reason="补报")
    evaluation.recompute_cycle(city["cycle"])
    out = io.StringIO()
    call_command("draft_monthly_report", "--month", "2026-10", stdout=out)
    assert "already published" in out.getvalue()
    report = ReportPage.objects.get(pk=report.pk)
    assert report.live and report.has_unpublished_changes
    assert chart_codes(report) == ["A-02", "B-02"]
    draft = report.get_latest_revision_as_object()
    assert chart_codes(draft) == ["A-02"]
    assert "企业开办时间达标率" in client.get(report.url).content.decode()


def test_a_second_run_sends_a_report_in_review_back_to_be_submitted(city):
    report = draft_monthly_report(OCTOBER).report
    report.get_workflow().start(report, UserFactory())
    assert ReportPage.objects.get(pk=report.pk).workflow_in_progress
    out = io.StringIO()
    call_command("draft_monthly_report", "--month", "2026-10", stdout=out)
    assert "submit it again" in out.getvalue()
    report = ReportPage.objects.get(pk=report.pk)
    assert not report.workflow_in_progress and not report.live


def test_the_command_drafts_a_departments_report_and_refuses_bad_input(city):
    out = io.StringIO()
    call_command("draft_monthly_report", "--month", "2026-10", "--department", "police", stdout=out)
    assert "created the draft" in out.getvalue()
    assert ReportPage.objects.get(kind="monthly").department == city["police"]
    for args in (["--month", "2026/10"], ["--month", "2026-10", "--department", "nobody"]):
        with pytest.raises(CommandError):
            call_command("draft_monthly_report", *args, stdout=io.StringIO())
    with pytest.raises(CommandError):  # no scores in November yet
        call_command("draft_monthly_report", "--month", "2026-11", stdout=io.StringIO())
    with pytest.raises(MonthlyReportError):
        draft_monthly_report(datetime.date(2030, 1, 1))


def test_a_monthly_report_needs_its_month(city):
    report = ReportPage(title="月报", slug="m", kind=ReportKind.MONTHLY, year=2026)
    with pytest.raises(ValidationError) as error:
        report.full_clean()
    assert "period" in error.value.message_dict
    report.period = datetime.date(2026, 10, 17)
    report.clean()
    assert report.period == OCTOBER


# ---- the admin's button --------------------------------------------------------------------


def person(city, group_name, department=None, **fields):
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=group_name))
    if department is not None:
        DepartmentEditorFactory(user=user, department=department)
    return user


def test_a_city_administrator_drafts_from_the_report_index(client, city):
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    listing = client.get(f"/admin/pages/{city['index'].pk}/").content.decode()
    assert "/admin/disclosure/monthly-draft/" in listing
    response = client.post("/admin/disclosure/monthly-draft/", {"month": "2026-10"})
    report = ReportPage.objects.get(kind="monthly")
    assert response.status_code == 302 and response["Location"].endswith(f"/{report.pk}/edit/")
    assert report.department is None and not report.live
    client.post("/admin/disclosure/monthly-draft/", {"month": "2026-10"})
    assert ReportPage.objects.filter(kind="monthly").count() == 1


def test_a_department_editor_drafts_only_their_departments_report(client, city):
    editor = person(city, DEPARTMENT_EDITORS, city["police"], username="police-editor")
    client.force_login(editor)
    assert (
        "/admin/disclosure/monthly-draft/"
        in client.get(f"/admin/pages/{city['index'].pk}/").content.decode()
    )
    for department in ("", city["market"].pk):
        response = client.post(
            "/admin/disclosure/monthly-draft/", {"month": "2026-10", "department": department}
        )
        assert response.status_code == 200 and response.context["form"].errors
    assert not ReportPage.objects.exists()
    response = client.post(
        "/admin/disclosure/monthly-draft/", {"month": "2026-10", "department": city["police"].pk}
    )
    assert response.status_code == 302
    assert ReportPage.objects.get(kind="monthly").department == city["police"]
    # A month without scores is named, not a server error.
    response = client.post(
        "/admin/disclosure/monthly-draft/", {"month": "2026-11", "department": city["police"].pk}
    )
    assert response.status_code == 200 and response.context["form"].errors["month"]


def test_a_reviewer_who_cannot_add_reports_gets_no_button(client, city):
    reviewer = person(city, DEPARTMENT_REVIEWERS, city["police"], username="police-reviewer")
    client.force_login(reviewer)
    assert refused(client.get("/admin/disclosure/monthly-draft/"))
    response = client.post(
        "/admin/disclosure/monthly-draft/", {"month": "2026-10", "department": city["police"].pk}
    )
    assert refused(response)
    assert not ReportPage.objects.exists()

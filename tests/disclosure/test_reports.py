"""Disclosure reports: what a visitor reads, what stays hidden, and what editors may enter."""

from __future__ import annotations

import datetime
import json

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from wagtail.models import PageViewRestriction

from disclosure.blocks import DataTableBlock, IndicatorChartBlock
from disclosure.factories import chart, heading, make_report, paragraph, report_index, table
from disclosure.models import ReportKind, ReportPage
from portal.factories import (
    CycleFactory,
    DepartmentFactory,
    GoalFactory,
    IndicatorFactory,
    MeasurementFactory,
    UserFactory,
)
from tests.builders import REALDATA

pytestmark = pytest.mark.usefixtures("wagtail_site")


@pytest.fixture
def indicator(db):
    cycle = CycleFactory(year=2025)
    goal = GoalFactory(cycle=cycle, title="持续优化营商环境")
    ind = IndicatorFactory(goal=goal, code="2025-SC-01-1", name="企业开办平均时间", unit="天")
    for month in (1, 2, 3):
        MeasurementFactory(indicator=ind, period=datetime.date(2025, month, 1), value=4 - month)
    return ind


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def test_a_published_report_shows_its_text_tables_and_charts(client, indicator):
    dept = DepartmentFactory(name="市市场监督管理局", short_name="市场监管局")
    report = make_report(
        "2025年市场监管局绩效报告",
        department=dept,
        publisher="市市场监督管理局办公室",
        summary="全年目标完成情况。",
        body=[
            heading("一、总体情况"),
            paragraph("<p>全年新登记经营主体<b>1.2万户</b>。</p>"),
            table(
                "表1 主要指标完成情况",
                [["指标", "目标", "完成"], ["开办时间", "3天", "2天"]],
                source="市统计局",
            ),
            chart(indicator.code, "企业开办时间逐月变化"),
        ],
    )
    page = soup(client.get(report.url))
    assert page.h1.get_text() == "2025年市场监管局绩效报告"
    text = page.get_text(" ", strip=True)
    assert "一、总体情况" in text and "1.2万户" in text and "市市场监督管理局办公室" in text
    tables = page.select("table.data-table")
    caption = tables[0].caption.get_text(strip=True)
    assert caption == "表1 主要指标完成情况"
    assert [th.get_text() for th in tables[0].select("thead th")] == ["指标", "目标", "完成"]
    assert tables[0].select_one("tbody th[scope=row]").get_text() == "开办时间"
    assert "市统计局" in text
    # The chart has its table alternative, its source, as-of month and downloads.
    assert page.select_one(".report-chart [role=img]") is not None
    chart_rows = tables[1].select("tbody tr")
    assert [r.th.get_text() for r in chart_rows] == ["2025-01", "2025-02", "2025-03"]
    links = [a["href"] for a in page.select(".report-chart .downloads a")]
    chart_id = report.body[3].id  # the block's own table, as published
    assert links == [f"/reports/{report.pk}/blocks/{chart_id}.{f}" for f in ("csv", "xlsx", "json")]
    assert page.select_one('script[src*="plotly"]') is not None


def test_a_chart_before_any_heading_does_not_skip_a_heading_level(client, indicator):
    report = make_report(
        "图表在前", body=[chart(indicator.code), heading("一、情况"), chart(indicator.code)]
    )
    page = soup(client.get(report.url))
    levels = [h.name for h in page.select("article h2, article h3")]
    assert levels == ["h2", "h2", "h3"]


def test_report_text_is_escaped(client):
    report = make_report(
        "<script>alert(1)</script>",
        summary="<img src=x onerror=alert(1)>",
        body=[table("<b>表</b>", [["a", "b"], ["<script>x</script>", "1"]])],
    )
    html = client.get(report.url).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<img src=x" not in html


def test_drafts_unpublished_and_restricted_reports_are_not_public(client):
    shown = make_report("公开的报告")
    draft = make_report("草稿报告", publish=False)
    gone = make_report("已撤回的报告")
    gone.unpublish()
    private = make_report("内部报告")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    assert client.get(draft.url or f"/reports/{draft.slug}/").status_code == 404
    assert client.get(f"/reports/{gone.slug}/").status_code == 404
    assert client.get(private.url).status_code == 302  # to the login page
    listed = [a.get_text() for a in soup(client.get("/reports/")).select(".report-list h3 a")]
    assert listed == ["公开的报告"]
    assert list(ReportPage.objects.visible()) == [shown]


def test_the_list_filters_by_year_kind_and_department(client):
    police = DepartmentFactory(name="市公安局")
    make_report("2024年全市绩效报告", year=2024)
    make_report("2025年公安局绩效报告", year=2025, department=police)
    make_report("2025年政府信息公开工作年度报告", year=2025, kind=ReportKind.DISCLOSURE)

    def listed(query=""):
        page = soup(client.get(f"/reports/{query}"))
        return sorted(a.get_text() for a in page.select(".report-list h3 a"))

    assert len(listed()) == 3
    assert listed("?year=2024") == ["2024年全市绩效报告"]
    assert listed("?kind=disclosure") == ["2025年政府信息公开工作年度报告"]
    assert listed(f"?department={police.pk}") == ["2025年公安局绩效报告"]
    # Unknown or malformed values are ignored, never an error.
    for bad in (
        "?year=abc",
        "?year=1900",
        "?kind=<x>",
        "?department=99999",
        "?page=9999",
        "?page=-1",
        "?department=1%00",
    ):
        assert len(listed(bad)) == 3, bad
    # The Wagtail index page lists the same reports at its own address.
    assert soup(client.get(report_index().url)).select(".report-list h3 a")


@pytest.mark.parametrize("index_page", [False, True])
def test_an_unknown_filter_or_page_is_ignored_with_a_notice(client, english, index_page):
    # As on the search page: a list that is not filtered as asked says so.
    make_report("2025年全市绩效报告", year=2025)
    base = report_index().url if index_page else "/reports/"

    def notices(query):
        page = soup(client.get(f"{base}{query}", HTTP_ACCEPT_LANGUAGE="en"))
        return " ".join(li.get_text() for li in page.select(".notice li"))

    assert notices("?year=2025&kind=performance") == ""
    assert "“99999999999999999999”; it has been ignored" in notices(
        "?department=99999999999999999999"
    )
    assert "“1900, <x>”; it has been ignored" in notices("?year=1900&kind=<x>")
    assert "There is no page “9999” of this list; showing page 1." in notices("?page=9999")


def test_the_list_paginates(client):
    for n in range(23):
        make_report(
            f"第{n}号进展通报",
            kind=ReportKind.PROGRESS,
            report_date=datetime.date(2025, 1, 1) + datetime.timedelta(days=n),
        )
    first = soup(client.get("/reports/?kind=progress"))
    assert len(first.select(".report-list__item")) == 20
    assert first.select_one(".pagination a[rel=next]")["href"] == "?kind=progress&page=2"
    second = soup(client.get("/reports/?kind=progress&page=2"))
    assert len(second.select(".report-list__item")) == 3


def test_an_empty_table_and_an_unknown_indicator_are_refused(indicator):
    with pytest.raises(ValidationError):
        DataTableBlock().clean(
            {
                "caption": "表",
                "table": {"data": [["", None]], "first_row_is_table_header": True},
                "source": "",
                "note": "",
            }
        )
    block = IndicatorChartBlock()
    with pytest.raises(ValidationError) as excinfo:
        block.clean({"indicator": "NO-SUCH-CODE", "caption": ""})
    assert "NO-SUCH-CODE" in str(excinfo.value.block_errors["indicator"])
    cleaned = block.clean({"indicator": indicator.code, "caption": ""})
    assert cleaned["indicator"].code == indicator.code


def test_an_indicator_of_an_unpublished_year_cannot_be_charted(indicator):
    hidden = IndicatorFactory(goal=GoalFactory(cycle=CycleFactory(year=2026, published=False)))
    with pytest.raises(ValidationError):
        IndicatorChartBlock().clean({"indicator": hidden.code, "caption": ""})


def test_the_real_disclosure_annual_report_table_three(client):
    """Table 3 of 洪泽区's real 2023 annual report, quirks included (24 rows, stray spaces and
    line breaks in labels), renders row by row and is the report's searchable text."""
    data = json.loads((REALDATA / "annual_report_hongze_2023.json").read_text("utf-8"))
    t3 = data["table_3_收到和处理政府信息公开申请情况"]
    columns = t3["columns"]
    rows = [["项目", *columns]]
    for row in t3["rows"]:
        label = row.get("label_as_printed") or row["label_standard"]
        values = row["values"] or {}
        rows.append([label, *(values.get(c) for c in columns)])
    report = make_report(
        data["title"],
        kind=ReportKind.DISCLOSURE,
        year=data["report_year"],
        publisher=data["publisher"],
        report_date=datetime.date(2024, 2, 26),
        body=[table("三、收到和处理政府信息公开申请情况", rows, source=data["publisher"])],
    )
    page = soup(client.get(report.url))
    body_rows = page.select("table.data-table tbody tr")
    assert len(body_rows) == len(t3["rows"])
    first = body_rows[0]
    assert first.th.get_text() == rows[1][0]
    assert [td.get_text() for td in first.select("td")] == [
        "" if v is None else str(v) for v in rows[1][1:]
    ]
    text = " ".join(report.body_text())
    assert "予以公开" in text and "自然人" in text and data["publisher"] in text


def test_editors_create_reports_in_the_admin(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    index = report_index()
    response = client.get(f"/admin/pages/add/disclosure/reportpage/{index.pk}/")
    assert response.status_code == 200
    assert b"indicator_chart" in response.content


def test_the_home_page_lists_the_newest_reports_and_follows_publishing(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    make_report("2024年度绩效报告", year=2024, report_date=datetime.date(2025, 2, 1))
    shown = soup(client.get("/"))
    titles = [a.get_text() for a in shown.select("#reports-heading ~ ul a")]
    assert titles == ["2024年度绩效报告"]
    assert shown.select_one("#reports-heading ~ p a")["href"] == "/reports/"
    # The home page is cached; publishing a report refreshes it, unpublishing removes it.
    with django_capture_on_commit_callbacks(execute=True):
        new = make_report("2025年度绩效报告", year=2025, report_date=datetime.date(2026, 2, 1))
    titles = [a.get_text() for a in soup(client.get("/")).select("#reports-heading ~ ul a")]
    assert titles == ["2025年度绩效报告", "2024年度绩效报告"]
    with django_capture_on_commit_callbacks(execute=True):
        new.unpublish()
    titles = [a.get_text() for a in soup(client.get("/")).select("#reports-heading ~ ul a")]
    assert titles == ["2024年度绩效报告"]
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_report("草稿", publish=False)
    assert draft.title not in client.get("/").content.decode()

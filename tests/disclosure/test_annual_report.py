"""The statutory annual report with real data: 洪泽区's 2023 report entered as printed, in the
official layout, its wrong totals marked, each figure found by the site search."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.core.management.base import CommandError

from disclosure.annual_source import SourceError, annual_report_body, import_annual_report
from disclosure.models import ReportKind, ReportPage
from search.backends.base import SearchQuery
from search.backends.embedded import EmbeddedBackend
from tests.builders import EN, REALDATA

pytestmark = pytest.mark.usefixtures("wagtail_site")
HONGZE = REALDATA / "annual_report_hongze_2023.json"


@pytest.fixture
def hongze() -> dict:
    return json.loads(HONGZE.read_text("utf-8"))


@pytest.fixture
def index(tmp_path, monkeypatch, db):
    """An embedded index of this test's own, where the site's indexing writes."""
    backend = EmbeddedBackend(tmp_path / "search.sqlite3")
    monkeypatch.setattr("search.indexing.get_backend", lambda: backend)
    yield backend
    backend.close()


def page_soup(client, report) -> BeautifulSoup:
    response = client.get(report.url, **EN)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_the_wrong_totals_of_the_source_are_refused_unless_confirmed(english, hongze):
    with pytest.raises(SourceError) as refused:
        annual_report_body(hongze)
    assert "行政复议 / 总计: the total reads 0" in str(refused.value)
    assert "行政诉讼 复议后起诉 / 总计: the total reads 0" in str(refused.value)
    _body, confirmed = annual_report_body(hongze, as_printed=True)
    # Table 3 adds up; its blank 2021 sub-rows of （六） are what needs confirming there.
    assert confirmed == ["收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况"]


def test_the_real_report_renders_in_the_official_layout(client, hongze):
    report = import_annual_report(hongze, as_printed=True, publish=True)
    assert report.kind == ReportKind.DISCLOSURE and report.year == 2023
    page = page_soup(client, report)
    headings = [h.get_text() for h in page.select(".report-body h2")]
    assert headings == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    table2, table3, table4 = page.select("table.annual-grid")
    assert table2.caption.get_text() == "主动公开政府信息情况"
    fees = table2.find("th", string="行政事业性收费").find_next("td")
    assert fees.get_text(strip=True) == "7730.28"
    # Table 3: the merged headers, and each figure tied to its row and column headers.
    applicants = table3.find("th", string="申请人情况")
    assert applicants["colspan"] == "7" and applicants["scope"] == "colgroup"
    assert table3.find("th", string="法人或其他组织")["colspan"] == "5"
    outcome = table3.find("th", string="三、本年度办理结果")
    assert outcome["rowspan"] == "22" and outcome["scope"] == "rowgroup"
    unable = table3.find("th", string="1.本机关不掌握相关政府信息")
    natural = table3.find("th", string="自然人")
    first = unable.find_next("td")
    assert first.get_text(strip=True) == "10"
    assert {outcome["id"], unable["id"], natural["id"]} <= set(first["headers"])
    assert len(table3.select("tbody tr")) == 25
    # Table 4: one row of fifteen figures under 行政复议 / 行政诉讼.
    assert [td.get_text(" ", strip=True) for td in table4.select("tbody td")][:5] == [
        "10",
        "1",
        "0",
        "0",
        "0 as printed in the source",
    ]


def test_the_public_page_marks_each_total_kept_as_printed(client, english, hongze):
    report = import_annual_report(hongze, as_printed=True, publish=True)
    page = page_soup(client, report)
    marked = page.select("td.as-printed")
    assert len(marked) == 2
    for cell in marked:
        # The mark is text (seen, and read out by a screen reader), not a colour or a symbol.
        assert cell.select_one(".as-printed-mark").get_text() == "as printed in the source"
        assert cell.get("aria-hidden") is None
    notes = " ".join(n.get_text(" ", strip=True) for n in page.select(".annual-notes"))
    assert (
        "行政复议 总计: printed 0; 结果维持 + 结果纠正 + 其他结果 + 尚未审结 add up to 11." in notes
    )
    assert "原表行名“2.其他法律行政止公开”，按标准格式录为“2.其他法律行政法规禁止公开”。" in notes
    # Figures that add up carry no mark.
    assert len(page.select(".annual-table .as-printed-mark")) == 2


def test_a_figure_of_the_tables_is_found_by_the_site_search(
    index, hongze, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_annual_report(hongze, as_printed=True, publish=True)
    hits = index.search(SearchQuery(text="行政事业性收费 7730.28", types=("report",))).hits
    assert [h.title for h in hits] == [hongze["title"]]
    body = ReportPage.objects.get().body_text()
    assert (
        "三、本年度办理结果 （四）无法提供 1.本机关不掌握相关政府信息 申请人情况 自然人 10" in body
    )
    assert "行政复议 总计 0" in body


def test_the_import_command_makes_a_draft(hongze):
    out = StringIO()
    with pytest.raises(CommandError, match="行政复议 / 总计"):
        call_command("import_annual_report", str(HONGZE), stdout=out)
    call_command("import_annual_report", str(HONGZE), "--as-printed", stdout=out)
    report = ReportPage.objects.get()
    assert report.title == hongze["title"] and not report.live
    assert "as printed" in out.getvalue()

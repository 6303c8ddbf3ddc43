"""Every report as a PDF: the Chinese title and the tables' figures in its text, a chart drawn
as vector graphics, the page furniture, a cached copy; and the print stylesheet of every page."""

from __future__ import annotations

import datetime
import io
import json
import os
import re

import pytest
from django.contrib.staticfiles import finders
from pypdf import PdfReader

from disclosure import pdf
from disclosure.annual_source import import_annual_report
from disclosure.factories import chart, heading, make_report, paragraph
from portal.factories import CycleFactory, GoalFactory, IndicatorFactory, MeasurementFactory
from tests.builders import EN, REALDATA

pytestmark = pytest.mark.usefixtures("wagtail_site")


@pytest.fixture
def weasyprint():
    """WeasyPrint with its libraries: `make test` installs Pango (scripts/system-deps.sh), so
    CI fails without it rather than skip these tests quietly; elsewhere they are skipped."""
    if not pdf.pdf_available():
        message = "WeasyPrint's libraries (Pango) are not installed: `make test` installs them"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


needs_weasyprint = pytest.mark.usefixtures("weasyprint")


def pdf_of(client, report) -> tuple[PdfReader, object]:
    response = client.get(f"{report.url}pdf/")
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content)), response


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


@needs_weasyprint
def test_the_annual_report_pdf_holds_its_title_and_table_figures(client):
    data = json.loads((REALDATA / "annual_report_hongze_2023.json").read_text("utf-8"))
    report = import_annual_report(data, as_printed=True, publish=True)
    reader, response = pdf_of(client, report)
    text = text_of(reader)
    assert "洪泽区人民政府2023年政府信息公开工作年度报告" in text.replace("\n", "")
    assert "7730.28" in text and "4119" in text  # table 2's fees and penalties
    assert "收到和处理政府信息公开申请情况" in text
    # Every page has the running title and "page n of m" (zh-hans: 第 n 页，共 m 页).
    pages = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        page_text = page.extract_text().replace("\n", "")
        assert "2023" in page_text
        assert re.search(rf"{number}\D+{pages}", page_text)
    # RFC 6266: an ASCII fallback name and the Chinese one, UTF-8 encoded.
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert "%E6%B4%AA%E6%B3%BD" in disposition  # 洪泽


@needs_weasyprint
def test_chinese_lines_never_start_with_closing_punctuation(client):
    sentence = "全年新登记经营主体一万二千户，企业开办时间压缩至一个工作日。"
    report = make_report("营商环境报告", body=[paragraph(f"<p>{sentence * 12}</p>")])
    reader, _response = pdf_of(client, report)
    lines = [line.strip() for line in text_of(reader).splitlines() if line.strip()]
    assert len([line for line in lines if "经营主体" in line]) > 3  # the text did wrap
    assert not [line for line in lines if line[0] in "，。、；：）」』"]


@needs_weasyprint
def test_a_report_with_an_indicator_chart_has_the_chart_as_vector_graphics(client):
    goal = GoalFactory(cycle=CycleFactory(year=2025), title="持续优化营商环境")
    indicator = IndicatorFactory(goal=goal, code="2025-SC-01-1", name="企业开办平均时间")
    for month in (1, 2, 3, 4):
        MeasurementFactory(indicator=indicator, period=datetime.date(2025, month, 1), value=month)
    report = make_report(
        "一季度营商环境通报", body=[heading("一、总体情况"), chart(indicator.code, "开办时间逐月")]
    )
    reader, _response = pdf_of(client, report)
    text = text_of(reader)
    assert "开办时间逐月" in text and "2025-03" in text  # the chart's title and its table
    content = b"".join(page.get_contents().get_data() for page in reader.pages)
    # The SVG's lines are PDF path operators (a picture would be an image XObject instead).
    assert re.search(rb"[\d.]+ [\d.]+ l\b", content)
    assert not any(page.images for page in reader.pages)
    # Drawn in the chart's colours (the site's stylesheet does not reach an SVG in WeasyPrint):
    # the actual line in the site's blue #0b4f9c and the target in brown #8a5a00, not black.
    assert b"0.043137 0.309804 0.611765 RG" in content
    assert b"0.541176 0.352941 0 RG" in content


@needs_weasyprint
def test_the_pdf_is_made_once_per_revision_and_data_version(client, monkeypatch):
    report = make_report("年度绩效报告", body=[heading("一、总体情况")])
    made = []
    real = pdf.render_report_pdf
    monkeypatch.setattr(pdf, "render_report_pdf", lambda *a: made.append(1) or real(*a))
    first = client.get(f"{report.url}pdf/").content
    assert client.get(f"{report.url}pdf/").content == first
    assert len(made) == 1
    report.save_revision().publish()
    client.get(f"{report.url}pdf/")
    assert len(made) == 2


def test_without_weasyprint_the_report_says_the_pdf_is_unavailable(client, english, monkeypatch):
    monkeypatch.setattr(pdf, "pdf_available", lambda: False)
    monkeypatch.setattr("disclosure.models.pdf_available", lambda: False)
    report = make_report("年度绩效报告", body=[heading("一、总体情况")])
    page = client.get(report.url, **EN).content.decode()
    assert "The PDF of this report is unavailable on this server." in page
    assert client.get(f"{report.url}pdf/").status_code == 503


@needs_weasyprint
def test_the_report_page_links_its_pdf(client, english):
    report = make_report("年度绩效报告", body=[heading("一、总体情况")])
    page = client.get(report.url, **EN).content.decode()
    assert f'href="{report.url}pdf/"' in page and "Download this report as PDF" in page


def test_every_public_page_has_a_print_stylesheet(client):
    css = open(finders.find("portal/css/site.css"), encoding="utf-8").read()
    print_rules = css[css.index("@media print") :]
    assert ".main-nav" in print_rules and ".site-footer" in print_rules  # no navigation
    assert 'content: " (" attr(href) ")"' in print_rules  # links' addresses written out
    assert "thead { display: table-header-group; }" in print_rules  # tables not cut
    assert "tr, th, td" in print_rules and "break-inside: avoid" in print_rules
    assert ".chart-svg--wide { display: block !important; }" in print_rules  # charts kept
    # base.html links it on every page (no media attribute: the print rules are inside).
    home = client.get("/").content.decode()
    assert re.search(r'<link rel="stylesheet" href="[^"]*site(\.[0-9a-f]+)?\.css">', home)

"""Frozen figures: a published report keeps the figures it was published with; a later
correction shows as a dated notice; republishing takes new figures and lists the earlier
version; every block download holds exactly the rows the page shows."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.formats import date_format

from disclosure.factories import chart, make_report
from disclosure.models import ReportSnapshot
from portal.actions import record_measurement
from portal.factories import CycleFactory, GoalFactory, IndicatorFactory, MeasurementFactory

pytestmark = pytest.mark.usefixtures("wagtail_site")


@pytest.fixture
def indicator(db):
    cycle = CycleFactory(year=2025)
    ind = IndicatorFactory(
        goal=GoalFactory(cycle=cycle), code="2025-SN-01-1", name="政务服务好评率", unit="%"
    )
    for month, value in ((1, "81.5"), (2, "83.25"), (3, "84")):
        MeasurementFactory(indicator=ind, period=datetime.date(2025, month, 1), value=value)
    return ind


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def chart_rows(page) -> list[list[str]]:
    table = page.select_one(".report-chart table.data-table")
    return [
        [c.get_text(strip=True) for c in tr.select("th, td")] for tr in table.select("tbody tr")
    ]


def test_a_correction_after_publishing_changes_nothing_but_adds_a_dated_notice(
    client, indicator, django_capture_on_commit_callbacks
):
    report = make_report("2025年一季度报告", body=[chart(indicator.code)])
    before = soup(client.get(report.url))
    assert [row[:2] for row in chart_rows(before)] == [
        ["2025-01", "81.5"],
        ["2025-02", "83.25"],
        ["2025-03", "84"],
    ]
    assert before.select_one(".correction-notice") is None

    # Committed, as in the editor: the cached public pages are dropped then.
    with django_capture_on_commit_callbacks(execute=True):
        record_measurement(indicator, datetime.date(2025, 2, 1), Decimal("79"), reason="口径更正")

    after = soup(client.get(report.url))
    assert chart_rows(after) == chart_rows(before)  # the published figures stay
    assert (
        after.select_one(".report-summary").get_text()
        == before.select_one(".report-summary").get_text()
    )
    notice = after.select_one(".correction-notice")
    text = notice.get_text(" ", strip=True)
    with translation.override("zh-hans"):
        today = date_format(timezone.localdate(), "DATE_FORMAT")
    assert "政务服务好评率" in text and "83.25" in text and "79" in text and today in text
    assert notice.select_one("a")["href"] == indicator.get_absolute_url()
    # The downloads stay the published ones too.
    block_id = report.body[0].id
    data = json.loads(client.get(f"/reports/{report.pk}/blocks/{block_id}.json").content)
    assert [row["value"] for row in data["data"]] == [81.5, 83.25, 84.0]


def test_republishing_takes_new_figures_and_lists_the_earlier_version(
    client, indicator, django_capture_on_commit_callbacks
):
    report = make_report("2025年一季度报告", body=[chart(indicator.code)])
    with django_capture_on_commit_callbacks(execute=True):
        record_measurement(indicator, datetime.date(2025, 3, 1), Decimal("86"), reason="更正")
        report.refresh_from_db()
        report.save_revision().publish()
    report.refresh_from_db()

    page = soup(client.get(report.url))
    assert chart_rows(page)[2][:2] == ["2025-03", "86"]
    assert page.select_one(".correction-notice") is None
    assert ReportSnapshot.objects.filter(page=report).count() == 2
    versions = page.select(".report-versions a")
    assert len(versions) == 1

    earlier = soup(client.get(versions[0]["href"]))
    assert chart_rows(earlier)[2][:2] == ["2025-03", "84"]  # as first published
    assert earlier.select_one(".superseded-notice") is not None
    assert earlier.select_one('meta[name="robots"][content="noindex"]') is not None
    # The earlier version's downloads are its own figures.
    link = earlier.select_one(".report-chart .downloads a")["href"]
    assert f"/versions/{versions[0]['href'].rstrip('/').rsplit('/', 1)[-1]}/" in link
    body = client.get(link).content.decode("utf-8-sig")
    assert "84" in body and "86" not in body


def test_a_draft_edit_does_not_change_the_public_page(client, indicator):
    report = make_report("报告", body=[chart(indicator.code, "原标题")])
    draft = report.get_latest_revision_as_object()
    draft.body = [chart(indicator.code, "草稿标题")]
    draft.save_revision()
    html = client.get(report.url).content.decode()
    assert "原标题" in html and "草稿标题" not in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_a_block_download_holds_exactly_the_rows_and_columns_shown(client, indicator, fmt):
    report = make_report("报告", body=[chart(indicator.code)])
    page = soup(client.get(report.url))
    table = page.select_one(".report-chart table.data-table")
    headings = [th.get_text(strip=True) for th in table.select("thead th")]
    shown = chart_rows(page)
    link = next(a["href"] for a in page.select(".report-chart .downloads a") if fmt in a["href"])
    response = client.get(link)
    assert response.status_code == 200
    assert "filename" in response["Content-Disposition"]
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        header, body = rows[0], rows[1:]
    elif fmt == "json":
        data = json.loads(response.content)
        header = [c["label"] for c in data["columns"]]
        body = [[row[c["key"]] for c in data["columns"]] for row in data["data"]]
    else:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(response.content))
        rows = [list(r) for r in book["data"].iter_rows(values_only=True)]
        header, body = rows[0], rows[1:]
    assert header == headings
    assert len(body) == len(shown)
    for downloaded, printed in zip(body, shown, strict=True):
        for cell, text in zip(downloaded, printed, strict=True):
            if text == "—":
                assert cell in (None, "")
            else:
                try:
                    assert float(cell) == float(text.replace(",", ""))
                except ValueError:
                    assert str(cell) == text


def test_downloads_of_an_unknown_block_or_a_draft_report_are_not_found(client, indicator):
    report = make_report("报告", body=[chart(indicator.code)])
    draft = make_report("草稿", body=[chart(indicator.code)], publish=False)
    block_id = report.body[0].id
    assert client.get(f"/reports/{report.pk}/blocks/nope.csv").status_code == 404
    assert client.get(f"/reports/{report.pk}/blocks/{block_id}.exe").status_code == 404
    assert client.get(f"/reports/{draft.pk}/blocks/{draft.body[0].id}.csv").status_code == 404


def test_a_report_published_before_snapshots_is_frozen_by_the_command(
    client, indicator, django_capture_on_commit_callbacks
):
    report = make_report("2024年度报告", body=[chart(indicator.code)])
    ReportSnapshot.objects.filter(page=report).delete()  # as published by an older release
    with django_capture_on_commit_callbacks(execute=True):
        record_measurement(indicator, datetime.date(2025, 1, 1), Decimal("80"), reason="更正")
    assert chart_rows(soup(client.get(report.url)))[0][:2] == ["2025-01", "80"]  # live data

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("snapshot_reports", "--dry-run", stdout=out)
    assert "2024年度报告" in out.getvalue() and not ReportSnapshot.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("snapshot_reports", stdout=out)
    assert ReportSnapshot.objects.filter(page=report, revision=report.live_revision).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        record_measurement(indicator, datetime.date(2025, 1, 1), Decimal("70"), reason="再更正")
    page = soup(client.get(report.url))
    assert chart_rows(page)[0][:2] == ["2025-01", "80"]  # frozen as it stood
    assert "70" in page.select_one(".correction-notice").get_text()
    out = io.StringIO()
    call_command("snapshot_reports", stdout=out)  # a second run leaves it alone
    assert "0 report(s)" in out.getvalue()
    assert ReportSnapshot.objects.filter(page=report).count() == 1

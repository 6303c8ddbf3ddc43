"""The Atom feeds of published reports: the city's and each department's, linked from the pages
that list reports; only what the public may read."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from disclosure.factories import make_report
from portal.factories import DepartmentFactory
from tests.builders import ZH

pytestmark = pytest.mark.usefixtures("wagtail_site")
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def reports(db):
    police = DepartmentFactory(name="市公安局", slug="police")
    market = DepartmentFactory(name="市市场监管局", slug="market")
    return {
        "police": police,
        "market": market,
        "monthly": make_report(
            "公安局2026年10月绩效月报",
            kind="monthly",
            period=datetime.date(2026, 10, 1),
            department=police,
            year=2026,
            report_date=datetime.date(2026, 11, 5),
            summary="十月指标完成情况。",
            publisher="市公安局办公室",
        ),
        "annual": make_report(
            "2025年度全市绩效报告", year=2025, report_date=datetime.date(2026, 2, 1)
        ),
        "market_report": make_report("市场监管局报告", department=market, year=2025),
        "draft": make_report("公安局草稿", department=police, publish=False),
    }


def entries(client, url: str) -> dict[str, ET.Element]:
    response = client.get(url, **ZH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return {e.find(f"{ATOM}title").text: e for e in feed.iter(f"{ATOM}entry")}


def test_the_city_feed_lists_every_published_report_with_its_facts(client, reports):
    found = entries(client, "/reports/feed/")
    assert set(found) == {"公安局2026年10月绩效月报", "2025年度全市绩效报告", "市场监管局报告"}
    entry = found["公安局2026年10月绩效月报"]
    assert entry.find(f"{ATOM}link").get("href").endswith(reports["monthly"].url)
    assert entry.find(f"{ATOM}published").text.startswith("2026-11-05")
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "市公安局办公室"
    summary = entry.find(f"{ATOM}summary").text
    assert "十月指标完成情况。" in summary and "市公安局" in summary
    assert "2026年10月" in summary  # the monthly report's period is its month
    assert reports["monthly"].get_kind_display() in summary
    categories = [c.get("term") for c in entry.iter(f"{ATOM}category")]
    assert "市公安局" in categories
    assert "2025" in found["2025年度全市绩效报告"].find(f"{ATOM}summary").text


def test_a_departments_feed_lists_only_its_reports(client, reports):
    assert set(entries(client, "/reports/feed/police/")) == {"公安局2026年10月绩效月报"}
    assert set(entries(client, "/reports/feed/market/")) == {"市场监管局报告"}
    assert client.get("/reports/feed/nobody/").status_code == 404


def test_restricted_and_unpublished_reports_stay_out_of_the_feeds(client, reports):
    restriction = PageViewRestriction.objects.create(
        page=reports["market_report"], restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="内部"))
    reports["annual"].unpublish()
    assert set(entries(client, "/reports/feed/")) == {"公安局2026年10月绩效月报"}
    assert entries(client, "/reports/feed/market/") == {}


def test_the_report_list_and_department_pages_link_their_feeds(client, reports):
    def alternates(url):
        page = BeautifulSoup(client.get(url).content, "html.parser")
        return [
            link["href"]
            for link in page.select('head link[rel="alternate"][type="application/atom+xml"]')
        ]

    assert alternates("/reports/") == ["/reports/feed/"]
    assert alternates(reports["police"].get_absolute_url()) == [
        "/reports/feed/",
        "/reports/feed/police/",
    ]

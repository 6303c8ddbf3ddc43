"""The figure blocks with empty or missing data, the uploaded table's checks, and the
one-sentence summaries of the charts."""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import translation
from wagtail.documents import get_document_model

from disclosure.figures import summary_sentence
from disclosure.models import ReportPage
from portal.factories import (
    CycleFactory,
    DepartmentFactory,
    GoalFactory,
    IndicatorFactory,
    MeasurementFactory,
)

BLOCKS = ReportPage._meta.get_field("body").stream_block.child_blocks


def render(name: str, raw: dict) -> BeautifulSoup:
    block = BLOCKS[name]
    html = block.render(block.to_python(raw), context={"block_id": "b1"})
    return BeautifulSoup(html, "html.parser")


# --- summaries (no database) ---------------------------------------------------------------


@pytest.mark.parametrize(
    "points, percent, expected",
    [
        (
            [("2026-09", 82), ("2026-10", 85)],
            True,
            "In October 2026 progress was 85%, up 3 percentage points on the month before.",
        ),
        (
            [("2026-09", 85), ("2026-10", 82.4)],
            True,
            "In October 2026 progress was 82.4%, down 2.6 percentage points on the month before.",
        ),
        (
            [("2026-09", 85), ("2026-10", 85)],
            True,
            "In October 2026 progress was 85%, unchanged from the month before.",
        ),
        (
            [("2026-01", 12.345)],
            True,
            "In January 2026 progress was 12.3%; it is the first month shown.",
        ),
        (
            [("2026-08", 80), ("2026-09", None), ("2026-10", 85)],
            True,
            "In October 2026 progress was 85%; there is no figure for the month before.",
        ),
        (
            [("2026-09", 3), ("2026-10", None)],
            False,
            "In September 2026 the value was 3 天; it is the first month shown.",
        ),
        (
            [("2026-09", 3), ("2026-10", 2.5)],
            False,
            "In October 2026 the value was 2.5 天, down 0.5 天 on the month before.",
        ),
        ([("2026-09", None)], True, "No figure has been reported yet."),
        ([], True, "No figure has been reported yet."),
    ],
)
def test_the_summary_sentence(points, percent, expected):
    with translation.override("en"):
        assert summary_sentence(points, percent=percent, unit="天") == expected


# --- empty and missing data ------------------------------------------------------------------


@pytest.fixture
def published(db):
    cycle = CycleFactory(year=2025)
    indicator = IndicatorFactory(goal=GoalFactory(cycle=cycle), code="2025-FB-01-1", name="办件量")
    for month in (1, 2):
        MeasurementFactory(indicator=indicator, period=datetime.date(2025, month, 1), value=10)
    return indicator


@pytest.mark.parametrize("chart_type", ["line", "bar", "ranked_bar", "donut"])
def test_each_chart_type_draws_an_svg_and_a_table(published, chart_type):
    other = IndicatorFactory(goal=published.goal, code="2025-FB-01-2", name="受理量")
    page = render(
        "indicator_chart",
        {"indicator": published.code, "others": [other.code], "chart_type": chart_type},
    )
    assert page.select_one("svg.chart-svg") is not None
    assert page.select_one("[role=img]")["aria-label"]
    assert page.select("table.data-table tbody tr")
    assert page.select_one(".report-summary").get_text(strip=True)


def test_a_period_range_limits_the_months(published):
    page = render(
        "indicator_chart",
        {"indicator": published.code, "from_month": "2025-02", "to_month": "2025-02"},
    )
    assert [tr.th.get_text() for tr in page.select("tbody tr")] == ["2025-02"]


@pytest.mark.parametrize(
    "case, expected",
    [
        ("deleted", "no longer exists"),
        ("unpublished", "no longer published"),
        ("no_months", "No months to show yet."),
        ("none", "No indicator has been chosen."),
    ],
)
def test_a_chart_without_data_says_why(db, case, expected):
    code = {"none": ""}.get(case, "2025-GONE-1")
    if case == "unpublished":
        IndicatorFactory(code=code, goal=GoalFactory(cycle=CycleFactory(published=False)))
    if case == "no_months":
        IndicatorFactory(code=code, goal=GoalFactory(cycle=CycleFactory(year=2025)))
    with translation.override("en"):
        page = render("indicator_chart", {"indicator": code or None, "caption": "图"})
    assert expected in page.get_text(" ", strip=True)
    assert page.select_one(".downloads") is None


@pytest.mark.parametrize(
    "name, raw, expected",
    [
        ("indicator_table", {"indicators": []}, "No indicator has been chosen."),
        ("indicator_table", {"indicators": ["NO-SUCH"]}, "no longer exists"),
        ("status_summary", {"year": 2031}, "The year 2031 is not published."),
        ("rankings", {"year": 2025}, "No department has been evaluated yet."),
        ("department_scorecard", {"year": 2025, "department": "gone"}, "no longer exists"),
        ("department_scorecard", {"year": 2025, "department": "dept"}, "not been evaluated"),
        ("uploaded_table", {"caption": "表", "document": None}, "removed"),
        ("attachments", {"heading": "附件", "documents": []}, "No attachments."),
    ],
)
def test_every_block_renders_without_data(db, name, raw, expected):
    CycleFactory(year=2025)
    DepartmentFactory(slug="dept")
    with translation.override("en"):
        page = render(name, raw)
    assert expected in page.get_text(" ", strip=True)


def test_the_status_summary_counts_the_lights(published):
    from portal.evaluation import recompute_cycle

    recompute_cycle(published.goal.cycle)
    with translation.override("en"):
        page = render("status_summary", {"year": 2025})
    counts = {tr.th.get_text(): tr.td.get_text() for tr in page.select("tbody tr")}
    assert sum(int(v) for v in counts.values()) == 1
    assert page.select_one("svg.chart-svg") is not None


# --- uploaded tables ---------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def document(name: str, data: bytes):
    return get_document_model().objects.create(title=name, file=ContentFile(data, name=name))


def test_an_uploaded_csv_becomes_an_accessible_table(db, media):
    doc = document("办件量.csv", "区,办件量\n东城区,1200\n西城区,980\n".encode("gbk"))
    block = BLOCKS["uploaded_table"]
    value = block.clean(block.to_python({"caption": "表2 各区办件量", "document": doc.pk}))
    html = block.render(value, context={"block_id": "b1", "block_download_base": "/x/"})
    page = BeautifulSoup(html, "html.parser")
    assert [th.get_text() for th in page.select("thead th")] == ["区", "办件量"]
    assert [tr.th.get_text() for tr in page.select("tbody tr")] == ["东城区", "西城区"]
    assert page.caption.get_text(strip=True) == "表2 各区办件量"
    assert [a["href"] for a in page.select(".downloads a")] == [
        "/x/b1.csv",
        "/x/b1.xlsx",
        "/x/b1.json",
    ]


@pytest.mark.parametrize(
    "name, data, problem",
    [
        ("table.txt", b"a,b\n1,2\n", ".csv or .xlsx"),
        ("table.xlsx", b"not a workbook", "not a valid .xlsx"),
        ("table.csv", b"\n , \n", "no rows with data"),
        ("table.csv", ",".join(["x"] * 40).encode() + b"\n", "40 columns"),
        ("table.csv", b"\x00\x01\x02\xff" * 100, "text"),
    ],
)
def test_a_bad_upload_is_refused_with_a_message_naming_the_problem(db, media, name, data, problem):
    doc = document(name, data)
    block = BLOCKS["uploaded_table"]
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        block.clean(block.to_python({"caption": "表", "document": doc.pk}))
    assert problem in str(excinfo.value.block_errors["document"])

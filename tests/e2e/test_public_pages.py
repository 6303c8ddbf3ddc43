"""What a citizen does in a real browser: follow links down to an indicator, read its chart
and table, download its data, switch to large text, and meet no serious accessibility barrier.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The accessible names a large-text / high-contrast switch may carry, in either language.
DISPLAY_MODE_NAME = re.compile(
    r"大字|大号字|字体放大|高对比|长者|适老|large[- ]?text|larger text|contrast", re.I
)


def _link_to(page, path: str):
    """The first link to ``path`` (pages may add a query string such as ?year=2025)."""
    return page.locator(f'a[href*="{path}"]:not([href*="/data."])').first


def _path(page) -> str:
    return urlsplit(page.url).path


def _decimal_text(value) -> str:
    """8.2500 → "8.25": how a measured value appears in a table or a file."""
    return format(value.normalize(), "f")


def test_citizen_goes_from_home_to_an_indicator_chart_table_and_csv(site_page, city):
    page = site_page.open("/")
    _link_to(page, city.department.get_absolute_url()).click()
    page.wait_for_load_state("networkidle")
    assert _path(page) == city.department.get_absolute_url()

    _link_to(page, city.indicator.get_absolute_url()).click()
    page.wait_for_load_state("networkidle")
    assert _path(page) == city.indicator.get_absolute_url()
    assert city.indicator.name in page.content()

    # plotly.js (served from our own static files) has drawn the chart.
    page.locator(".js-plotly-plot svg.main-svg, svg.main-svg").first.wait_for(state="attached")

    # The chart's accessible alternative: a table with the measured values.
    table_text = page.locator("table").all_inner_texts()
    assert any(_decimal_text(city.values[6]) in text for text in table_text), table_text

    link = page.locator(f'a[href*="{city.indicator.code}/data.csv"]').first
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    content = open(download.path(), encoding="utf-8-sig").read()
    for value in (city.values[0], city.values[2], city.values[11]):
        assert _decimal_text(value) in content, content

    assert site_page.external_requests == []
    assert site_page.errors == []


@pytest.mark.parametrize(
    "page_name",
    [
        "home",
        "department",
        "indicator",
        "rankings",
        "search",
        "reports",
        "report",
        "surveys",
        "survey",
        "case",
    ],
)
def test_public_page_has_no_serious_accessibility_violations(site_page, city, page_name):
    from axe_playwright_python.sync_playwright import Axe

    path = {
        "home": "/",
        "department": city.department.get_absolute_url(),
        "indicator": city.indicator.get_absolute_url(),
        "rankings": "/rankings/",
        "search": "/search/?q=数据",
        "reports": "/reports/",
        "report": city.report.url,
        "surveys": "/surveys/",
        "survey": city.survey.get_absolute_url(),
        "case": city.case.get_absolute_url(),
    }[page_name]
    page = site_page.open(path)
    if page_name in ("indicator", "report"):
        # Check the page as a visitor sees it: with the chart drawn.
        page.locator("svg.main-svg").first.wait_for(state="attached")

    results = Axe().run(page)
    barriers = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert barriers == [], "\n".join(barriers)
    assert site_page.external_requests == []


def test_large_text_mode_is_remembered_on_the_next_page(site_page, city):
    page = site_page.open("/")
    html_classes = "document.documentElement.className.split(/\\s+/).filter(Boolean)"
    before = set(page.evaluate(html_classes))

    switch = (
        page.get_by_role("button", name=DISPLAY_MODE_NAME)
        .or_(page.get_by_role("switch", name=DISPLAY_MODE_NAME))
        .or_(page.get_by_role("checkbox", name=DISPLAY_MODE_NAME))
        .or_(page.get_by_role("link", name=DISPLAY_MODE_NAME))
        .first
    )
    switch.click()
    added = set(page.evaluate(html_classes)) - before
    assert added, "switching the display mode should mark the <html> element with a class"
    # A toggle button tells screen-reader users its state.
    assert switch.get_attribute("aria-pressed") in (None, "true")

    _link_to(page, city.department.get_absolute_url()).click()
    page.wait_for_load_state("networkidle")
    assert _path(page) == city.department.get_absolute_url()
    assert added <= set(page.evaluate(html_classes))

    site_page.open("/rankings/")
    assert added <= set(page.evaluate(html_classes))


def test_citizen_searches_in_chinese_and_opens_the_indicator(site_page, city):
    page = site_page.open("/")
    page.get_by_role("link", name=re.compile(r"搜索|Search")).first.click()
    page.wait_for_load_state("networkidle")
    assert _path(page) == "/search/"

    # A part of the indicator's name, as a visitor would type it: Chinese has no spaces.
    page.locator("#search-q").fill("数据共享")
    page.locator("#search-q").press("Enter")
    page.wait_for_load_state("networkidle")
    result = page.locator(f'a[href="{city.indicator.get_absolute_url()}"]').first
    assert result.is_visible(), page.inner_text("main")[:1500]
    assert page.locator("mark").count() > 0  # the matched words are highlighted

    result.click()
    page.wait_for_load_state("networkidle")
    assert _path(page) == city.indicator.get_absolute_url()
    assert site_page.errors == []

"""The site on a phone (390 px) and a desktop (1366 px), in Debian's Chromium: the answer of
every table row (status, progress, score, grade) is on screen or on a card, the server-drawn
chart is there before any script runs and its tick labels never overprint, 200 % text widens
nothing, a service's name finds its survey once, and axe finds no barrier in any display mode.
"""

from __future__ import annotations

import datetime
import re

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

# Per page: the card tables and, in each, the columns that answer "is this on target?"
# (1-based; the name is column 1 and the answers come right after it).
ANSWER_COLUMNS = {
    "department": {
        ".data-table--breakdown": (2, 3, 4),  # status, achievement, points
        "[aria-labelledby='indicators-caption'] .data-table--cards": (2, 3),  # status, progress
    },
    "goal": {".data-table--cards": (2, 3)},  # status, progress
    "indicator": {"#data-table": (2, 3)},  # status, progress
    "rankings": {".data-table--rankings": (2, 3, 4, 5)},  # rank, total, grade, status
}


def _paths(city) -> dict[str, str]:
    return {
        "department": city.department.get_absolute_url(),
        "goal": city.indicator.goal.get_absolute_url(),
        "indicator": city.indicator.get_absolute_url(),
        "rankings": "/rankings/",
    }


def _answer_cells_off_screen(page, table: str, columns, width: int) -> list[str]:
    """The answer cells of the table's first rows that lie outside the viewport."""
    return page.evaluate(
        """([table, columns, width]) => {
            const rows = [...document.querySelectorAll(table + ' tbody tr')].slice(0, 3);
            const off = [];
            if (!rows.length) off.push(table + ': no rows');
            for (const row of rows) for (const n of columns) {
                const cell = row.querySelector(':scope > :nth-child(' + n + ')');
                const box = cell.getBoundingClientRect();
                if (box.width === 0 || box.left < 0 || box.right > width + 0.5)
                    off.push(table + ' column ' + n + ': ' + cell.textContent.trim()
                             + ' at ' + Math.round(box.left) + '–' + Math.round(box.right));
            }
            return off;
        }""",
        [table, list(columns), width],
    )


def test_answers_are_on_screen_at_390_and_1366_px_and_rows_are_cards_on_a_phone(site_page, city):
    page = site_page.page
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        for name, path in _paths(city).items():
            site_page.open(path)
            for table, columns in ANSWER_COLUMNS[name].items():
                assert page.locator(table).count() == 1, (name, table)
                off = _answer_cells_off_screen(page, table, columns, viewport["width"])
                assert off == [], (viewport["width"], name, off)
                row_display = page.evaluate(
                    "t => getComputedStyle(document.querySelector(t + ' tbody tr')).display", table
                )
                # A card below 600 px, a table row on a desktop.
                expected = "block" if viewport is PHONE else "table-row"
                assert row_display == expected, (viewport["width"], name, table)
                if viewport is PHONE:
                    # The card prints each value's heading beside it.
                    label = page.evaluate(
                        """t => { const td = document.querySelector(t + ' tbody tr td[data-label]');
                                  return [td.dataset.label,
                                          getComputedStyle(td, '::before').content]; }""",
                        table,
                    )
                    assert label[0] and label[0] in label[1], (name, table, label)
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], (
                viewport["width"],
                name,
            )
    assert site_page.errors == []


def test_a_card_table_stays_a_table_for_screen_readers_on_a_phone(site_page, city):
    """Chromium's accessibility tree (what a screen reader reads), not the DOM: the cards are
    still a table of rows, cells and column headings, and a cell's name is its value alone."""
    page = site_page.page
    page.set_viewport_size(PHONE)
    site_page.open("/rankings/")
    cdp = page.context.new_cdp_session(page)
    nodes = [n for n in cdp.send("Accessibility.getFullAXTree")["nodes"] if not n.get("ignored")]
    roles = [n["role"]["value"] for n in nodes]
    assert "table" in roles and "row" in roles and "rowheader" in roles
    assert roles.count("columnheader") == 8
    rank_cells = [
        n for n in nodes if n["role"]["value"] == "cell" and n.get("name", {}).get("value") == "1"
    ]
    assert rank_cells, "the rank cell reads as its value, without the printed heading"


def _tick_overlaps(page) -> list[str]:
    return page.evaluate(
        """() => {
            const svg = [...document.querySelectorAll('svg.chart-svg')]
                .find(s => s.getBoundingClientRect().width > 0);
            if (!svg) return ['no visible chart'];
            const boxes = [...svg.querySelectorAll('text.chart-svg__tick')]
                .map(t => [t.textContent, t.getBoundingClientRect()])
                .filter(([, b]) => b.width > 0);
            const out = [];
            if (boxes.length < 5) out.push('only ' + boxes.length + ' ticks');
            for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
                const [ta, a] = boxes[i], [tb, b] = boxes[j];
                if (a.left < b.right - 0.5 && b.left < a.right - 0.5 &&
                    a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) out.push(ta + ' / ' + tb);
            }
            const frame = svg.getBoundingClientRect();
            for (const [t, b] of boxes)
                if (b.left < frame.left - 0.5 || b.right > frame.right + 0.5) out.push(t + ' cut');
            return out;
        }"""
    )


def test_the_chart_is_drawn_before_any_script_and_its_ticks_never_overprint(
    browser, live_server, city
):
    """JavaScript off: what a slow phone shows before plotly.js arrives."""
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    try:
        page = context.new_page()
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            for mode in ("", "mode-large-text"):
                response = page.goto(live_server.url + city.indicator.get_absolute_url())
                assert response.status == 200
                # The page's own HTML carries the drawing: no script has run.
                assert 'class="chart-svg' in response.text()
                if mode:
                    page.evaluate(f"document.documentElement.classList.add('{mode}')")
                chart = page.locator("#indicator-chart svg.chart-svg:visible")
                assert chart.count() == 1, (viewport, mode)
                assert chart.bounding_box()["width"] > 200
                assert _tick_overlaps(page) == [], (viewport, mode)
    finally:
        context.close()


def test_200_percent_text_widens_no_page_on_a_phone(site_page, city):
    """WCAG 1.4.4 / 1.4.10: a long e-mail address and the fixed-width bars wrap or shrink."""
    from portal.models import Department

    Department.objects.filter(pk=city.department.pk).update(
        contact_email="performance-transparency-office@data-resources-bureau.example.gov.cn",
        address="青川市市民中心行政服务大楼东区三楼三百零六室",
    )
    page = site_page.page
    page.set_viewport_size(PHONE)
    pages = {"home": "/", "reports": "/reports/", **_paths(city)}
    for name, path in pages.items():
        site_page.open(path)
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        # The contact details fold away on a phone: open them, the e-mail must wrap too.
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        wide = page.evaluate(
            # Tables scroll inside their own region and a chart clips its drawing (plotly
            # redraws on resize): neither can widen the page.
            """w => [...document.querySelectorAll('body *')]
                .filter(e => !e.closest('.table-wrap, .chart__plot'))
                .filter(e => e.getBoundingClientRect().right > w + 1)
                .slice(0, 5).map(e => e.tagName + '.' + e.getAttribute('class') + ': '
                                 + e.textContent.trim().slice(0, 40))""",
            PHONE["width"],
        )
        assert wide == [], (name, wide)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name


def test_a_search_for_a_surveys_service_shows_the_survey_once(site_page, city):
    from search import indexing
    from surveys.factories import ServiceFactory, SurveyResultFactory

    service = ServiceFactory(department=city.department, name="数据开放窗口", slug="open-data")
    city.survey.services.add(service)
    year = city.cycle.year
    for month in range(4, 13):
        SurveyResultFactory(survey=city.survey, period=datetime.date(year, month, 1))
    indexing.rebuild()
    page = site_page.open("/search/?q=数据开放窗口")
    links = page.locator(f'ol.search-results h3 a[href="{city.survey.get_absolute_url()}"]')
    assert links.count() == 1, page.inner_text("main")[:1500]
    # Its months are one "more" link away, not ten rows of the same title.
    assert page.locator("ol.search-results h3", has_text=city.survey.title).count() == 1


MODES = {
    "large text": ("large-text",),
    "high contrast": ("high-contrast",),
    "both": ("large-text", "high-contrast"),
}


@pytest.mark.parametrize("mode", list(MODES))
def test_no_accessibility_barrier_in_any_display_mode(site_page, city, mode):
    from axe_playwright_python.sync_playwright import Axe

    page = site_page.open("/")
    for name in MODES[mode]:
        page.locator(f'.display-toggle[data-mode="{name}"]').click()
    barriers = {}
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        for name, path in {
            "home": "/",
            **_paths(city),
            "survey": city.survey.get_absolute_url(),
        }.items():
            site_page.open(path)
            classes = page.evaluate("document.documentElement.className")
            assert all(f"mode-{m}" in classes for m in MODES[mode]), classes
            if name == "indicator":
                page.locator("svg.main-svg").first.wait_for(state="attached")
            results = Axe().run(page)
            found = [
                f"{v['id']} ({v['impact']}): "
                + ", ".join(str(node["target"]) for node in v["nodes"][:3])
                for v in results.response["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            if found:
                barriers[f"{viewport['width']} {name}"] = found
    assert barriers == {}, "\n".join(f"{k}: {v}" for k, v in barriers.items())
    assert site_page.external_requests == []


def test_english_pages_on_a_phone_mark_the_chinese_they_show(site_page, city):
    """The English site in a browser: the lang marks the client test checks reach the page."""
    page = site_page.page
    page.set_viewport_size(PHONE)
    site_page.open("/lang/en/?next=" + city.indicator.get_absolute_url())
    assert page.evaluate("document.documentElement.lang") == "en"
    heading = page.locator("h1 [lang='zh-Hans']")
    assert heading.inner_text() == city.indicator.name
    assert re.search(r"[\u4e00-\u9fff]", page.locator("h2").first.inner_text()) is None

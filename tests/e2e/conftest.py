"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Playwright cannot download its own browser on these machines (no network but the package
registries), so it drives /usr/bin/chromium from Debian's `chromium` package, which
`make test` installs.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from tests.builders import ensure_default_site

# Playwright's sync API keeps an asyncio loop in the main thread; Django would then refuse
# ORM calls from the test body (factories) as if they came from async code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Background networking would try to reach Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run (starting it costs about a second)."""
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} not found: `make test` installs Debian's chromium"
        # CI must run the browser tests, never skip them quietly.
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@dataclass
class BrowserPage:
    """A Playwright page plus what it tried to load from other hosts, its script errors and
    what the Content-Security-Policy blocked (Chromium reports each on the console)."""

    page: object
    base_url: str
    external_requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)

    def open(self, path: str):
        """Load ``path`` until the network is quiet; the page must answer 200."""
        response = self.page.goto(self.base_url + path, wait_until="networkidle")
        assert response is not None and response.status == 200, (path, response and response.status)
        return self.page


@pytest.fixture
def site_page(browser, live_server):
    """A fresh browser context (Chinese, the site's default language) on the live server."""
    ensure_default_site()
    context = browser.new_context(locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    wrapper = BrowserPage(page=page, base_url=live_server.url)
    own_host = urlsplit(live_server.url).netloc

    def _route(route):
        # Government intranets are often offline: no page may load anything from another host.
        url = route.request.url
        if urlsplit(url).netloc == own_host or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            wrapper.external_requests.append(url)
            route.abort()

    def _console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            wrapper.csp_violations.append(f"{page.url}: {message.text}")

    page.route("**/*", _route)
    page.on("pageerror", lambda exc: wrapper.errors.append(str(exc)))
    page.on("console", _console)
    yield wrapper
    context.close()
    # Every browser test fails on a script, style or file the policy blocked: the public
    # pages must work under their Content-Security-Policy (portal/security.py).
    assert not wrapper.csp_violations, wrapper.csp_violations


@dataclass
class City:
    """The small city the browser tests look at."""

    cycle: object
    department: object
    other_department: object
    indicator: object
    values: list[Decimal]
    report: object = None
    survey: object = None
    case: object = None


@pytest.fixture
def city(transactional_db) -> City:
    """Two departments with goals, monthly measurements and computed scores for last year.

    Last year, so that every month is in the past whatever today's date is.
    """
    from portal.actions import record_measurement
    from portal.evaluation import recompute_cycle
    from portal.factories import (
        CycleFactory,
        DepartmentFactory,
        GoalFactory,
        IndicatorFactory,
        QualitativeReviewFactory,
    )
    from portal.models import Indicator

    year = datetime.date.today().year - 1
    cycle = CycleFactory(year=year)
    department = DepartmentFactory(
        name="青川市数据资源局", short_name="数据资源局", name_en="Data Bureau", slug="data-bureau"
    )
    other = DepartmentFactory(
        name="青川市生态环境局",
        short_name="生态环境局",
        name_en="Ecology Bureau",
        slug="eco-bureau",
    )
    goal = GoalFactory(cycle=cycle, owner=department, code=f"{year}-01-01", title="政务数据共享")
    indicator = IndicatorFactory(
        goal=goal,
        code=f"{year}-01-01-01",
        name="政务数据共享目录完成率",
        unit="%",
        baseline=Decimal("0"),
        target=Decimal("100"),
        weight=Decimal("2"),
    )
    lagging = IndicatorFactory(goal=goal, code=f"{year}-01-01-02", name="数据开放接口数量")
    satisfaction = IndicatorFactory(
        goal=goal,
        code=f"{year}-01-01-03",
        name="企业办事满意度",
        dimension=Indicator.Dimension.SATISFACTION,
        baseline=Decimal("80"),
        target=Decimal("95"),
    )
    other_goal = GoalFactory(cycle=cycle, owner=other, code=f"{year}-02-01", title="空气质量改善")
    other_indicator = IndicatorFactory(
        goal=other_goal, code=f"{year}-02-01-01", name="空气质量优良天数比例"
    )
    values = []
    for month in range(1, 13):
        period = datetime.date(year, month, 1)
        # Non-integer values, so that the download test can find them verbatim.
        value = Decimal(month) * Decimal("8.25")
        values.append(value)
        record_measurement(indicator, period, value, source="市大数据中心")
        record_measurement(lagging, period, Decimal(month) * Decimal("3.5"), source="市大数据中心")
        record_measurement(satisfaction, period, Decimal("88.5"), source="满意度调查")
        record_measurement(other_indicator, period, Decimal(month) * Decimal("7.75"))
    QualitativeReviewFactory(department=department, cycle=cycle, score=Decimal("86"))
    QualitativeReviewFactory(department=other, cycle=cycle, score=Decimal("78"))
    recompute_cycle(cycle)
    indicator.refresh_from_db()
    report, survey, case = _reports_and_surveys(year, department, indicator)
    return City(
        cycle=cycle,
        department=department,
        other_department=other,
        indicator=indicator,
        values=values,
        report=report,
        survey=survey,
        case=case,
    )


def _reports_and_surveys(year, department, indicator):
    """A published report with a table and a chart, a survey with results and a case."""
    from disclosure.factories import (
        chart,
        heading,
        indicator_table,
        make_report,
        paragraph,
        rankings,
        scorecard,
        status_summary,
        table,
    )
    from portal.models import Indicator
    from surveys.factories import (
        RectificationCaseFactory,
        SurveyFactory,
        SurveyQuestionFactory,
        SurveyResultFactory,
    )

    ensure_default_site()
    others = list(
        Indicator.objects.filter(goal__cycle__year=year)
        .exclude(pk=indicator.pk)
        .values_list("code", flat=True)
    )
    report = make_report(
        f"{year}年数据资源局绩效报告",
        year=year,
        department=department,
        summary="全年数据共享工作情况。",
        body=[
            heading("一、总体情况"),
            paragraph("<p>政务数据共享目录全部编制完成。</p>"),
            table("表1 主要指标", [["指标", "目标", "完成"], ["共享目录完成率", "100%", "99%"]]),
            chart(indicator.code, "共享目录完成率逐月变化"),
            heading("二、部门指标与得分"),
            chart(indicator.code, "共享目录完成率（柱状）", chart_type="bar"),
            chart(indicator.code, "各项指标完成进度", chart_type="ranked_bar", others=others),
            chart(indicator.code, "指标红黄绿灯", chart_type="donut", others=others),
            indicator_table([indicator.code, *others], "主要指标完成情况"),
            status_summary(year, department.slug),
            rankings(year),
            scorecard(year, department.slug),
        ],
    )
    survey = SurveyFactory(department=department, title="数据开放服务满意度调查", slug="data")
    SurveyQuestionFactory(survey=survey)
    for month in (1, 2, 3):
        SurveyResultFactory(survey=survey, period=datetime.date(year, month, 1))
    case = RectificationCaseFactory(
        survey=survey,
        reported_on=datetime.date(year, 2, 3),
        resolved_on=datetime.date(year, 3, 20),
    )
    return report, survey, case


@pytest.fixture(autouse=True)
def _own_search_index(tmp_path, settings):
    """A fresh embedded search index per test: the database is emptied between browser tests,
    and a shared index file would still hold the earlier tests' documents."""
    settings.SEARCH_EMBEDDED_PATH = tmp_path / "search.sqlite3"

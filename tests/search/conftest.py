"""Shared fixtures for the search tests: a small demo-like city and an embedded index file.

The city is built with the domain's factories, with the names the demo city uses (群众安全感满意度,
持续优化营商环境, 市公安局/公安局 ...), two published cycles and one unpublished one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from disclosure.factories import heading, make_report, paragraph, table
from disclosure.models import ReportKind, ReportPage
from portal.factories import (
    CycleFactory,
    DepartmentFactory,
    GoalFactory,
    IndicatorFactory,
    MeasurementFactory,
)
from portal.models import Cycle, Department, Goal, Indicator, Measurement, Status
from search.backends.embedded import EmbeddedBackend
from surveys.factories import (
    RectificationCaseFactory,
    SurveyFactory,
    SurveyQuestionFactory,
    SurveyResultFactory,
)
from surveys.models import RectificationCase, Survey


@dataclass
class City:
    """What the tests refer to by name."""

    police: Department
    market: Department
    service: Department
    current: Cycle
    previous: Cycle
    hidden: Cycle
    goals: dict[str, Goal] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    measurements: list[Measurement] = field(default_factory=list)
    reports: dict[str, ReportPage] = field(default_factory=dict)
    surveys: dict[str, Survey] = field(default_factory=dict)
    cases: dict[str, RectificationCase] = field(default_factory=dict)


def build_city() -> City:
    police = DepartmentFactory(
        name="市公安局", short_name="公安局", name_en="Public Security Bureau", slug="gonganju"
    )
    market = DepartmentFactory(
        name="市市场监督管理局",
        short_name="市场监管局",
        name_en="Market Regulation Bureau",
        slug="shichangjianguanju",
    )
    service = DepartmentFactory(
        name="市政务服务管理局",
        short_name="政务服务局",
        name_en="Government Services Bureau",
        slug="zhengwufuwuju",
    )
    current = CycleFactory(year=2025)
    previous = CycleFactory(year=2024)
    hidden = CycleFactory(year=2026, published=False)
    city = City(police, market, service, current, previous, hidden)

    specs = [
        # (key, cycle, owner, goal title, [(indicator key, name, dimension, status)])
        (
            "safety",
            current,
            police,
            "提升群众安全感",
            [
                ("safety_sat", "群众安全感满意度", "satisfaction", Status.GREEN),
                ("cases", "刑事案件破案率", "quality", Status.YELLOW),
            ],
        ),
        (
            "business",
            current,
            market,
            "持续优化营商环境",
            [
                ("startup", "企业开办平均时间", "efficiency", Status.RED),
                ("firm_sat", "经营主体满意度", "satisfaction", Status.GREEN),
            ],
        ),
        (
            "service",
            current,
            service,
            "推进政务服务一网通办",
            [("service_sat", "办事群众满意度", "satisfaction", Status.YELLOW)],
        ),
        (
            "safety_2024",
            previous,
            police,
            "提升群众安全感",
            [("safety_sat_2024", "群众安全感满意度", "satisfaction", Status.GREEN)],
        ),
        (
            "secret",
            hidden,
            market,
            "建设智慧城市试点",
            [("secret_ind", "智慧城市试点覆盖率", "output", Status.NO_DATA)],
        ),
    ]
    for key, cycle, owner, title, indicators in specs:
        goal = GoalFactory(
            cycle=cycle,
            owner=owner,
            title=title,
            code=f"{cycle.year}-{key}".replace("_", "-"),  # codes: letters, digits, hyphens
            description=f"{title}的年度任务。",
        )
        city.goals[key] = goal
        for ind_key, name, dimension, status in indicators:
            indicator = IndicatorFactory(
                goal=goal,
                code=f"{cycle.year}-{ind_key}".replace("_", "-"),
                name=name,
                dimension=dimension,
                unit="%",
                methodology="按月统计。",
                source_description="市统计局月报",
            )
            Indicator.objects.filter(pk=indicator.pk).update(status=status)
            indicator.status = status
            city.indicators[ind_key] = indicator
            for month in (1, 2, 3):
                city.measurements.append(
                    MeasurementFactory(
                        indicator=indicator,
                        period=datetime.date(cycle.year, month, 1),
                        value=Decimal(80 + month),
                        source="市统计局",
                    )
                )
    Goal.objects.filter(pk=city.goals["business"].pk).update(status=Status.RED)
    build_reports(city)
    build_surveys(city)
    return city


def build_surveys(city: City) -> None:
    """A public survey with three months of results, a survey whose results are internal, a
    public rectification case and an internal one."""
    public = SurveyFactory(
        department=city.service,
        title="不动产登记窗口满意度调查",
        slug="budongchan",
        services=["不动产登记窗口"],
    )
    SurveyQuestionFactory(survey=public, text="您对窗口人员的服务态度是否满意？")
    for month, share in ((1, "91.5"), (2, "92.0"), (3, "93.4")):
        SurveyResultFactory(
            survey=public, period=datetime.date(2025, month, 1), satisfied_share=Decimal(share)
        )
    internal = SurveyFactory(
        department=city.police,
        title="出入境窗口内部测评",
        slug="churujing",
        services=["出入境窗口"],
        results_public=False,
    )
    SurveyResultFactory(survey=internal, period=datetime.date(2025, 3, 1))
    city.surveys = {"public": public, "internal": internal}
    city.cases["public"] = RectificationCaseFactory(
        survey=public,
        title="不动产登记午间排队过长",
        problem="群众反映午间排队超过一小时。",
        measures="增设午间弹性窗口，推行预约办理。",
        reported_on=datetime.date(2025, 2, 3),
        resolved_on=datetime.date(2025, 3, 20),
    )
    city.cases["internal"] = RectificationCaseFactory(
        survey=internal,
        title="出入境窗口叫号系统故障",
        problem="叫号系统故障。",
        measures="更换叫号设备。",
        reported_on=datetime.date(2025, 3, 1),
        resolved_on=datetime.date(2025, 3, 5),
        public=False,
    )


def build_reports(city: City) -> None:
    """Published reports (the city's, the police's, a 2024 disclosure report), a draft and a
    report behind a login restriction."""
    from wagtail.models import PageViewRestriction

    from tests.builders import ensure_default_site

    ensure_default_site()
    city.reports["city"] = make_report(
        "2025年度全市目标绩效管理工作报告",
        year=2025,
        summary="全市目标完成情况综述。",
        body=[
            heading("一、总体情况"),
            paragraph("<p>全市推行窗口服务<b>好差评</b>制度。</p>"),
            table("表1 重点任务完成情况", [["任务", "完成"], ["不动产登记压缩时限", "已完成"]]),
        ],
    )
    city.reports["police"] = make_report(
        "2025年市公安局绩效报告",
        year=2025,
        department=city.police,
        body=[paragraph("<p>开展夏季治安打击整治行动。</p>")],
    )
    city.reports["disclosure"] = make_report(
        "2024年政府信息公开工作年度报告",
        year=2024,
        kind=ReportKind.DISCLOSURE,
        body=[table("收到和处理政府信息公开申请情况", [["办理结果", "总计"], ["予以公开", "12"]])],
    )
    city.reports["draft"] = make_report(
        "2025年度考核细则（征求意见稿）",
        publish=False,
        body=[paragraph("<p>考核细则草稿。</p>")],
    )
    city.reports["restricted"] = make_report(
        "督查通报（内部）", body=[paragraph("<p>督查通报只供内部参阅。</p>")]
    )
    PageViewRestriction.objects.create(page=city.reports["restricted"], restriction_type="login")


@pytest.fixture
def city(db) -> City:
    return build_city()


@pytest.fixture
def embedded(tmp_path, settings, db) -> EmbeddedBackend:
    """An embedded backend in a file of its own, also what the site's get_backend() returns."""
    settings.SEARCH_URL = ""
    settings.SEARCH_EMBEDDED_PATH = tmp_path / "search.sqlite3"
    backend = EmbeddedBackend(tmp_path / "search.sqlite3")
    yield backend
    backend.close()


@pytest.fixture(autouse=True)
def _no_leftover_index_updates():
    """Updates queued by a test whose transaction was rolled back never reach the next test."""
    from search import indexing

    indexing._pending_set().clear()
    yield
    indexing._pending_set().clear()

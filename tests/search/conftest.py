"""Shared fixtures for the search tests: a small demo-like city and an embedded index file.

The city is built with the domain's factories, with the names the demo city uses (群众安全感满意度,
持续优化营商环境, 市公安局/公安局 ...), two published cycles and one unpublished one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from portal.factories import (
    CycleFactory,
    DepartmentFactory,
    GoalFactory,
    IndicatorFactory,
    MeasurementFactory,
)
from portal.models import Cycle, Department, Goal, Indicator, Measurement, Status
from search.backends.embedded import EmbeddedBackend


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
            code=f"{cycle.year}-{key}",
            description=f"{title}的年度任务。",
        )
        city.goals[key] = goal
        for ind_key, name, dimension, status in indicators:
            indicator = IndicatorFactory(
                goal=goal,
                code=f"{cycle.year}-{ind_key}",
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
    return city


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

"""Reports in the site search follow what they show: a renamed department or indicator."""

from __future__ import annotations

import pytest

from disclosure.factories import chart, make_report
from portal.factories import CycleFactory, DepartmentFactory, GoalFactory, IndicatorFactory
from search.backends.base import SearchQuery
from search.backends.embedded import EmbeddedBackend

pytestmark = pytest.mark.usefixtures("wagtail_site")


@pytest.fixture
def index(tmp_path, monkeypatch, db):
    """An embedded index of this test's own, where the site's indexing writes."""
    backend = EmbeddedBackend(tmp_path / "search.sqlite3")
    monkeypatch.setattr("search.indexing.get_backend", lambda: backend)
    yield backend
    backend.close()


def reports(index, text: str) -> list[str]:
    return [h.title for h in index.search(SearchQuery(text=text, types=("report",))).hits]


def test_renaming_a_department_renames_it_in_its_reports(index, django_capture_on_commit_callbacks):
    dept = DepartmentFactory(name="市市场监督管理局", short_name="市场监管局")
    with django_capture_on_commit_callbacks(execute=True):
        make_report("2025年市场监管局绩效报告", department=dept)
    assert reports(index, "市监局") == []
    with django_capture_on_commit_callbacks(execute=True):
        dept.short_name = "市监局"
        dept.save()
    assert reports(index, "市监局") == ["2025年市场监管局绩效报告"]


def test_renaming_an_indicator_renames_it_in_the_reports_that_chart_it(
    index, django_capture_on_commit_callbacks
):
    goal = GoalFactory(cycle=CycleFactory(year=2025), title="持续优化营商环境")
    indicator = IndicatorFactory(goal=goal, code="2025-SC-01-1", name="企业开办平均时间")
    with django_capture_on_commit_callbacks(execute=True):
        make_report("一季度营商环境通报", body=[chart(indicator.code)])
    assert reports(index, "企业开办平均时间") == ["一季度营商环境通报"]
    with django_capture_on_commit_callbacks(execute=True):
        indicator.name = "企业开办全程网办时间"
        indicator.save()
    assert reports(index, "全程网办") == ["一季度营商环境通报"]

"""Surveys, their months and their cases in the site search follow their department."""

from __future__ import annotations

import pytest

from portal.factories import DepartmentFactory
from search.backends.base import SearchQuery
from search.backends.embedded import EmbeddedBackend
from surveys.factories import RectificationCaseFactory, SurveyFactory, SurveyResultFactory

TYPES = ("survey", "survey_result", "case")


@pytest.fixture
def index(tmp_path, monkeypatch, db):
    """An embedded index of this test's own, where the site's indexing writes."""
    backend = EmbeddedBackend(tmp_path / "search.sqlite3")
    monkeypatch.setattr("search.indexing.get_backend", lambda: backend)
    yield backend
    backend.close()


def found(index, text: str) -> set[str]:
    """The kinds of document found, one row per document (a survey's months would otherwise
    fold into the survey's row)."""
    query = SearchQuery(text=text, types=TYPES, grouped=False)
    return {h.type for h in index.search(query).hits}


def test_a_renamed_or_closed_department_reaches_its_surveys_months_and_cases(
    index, django_capture_on_commit_callbacks
):
    dept = DepartmentFactory(name="市政务服务管理局", short_name="政务服务局")
    with django_capture_on_commit_callbacks(execute=True):
        survey = SurveyFactory(department=dept, title="不动产登记窗口满意度调查")
        SurveyResultFactory(survey=survey)
        RectificationCaseFactory(survey=survey, title="不动产登记午间排队过长")
    assert found(index, "数据局") == set()
    with django_capture_on_commit_callbacks(execute=True):
        dept.short_name = "数据局"
        dept.save()
    assert found(index, "数据局") == set(TYPES)
    with django_capture_on_commit_callbacks(execute=True):
        dept.active = False
        dept.save()
    assert found(index, "不动产登记") == set()

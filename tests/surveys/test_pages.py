"""Public survey pages: what a visitor sees, what stays hidden, bounded queries, caching."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.factories import CycleFactory, DepartmentFactory, GoalFactory, IndicatorFactory
from portal.models import Indicator
from surveys.factories import (
    RectificationCaseFactory,
    SurveyFactory,
    SurveyQuestionFactory,
    SurveyResultFactory,
)
from surveys.models import RectificationCase, SurveyQuestion
from tests.builders import EN, ZH

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def html_of(client, url, headers=EN) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


def build_survey(months=3, questions=2, cases=1, **fields):
    """A public survey of a new department with monthly results, questions and cases."""
    survey = SurveyFactory(**fields)
    for m in range(1, months + 1):
        SurveyResultFactory(
            survey=survey,
            period=datetime.date(2026, m, 1),
            responses=100 + m,
            mean_score=Decimal("4.00") + Decimal(m) / 100,
            satisfied_share=Decimal("80.0") + m,
            source="本站评价" if m % 2 else "12345 热线回访",
        )
    for n in range(questions):
        SurveyQuestionFactory(survey=survey, sort_order=n, text=f"问题{n}")
    for n in range(cases):
        RectificationCaseFactory(survey=survey, title=f"整改{survey.slug}-{n}")
    return survey


# --- the survey list ---------------------------------------------------------------------------


def test_index_lists_public_surveys_with_their_latest_month_and_public_cases(client):
    survey = build_survey(months=3, title_en="Land registry window", services=["不动产登记窗口"])
    hidden = build_survey(results_public=False, title_en="Hidden survey")
    private_case = RectificationCaseFactory(survey=survey, public=False, title="未公开的整改")
    html = html_of(client, reverse("surveys:index"))
    assert "Land registry window" in html and "不动产登记窗口" in html
    assert survey.department.name_en in html  # English department name on the English site
    assert "March 2026" in html and "83%" in html and "103" in html  # the latest month only
    assert "February 2026" not in html
    assert "Hidden survey" not in html
    assert f"整改{survey.slug}-0" in html
    assert private_case.title not in html
    assert f"整改{hidden.slug}-0" in html  # a public case is listed even if its survey is not


def test_index_in_chinese_uses_chinese_names(client):
    survey = build_survey()
    html = html_of(client, reverse("surveys:index"), ZH)
    assert survey.title in html and survey.department.name in html
    assert survey.department.name_en not in html


def test_index_says_so_when_nothing_is_published(client):
    SurveyFactory(results_public=False)
    html = html_of(client, reverse("surveys:index"))
    assert "No survey results have been published yet." in html
    assert "No rectification cases have been published yet." in html


def test_the_main_navigation_links_the_survey_list(client):
    html = html_of(client, reverse("surveys:index"))
    assert f'<a href="{reverse("surveys:index")}" aria-current="page">Satisfaction</a>' in html


# --- one survey --------------------------------------------------------------------------------


def test_survey_page_shows_the_results_as_entered_in_an_accessible_table(client):
    survey = build_survey(months=0, questions=0, cases=0)
    SurveyResultFactory(
        survey=survey,
        period=datetime.date(2026, 5, 1),
        responses=1234,
        mean_score=Decimal("4.37"),
        satisfied_share=Decimal("91.5"),
        source="12345 热线回访",
        note="含电话回访",
    )
    SurveyResultFactory(
        survey=survey,
        period=datetime.date(2026, 6, 1),
        responses=0,
        mean_score=None,
        satisfied_share=None,
        source="本站评价",
    )
    html = html_of(client, survey.get_absolute_url())
    assert "<caption" in html and '<th scope="col">Month</th>' in html
    table = html[html.index("<caption") :]
    # Newest first: June, then May.
    assert table.index("June 2026") < table.index("May 2026")
    row = table[table.index("May 2026") :]
    row = row[: row.index("</tr>")]
    for text in ("1,234", "4.37", "91.5%", "12345 热线回访", "含电话回访"):
        assert text in row
    june = table[table.index("June 2026") :]
    june = june[: june.index("</tr>")]
    assert june.count("—") >= 3  # no responses: no figures, not zeros
    assert (
        "Data as of June 2026, last updated" in html
        and 'Source: <span lang="zh-Hans">12345 热线回访、本站评价</span>.' in html
    )
    assert (
        '“satisfied” (<span lang="zh-Hans">满意</span>) or “very satisfied” '
        '(<span lang="zh-Hans">非常满意</span>) divided by all answers'
    ) in html
    assert 'href="#methodology"' in html


def test_survey_page_shows_questions_scales_and_limits(client):
    survey = build_survey(months=1, questions=0, cases=0)
    SurveyQuestionFactory(
        survey=survey,
        sort_order=1,
        text="办理是否便捷？",
        text_en="How easy was it?",
        scale=SurveyQuestion.Scale.EASE,
        options=[],
    )
    SurveyQuestionFactory(
        survey=survey,
        sort_order=2,
        text="您的建议",
        text_en="",
        kind=SurveyQuestion.Kind.TEXT,
        scale="",
        options=[],
        max_length=200,
        hint="请勿填写身份证号等个人信息。",
    )
    html = html_of(client, survey.get_absolute_url())
    assert html.index("How easy was it?") < html.index("您的建议")  # text_en, then fallback
    assert "Very easy" in html and "Very difficult" in html  # the ease scale's own answers
    assert "up to 200 characters" in html and "请勿填写身份证号等个人信息。" in html
    assert "Optional" in html


@pytest.mark.usefixtures("no_page_cache")
def test_survey_page_lists_only_its_public_cases_and_links_a_public_indicator(client):
    cycle = CycleFactory(year=2026)
    survey = build_survey(cases=0)
    indicator = IndicatorFactory(
        goal=GoalFactory(cycle=cycle, owner=survey.department),
        dimension=Indicator.Dimension.SATISFACTION,
        name="窗口服务满意度",
    )
    survey.indicator = indicator
    survey.save()
    shown = RectificationCaseFactory(survey=survey, title="增设午间窗口")
    RectificationCaseFactory(survey=survey, title="尚未公开的整改", public=False)
    RectificationCaseFactory(title="别的调查的整改")
    html = html_of(client, survey.get_absolute_url())
    assert "增设午间窗口" in html and shown.get_absolute_url() in html
    assert "尚未公开的整改" not in html and "别的调查的整改" not in html
    assert indicator.get_absolute_url() in html
    cycle.published = False
    cycle.save()
    assert indicator.get_absolute_url() not in html_of(client, survey.get_absolute_url())


@pytest.mark.parametrize(
    "fields",
    [
        {"results_public": False},
        {"active": False},
        {"department__active": False},
    ],
)
def test_a_survey_that_is_not_public_answers_404(client, fields):
    department = DepartmentFactory(active=fields.pop("department__active", True))
    survey = build_survey(department=department, **fields)
    assert client.get(survey.get_absolute_url(), **EN).status_code == 404
    assert client.get("/surveys/no-such-survey/", **EN).status_code == 404


def test_user_text_is_escaped(client):
    survey = build_survey(
        title="<script>alert(1)</script>", description="<b>粗体</b>\n第二行", questions=0
    )
    SurveyQuestionFactory(survey=survey, text="<img src=x onerror=alert(2)>", text_en="")
    case = RectificationCaseFactory(survey=survey, problem="<script>alert(3)</script>")
    html = html_of(client, survey.get_absolute_url(), ZH)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;粗体&lt;/b&gt;<br>第二行" in html
    assert "<img src=x" not in html
    case_html = html_of(client, case.get_absolute_url(), ZH)
    assert "<script>alert(3)</script>" not in case_html
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in case_html


# --- one case ----------------------------------------------------------------------------------


def test_case_page_shows_problem_measures_result_status_dates_and_survey(client):
    survey = build_survey(cases=0, title_en="Land registry window")
    case = RectificationCaseFactory(
        survey=survey,
        problem="午间排队超过一小时。",
        measures="增设午间弹性窗口。",
        result="等候时间降至15分钟。",
        reported_on=datetime.date(2026, 2, 3),
        resolved_on=datetime.date(2026, 3, 20),
    )
    html = html_of(client, case.get_absolute_url())
    for text in ("午间排队超过一小时。", "增设午间弹性窗口。", "等候时间降至15分钟。"):
        assert text in html
    assert "Completed" in html and "Feb. 3, 2026" in html and "March 20, 2026" in html
    assert survey.department.name_en in html
    assert f'<a href="{survey.get_absolute_url()}">Land registry window</a>' in html


def test_case_page_does_not_link_a_survey_that_is_not_public(client):
    survey = build_survey(cases=0, results_public=False)
    case = RectificationCaseFactory(
        survey=survey, status=RectificationCase.Status.OPEN, resolved_on=None
    )
    html = html_of(client, case.get_absolute_url())
    assert survey.get_absolute_url() not in html
    assert "In progress" in html


def test_a_case_that_is_not_public_answers_404(client):
    private = RectificationCaseFactory(public=False)
    closed_department = RectificationCaseFactory(
        survey=SurveyFactory(department=DepartmentFactory(active=False))
    )
    for case in (private, closed_department):
        assert client.get(case.get_absolute_url(), **EN).status_code == 404


# --- bounded queries and caching ---------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **EN)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.usefixtures("no_page_cache")
def test_query_count_does_not_grow_with_data(client, django_assert_max_num_queries):
    survey = build_survey(months=2, questions=2, cases=1)
    case = survey.rectification_cases.first()
    urls = [reverse("surveys:index"), survey.get_absolute_url(), case.get_absolute_url()]
    before = {url: count_queries(client, url) for url in urls}
    # Ten times the data: more surveys and departments, months, questions and cases.
    for _ in range(6):
        build_survey(months=12, questions=8, cases=3)
    for m in range(3, 13):
        SurveyResultFactory(survey=survey, period=datetime.date(2025, m, 1))
    for n in range(10):
        SurveyQuestionFactory(survey=survey, sort_order=10 + n)
        RectificationCaseFactory(survey=survey)
    after = {url: count_queries(client, url) for url in urls}
    assert after == before
    for url in urls:
        with django_assert_max_num_queries(8):
            client.get(url, **EN)


def test_a_changed_result_changes_the_cached_page(client, django_capture_on_commit_callbacks):
    survey = build_survey(months=1)
    url = survey.get_absolute_url()
    first = client.get(url, **EN)
    assert not first.cookies and b"csrfmiddlewaretoken" not in first.content
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(url, **EN)
    assert again.content == first.content and len(ctx.captured_queries) <= 2  # from the cache
    result = survey.results.get()
    with django_capture_on_commit_callbacks(execute=True):
        result.satisfied_share = Decimal("66.6")
        result.save()
    assert "66.6%" in html_of(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        survey.results_public = False
        survey.save()
    assert client.get(url, **EN).status_code == 404

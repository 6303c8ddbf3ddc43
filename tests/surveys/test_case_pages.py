"""Rectification cases in public: the list with each department's 整改率 and on-time rate, a
case with the department's answer, the resident's comment only once moderated (and escaped),
the department page's panel, the search documents, and what a rating does to the page cache."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.template.defaultfilters import date as date_filter
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from portal.cache import VERSION_KEY, data_version
from portal.factories import DepartmentFactory
from search.backends.base import SearchQuery
from search.backends.embedded import EmbeddedBackend
from surveys.actions import Submission, submit_response
from surveys.aggregation import aggregate_month
from surveys.factories import (
    RectificationCaseFactory,
    ResponseFactory,
    ServiceFactory,
    SurveyFactory,
    SurveyQuestionFactory,
    SurveyResultFactory,
)
from surveys.models import RectificationCase
from surveys.rectification import CaseRates, case_rates, counted_cases, share
from surveys.search import case_documents
from tests.builders import EN, ZH

pytestmark = pytest.mark.django_db

RECTIFIED = RectificationCase.Reply.RECTIFIED
CALLED_BACK = RectificationCase.Reply.CALLED_BACK
EXPLAINED = RectificationCase.Reply.EXPLAINED


@pytest.fixture
def no_page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


def html_of(client, url, headers=EN) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def answered_case(survey, kind, *, due, replied, **fields):
    fields.setdefault("explanation", "属于政策规定，已向群众解释。" if kind == EXPLAINED else "")
    return RectificationCaseFactory(
        survey=survey,
        reply_kind=kind,
        due_on=due,
        replied_on=replied,
        status=RectificationCase.Status.OPEN,
        resolved_on=None,
        **fields,
    )


def build_department_cases(**department_fields):
    """Seven cases of one department, hand-counted:

    counted (deadline passed or answered): rectified on time, called back late, explained on
    time, overdue without answer, rectified without a due date (entered by an editor) = 5;
    not counted: not yet due, and one opened by a rating later invalidated.
    整改率 2 of 5 = 40 %; on time 2 of 3 answered with a due date = 66.7 %; 1 overdue.
    """
    department = DepartmentFactory(**department_fields)
    survey = SurveyFactory(department=department)
    answered_case(survey, RECTIFIED, due=days(-10), replied=days(-12), title="整改按时")
    answered_case(survey, CALLED_BACK, due=days(-10), replied=days(-8), title="回访逾期")
    answered_case(survey, EXPLAINED, due=days(-3), replied=days(-3), title="解释按时")
    answered_case(survey, "", due=days(-1), replied=None, title="逾期未答复")
    answered_case(survey, RECTIFIED, due=None, replied=days(-30), title="编辑录入整改")
    answered_case(survey, "", due=days(2), replied=None, title="尚未到期")
    answered_case(
        survey,
        "",
        due=days(-5),
        replied=None,
        title="无效评价的案例",
        public=False,
        response=ResponseFactory(survey=survey, invalidated_at=timezone.now()),
    )
    return department, survey


# --- the rates, counted by hand ----------------------------------------------------------------


def test_share_is_none_when_there_is_nothing_to_count():
    assert share(0, 0) is None
    assert share(2, 3) == Decimal("66.7") and share(2, 5) == Decimal("40.0")
    assert CaseRates(department_id=1).rectified_share is None


def test_rates_count_cases_due_or_answered_and_leave_out_invalid_ratings():
    department, _survey = build_department_cases()
    rates = case_rates(counted_cases(), timezone.localdate())[department.pk]
    assert (rates.cases, rates.counted, rates.rectified) == (6, 5, 2)
    assert (rates.answered_with_due_date, rates.on_time, rates.overdue) == (3, 2, 1)
    assert rates.rectified_share == Decimal("40.0")
    assert rates.on_time_share == Decimal("66.7")


def test_one_departments_counts_are_the_grouped_counts_of_that_department():
    # The department page counts one department in a statement of its own
    # (RectificationCase.objects.department_counts); the case list groups every department.
    department, _survey = build_department_cases()
    build_department_cases()
    today = timezone.localdate()
    grouped = case_rates(counted_cases(), today)[department.pk]
    counts = RectificationCase.objects.department_counts(department.pk, today)
    assert CaseRates(department_id=department.pk, **counts) == grouped
    assert RectificationCase.objects.department_counts(
        DepartmentFactory().pk, today
    ) == dict.fromkeys(counts, 0)


def test_case_list_shows_each_departments_rates_with_counts_and_defines_them(client):
    department, _survey = build_department_cases(name_en="Housing Bureau", slug="housing")
    DepartmentFactory(name_en="Bureau without cases")
    html = html_of(client, reverse("surveys:cases"))
    rates = html[html.index('id="rates-heading"') : html.index('id="cases-heading"')]
    row = rates[rates.index('id="dept-housing"') :]
    row = row[: row.index("</tr>")]
    assert "Housing Bureau" in row
    assert "<strong>40%</strong>" in row and "(2 of 5)" in row
    assert "<strong>66.7%</strong>" in row and "(2 of 3)" in row
    assert "Bureau without cases" not in rates
    assert "among its cases whose answer deadline has passed or that it has answered" in rates
    assert "cases answered by their due date, among answered cases that had a due date" in rates
    assert '<caption id="rates-caption">' in rates and '<th scope="col">' in rates


def test_case_list_is_newest_first_paginated_and_public_only(client):
    department = DepartmentFactory()
    survey = SurveyFactory(department=department)
    for n in range(25):
        RectificationCaseFactory(
            survey=survey, title=f"案例{n:02d}", reported_on=datetime.date(2026, 1, 1 + n)
        )
    RectificationCaseFactory(survey=survey, title="未公开的案例", public=False)
    first = html_of(client, reverse("surveys:cases"))
    assert first.index("案例24") < first.index("案例23")
    assert "案例04" not in first and "未公开的案例" not in first
    assert "Page 1 of 2" in first and 'href="?page=2" rel="next"' in first
    second = html_of(client, reverse("surveys:cases") + "?page=2")
    assert "案例04" in second and "案例00" in second and "案例24" not in second
    assert client.get(reverse("surveys:cases") + "?page=abc", **EN).status_code == 200


def test_case_list_in_chinese(client):
    department, _survey = build_department_cases(name="市住房保障局", name_en="Housing Bureau")
    html = html_of(client, reverse("surveys:cases"), ZH)
    assert 'lang="zh-Hans"' in html and "市住房保障局" in html and "Housing Bureau" not in html
    assert "40%" in html and "66.7%" in html and "整改按时" in html


# --- a case: the answer, the comment -----------------------------------------------------------


def test_a_case_shows_the_departments_answer_kind_date_and_explanation(client):
    _department, survey = build_department_cases()
    explained = RectificationCase.objects.get(title="解释按时")
    html = html_of(client, explained.get_absolute_url())
    answer = html[html.index('id="answer-heading"') :]
    assert "Explained (no rectification needed)" in answer
    with translation.override("en"):
        assert f"answered {date_filter(explained.replied_on, 'DATE_FORMAT')}" in answer
    assert "on time" in answer and "属于政策规定，已向群众解释。" in answer
    late = html_of(client, RectificationCase.objects.get(title="回访逾期").get_absolute_url())
    assert "Called the resident back" in late and "late (due" in late
    overdue = html_of(client, RectificationCase.objects.get(title="逾期未答复").get_absolute_url())
    assert "Not answered yet" in overdue and "Overdue" in overdue
    listing = html_of(client, reverse("surveys:cases"))
    assert "属于政策规定，已向群众解释。" in listing and "Called the resident back" in listing


def test_a_residents_comment_shows_only_once_moderated_and_escaped(client, no_page_cache):
    case = RectificationCaseFactory(
        comment="<script>alert('x')</script>窗口人员态度差，电话138＊＊＊＊5678",
        comment_moderated=False,
    )
    for url in (case.get_absolute_url(), reverse("surveys:cases")):
        html = html_of(client, url)
        assert "窗口人员态度差" not in html and "alert(" not in html
    case.comment_moderated = True
    case.save()
    for url in (case.get_absolute_url(), reverse("surveys:cases")):
        html = html_of(client, url)
        assert "窗口人员态度差，电话138＊＊＊＊5678" in html
        assert "<script>alert('x')</script>" not in html
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_a_poor_rating_opens_a_case_whose_public_text_holds_no_unmoderated_comment(
    client, no_page_cache
):
    survey = SurveyFactory()
    overall = SurveyQuestionFactory(survey=survey)
    comment = SurveyQuestionFactory(survey=survey, kind="text", scale="", options=[])
    submit_response(
        Submission(
            survey=survey,
            answers={overall: 1, comment: "办事员张三态度恶劣"},
            client_key="k" * 64,
        )
    )
    case = RectificationCase.objects.get()
    assert "张三" not in case.problem and "张三" in case.comment
    case.public = True
    case.save()
    assert "张三" not in html_of(client, case.get_absolute_url())


# --- search documents --------------------------------------------------------------------------


@pytest.fixture
def index(tmp_path, monkeypatch, db):
    backend = EmbeddedBackend(tmp_path / "search.sqlite3")
    monkeypatch.setattr("search.indexing.get_backend", lambda: backend)
    yield backend
    backend.close()


def test_search_indexes_a_comment_only_once_moderated(index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = RectificationCaseFactory(comment="叫号机经常失灵", explanation="设备已更换")
    [document] = case_documents([case.pk])
    assert "叫号机" not in document.body and "设备已更换" in document.body
    hits = index.search(SearchQuery(text="叫号机", types=("case",))).hits
    assert hits == []
    with django_capture_on_commit_callbacks(execute=True):
        case.comment_moderated = True
        case.save()
    [document] = case_documents([case.pk])
    assert "叫号机经常失灵" in document.body
    assert [h.type for h in index.search(SearchQuery(text="叫号机", types=("case",))).hits] == [
        "case"
    ]


def test_results_of_one_service_are_not_search_documents():
    from surveys.search import survey_result_documents

    survey = SurveyFactory()
    service = ServiceFactory(department=survey.department)
    whole = SurveyResultFactory(survey=survey)
    SurveyResultFactory(survey=survey, service=service, origin="aggregated")
    assert [d.id for d in survey_result_documents()] == [f"survey_result:{whole.pk}"]


# --- the department page -----------------------------------------------------------------------


def test_department_page_shows_its_rates_and_latest_satisfaction(client):
    department, survey = build_department_cases(slug="housing")
    SurveyResultFactory(survey=survey, period=datetime.date(2026, 9, 1), satisfied_share=80)
    SurveyResultFactory(survey=survey, period=datetime.date(2026, 10, 1), satisfied_share=91.5)
    html = html_of(client, department.get_absolute_url())
    panel = html[html.index('id="satisfaction-panel-heading"') :]
    panel = panel[: panel.index("</section>")]
    assert f'<a href="{survey.get_absolute_url()}">{survey.title_en}</a>' in panel
    assert "October 2026" in panel and "91.5%" in panel and "80%" not in panel
    assert "<strong>40%</strong>" in panel and "(2 of 5)" in panel
    assert "<strong>66.7%</strong>" in panel and "(2 of 3)" in panel
    assert f'href="{reverse("surveys:cases")}#dept-housing"' in panel


def test_department_panel_lists_each_public_surveys_latest_whole_month_only(client):
    department = DepartmentFactory(slug="transit")
    shown = SurveyFactory(department=department, title="公交出行服务满意度调查")
    SurveyResultFactory(survey=shown, period=datetime.date(2026, 9, 1), satisfied_share=70)
    SurveyResultFactory(survey=shown, period=datetime.date(2026, 10, 1), satisfied_share=88.2)
    service = ServiceFactory(department=department)
    SurveyResultFactory(
        survey=shown, service=service, period=datetime.date(2026, 11, 1), satisfied_share=12
    )
    private = SurveyFactory(department=department, results_public=False, title="内部调查")
    SurveyResultFactory(survey=private, period=datetime.date(2026, 10, 1))
    retired = SurveyFactory(department=department, active=False, title="已停用调查")
    SurveyResultFactory(survey=retired, period=datetime.date(2026, 10, 1))
    html = html_of(client, department.get_absolute_url(), headers=ZH)
    panel = html[html.index('id="satisfaction-panel-heading"') :]
    panel = panel[: panel.index("</section>")]
    assert f'<a href="{shown.get_absolute_url()}">公交出行服务满意度调查</a>' in panel
    assert "88.2%" in panel and "70%" not in panel and "12%" not in panel
    assert "内部调查" not in panel and "已停用调查" not in panel


def test_department_page_has_no_surveys_panel_without_cases_or_results(client):
    department = DepartmentFactory()
    SurveyFactory(department=department, results_public=False)
    html = html_of(client, department.get_absolute_url())
    assert "satisfaction-panel-heading" not in html


@pytest.mark.usefixtures("no_page_cache")
def test_department_page_queries_do_not_grow_with_cases_and_surveys(client):
    department, survey = build_department_cases()
    SurveyResultFactory(survey=survey)
    with CaptureQueriesContext(connection) as before:
        html_of(client, department.get_absolute_url())
    for n in range(5):
        other = SurveyFactory(department=department)
        SurveyResultFactory(survey=other, period=datetime.date(2026, 1 + n, 1))
        build_department_cases()
    for _ in range(3):
        answered_case(survey, RECTIFIED, due=days(-4), replied=days(-5))
    with CaptureQueriesContext(connection) as after:
        html_of(client, department.get_absolute_url())
    assert len(after.captured_queries) == len(before.captured_queries)


@pytest.mark.usefixtures("no_page_cache")
def test_case_pages_queries_do_not_grow_with_cases(client):
    _department, _survey = build_department_cases()
    case = RectificationCase.objects.filter(public=True).first()
    urls = [reverse("surveys:cases"), case.get_absolute_url()]

    def counts():
        result = {}
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                html_of(client, url)
            result[url] = len(ctx.captured_queries)
        return result

    before = counts()
    for _ in range(4):
        build_department_cases()
    assert counts() == before
    assert max(before.values()) <= 6


# --- the page cache ----------------------------------------------------------------------------


def test_ratings_do_not_invalidate_the_cached_pages_but_their_aggregation_does(
    django_capture_on_commit_callbacks,
):
    survey = SurveyFactory()
    overall = SurveyQuestionFactory(survey=survey)
    version = data_version()
    with django_capture_on_commit_callbacks(execute=True):
        for n, level in enumerate([5, 4, 1, 2]):  # two poor ratings open cases
            submit_response(
                Submission(survey=survey, answers={overall: level}, client_key=f"{n:064d}")
            )
    assert RectificationCase.objects.count() == 2
    assert cache.get(VERSION_KEY) == version
    with django_capture_on_commit_callbacks(execute=True):
        aggregate_month(timezone.localdate().replace(day=1))
    assert cache.get(VERSION_KEY) > version


def test_publishing_or_answering_a_case_and_changing_a_service_invalidate_the_pages(
    django_capture_on_commit_callbacks,
):
    case = RectificationCaseFactory(public=False)
    service = ServiceFactory()
    for change in (
        lambda: setattr(case, "public", True) or case.save(),
        lambda: (
            setattr(case, "reply_kind", RECTIFIED)
            or setattr(case, "replied_on", days(0))
            or case.save()
        ),
        lambda: setattr(service, "address", "新地址") or service.save(),
    ):
        version = data_version()
        with django_capture_on_commit_callbacks(execute=True):
            change()
        assert cache.get(VERSION_KEY) > version

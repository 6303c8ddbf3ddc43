"""One contract, two backends: what a visitor finds must not depend on which one answers.

Every test runs against the embedded backend (SQLite FTS5) and against the engine backend on
the real OpenSearch node that `make test` starts (tests/search/engine_fixtures.py). The index
is built from a small demo-like city (conftest.py) through the same code the site uses.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import Count
from django.http import QueryDict
from django.utils import translation
from wagtail.models import PageViewRestriction

from disclosure.models import ReportPage
from portal import actions
from portal.factories import IndicatorFactory
from portal.models import Goal, Indicator, Measurement
from search import documents, indexing
from search.backends.base import MAX_PAGE, MAX_QUERY_CHARS, SearchQuery
from search.backends.embedded import EmbeddedBackend
from search.forms import SearchForm
from search.highlight import highlight, highlight_pattern
from search.models import PendingIndexUpdate, SearchSynonym
from surveys.factories import SurveyResultFactory

try:  # the engine half needs the engine helper's fixtures (and its client libraries)
    from tests.search import engine_fixtures
except ImportError as exc:  # pragma: no cover - only while the engine is not there
    engine_fixtures = None
    ENGINE_MISSING = f"engine fixtures unavailable: {exc}"


@pytest.fixture(params=["embedded", "engine"])
def backend(request, city, tmp_path, monkeypatch):
    """The backend under test, indexed from the city, and what the site itself uses."""
    if request.param == "embedded":
        backend = EmbeddedBackend(tmp_path / "search.sqlite3")
        request.addfinalizer(backend.close)
    else:
        if engine_fixtures is None:
            pytest.skip(ENGINE_MISSING)
        backend = engine_fixtures.make_engine_backend()
        request.addfinalizer(lambda: engine_fixtures.drop_engine_backend(backend))
    monkeypatch.setattr("search.indexing.get_backend", lambda: backend)
    monkeypatch.setattr("search.views.get_backend", lambda: backend)
    indexing.rebuild(backend=backend)
    # Building the city queued its objects, and this test's transaction never commits to send
    # them: drop them, so a test's change is synced on its own and a missing handler shows.
    indexing._pending_set().clear()
    return backend


def search(backend, text="", **params):
    return backend.search(SearchQuery(text=text, per_page=params.pop("per_page", 50), **params))


def titles(results, type=None) -> list[str]:
    return [h.title for h in results.hits if type is None or h.type == type]


def ids(results) -> set[str]:
    return {h.id for h in results.hits}


def facet(results, name) -> dict[str, int]:
    return dict(results.facets.get(name, []))


# ---- finding ---------------------------------------------------------------------------


def test_part_of_a_word_finds_indicators_named_with_it(backend, city):
    results = search(backend, "满意度", types=("indicator",))
    found = set(titles(results))
    assert {"群众安全感满意度", "经营主体满意度", "办事群众满意度"} <= found
    assert "刑事案件破案率" not in found


def test_traditional_characters_find_the_simplified_text(backend, city):
    simplified = search(backend, "满意度", types=("indicator",))
    traditional = search(backend, "滿意度", types=("indicator",))
    assert titles(traditional) == titles(simplified) and traditional.total > 0
    assert (
        highlight("办事群众满意度", highlight_pattern("滿意度", []))
        == "办事群众<mark>满意度</mark>"
    )
    goal = search(backend, "營商環境")  # 营商环境
    assert goal.hits and goal.hits[0].title == "持续优化营商环境"


def test_titles_with_the_typed_words_come_before_synonym_matches(backend, city):
    # Named with the synonym 满意率, and 满意度 only in its method: found, but after every
    # indicator whose name holds the very word the visitor typed.
    IndicatorFactory(
        goal=city.goals["service"],
        name="12345热线工单满意率",
        dimension="satisfaction",
        methodology="电话回访群众满意度：（非常满意+满意）÷有效样本×100%",
    )
    indexing.rebuild(backend=backend)
    names = titles(search(backend, "满意度", types=("indicator",)))
    assert "12345热线工单满意率" in names
    position = names.index("12345热线工单满意率")
    assert position >= 3
    assert all("满意度" in name for name in names[:position]), names


def test_the_start_of_a_phrase_finds_the_goal(backend, city):
    results = search(backend, "营商")
    assert f"goal:{city.goals['business'].pk}" in ids(results)
    assert results.hits[0].title == "持续优化营商环境"
    assert "<mark>" in "".join(h.snippet for h in results.hits)


def test_a_short_name_finds_the_departments_goals(backend, city):
    # 市场监管局 is not a part of 市市场监督管理局: only the short name can find it.
    results = search(backend, "市场监管局", types=("goal",))
    assert titles(results) == ["持续优化营商环境"]
    assert results.hits[0].department == "市市场监督管理局"


def test_pinyin_initials_and_full_pinyin_find_a_department(backend, city):
    for text in ("gaj", "gonganju"):
        results = search(backend, text)
        assert results.total > 0, text
        assert results.hits[0].department == "市公安局", text
        assert f"department:{city.police.pk}" in ids(results), text
        assert facet(results, "department") == {str(city.police.pk): results.total}, text


def test_synonyms_from_the_editable_list_work(backend, city):
    # 满意度,满意率 is in the default list installed by the migration.
    results = search(backend, "满意率", types=("indicator",))
    assert "群众安全感满意度" in titles(results)
    # An editor adds a group; it applies at once (embedded) or from the next rebuild (engine).
    SearchSynonym.objects.create(terms="破案率,侦破率")
    indexing.rebuild(backend=backend)
    assert titles(search(backend, "侦破率", types=("indicator",))) == ["刑事案件破案率"]


def test_facet_counts_equal_the_database_counts(backend, city):
    # Documents, not groups (grouped=False): each is one row of the database.
    results = search(backend, "公安局", grouped=False)
    police_goals = Goal.objects.filter(owner=city.police, cycle__published=True)
    police_indicators = Indicator.objects.filter(goal__in=police_goals)
    police_results = Measurement.objects.filter(indicator__in=police_indicators)
    assert facet(results, "type") == {
        "department": 1,
        "goal": police_goals.count(),
        "indicator": police_indicators.count(),
        "result": police_results.count(),
        "report": ReportPage.objects.visible().filter(department=city.police).count(),
    }
    per_year = {
        str(row["goal__cycle__year"]): row["n"]
        for row in police_indicators.values("goal__cycle__year").annotate(n=Count("pk"))
    }
    indicators_only = search(backend, "公安局", types=("indicator",), grouped=False)
    assert facet(indicators_only, "year") == per_year
    status_counts = {
        row["status"]: row["n"]
        for row in police_indicators.values("status").annotate(n=Count("pk"))
    }
    assert facet(indicators_only, "status") == status_counts
    # A facet is counted without its own filter, so the other values stay choosable.
    assert facet(indicators_only, "type") == facet(results, "type")
    assert indicators_only.total == police_indicators.count()


def test_filters_year_range_and_sort_by_date(backend, city):
    results = search(backend, "群众安全感满意度", types=("result",), sort="date", grouped=False)
    assert results.total == 6  # three months in each of two published years
    dates = [h.date for h in results.hits]
    assert dates == sorted(dates, reverse=True)
    assert dates[0] == datetime.date(2025, 3, 1)
    only_2024 = search(
        backend, "群众安全感满意度", types=("result",), year_from=2024, year_to=2024, grouped=False
    )
    assert {h.year for h in only_2024.hits} == {2024}
    assert only_2024.total == 3
    by_dimension = search(backend, "满意度", dimensions=("satisfaction",), types=("indicator",))
    assert {h.dimension for h in by_dimension.hits} == {"satisfaction"}


def test_results_carry_what_the_page_shows(backend, city):
    results = search(backend, "企业开办平均时间", types=("indicator",))
    hit = results.hits[0]
    assert hit.url == city.indicators["startup"].get_absolute_url()
    assert hit.department == "市市场监督管理局"
    assert hit.year == 2025
    assert hit.status == "red"
    assert hit.dimension == "efficiency"
    values = search(backend, "企业开办平均时间", types=("result",), sort="date")
    assert values.hits[0].period == "2025-03"
    assert values.hits[0].extra["value"] == "83"
    assert values.hits[0].extra["unit"] == "%"


def test_pagination(backend, city):
    first = search(backend, "满意度", per_page=5, page=1, grouped=False)
    second = search(backend, "满意度", per_page=5, page=2, grouped=False)
    assert first.total == second.total > 10
    assert len(first.hits) == len(second.hits) == 5
    assert not ids(first) & ids(second)


# ---- only what is public -----------------------------------------------------------------


def test_an_unpublished_cycle_never_appears(backend, city):
    assert search(backend, "智慧城市").total == 0
    assert "2026" not in facet(search(backend, "满意度"), "year")


def test_unpublishing_removes_and_publishing_restores(
    backend, city, django_capture_on_commit_callbacks
):
    assert search(backend, "营商环境").total > 0
    with django_capture_on_commit_callbacks(execute=True):
        city.current.published = False
        city.current.save()
    assert search(backend, "营商环境").total == 0
    # Surveys and reports keep their own years; the year's goals, indicators and results go.
    domain = ("goal", "indicator", "result")
    assert "2025" not in facet(search(backend, "满意度", types=domain), "year")
    with django_capture_on_commit_callbacks(execute=True):
        city.hidden.published = True
        city.hidden.save()
    assert titles(search(backend, "智慧城市", types=("goal",))) == ["建设智慧城市试点"]


def test_edits_and_deletes_reach_the_index(backend, city, django_capture_on_commit_callbacks):
    goal = city.goals["service"]
    with django_capture_on_commit_callbacks(execute=True):
        goal.title = "推进政务服务掌上办理"
        goal.description = "让群众少跑腿。"
        goal.save()
    assert titles(search(backend, "掌上办理", types=("goal",))) == ["推进政务服务掌上办理"]
    assert search(backend, "一网通办", types=("goal",)).total == 0
    with django_capture_on_commit_callbacks(execute=True):
        city.police.short_name = "警务局"
        city.police.save()
    assert search(backend, "警务局", types=("result",), grouped=False).total == 9
    indicator = city.indicators["cases"]
    with django_capture_on_commit_callbacks(execute=True):
        indicator.measurements.all().delete()
        indicator.delete()
    assert search(backend, "刑事案件破案率").total == 0


def test_a_corrected_measurement_is_reflected(backend, city, django_capture_on_commit_callbacks):
    indicator = city.indicators["service_sat"]
    with django_capture_on_commit_callbacks(execute=True):
        actions.record_measurement(
            indicator, datetime.date(2025, 2, 1), Decimal("97.5"), reason="统计口径更正"
        )
    results = search(backend, "办事群众满意度", types=("result",), sort="date", grouped=False)
    february = next(h for h in results.hits if h.period == "2025-02")
    assert february.extra["value"] == "97.5"
    assert february.extra["corrected"] is True
    assert "97.5" in february.snippet


def test_published_reports_are_found_by_their_whole_text(backend, city):
    report = city.reports["city"]
    for words in ("好差评", "不动产登记压缩时限", "全市目标完成情况", "绩效管理工作报告"):
        results = search(backend, words, types=("report",))
        assert ids(results) == {f"report:{report.pk}"}, words
    hit = search(backend, "好差评").hits[0]
    assert (hit.type, hit.url, hit.year, hit.period) == ("report", report.url, 2025, "2025")
    assert "<mark>" in hit.snippet
    disclosure = search(backend, "予以公开")
    assert titles(disclosure) == ["2024年政府信息公开工作年度报告"]
    assert facet(search(backend, "报告", types=("report",)), "year") == {"2025": 2, "2024": 1}


def test_drafts_and_restricted_reports_never_appear(backend, city):
    assert search(backend, "考核细则").total == 0
    assert search(backend, "督查通报").total == 0
    assert backend.count() == sum(1 for _ in documents.all_documents())


def test_unpublishing_a_report_removes_it_and_publishing_restores_it(
    backend, city, django_capture_on_commit_callbacks
):
    report = city.reports["city"]
    report_id = f"report:{report.pk}"

    def found(words):
        return report_id in ids(search(backend, words, types=("report",)))

    with django_capture_on_commit_callbacks(execute=True):
        report.unpublish()
    assert not found("好差评")
    with django_capture_on_commit_callbacks(execute=True):
        report.get_latest_revision().publish()
    assert found("好差评")
    # A draft edit is not public until it is published.
    report = ReportPage.objects.get(pk=report.pk)
    report.body = [("paragraph", "<p>新增政务服务“跨省通办”事项。</p>")]
    with django_capture_on_commit_callbacks(execute=True):
        revision = report.save_revision()
    assert not found("跨省通办")
    assert found("好差评")
    with django_capture_on_commit_callbacks(execute=True):
        revision.publish()
    assert found("跨省通办")
    assert not found("好差评")
    # A draft published for the first time appears; a restriction hides; deleting removes.
    draft = city.reports["draft"]
    with django_capture_on_commit_callbacks(execute=True):
        draft.get_latest_revision().publish()
    assert titles(search(backend, "考核细则")) == [draft.title]
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(page=draft, restriction_type="login")
    assert search(backend, "考核细则").total == 0
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert search(backend, "考核细则").total == 1
    with django_capture_on_commit_callbacks(execute=True):
        ReportPage.objects.get(pk=draft.pk).delete()
    assert search(backend, "考核细则").total == 0


def test_a_chart_of_an_indicator_of_a_year_later_unpublished_stops_naming_it(
    backend, city, django_capture_on_commit_callbacks
):
    from disclosure.factories import chart, make_report

    with django_capture_on_commit_callbacks(execute=True):
        report = make_report("季度通报", body=[chart(city.indicators["cases"].code)])
    assert f"report:{report.pk}" in ids(search(backend, "刑事案件破案率"))
    with django_capture_on_commit_callbacks(execute=True):
        city.current.published = False
        city.current.save()
    assert search(backend, "刑事案件破案率").total == 0
    assert f"report:{report.pk}" in ids(search(backend, "季度通报"))


def test_scheduled_expiry_and_a_new_index_address_reach_the_index(
    backend, city, django_capture_on_commit_callbacks
):
    from django.core.management import call_command
    from django.utils import timezone

    report = city.reports["police"]
    index = report.get_parent().specific
    with django_capture_on_commit_callbacks(execute=True):
        index.slug = "baogao"
        index.save_revision().publish()
    hit = search(backend, "夏季治安").hits[0]
    assert hit.url == f"/baogao/{report.slug}/"
    with django_capture_on_commit_callbacks(execute=True):
        ReportPage.objects.filter(pk=report.pk).update(
            expire_at=timezone.now() - datetime.timedelta(minutes=1)
        )
        call_command("publish_scheduled")
    assert search(backend, "夏季治安").total == 0


def test_a_restriction_on_the_report_index_hides_every_report_below_it(
    backend, city, django_capture_on_commit_callbacks
):
    index = city.reports["city"].get_parent()
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=index, restriction_type="login")
    assert search(backend, "报告", types=("report",)).total == 0
    assert search(backend, "营商环境").total > 0


def test_public_survey_results_and_cases_are_found(backend, city):
    survey, case = city.surveys["public"], city.cases["public"]
    results = search(backend, "不动产登记")
    assert {f"survey:{survey.pk}", f"case:{case.pk}"} <= ids(results)
    hit = next(h for h in results.hits if h.type == "survey")
    # The survey carries its latest month: share, period and year.
    assert (hit.url, hit.period, hit.year) == (survey.get_absolute_url(), "2025-03", 2025)
    assert hit.extra["satisfied_share"] == "93.4"
    assert hit.department == "市政务服务管理局"
    assert ids(search(backend, "服务态度", types=("survey",))) == {f"survey:{survey.pk}"}
    found = search(backend, "弹性窗口")
    assert ids(found) == {f"case:{case.pk}"}
    assert found.hits[0].url == case.get_absolute_url()
    assert facet(search(backend, "窗口"), "type")["case"] == 1


def test_every_month_of_a_public_survey_is_found_by_its_year(
    backend, city, django_capture_on_commit_callbacks
):
    survey = city.surveys["public"]
    months = search(backend, "不动产登记", types=("survey_result",), sort="date", grouped=False)
    assert [h.period for h in months.hits] == ["2025-03", "2025-02", "2025-01"]
    assert months.hits[0].url == f"{survey.get_absolute_url()}#m-2025-03"
    assert months.hits[0].extra["satisfied_share"] == "93.4"
    with django_capture_on_commit_callbacks(execute=True):
        old = SurveyResultFactory(
            survey=survey, period=datetime.date(2024, 6, 1), satisfied_share=Decimal("88.8")
        )
    in_2024 = search(backend, "不动产登记", years=(2024,))
    assert ids(in_2024) == {f"survey_result:{old.pk}"}
    assert facet(search(backend, "满意率", types=("survey_result",), grouped=False), "year") == {
        "2025": 3,
        "2024": 1,
    }
    with django_capture_on_commit_callbacks(execute=True):
        survey.delete()
    assert search(backend, "不动产登记", types=("survey", "survey_result")).total == 0


def test_a_month_moved_to_another_survey_updates_both(
    backend, city, django_capture_on_commit_callbacks
):
    public, internal = city.surveys["public"], city.surveys["internal"]
    march = public.results.get(period=datetime.date(2025, 3, 1))
    with django_capture_on_commit_callbacks(execute=True):
        internal.results.all().delete()
        march.survey = internal
        march.save()
    hit = search(backend, "不动产登记", types=("survey",)).hits[0]
    assert (hit.period, hit.extra["satisfied_share"]) == ("2025-02", "92")
    assert f"survey_result:{march.pk}" not in ids(search(backend, "满意率", per_page=50))


def test_internal_survey_results_and_cases_never_appear(backend, city):
    assert search(backend, "出入境").total == 0
    assert search(backend, "叫号系统").total == 0
    types = facet(search(backend, "公安局"), "type")
    assert "survey" not in types and "survey_result" not in types


def test_survey_and_case_changes_reach_the_index(backend, city, django_capture_on_commit_callbacks):
    survey, case = city.surveys["public"], city.cases["public"]
    with django_capture_on_commit_callbacks(execute=True):
        SurveyResultFactory(
            survey=survey, period=datetime.date(2025, 4, 1), satisfied_share=Decimal("95.1")
        )
    hit = search(backend, "不动产登记", types=("survey",)).hits[0]
    assert (hit.period, hit.extra["satisfied_share"]) == ("2025-04", "95.1")
    with django_capture_on_commit_callbacks(execute=True):
        survey.results_public = False
        survey.save()
    assert search(backend, "不动产登记", types=("survey",)).total == 0
    with django_capture_on_commit_callbacks(execute=True):
        city.surveys["internal"].results_public = True
        city.surveys["internal"].save()
    assert titles(search(backend, "出入境", types=("survey",))) == ["出入境窗口内部测评"]
    with django_capture_on_commit_callbacks(execute=True):
        case.public = False
        case.save()
    assert search(backend, "弹性窗口").total == 0
    with django_capture_on_commit_callbacks(execute=True):
        city.cases["internal"].public = True
        city.cases["internal"].save()
    assert titles(search(backend, "叫号系统")) == ["出入境窗口叫号系统故障"]
    with django_capture_on_commit_callbacks(execute=True):
        city.police.active = False
        city.police.save()
    assert search(backend, "叫号系统").total == 0
    assert search(backend, "出入境").total == 0
    with django_capture_on_commit_callbacks(execute=True):
        city.cases["internal"].delete()
    assert search(backend, "叫号系统").total == 0


def test_removing_what_is_not_indexed_is_harmless(backend, city):
    # A goal of an unpublished year was never indexed; deleting it still syncs its id.
    backend.delete_documents(["goal:987654321", f"goal:{city.goals['secret'].pk}"])
    assert search(backend, "营商环境").total > 0


# ---- bad input ---------------------------------------------------------------------------


BAD_QUERIES = [
    "",
    "长" * 2000,
    '"',
    "(",
    ":",
    "\\",
    "*",
    '满意度" OR (title:*',
    "AND OR NOT",
    "NEAR(满意 度)",
    "满意度 -营商 +公安局^3 ~ [2025 TO 2026] {x} /regex/ @#$%&",
    "\x00\x1f",
]


@pytest.mark.parametrize("raw", BAD_QUERIES)
def test_bad_queries_never_fail(backend, city, raw):
    data = QueryDict(mutable=True)
    data["q"] = raw
    form = SearchForm(data)
    query = form.search_query()
    assert len(query.text) <= MAX_QUERY_CHARS
    results = backend.search(query)
    assert results.total >= 0
    assert all("<script" not in h.snippet for h in results.hits)


def test_unknown_facet_values_and_deep_pages_are_harmless(backend, city):
    data = QueryDict(
        "q=满意度&type=nonsense&type=indicator&department=99999&department=x"
        "&year=abc&dimension=colour&status=purple&sort=sideways&page=9999"
    )
    form = SearchForm(data)
    query = form.search_query()
    assert query.types == ("indicator",)
    assert query.departments == () and query.years == () and query.statuses == ()
    assert query.page == MAX_PAGE
    assert form.notices
    results = backend.search(query)
    assert results.total >= 3
    assert results.hits == []  # past the last page: the page clamps it (test_views)


# ---- the backend is down -----------------------------------------------------------------


@pytest.fixture(params=["embedded", "engine"])
def down_backend(request, tmp_path):
    """A backend that cannot answer: an unreadable index file, or an engine on a closed port."""
    if request.param == "embedded":
        return EmbeddedBackend(tmp_path / "no-such-directory" / "search.sqlite3")
    if engine_fixtures is None:
        pytest.skip(ENGINE_MISSING)
    return engine_fixtures.down_engine_backend()


def test_backend_down_the_page_shows_a_notice_and_saves_wait_in_the_outbox(
    down_backend, city, client, wagtail_site, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("search.views.get_backend", lambda: down_backend)
    monkeypatch.setattr("search.indexing.get_backend", lambda: down_backend)
    response = client.get("/search/", {"q": "满意度"})
    assert response.status_code == 200
    with translation.override("zh-hans"):
        notice = translation.gettext("Search is temporarily unavailable.")
    assert notice in response.content.decode()
    api = client.get("/search/api/", {"q": "满意度"})
    assert api.status_code == 503
    assert api.json()["error"] == "search_unavailable"

    # Editing goes on; the index update waits in the outbox instead of failing the save.
    goal = city.goals["business"]
    with django_capture_on_commit_callbacks(execute=True):
        goal.title = "持续优化营商环境三年行动"
        goal.save()
    assert PendingIndexUpdate.objects.filter(doc_type="goal", object_id=str(goal.pk)).exists()
    result = indexing.retry(backend=down_backend)
    assert result.error and result.sent == 0
    assert PendingIndexUpdate.objects.filter(doc_type="goal", object_id=str(goal.pk)).exists()

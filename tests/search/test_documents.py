"""What becomes searchable, and how the index follows the database."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from portal import actions
from portal.evaluation import recompute_cycle
from portal.factories import GoalFactory
from portal.models import Goal, Indicator, Measurement
from search import documents, domain_documents, indexing
from search.backends.base import SearchDocument, SearchQuery
from search.backends.embedded import EmbeddedBackend
from search.models import PendingIndexUpdate
from search.synonyms import expand, parse_line, solr_synonyms, synonym_groups


def by_id(docs) -> dict[str, SearchDocument]:
    return {d.id: d for d in docs}


def test_only_published_cycles_are_built_every_year_of_them(city):
    docs = by_id(documents.all_documents())
    published = Goal.objects.filter(cycle__published=True)
    assert {f"goal:{g.pk}" for g in published} <= set(docs)
    assert f"goal:{city.goals['secret'].pk}" not in docs
    assert not [d for d in docs.values() if d.year == 2026]
    assert {d.year for d in docs.values() if d.type == "goal"} == {2024, 2025}
    assert documents.total_documents() == len(docs)
    counts = {t: sum(1 for d in docs.values() if d.type == t) for t in ("goal", "indicator")}
    assert counts == {
        "goal": published.count(),
        "indicator": Indicator.objects.filter(goal__cycle__published=True).count(),
    }
    assert (
        sum(1 for d in docs.values() if d.type == "result")
        == Measurement.objects.filter(indicator__goal__cycle__published=True).count()
    )


def test_documents_carry_department_pinyin_status_and_latest_values(city):
    indicator = city.indicators["safety_sat"]
    Indicator.objects.filter(pk=indicator.pk).update(
        latest_value=Decimal("83.0000"), latest_period=datetime.date(2025, 3, 1)
    )
    docs = by_id(documents.all_documents())
    ind = docs[f"indicator:{indicator.pk}"]
    assert ind.department == "市公安局" and ind.department_short == "公安局"
    assert ind.department_id == city.police.pk
    assert {"gaj", "gonganju", "sgaj", "manyidu"} <= set(ind.pinyin.split())
    assert ind.status == "green" and ind.dimension == "satisfaction"
    assert ind.extra["latest_value"] == "83" and ind.extra["latest_period"] == "2025-03"
    assert ind.url == indicator.get_absolute_url()
    dept = docs[f"department:{city.police.pk}"]
    assert dept.title == "市公安局" and dept.url == city.police.get_absolute_url()


def test_a_monthly_result_says_value_unit_period_and_correction(city):
    measurement = city.indicators["cases"].measurements.get(period=datetime.date(2025, 2, 1))
    actions.record_measurement(
        measurement.indicator, measurement.period, Decimal("90.50"), reason="数据更正"
    )
    result = by_id(domain_documents.result_documents([measurement.pk]))[f"result:{measurement.pk}"]
    assert result.title == "刑事案件破案率"
    assert result.period == "2025-02" and result.date == datetime.date(2025, 2, 1)
    assert result.extra["value"] == "90.5" and result.extra["unit"] == "%"
    assert result.extra["corrected"] is True
    assert "2025年2月：90.5%" in result.body


def test_other_apps_register_their_own_documents(city):
    # A kind of its own: registering "report" again would replace the disclosure app's source.
    store = {"1": "防汛工作通知", "2": "草稿"}

    def notices(pks=None):
        for pk in pks if pks is not None else ["1"]:
            if pk == "1":  # only notice 1 is published
                yield SearchDocument(
                    id=f"notice:{pk}",
                    type="notice",
                    title=store[pk],
                    body="",
                    url=f"/notices/{pk}/",
                )

    documents.register_source("notice", notices, label="Notice", count_fn=lambda: 1)
    try:
        assert "notice:1" in by_id(documents.all_documents())
        docs, missing = documents.documents_for("notice", ["1", "2"])
        assert [d.id for d in docs] == ["notice:1"] and missing == ["notice:2"]
        assert documents.type_label("notice") == "Notice"
    finally:
        documents._SOURCES.pop("notice")


def test_the_synonym_list_is_parsed_and_expanded(db):
    assert parse_line(" 满意度，满意率、满意度 ") == ["满意度", "满意率"]
    assert ("满意度", "满意率") in synonym_groups()  # installed by the migration
    assert "满意度, 满意率" in solr_synonyms()
    assert expand("群众满意率", [("满意度", "满意率")]) == ["群众满意率", "群众满意度"]
    assert expand("营商环境", [("营商环境", "营商")]) == ["营商环境", "营商"]


@pytest.fixture
def site_backend(embedded, city):
    indexing.rebuild()
    return embedded


def found(backend, text, **params) -> set[str]:
    return {h.id for h in backend.search(SearchQuery(text=text, per_page=50, **params)).hits}


def test_a_goal_saved_in_an_unpublished_year_stays_out(
    site_backend, city, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        goal = GoalFactory(cycle=city.hidden, owner=city.police, title="内部试点草案")
    assert found(site_backend, "内部试点") == set()
    with django_capture_on_commit_callbacks(execute=True):
        goal.delete()  # never indexed, removing it is harmless
    assert not PendingIndexUpdate.objects.exists()


def test_recomputed_statuses_reach_the_index(
    site_backend, city, django_capture_on_commit_callbacks
):
    indicator = city.indicators["startup"]
    assert found(site_backend, "企业开办平均时间", statuses=("red",), types=("indicator",))
    with django_capture_on_commit_callbacks(execute=True):
        recompute_cycle(city.current, today=datetime.date(2025, 4, 15))
    indicator.refresh_from_db()
    assert indicator.status != "red"  # 83 % of a 100 % target by March is on track
    results = site_backend.search(SearchQuery(text="企业开办平均时间", types=("indicator",)))
    assert results.hits[0].status == indicator.status
    assert results.hits[0].extra["latest_value"] == "83"


def test_updates_wait_in_the_outbox_while_down_and_retry_sends_them(
    site_backend, city, tmp_path, django_capture_on_commit_callbacks, monkeypatch
):
    down = EmbeddedBackend(tmp_path / "missing" / "x.sqlite3", synonyms=list)
    monkeypatch.setattr("search.indexing.get_backend", lambda: down)
    goal = city.goals["business"]
    with django_capture_on_commit_callbacks(execute=True):
        goal.title = "打造一流营商环境"
        goal.save()
    queued = set(PendingIndexUpdate.objects.values_list("doc_type", "object_id"))
    assert ("goal", str(goal.pk)) in queued
    assert found(site_backend, "一流营商") == set()  # not lost, only waiting

    monkeypatch.setattr("search.indexing.get_backend", lambda: site_backend)
    result = indexing.retry()
    assert result.sent == len(queued) and result.remaining == 0 and not result.error
    assert found(site_backend, "一流营商", types=("goal",)) == {f"goal:{goal.pk}"}

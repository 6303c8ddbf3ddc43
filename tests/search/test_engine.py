"""What only the engine backend does: its analysis, its alias swap, its adapters.

The behaviour both backends share (finding, facets, bad input ...) is in test_contract.py. These
run against the real OpenSearch node started by `make test` (scripts/opensearch.sh), except the
adapter tests, which need no server.
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.test import override_settings

from search.backends.adapters import ElasticsearchAdapter, OpenSearchAdapter, make_adapter
from search.backends.base import MAX_PAGE, SearchDocument, SearchQuery, SearchUnavailable
from search.backends.engine import EngineBackend, build_search
from search.text import pinyin_text
from tests.search.engine_fixtures import (
    closed_port,
    down_engine_backend,
    drop_engine_backend,
    engine_url,
    make_engine_backend,
    require_engine,
)


@pytest.fixture
def backend():
    """A fresh engine backend with an empty index of its own, dropped afterwards."""
    engine = make_engine_backend()
    yield engine
    drop_engine_backend(engine)


def doc(pk: int, title: str, **fields) -> SearchDocument:
    department_short = fields.pop("department_short", "")
    fields.setdefault("body", "")
    fields.setdefault("type", "indicator")
    return SearchDocument(
        id=f"{fields['type']}:{pk}",
        title=title,
        url=f"/x/{pk}/",
        department_short=department_short,
        pinyin=pinyin_text(title, department_short),
        **fields,
    )


def ids(results) -> list[str]:
    return [hit.id for hit in results.hits]


# ---- analysis -------------------------------------------------------------------------------


def test_chinese_is_indexed_as_bigrams_and_full_width_latin_is_folded(backend):
    assert backend.analyze("群众满意度", "portal_zh") == ["群众", "众满", "满意", "意度"]
    assert backend.analyze("ＧＤＰ增速", "portal_zh") == ["gdp", "增速"]


def test_synonym_list_applies_from_the_next_rebuild():
    backend = make_engine_backend(synonyms=lambda: ["满意度, 满意率"])
    try:
        documents = [doc(1, "群众满意度"), doc(2, "按时办结率")]
        backend.rebuild(documents)
        assert ids(backend.search(SearchQuery(text="满意率"))) == ["indicator:1"]
        assert ids(backend.search(SearchQuery(text="完成率"))) == []

        # An editor adds a group: the live index says it is stale until rebuilt.
        backend._synonyms = lambda: ["满意度, 满意率", "办结率, 完成率"]
        assert backend.synonyms_stale()
        backend.rebuild(documents)
        assert not backend.synonyms_stale()
        assert ids(backend.search(SearchQuery(text="完成率"))) == ["indicator:2"]
    finally:
        drop_engine_backend(backend)


def test_pinyin_full_and_initials_find_a_department(backend):
    backend.index_documents(
        [
            doc(1, "青川市公安局", type="department", department_short="公安局"),
            doc(2, "青川市教育局", type="department", department_short="教育局"),
            # The department's own documents carry its pinyin too, but rank below it.
            doc(3, "刑事案件破案率", type="indicator", department_short="公安局"),
            doc(4, "命案现案破案率", type="indicator", department_short="公安局"),
        ]
    )
    for typed in ("gaj", "gonganju", "GongAn", "gong an ju"):
        assert ids(backend.search(SearchQuery(text=typed)))[0] == "department:1", typed
    found = ids(backend.search(SearchQuery(text="gaj")))
    assert found[0] == "department:1" and set(found[1:]) == {"indicator:3", "indicator:4"}
    assert ids(backend.search(SearchQuery(text="jyj"))) == ["department:2"]


def test_snippet_marks_the_match_and_escapes_the_text(backend):
    backend.index_documents(
        [doc(1, "群众满意度", body="<script>alert(1)</script> 本季度群众满意度为 92.5%。")]
    )
    [hit] = backend.search(SearchQuery(text="满意度")).hits
    assert "<mark>满意度</mark>" in hit.snippet
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet


def test_a_typo_gets_a_suggestion(backend):
    backend.index_documents([doc(1, "优化营商环境评价指数")])
    results = backend.search(SearchQuery(text="营商环竟"))
    assert results.total == 0
    assert results.suggestion == "营商环境"
    assert ids(backend.search(SearchQuery(text=results.suggestion))) == ["indicator:1"]


def test_a_facet_is_counted_without_its_own_filter(backend):
    backend.index_documents(
        [
            doc(1, "群众满意度", type="indicator", year=2025, department_id=1),
            doc(2, "群众满意度提升", type="goal", year=2025, department_id=2),
            doc(3, "群众满意度调查", type="survey", year=2024, department_id=1),
        ]
    )
    results = backend.search(SearchQuery(text="满意度", types=("goal",)))
    assert ids(results) == ["goal:2"]
    # Choosing "goal" does not hide how many indicators and surveys match ...
    assert dict(results.facets["type"]) == {"indicator": 1, "goal": 1, "survey": 1}
    # ... while the other facets count goals only.
    assert dict(results.facets["department"]) == {"2": 1}
    assert dict(results.facets["year"]) == {"2025": 1}


def test_pages_past_the_last_allowed_one_are_capped(backend):
    backend.index_documents([doc(1, "群众满意度")])
    results = backend.search(SearchQuery(text="满意度", page=9999))
    assert results.page == MAX_PAGE
    assert results.hits == [] and results.total == 1


# ---- versioned indices and the alias ---------------------------------------------------------


def test_search_keeps_answering_from_the_old_index_during_a_rebuild(backend):
    old = [doc(1, "群众满意度"), doc(2, "营商环境")]
    backend.rebuild(old)
    old_index = backend.live_index()

    halfway, resume = threading.Event(), threading.Event()

    def new_documents():
        for pk in range(100, 1100):
            yield doc(pk, f"群众满意度 第{pk}期")
            if pk == 700:  # after the first bulk chunk has gone into the new index
                halfway.set()
                resume.wait(30)

    errors = []

    def rebuild():
        try:
            backend.rebuild(new_documents())
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)

    worker = threading.Thread(target=rebuild)
    worker.start()
    try:
        assert halfway.wait(30)
        # Mid-rebuild: two indices exist, the alias still points at the old one.
        names = backend.index_names()
        assert len(names) == 2 and names[old_index] is True
        during = backend.search(SearchQuery(text="满意度"))
        assert ids(during) == ["indicator:1"]
        # An edit made now reaches both indices, so the swap does not lose it.
        backend.index_documents([doc(3, "群众满意度（更正）")])
    finally:
        resume.set()
        worker.join(60)
    assert not errors

    assert list(backend.index_names()) == [backend.live_index()]
    assert backend.live_index() != old_index
    after = backend.search(SearchQuery(text="满意度", per_page=5))
    assert after.total == 1000 + 1
    assert "indicator:3" in ids(backend.search(SearchQuery(text="更正")))
    assert backend.count() == 1001


def test_a_failed_rebuild_leaves_the_live_index_alone(backend):
    backend.rebuild([doc(1, "群众满意度")])
    live = backend.live_index()

    def broken():
        yield doc(2, "营商环境")
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        backend.rebuild(broken())
    assert backend.index_names() == {live: True}
    assert ids(backend.search(SearchQuery(text="满意度"))) == ["indicator:1"]


def test_prefixes_keep_test_runs_apart(backend):
    other = make_engine_backend()
    try:
        other.index_documents([doc(1, "群众满意度")])
        assert backend.search(SearchQuery(text="满意度")).total == 0
        assert other.search(SearchQuery(text="满意度")).total == 1
    finally:
        drop_engine_backend(other)


# ---- a down or wrong engine ------------------------------------------------------------------


def test_a_down_engine_raises_search_unavailable():
    backend = down_engine_backend()
    assert backend.ping() is False
    with pytest.raises(SearchUnavailable):
        backend.search(SearchQuery(text="满意度"))
    with pytest.raises(SearchUnavailable):
        backend.index_documents([doc(1, "群众满意度")])
    with pytest.raises(SearchUnavailable):
        backend.delete_documents(["indicator:1"])
    with pytest.raises(SearchUnavailable):
        backend.rebuild([doc(1, "群众满意度")])


def test_elasticsearch_adapter_sends_every_request_through_the_elasticsearch_client():
    # No Elasticsearch here: at a closed port each call must fail as "unavailable", which also
    # proves the client accepted the arguments (a signature mismatch would be a TypeError).
    backend = down_engine_backend(engine="elasticsearch")
    assert isinstance(backend.adapter, ElasticsearchAdapter)
    assert type(backend.adapter.client).__module__.startswith("elasticsearch")
    calls = [
        lambda: backend.search(SearchQuery(text="满意度", types=("goal",), sort="date")),
        lambda: backend.index_documents([doc(1, "群众满意度")]),
        lambda: backend.adapter.create_index("x-1", {"settings": {}}),
        lambda: backend.adapter.update_aliases([{"add": {"index": "x-1", "alias": "x"}}]),
        lambda: backend.adapter.put_settings("x-1", {"index": {"refresh_interval": "1s"}}),
        lambda: backend.adapter.refresh("x-1"),
        lambda: backend.adapter.count("x"),
        lambda: backend.adapter.delete_indices(["x-1"]),
        lambda: backend.adapter.analyze("x-1", "standard", "满意度"),
    ]
    for call in calls:
        with pytest.raises(SearchUnavailable):
            call()


def test_elasticsearch_client_refuses_an_opensearch_node_with_a_notice_not_an_error():
    require_engine()
    backend = EngineBackend(engine_url(), engine="elasticsearch", prefix="test-wrong-engine")
    with pytest.raises(SearchUnavailable):
        backend.search(SearchQuery(text="满意度"))


def test_both_adapters_receive_the_same_request_body():
    query = SearchQuery(text="公安局 满意度", departments=(3,), year_from=2024, sort="date", page=2)
    body = build_search(query, "portal").to_dict()
    # The body is built once, before an adapter is chosen; check the parts a visitor relies on.
    assert body["post_filter"] == {"bool": {"filter": [{"terms": {"department_id": [3]}}]}}
    assert body["aggs"]["department"]["filter"] == {"match_all": {}}
    assert body["aggs"]["type"]["filter"]["bool"]["filter"] == [{"terms": {"department_id": [3]}}]
    assert body["highlight"]["encoder"] == "html"
    assert body["from"] == 20 and body["size"] == 20


def test_settings_choose_the_adapter():
    url = f"http://127.0.0.1:{closed_port()}"
    with override_settings(SEARCH_URL=url, SEARCH_ENGINE="elasticsearch"):
        assert isinstance(EngineBackend.from_settings().adapter, ElasticsearchAdapter)
    with override_settings(SEARCH_URL=url, SEARCH_ENGINE="opensearch"):
        assert isinstance(EngineBackend.from_settings().adapter, OpenSearchAdapter)
    with pytest.raises(ValueError, match="SEARCH_ENGINE"):
        make_adapter("solr", url)


def test_dates_and_codes_come_back_as_given(backend):
    backend.index_documents(
        [
            doc(
                1,
                "群众满意度",
                year=2026,
                date=datetime.date(2026, 3, 31),
                period="2026-03",
                status="green",
                dimension="quality",
                department="青川市公安局",
                extra={"value": "92.5", "unit": "%"},
            )
        ]
    )
    [hit] = backend.search(SearchQuery(text="满意度")).hits
    assert (hit.date, hit.year, hit.period) == (datetime.date(2026, 3, 31), 2026, "2026-03")
    assert (hit.status, hit.dimension, hit.department) == ("green", "quality", "青川市公安局")
    assert hit.extra == {"value": "92.5", "unit": "%"} and hit.url == "/x/1/"

"""What only the embedded backend does: its own file, WAL, generations swapped atomically."""

from __future__ import annotations

import sqlite3

import pytest

from search.backends.base import SearchDocument, SearchQuery, SearchUnavailable
from search.backends.embedded import EmbeddedBackend, match_expression
from search.text import index_text, pinyin_text


def doc(pk: int, title: str, body: str = "", **fields) -> SearchDocument:
    fields.setdefault("department", "市公安局")
    fields.setdefault("department_short", "公安局")
    return SearchDocument(
        id=f"goal:{pk}",
        type=fields.pop("type", "goal"),
        title=title,
        body=body,
        url=f"/goals/{pk}/",
        pinyin=pinyin_text(title, fields["department"], fields["department_short"]),
        **fields,
    )


@pytest.fixture
def backend(tmp_path):
    backend = EmbeddedBackend(tmp_path / "search.sqlite3", synonyms=lambda: [("满意度", "满意率")])
    yield backend
    backend.close()


def found(backend, text, **params) -> list[str]:
    return [h.id for h in backend.search(SearchQuery(text=text, **params)).hits]


def test_chinese_is_matched_inside_words_and_at_their_ends(backend):
    backend.index_documents([doc(1, "群众安全感满意度"), doc(2, "营商环境评价得分")])
    assert found(backend, "满意度") == ["goal:1"]
    assert found(backend, "安全感满意") == ["goal:1"]
    assert found(backend, "度") == ["goal:1"]  # one character, at the end of a word
    assert found(backend, "营商 得分") == ["goal:2"]  # every word must match
    assert found(backend, "营商环境满意度") == []  # not in one document
    assert sorted(found(backend, "ＧＡＪ")) == ["goal:1", "goal:2"]  # full-width pinyin


def test_the_index_text_holds_words_and_bigrams():
    tokens = index_text("市公安局").split()
    assert "公安局" in tokens and "公安" in tokens and "安局" in tokens
    assert match_expression('"(:\\*', []) == ""
    assert match_expression("", []) is None


def test_the_title_outranks_the_body(backend):
    backend.index_documents(
        [doc(1, "年度工作总结", body="提升群众满意度"), doc(2, "群众满意度调查")]
    )
    assert found(backend, "满意度") == ["goal:2", "goal:1"]


def test_snippets_escape_the_text_and_mark_the_match(backend):
    backend.index_documents(
        [doc(1, "办事指南", body='<script>alert("x")</script> 群众满意度达到98%')]
    )
    hit = backend.search(SearchQuery(text="满意度")).hits[0]
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "群众<mark>满意度</mark>达到98%" in hit.snippet


def test_suggestions_for_homophones_and_pinyin_typos(backend):
    backend.rebuild([doc(1, "群众满意度", department="市公安局"), doc(2, "营商环境")])
    assert backend.search(SearchQuery(text="满意渡")).suggestion == "满意度"
    assert backend.search(SearchQuery(text="公按局")).suggestion == "公安局"
    assert backend.search(SearchQuery(text="yingshanghuanjin")).total == 1  # a prefix
    assert backend.search(SearchQuery(text="yinshanghuanjing")).suggestion == "营商环境"
    assert backend.search(SearchQuery(text="满意度")).suggestion == ""


def test_the_file_is_in_wal_mode(backend, tmp_path):
    backend.index_documents([doc(1, "营商环境")])
    conn = sqlite3.connect(tmp_path / "search.sqlite3")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_search_keeps_answering_during_a_rebuild_and_keeps_changes_made_meanwhile(backend):
    backend.rebuild([doc(1, "旧的目标"), doc(2, "将被删除的目标")])
    seen_during = []

    def documents():
        yield doc(3, "新的目标")
        # Mid-rebuild: visitors still get the old index; an editor changes and deletes things.
        seen_during.append(found(backend, "目标"))
        backend.index_documents([doc(4, "编辑中新增的目标")])
        backend.delete_documents(["goal:2"])
        yield doc(2, "将被删除的目标")  # read before the deletion committed

    backend.rebuild(documents())
    assert sorted(seen_during[0]) == ["goal:1", "goal:2"]
    assert sorted(found(backend, "目标")) == ["goal:3", "goal:4"]
    assert backend.count() == 2


def test_a_failed_rebuild_leaves_the_live_index_alone(backend):
    backend.rebuild([doc(1, "营商环境")])

    def broken():
        yield doc(2, "新目标")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        backend.rebuild(broken())
    assert found(backend, "营商") == ["goal:1"]
    backend.rebuild([doc(3, "营商环境评价")])  # and the next rebuild works
    assert found(backend, "营商") == ["goal:3"]


def test_an_unreadable_or_broken_file_is_unavailable_not_an_error(tmp_path):
    missing = EmbeddedBackend(tmp_path / "nowhere" / "search.sqlite3", synonyms=list)
    with pytest.raises(SearchUnavailable):
        missing.search(SearchQuery(text="满意度"))
    with pytest.raises(SearchUnavailable):
        missing.index_documents([doc(1, "营商环境")])
    assert missing.ping() is False
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(SearchUnavailable):
        EmbeddedBackend(garbage, synonyms=list).search(SearchQuery(text="满意度"))


def test_two_connections_see_each_others_writes(backend, tmp_path):
    # Several worker processes share the file: a write by one is seen by another at once.
    other = EmbeddedBackend(tmp_path / "search.sqlite3", synonyms=lambda: [])
    assert found(other, "营商") == []
    backend.index_documents([doc(1, "营商环境")])
    assert found(other, "营商") == ["goal:1"]
    backend.rebuild([doc(2, "营商环境评价")])
    assert found(other, "营商") == ["goal:2"]
    other.close()


def test_a_very_broad_match_is_ranked_without_bm25_with_the_same_counts(backend):
    """Past bm25_limit matches, ranking skips bm25 (too slow at 140,000 matches, and says
    little): titles holding the typed words first, then by kind, then newest. Totals and facet
    counts are the same either way."""
    import datetime

    docs = [
        doc(1, "交通安全宣传", body="公安局年度工作", date=datetime.date(2026, 1, 1)),
        doc(2, "公安局窗口服务", date=datetime.date(2024, 1, 1)),
        doc(3, "治安案件办结率", body="公安局", type="indicator", date=datetime.date(2025, 1, 1)),
        doc(4, "公安局", type="department"),
        doc(5, "消防检查", body="公安局 公安局 公安局", date=datetime.date(2025, 6, 1)),
    ]
    backend.index_documents(docs)
    ranked = backend.search(SearchQuery(text="公安局"))
    backend.bm25_limit = 0
    broad = backend.search(SearchQuery(text="公安局"))
    assert (broad.total, broad.facets) == (ranked.total, ranked.facets)
    assert sorted(h.id for h in broad.hits) == sorted(h.id for h in ranked.hits)
    # Titles holding 公安局 first (the department before the goal), then the rest newest first
    # (goals and indicators weigh the same); bm25 puts the body with 公安局 three times first.
    assert [h.id for h in broad.hits] == ["goal:4", "goal:2", "goal:1", "goal:5", "goal:3"]
    assert [h.id for h in ranked.hits] == ["goal:4", "goal:2", "goal:5", "goal:3", "goal:1"]

    paged = [
        h.id
        for page in (1, 2, 3)
        for h in backend.search(SearchQuery(text="公安局", page=page, per_page=2)).hits
    ]
    assert paged == [h.id for h in broad.hits]  # pages neither repeat nor skip a document
    filtered = backend.search(SearchQuery(text="公安局", types=("goal",)))
    backend.bm25_limit = 10_000
    assert filtered.total == backend.search(SearchQuery(text="公安局", types=("goal",))).total == 3


def test_an_index_of_older_tables_asks_for_a_rebuild(backend, tmp_path):
    backend.index_documents([doc(1, "群众安全感满意度")])
    conn = sqlite3.connect(backend.path)
    conn.execute("DELETE FROM meta WHERE key LIKE 'schema_%'")  # as a file built before groups
    conn.commit()
    conn.close()
    backend.close()
    with pytest.raises(SearchUnavailable, match="search_index rebuild"):
        backend.search(SearchQuery(text="满意度"))
    assert not backend.ping()
    backend.rebuild([doc(1, "群众安全感满意度"), doc(2, "群众安全感满意度", year=2024)])
    assert backend.search(SearchQuery(text="满意度")).total == 2  # each goal its own group

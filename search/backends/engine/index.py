"""The engine's index: analysis settings, the mapping of a ``SearchDocument`` and its JSON.

Chinese text is analysed with what both engines ship (see the package's docstring); synonyms
are built into the search analyzer, so a changed list needs a rebuild (``synonyms_stale``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from elasticsearch.dsl import Index, Mapping, analyzer, token_filter

from search.backends.base import MAX_PAGE, SearchDocument
from search.backends.engine.query import MAX_PER_PAGE
from search.text import pinyin_text

# Used only when search/synonyms.py cannot be read.
DEFAULT_SYNONYMS = ("满意度, 满意率", "营商环境, 营商")


def synonym_lines() -> list[str]:
    """The editable synonym list as Solr-format lines ("满意度, 满意率"), or the default one
    when the list cannot be read (no database at hand, e.g. a bare ``search_index`` check)."""
    try:
        from search import synonyms
    except ImportError:
        return list(DEFAULT_SYNONYMS)
    try:
        return [line for line in synonyms.solr_synonyms() if line.strip()]
    except Exception:
        groups = getattr(synonyms, "DEFAULT_GROUPS", None)
        if groups:
            return [", ".join(group) for group in groups]
        return list(DEFAULT_SYNONYMS)


def build_index(name: str, synonyms: Iterable[str]) -> Index:
    """The index definition: analysis settings and the mapping of a ``SearchDocument``."""
    synonyms = list(synonyms)
    zh_bigram = token_filter("portal_cjk_bigram", "cjk_bigram")
    zh_synonyms = token_filter(
        "portal_synonyms", "synonym_graph", synonyms=synonyms or ["满意度,满意度"], lenient=True
    )
    zh = analyzer(
        "portal_zh",
        tokenizer="standard",
        filter=["cjk_width", "lowercase", zh_bigram],
    )
    zh_search = analyzer(
        "portal_zh_search",
        tokenizer="standard",
        filter=["cjk_width", "lowercase", zh_bigram, zh_synonyms],
    )
    pinyin_prefixes = token_filter("portal_pinyin_prefix", "edge_ngram", min_gram=2, max_gram=24)
    pinyin = analyzer(
        "portal_pinyin", tokenizer="whitespace", filter=["lowercase", pinyin_prefixes]
    )
    pinyin_search = analyzer("portal_pinyin_search", tokenizer="whitespace", filter=["lowercase"])

    def zh_text(**extra):
        return {"analyzer": zh, "search_analyzer": zh_search, **extra}

    mapping = Mapping()
    mapping.meta("dynamic", "strict")
    mapping.meta("_meta", synonyms_hash=synonyms_hash(synonyms))
    mapping.field("id", "keyword")
    mapping.field("type", "keyword", eager_global_ordinals=True)
    # title.chars: single ideographs, only used when the visitor typed one character.
    # Offsets in the postings let the highlighter mark matches without analysing the text again.
    mapping.field(
        "title", "text", **zh_text(index_options="offsets", fields={"chars": {"type": "text"}})
    )
    mapping.field("body", "text", **zh_text(index_options="offsets"))
    mapping.field("url", "keyword", index=False)
    mapping.field("department_id", "integer")
    mapping.field("department", "text", **zh_text())
    mapping.field("department_short", "text", **zh_text(fields={"chars": {"type": "text"}}))
    mapping.field("year", "integer")
    mapping.field("dimension", "keyword", eager_global_ordinals=True)
    mapping.field("status", "keyword", eager_global_ordinals=True)
    mapping.field("date", "date")
    mapping.field("period", "keyword")
    # What results show once (collapse) and what facets count (cardinality): see query.py.
    mapping.field("group", "keyword")
    mapping.field("keywords", "text", **zh_text())
    # Pinyin is matched by prefix (gonga → gonganju); a whole word (gaj) ranks higher, so that
    # 教育局 (jyj) is not drowned by 教育经费 (jyjf...).
    pinyin_field = {
        "analyzer": pinyin,
        "search_analyzer": pinyin_search,
        "norms": False,
        "fields": {"exact": {"type": "text", "analyzer": pinyin_search, "norms": False}},
    }
    mapping.field("pinyin", "text", **pinyin_field)
    # The title's own pinyin ranks 市公安局 itself above the many documents of its department.
    mapping.field("title_pinyin", "text", **pinyin_field)
    mapping.field("extra", "object", enabled=False)

    index = Index(name)
    index.settings(
        number_of_shards=1,
        # One replica as soon as a second node exists; none on a single node (tests, small sites).
        auto_expand_replicas="0-1",
        max_result_window=MAX_PAGE * MAX_PER_PAGE,
    )
    index.mapping(mapping)
    return index


def synonyms_hash(lines: Iterable[str]) -> str:
    """A short fingerprint of a synonym list, kept in the index to tell when it is stale."""
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def document_source(doc: SearchDocument) -> dict:
    """The JSON stored for a document; empty codes are left out so facets never count ""."""
    source = {
        "id": doc.id,
        "type": doc.type,
        "title": doc.title,
        "body": doc.body,
        "url": doc.url,
        "department_id": doc.department_id,
        "department": doc.department,
        "department_short": doc.department_short,
        "year": doc.year,
        "dimension": doc.dimension or None,
        "status": doc.status or None,
        "date": doc.date.isoformat() if doc.date else None,
        "period": doc.period or None,
        "group": doc.group_key,
        "keywords": doc.keywords,
        "pinyin": doc.pinyin,
        "title_pinyin": pinyin_text(*title_names(doc)),
        "extra": doc.extra or {},
    }
    return {key: value for key, value in source.items() if value is not None}


def title_names(doc: SearchDocument) -> list[str]:
    """The names a document *is* called by: its title, and the short name when that is the
    document's own (a department) or part of its title."""
    names = [doc.title]
    short = doc.department_short
    if short and (doc.type == "department" or short in doc.title):
        names.append(short)
    return names

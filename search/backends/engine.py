"""The engine backend: Elasticsearch 8/9 or OpenSearch 2.x, one index behind an alias.

Mappings and queries are built with ``elasticsearch.dsl`` and only use what both engines share;
the request goes through a thin adapter (``search/backends/adapters.py``) because the
``elasticsearch`` client refuses to talk to OpenSearch. Replies are wrapped back into the DSL's
``Response``.

Chinese text is analysed with what both engines ship (no plugin): the standard tokenizer splits
ideographs, ``cjk_width`` folds full-width Latin, ``cjk_bigram`` pairs neighbouring ideographs
(群众满意度 → 群众 众满 满意 意度), Latin words stay whole. Synonyms (满意度/满意率) are a
``synonym_graph`` filter on the search analyzer only, so the list can change with a rebuild and
no document changes. Pinyin is computed in Python and matched by prefix (``gaj`` → 公安局).

Index names carry a timestamp (``<prefix>-<yyyymmddhhmmssffffff>``) and the live one is reached
through the alias ``<prefix>``: a rebuild fills a new index while search keeps answering from the
old one, then swaps the alias in one atomic request and drops the old index.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator

from elasticsearch.dsl import A, Index, Mapping, Q, Response, Search, analyzer, token_filter

from search.backends.adapters import EngineAdapter, IndexMissing, make_adapter
from search.backends.base import (
    FACETS,
    MAX_PAGE,
    MAX_QUERY_CHARS,
    PER_PAGE,
    SearchBackend,
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResults,
    SearchUnavailable,
)
from search.text import pinyin_text

# Used only when search/synonyms.py cannot be read.
DEFAULT_SYNONYMS = ("满意度, 满意率", "营商环境, 营商")

# facet name -> indexed field
FACET_FIELDS = {
    "type": "type",
    "department": "department_id",
    "year": "year",
    "dimension": "dimension",
    "status": "status",
}
# Enough buckets for every department of a city; the other facets have a handful of values.
FACET_SIZE = 200
MAX_PER_PAGE = 100
BULK_CHUNK = 500
# Admin requests (create an index, bulk, refresh) may wait longer than a visitor's search.
ADMIN_TIMEOUT = 60.0

_INDEX_NAME_RE = r"^{prefix}-\d{{20}}$"
_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SPACES_RE = re.compile(r"\s+")


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


def clean_text(text: str) -> str:
    """The query text as sent: cut at MAX_QUERY_CHARS, whitespace collapsed."""
    return _SPACES_RE.sub(" ", (text or "")[:MAX_QUERY_CHARS]).strip()


def facet_filters(query: SearchQuery) -> dict[str, Q]:
    """One filter per facet the visitor narrowed; facets left open are absent."""
    chosen = {
        "type": query.types,
        "department": query.departments,
        "year": query.years,
        "dimension": query.dimensions,
        "status": query.statuses,
    }
    return {
        facet: Q("terms", **{FACET_FIELDS[facet]: list(values)})
        for facet, values in chosen.items()
        if values
    }


def text_query(text: str) -> Q:
    """What "matches the words" means: every word in the title, name, keywords or body."""
    if not text:
        return Q("match_all")
    fields = ["title^4", "department_short^3", "department^2", "keywords^2", "body"]
    clauses = [
        # cross_fields: 公安局 满意度 finds a goal whose department is 公安局 and whose title
        # says 满意度, not only documents holding both words in one field.
        Q("multi_match", query=text, fields=fields, type="cross_fields", operator="and"),
        Q("match_phrase", title={"query": text, "boost": 6}),
        # The very words typed, without synonyms, in the title: searching 满意度 lists 群众满意度
        # before a 满意率 that only its synonym (and its description) matched.
        Q("match_phrase", title={"query": text, "analyzer": "portal_zh", "boost": 12}),
    ]
    compact = text.replace(" ", "").lower()
    if compact.isascii() and compact.isalpha():
        # Pinyin: full (gonganju) or initials (gaj), typed with or without spaces.
        clauses.append(
            Q(
                "multi_match",
                query=compact,
                fields=["pinyin^2", "pinyin.exact^3", "title_pinyin^3", "title_pinyin.exact^6"],
                type="most_fields",
            )
        )
        if compact != text.lower():
            clauses.append(Q("match", pinyin={"query": text, "operator": "and", "boost": 2}))
    if len(text) == 1 and _CJK_RE.match(text):
        # A single ideograph has no bigram; look it up character by character.
        clauses.append(
            Q("multi_match", query=text, fields=["title.chars^2", "department_short.chars"])
        )
    return Q("bool", should=clauses, minimum_should_match=1)


def build_search(query: SearchQuery, index: str = "") -> Search:
    """The request for one page of results, facet counts and highlights."""
    text = clean_text(query.text)
    per_page = max(1, min(query.per_page or PER_PAGE, MAX_PER_PAGE))
    page = max(1, min(query.page or 1, MAX_PAGE))

    search = Search(index=index or None).query(text_query(text))
    if query.year_from is not None or query.year_to is not None:
        bounds = {}
        if query.year_from is not None:
            bounds["gte"] = query.year_from
        if query.year_to is not None:
            bounds["lte"] = query.year_to
        search = search.filter("range", year=bounds)

    # Facets: the chosen values narrow the hits (post_filter) while each facet is counted with
    # the *other* facets' filters only, so a visitor sees what choosing another value gives.
    filters = facet_filters(query)
    if filters:
        search = search.post_filter(Q("bool", filter=list(filters.values())))
    for facet in FACETS:
        others = [f for name, f in filters.items() if name != facet]
        agg = A("filter", Q("bool", filter=others)) if others else A("filter", Q("match_all"))
        agg.bucket("values", "terms", field=FACET_FIELDS[facet], size=FACET_SIZE)
        search.aggs.bucket(facet, agg)

    if query.sort == "date":
        search = search.sort({"date": {"order": "desc", "missing": "_last"}}, "_score")
    else:
        search = search.sort("_score", {"date": {"order": "desc", "missing": "_last"}})

    search = search.highlight_options(
        pre_tags=["<mark>"],
        post_tags=["</mark>"],
        encoder="html",
        fragment_size=120,
        number_of_fragments=1,
    )
    search = search.highlight("body", no_match_size=160)
    search = search.highlight("title", number_of_fragments=0)
    search = search.source(excludes=["body", "pinyin", "title_pinyin", "keywords"])
    search = search.extra(track_total_hits=True)
    start = (page - 1) * per_page
    return search[start : start + per_page]


def build_suggestion_search(text: str, index: str = "") -> Search:
    """A looser request used only when nothing matched: half the words, or words one typo off."""
    clauses = [
        Q("match", title={"query": text, "minimum_should_match": "50%"}),
        Q("match", title={"query": text, "fuzziness": "AUTO", "prefix_length": 1}),
    ]
    compact = text.replace(" ", "").lower()
    if compact.isascii() and compact.isalpha():
        clauses.append(Q("match", pinyin={"query": compact, "fuzziness": 1, "prefix_length": 1}))
    search = Search(index=index or None).query(Q("bool", should=clauses, minimum_should_match=1))
    return search.source(includes=["title"])[:5]


def suggest_from_titles(text: str, titles: Iterable[str]) -> str:
    """The piece of a near-matching title that looks most like what was typed.

    Chinese: the stretch of the title, as long as the query, agreeing with it in most places
    (营商环竟 → 营商环境). Latin: the closest word (satisfction → satisfaction).
    """
    text = text.strip()
    if not text:
        return ""
    folded = text.lower()
    best, best_score = "", (0.0, 0.0)
    for title in titles:
        if _CJK_RE.search(text):
            size = len(text)
            candidates = [title[i : i + size] for i in range(max(1, len(title) - size + 1))]
        else:
            candidates = re.findall(r"[\w-]+", title)
        for candidate in candidates:
            lowered = candidate.lower()
            # Characters in the same place first (a typo keeps the others where they were),
            # then overall likeness.
            same_place = sum(a == b for a, b in zip(folded, lowered, strict=False)) / len(folded)
            ratio = difflib.SequenceMatcher(None, folded, lowered).ratio()
            score = (max(same_place, ratio), same_place)
            if score > best_score:
                best, best_score = candidate, score
    if best_score[0] < 0.5 or best.lower() == folded:
        return ""
    return best


class EngineBackend(SearchBackend):
    """Search on Elasticsearch 8/9 or OpenSearch 2.x through a versioned index and its alias."""

    name = "engine"

    def __init__(
        self,
        url: str,
        engine: str = "opensearch",
        prefix: str = "portal",
        timeout: float = 2.0,
        synonyms: Callable[[], Iterable[str]] | None = None,
    ):
        self.url = url
        self.engine = engine
        self.alias = prefix
        self.timeout = timeout
        self.adapter: EngineAdapter = make_adapter(engine, url, timeout)
        self._synonyms = synonyms or synonym_lines
        self._index_name_re = re.compile(_INDEX_NAME_RE.format(prefix=re.escape(prefix)))

    @classmethod
    def from_settings(cls) -> EngineBackend:
        from django.conf import settings

        return cls(
            url=settings.SEARCH_URL,
            engine=getattr(settings, "SEARCH_ENGINE", "opensearch"),
            prefix=getattr(settings, "SEARCH_INDEX_PREFIX", "portal"),
            timeout=getattr(settings, "SEARCH_TIMEOUT", 2.0),
        )

    # ---- index names -----------------------------------------------------------------

    def new_index_name(self) -> str:
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d%H%M%S%f")
        return f"{self.alias}-{stamp}"

    def index_names(self) -> dict[str, bool]:
        """Every versioned index of this prefix -> whether the alias points at it."""
        try:
            found = self.adapter.get_alias(index=f"{self.alias}-*")
        except IndexMissing:
            return {}
        return {
            name: self.alias in (info.get("aliases") or {})
            for name, info in found.items()
            if self._index_name_re.match(name)
        }

    def live_index(self) -> str | None:
        return next((name for name, live in self.index_names().items() if live), None)

    def create_index(self, name: str, building: bool = False) -> None:
        body = build_index(name, self._synonyms()).to_dict()
        if building:
            # No refresh while the bulk load runs: it is much faster, and nobody reads it yet.
            body["settings"]["refresh_interval"] = "-1"
        self.adapter.create_index(name, body)

    def ensure_index(self) -> str:
        """The live index, created (empty) when none exists yet."""
        live = self.live_index()
        if live:
            return live
        name = self.new_index_name()
        self.create_index(name)
        self.adapter.update_aliases([{"add": {"index": name, "alias": self.alias}}])
        return name

    def _write_targets(self) -> list[str]:
        """Writes go to the live index and to any index a rebuild is filling right now, so an
        edit made during a rebuild is not lost when the alias swaps."""
        names = list(self.index_names())
        return names or [self.ensure_index()]

    # ---- the contract ----------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        search = build_search(query, self.alias)
        raw = self.adapter.search(self.alias, search.to_dict())
        response = Response(search, raw)
        hits = [self._hit(hit) for hit in response.hits]
        facets = {}
        for facet in FACETS:
            buckets = response.aggregations[facet]["values"]["buckets"]
            facets[facet] = [
                (str(bucket["key"]), bucket["doc_count"])
                for bucket in buckets
                if bucket["key"] != ""
            ]
        total = response.hits.total.value
        suggestion = ""
        text = clean_text(query.text)
        if total == 0 and text:
            suggestion = self.suggest(text)
        per_page = max(1, min(query.per_page or PER_PAGE, MAX_PER_PAGE))
        return SearchResults(
            hits=hits,
            total=total,
            facets=facets,
            page=max(1, min(query.page or 1, MAX_PAGE)),
            per_page=per_page,
            suggestion=suggestion,
        )

    def suggest(self, text: str) -> str:
        search = build_suggestion_search(text, self.alias)
        raw = self.adapter.search(self.alias, search.to_dict())
        titles = [hit["_source"].get("title", "") for hit in raw["hits"]["hits"]]
        return suggest_from_titles(text, titles)

    @staticmethod
    def _hit(hit) -> SearchHit:
        source = hit.to_dict()
        highlight = getattr(hit.meta, "highlight", None)
        snippet = ""
        if highlight is not None:
            fragments = list(getattr(highlight, "body", []) or [])
            if fragments:
                snippet = fragments[0]
        date = source.get("date")
        return SearchHit(
            id=source.get("id", hit.meta.id),
            type=source.get("type", ""),
            title=source.get("title", ""),
            url=source.get("url", ""),
            snippet=snippet,
            department=source.get("department", ""),
            year=source.get("year"),
            period=source.get("period", ""),
            date=datetime.date.fromisoformat(date[:10]) if date else None,
            dimension=source.get("dimension", ""),
            status=source.get("status", ""),
            score=float(hit.meta.score or 0.0),
            extra=source.get("extra") or {},
        )

    def index_documents(self, documents: Iterable[SearchDocument]) -> int:
        documents = list(documents)
        if not documents:
            return 0
        written = 0
        for target in self._write_targets():
            written = self.adapter.bulk(self._index_actions(target, documents), refresh=True)
        return written

    def delete_documents(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if not ids:
            return
        for target in self._write_targets():
            actions = ({"_op_type": "delete", "_index": target, "_id": i} for i in ids)
            self.adapter.bulk(actions, refresh=True, ignore_missing=True)

    def rebuild(
        self,
        documents: Iterable[SearchDocument],
        total: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        previous = self.index_names()
        name = self.new_index_name()
        self.create_index(name, building=True)
        try:
            written = 0
            for chunk in _chunks(documents, BULK_CHUNK):
                written += self.adapter.bulk(self._index_actions(name, chunk), refresh=False)
                if progress:
                    progress(written)
            self.adapter.put_settings(name, {"index": {"refresh_interval": "1s"}})
            self.adapter.refresh(name)
            # One request: readers see the old index or the new one, never neither.
            actions = [
                {"remove": {"index": old, "alias": self.alias}}
                for old, live in previous.items()
                if live
            ]
            actions.append({"add": {"index": name, "alias": self.alias}})
            self.adapter.update_aliases(actions)
        except BaseException:
            self._drop([name])
            raise
        self._drop(list(previous))
        return written

    def count(self) -> int:
        try:
            return self.adapter.count(self.alias)
        except IndexMissing:
            return 0

    def ping(self) -> bool:
        return self.adapter.ping()

    # ---- helpers ---------------------------------------------------------------------

    def analyze(self, text: str, analyzer_name: str = "portal_zh_search") -> list[str]:
        """The tokens the live index makes of ``text`` (for tests and for tuning)."""
        return self.adapter.analyze(self.ensure_index(), analyzer_name, text)

    def synonyms_stale(self) -> bool:
        """True when the editable synonym list changed since the live index was built."""
        live = self.live_index()
        if not live:
            return False
        meta = self.adapter.get_mapping_meta(live)
        return meta.get("synonyms_hash") != synonyms_hash(list(self._synonyms()))

    def drop_all(self) -> None:
        """Delete every index of this prefix (test clean-up, ``search_index clear``)."""
        self._drop(list(self.index_names()))

    def _drop(self, names: list[str]) -> None:
        if names:
            self.adapter.delete_indices(names)

    @staticmethod
    def _index_actions(index: str, documents: Iterable[SearchDocument]) -> Iterator[dict]:
        for doc in documents:
            yield {
                "_op_type": "index",
                "_index": index,
                "_id": doc.id,
                "_source": document_source(doc),
            }


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


__all__ = ["EngineBackend", "SearchUnavailable", "build_index", "build_search"]

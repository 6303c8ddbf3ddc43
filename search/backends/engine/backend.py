"""The engine backend: a versioned index behind an alias, written and read through an adapter.

Index names carry a timestamp (``<prefix>-<yyyymmddhhmmssffffff>``) and the live one is reached
through the alias ``<prefix>``: a rebuild fills a new index while search keeps answering from the
old one, then swaps the alias in one atomic request and drops the old index.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Iterator

from elasticsearch.dsl import Response

from search.backends.adapters import EngineAdapter, IndexMissing, make_adapter
from search.backends.base import (
    FACETS,
    MAX_PAGE,
    PER_PAGE,
    SearchBackend,
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResults,
)
from search.backends.engine.index import build_index, document_source, synonym_lines, synonyms_hash
from search.backends.engine.query import (
    MAX_PER_PAGE,
    build_search,
    build_suggestion_search,
    clean_text,
    suggest_from_titles,
)

BULK_CHUNK = 500

_INDEX_NAME_RE = r"^{prefix}-\d{{20}}$"


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
        collapsed = query.collapsed
        facets = {}
        for facet in FACETS:
            buckets = response.aggregations[facet]["values"]["buckets"]
            counts = [
                (
                    str(bucket["key"]),
                    bucket["groups"]["value"] if collapsed else bucket["doc_count"],
                )
                for bucket in buckets
                if bucket["key"] != ""
            ]
            facets[facet] = sorted(counts, key=lambda vc: (-vc[1], vc[0]))
        if collapsed:
            total = response.aggregations["shown"]["groups"]["value"]
        else:
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
        inner = getattr(hit.meta, "inner_hits", None)
        group_count = inner.group.hits.total.value if inner is not None else 1
        group = source.get("group", "")
        if isinstance(group, list):  # collapse returns the field's values as "fields"
            group = group[0] if group else ""
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
            group=group,
            group_count=group_count,
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

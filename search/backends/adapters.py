"""The thin layer between the engine backend and a server: one client per engine kind.

The ``elasticsearch`` client refuses servers that are not Elasticsearch, so OpenSearch is
reached with ``opensearch-py``. Both adapters take the same request bodies (plain dicts built by
``elasticsearch.dsl``) and return the same reply dicts; every failure of the server or of the
connection becomes ``SearchUnavailable`` so that the site shows a notice instead of an error.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable

from search.backends.base import SearchUnavailable

ENGINES = ("opensearch", "elasticsearch")
ADMIN_TIMEOUT = 60.0


class IndexMissing(SearchUnavailable):
    """The index or alias does not exist (yet): ``search_index rebuild`` creates it."""


def _guarded(method):
    """Turn any client or transport exception into SearchUnavailable / IndexMissing."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except SearchUnavailable:
            raise
        except self.not_found as exc:
            raise IndexMissing(f"{self.kind} at {self.url}: not found ({exc})") from exc
        except self.errors as exc:
            raise SearchUnavailable(f"{self.kind} at {self.url}: {exc!r}"[:500]) from exc

    return wrapper


class EngineAdapter:
    """Operations the backend needs, identical for both engines."""

    kind = ""
    errors: tuple[type[BaseException], ...] = ()
    not_found: tuple[type[BaseException], ...] = ()

    def __init__(self, url: str, timeout: float):
        self.url = url
        self.timeout = timeout
        self.client = self.make_client(url, timeout)

    def make_client(self, url: str, timeout: float):
        raise NotImplementedError

    def admin(self):
        """The client for slow administrative requests (index creation, bulk, refresh)."""
        raise NotImplementedError

    def _bulk_helper(self):
        raise NotImplementedError

    # Each method below is the same call in both clients; where they differ, subclasses adapt.

    @_guarded
    def search(self, index: str, body: dict) -> dict:
        return dict(self.client.search(index=index, body=body))

    @_guarded
    def count(self, index: str) -> int:
        return int(self.client.count(index=index)["count"])

    @_guarded
    def get_alias(self, index: str) -> dict:
        return dict(self.client.indices.get_alias(index=index))

    @_guarded
    def create_index(self, name: str, body: dict) -> None:
        self.admin().indices.create(index=name, body=body)

    @_guarded
    def update_aliases(self, actions: list[dict]) -> None:
        self.admin().indices.update_aliases(body={"actions": actions})

    @_guarded
    def put_settings(self, index: str, body: dict) -> None:
        self.admin().indices.put_settings(index=index, body=body)

    @_guarded
    def refresh(self, index: str) -> None:
        self.admin().indices.refresh(index=index)

    @_guarded
    def delete_indices(self, names: list[str]) -> None:
        self.admin().indices.delete(index=",".join(names))

    @_guarded
    def get_mapping_meta(self, index: str) -> dict:
        reply = dict(self.client.indices.get_mapping(index=index))
        return reply.get(index, {}).get("mappings", {}).get("_meta", {})

    @_guarded
    def analyze(self, index: str, analyzer: str, text: str) -> list[str]:
        reply = self.client.indices.analyze(index=index, body={"analyzer": analyzer, "text": text})
        return [token["token"] for token in reply["tokens"]]

    @_guarded
    def bulk(self, actions: Iterable[dict], refresh: bool = False, ignore_missing=False) -> int:
        """Send index/delete actions in chunks; returns how many succeeded. A document the
        engine rejects (a mapping error) is an engine problem too: SearchUnavailable."""
        helper = self._bulk_helper()
        ok, errors = helper(
            self.admin(),
            actions,
            chunk_size=500,
            max_retries=2,  # 429: the engine is busy, wait and send again
            refresh="true" if refresh else "false",
            ignore_status=(404,) if ignore_missing else (),
            raise_on_error=False,
        )
        if ignore_missing:
            # Deleting what is not indexed is fine (the contract says so).
            errors = [e for e in errors if not (e.get("delete") or {}).get("status") == 404]
        if errors:
            raise SearchUnavailable(f"{self.kind} rejected {len(errors)} actions: {errors[:3]}")
        return ok

    def ping(self) -> bool:
        try:
            return bool(self.client.ping())
        except Exception:
            return False


class OpenSearchAdapter(EngineAdapter):
    """OpenSearch 2.x through ``opensearch-py``."""

    kind = "opensearch"

    def __init__(self, url: str, timeout: float):
        from opensearchpy import exceptions
        from opensearchpy.helpers import BulkIndexError

        self.errors = (
            exceptions.OpenSearchException,
            exceptions.ImproperlyConfigured,
            BulkIndexError,
            OSError,
        )
        self.not_found = (exceptions.NotFoundError,)
        super().__init__(url, timeout)
        self._admin = self.make_client(url, ADMIN_TIMEOUT)

    def make_client(self, url, timeout):
        from opensearchpy import OpenSearch

        # No retries: a down engine must answer "unavailable" within one timeout.
        return OpenSearch(hosts=[url], timeout=timeout, max_retries=0, retry_on_timeout=False)

    def admin(self):
        return self._admin

    def _bulk_helper(self):
        from opensearchpy import helpers

        return helpers.bulk


class ElasticsearchAdapter(EngineAdapter):
    """Elasticsearch 8/9 through the official ``elasticsearch`` client."""

    kind = "elasticsearch"

    def __init__(self, url: str, timeout: float):
        import elastic_transport
        from elasticsearch import exceptions
        from elasticsearch.helpers import BulkIndexError

        self.errors = (
            exceptions.ApiError,
            elastic_transport.TransportError,
            BulkIndexError,
            OSError,
        )
        self.not_found = (exceptions.NotFoundError,)
        super().__init__(url, timeout)

    def make_client(self, url, timeout):
        from elasticsearch import Elasticsearch

        return Elasticsearch(url, request_timeout=timeout, max_retries=0, retry_on_timeout=False)

    def admin(self):
        return self.client.options(request_timeout=ADMIN_TIMEOUT)

    def _bulk_helper(self):
        from elasticsearch import helpers

        return helpers.bulk


_ADAPTERS = {"opensearch": OpenSearchAdapter, "elasticsearch": ElasticsearchAdapter}
_cache: dict[tuple[str, str, float], EngineAdapter] = {}
_cache_lock = threading.Lock()


def make_adapter(engine: str, url: str, timeout: float = 2.0) -> EngineAdapter:
    """The adapter for ``engine`` ("opensearch" or "elasticsearch"), shared per process so
    that requests reuse the client's connection pool."""
    if engine not in _ADAPTERS:
        raise ValueError(f"SEARCH_ENGINE must be one of {', '.join(ENGINES)}, not {engine!r}")
    key = (engine, url, float(timeout))
    with _cache_lock:
        adapter = _cache.get(key)
        if adapter is None:
            adapter = _cache[key] = _ADAPTERS[engine](url, timeout)
        return adapter

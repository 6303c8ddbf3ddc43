"""The contract every search backend keeps: the embedded one (SQLite FTS5) and the engine one.

One contract test suite (tests/search/test_contract.py) runs against both, so the search page and
the JSON endpoint never know which backend answered. Documents are flat and built by
the sources registered in ``search/documents.py`` (the domain's and the content apps'); a backend
only stores, ranks, highlights and counts them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

# Facets every backend counts, in the order the search page shows them.
FACETS = ("type", "department", "year", "dimension", "status")
SORTS = ("relevance", "date")
MAX_QUERY_CHARS = 200  # longer input is cut here (and the page says so), never sent as is
PER_PAGE = 20
MAX_PAGE = 50  # deeper pages are not useful to a person and are costly for an engine


class SearchUnavailable(Exception):
    """The backend cannot answer now (engine down, index missing): the page shows a notice."""


@dataclass(frozen=True)
class SearchDocument:
    """One searchable thing, flattened. ``id`` is "<type>:<pk>", unique across types."""

    id: str
    type: str  # goal | indicator | result | report | survey | case
    title: str
    body: str  # the full text to match (description, methodology, report text ...)
    url: str
    department_id: int | None = None
    department: str = ""  # department name, shown in results
    department_short: str = ""  # short name (e.g. 公安局), searchable
    year: int | None = None  # cycle year or report year
    dimension: str = ""  # indicator dimension code (output/quality/...), "" if none
    status: str = ""  # traffic light code (green/yellow/red/none/not_started), "" if none
    date: datetime.date | None = None  # period or publication date, for "sort by date"
    period: str = ""  # human label of the period the document is about, e.g. "2026-03"
    keywords: str = ""  # extra matchable words: codes, synonyms of names, unit
    pinyin: str = ""  # full pinyin and initials of title/department (filled by the source)
    extra: dict = field(default_factory=dict)  # shown, not searched (value, unit, target)
    # What the document is *about*, shown once in results: e.g. "survey:<pk>" for a survey and
    # its months, "indicator:<department>:<name>" for an indicator's years. "" = its own group.
    group: str = ""

    @property
    def group_key(self) -> str:
        return self.group or self.id


@dataclass(frozen=True)
class SearchQuery:
    """What the visitor asked; already validated and normalised by ``search/forms.py``."""

    text: str
    types: tuple[str, ...] = ()
    departments: tuple[int, ...] = ()
    years: tuple[int, ...] = ()
    dimensions: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE
    # Results show each group once (its best match) and count groups; a query narrowed to one
    # group lists its documents, as does grouped=False.
    group: str = ""
    grouped: bool = True

    @property
    def collapsed(self) -> bool:
        return self.grouped and not self.group


@dataclass(frozen=True)
class SearchHit:
    """One result row. ``snippet`` is safe HTML: escaped text with matches in <mark>."""

    id: str
    type: str
    title: str
    url: str
    snippet: str
    department: str = ""
    year: int | None = None
    period: str = ""
    date: datetime.date | None = None
    dimension: str = ""
    status: str = ""
    score: float = 0.0
    extra: dict = field(default_factory=dict)
    group: str = ""  # the document's group key
    group_count: int = 1  # matching documents of the group, this one included (when collapsed)


@dataclass(frozen=True)
class SearchResults:
    """A page of hits, the total, facet counts over the whole match and a suggestion.

    When the query is collapsed, the total and the facet counts count groups (what is shown),
    not documents."""

    hits: list[SearchHit]
    total: int
    # facet name -> [(value, count)], value as stored (department id as str, year as str ...),
    # counted over every match of the text and the *other* facets' filters.
    facets: dict[str, list[tuple[str, int]]]
    page: int
    per_page: int
    suggestion: str = ""  # a spelling-tolerant alternative query when nothing matched


class SearchBackend:
    """Base class: subclasses implement every method; none may raise anything but
    ``SearchUnavailable`` for an engine problem."""

    name = "base"

    def search(self, query: SearchQuery) -> SearchResults:
        raise NotImplementedError

    def index_documents(self, documents: Iterable[SearchDocument]) -> int:
        """Add or replace documents by id; returns how many were written."""
        raise NotImplementedError

    def delete_documents(self, ids: Iterable[str]) -> None:
        """Remove documents by id. An id that is not in the index is ignored, not an error:
        indexing removes the ids of objects that are not public, which were often never
        indexed (a goal of an unpublished year, a deleted draft)."""
        raise NotImplementedError

    def rebuild(
        self,
        documents: Iterable[SearchDocument],
        total: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Build a fresh index beside the live one, then swap it in: search keeps working."""
        raise NotImplementedError

    def count(self) -> int:
        raise NotImplementedError

    def ping(self) -> bool:
        """True when the backend can answer now."""
        raise NotImplementedError

"""The requests the engine answers: one page of results with facets and highlights, and the
looser request behind a spelling suggestion. Built with ``elasticsearch.dsl``; only features
both Elasticsearch and OpenSearch share."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from elasticsearch.dsl import A, Q, Search

from search.backends.base import FACETS, MAX_PAGE, MAX_QUERY_CHARS, PER_PAGE, SearchQuery
from search.text import to_simplified

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
# Groups are counted with `cardinality`, exact up to this many groups per count (the engine's
# maximum; a scale-10 city has about 30,000 groups in all, fewer in any one facet value).
GROUP_PRECISION = 40_000
MAX_PER_PAGE = 100

_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SPACES_RE = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """The query text as sent: cut at MAX_QUERY_CHARS, whitespace collapsed, traditional
    characters as simplified."""
    return to_simplified(_SPACES_RE.sub(" ", (text or "")[:MAX_QUERY_CHARS]).strip())


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
    if query.group:
        search = search.filter("term", group=query.group)
    filters = facet_filters(query)
    if filters:
        search = search.post_filter(Q("bool", filter=list(filters.values())))
    for facet in FACETS:
        others = [f for name, f in filters.items() if name != facet]
        agg = A("filter", Q("bool", filter=others)) if others else A("filter", Q("match_all"))
        values = agg.bucket("values", "terms", field=FACET_FIELDS[facet], size=FACET_SIZE)
        if query.collapsed:
            values.metric("groups", group_count())
        search.aggs.bucket(facet, agg)
    if query.collapsed:
        # Each group once (its best document in the order asked for), with how many of its
        # documents match; the total counts the groups shown (aggregations ignore post_filter).
        search = search.extra(
            collapse={"field": "group", "inner_hits": {"name": "group", "size": 0}}
        )
        shown = Q("bool", filter=list(filters.values())) if filters else Q("match_all")
        search.aggs.bucket("shown", A("filter", shown)).metric("groups", group_count())

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


def group_count() -> A:
    return A("cardinality", field="group", precision_threshold=GROUP_PRECISION)


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

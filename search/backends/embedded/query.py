"""FTS5 query expressions and result shaping for the embedded backend.

A query is cut into terms (whitespace) and each term into runs of Chinese characters or of Latin
letters and digits (``search.text``); nothing else ever reaches FTS5's query parser, so quotes,
brackets, colons, backslashes and stars in a visitor's input are harmless.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter

from search.backends.base import FACETS, SearchHit
from search.highlight import make_snippet
from search.text import bigrams, is_cjk, query_terms, query_words, runs


def _quote(token: str) -> str:
    # Tokens are made only of letters, digits and CJK characters (search.text.TOKEN_RUN), so
    # they never contain a quote; doubling is belt and braces for FTS5's string syntax.
    return '"' + token.replace('"', '""') + '"'


def _phrase(run: str) -> str:
    """An FTS5 expression for a Chinese run: its bigrams as a phrase (one char: a prefix)."""
    if len(run) == 1:
        return _quote(run) + "*"
    return _quote(" ".join(bigrams(run)))


def _cjk_expression(run: str) -> str:
    if len(run) == 1:
        return _phrase(run)
    alternatives = [_phrase(run)]
    if len(run) > 2:
        alternatives.append(_quote(run))  # the whole word as jieba cut it ranks higher
    words = [w for w in query_words(run) if len(w) >= 2 and is_cjk(w)]
    if len(words) > 1:
        # 公安局满意度 also finds 公安局's 群众安全感满意度: every word, not only the whole run.
        alternatives.append("(" + " AND ".join(_phrase(w) for w in words) + ")")
    return "(" + " OR ".join(alternatives) + ")"


def _term_expression(term: str) -> str:
    parts = []
    for run in runs(term):
        parts.append(_cjk_expression(run) if is_cjk(run) else _quote(run) + "*")
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"


def match_expression(text: str, groups: list[tuple[str, ...]]) -> str | None:
    """The FTS5 MATCH expression for a query: every term must match (one of its synonyms).

    None when the text is blank (match everything); "" when it has nothing matchable in it
    (only punctuation: match nothing).
    """
    from search.synonyms import expand

    if not (text or "").strip():
        return None
    expressions = []
    for term in query_terms(text):
        variants = [e for e in (_term_expression(v) for v in expand(term, groups)) if e]
        if variants:
            expressions.append(variants[0] if len(variants) == 1 else f"({' OR '.join(variants)})")
    return " AND ".join(expressions)


def _facet_counts(
    combos, selected, by_group: bool = False
) -> tuple[dict[str, list[tuple[str, int]]], int]:
    """Counts per facet value over the match and the *other* facets' filters; the total.

    ``by_group``: count distinct groups (what collapsed results show), not documents."""
    if by_group:
        return _group_facet_counts(combos, selected)
    counters = {facet: Counter() for facet in FACETS}
    total = 0
    for type_, department_id, year, dimension, status, _group, n in combos:
        values = _combo_values(type_, department_id, year, dimension, status)
        failing = [f for f in FACETS if selected[f] and values[f] not in selected[f]]
        if not failing:
            total += n
        for facet in FACETS:
            if values[facet] and (not failing or failing == [facet]):
                counters[facet][values[facet]] += n
    facets = {
        facet: sorted(counter.items(), key=lambda vc: (-vc[1], vc[0]))
        for facet, counter in counters.items()
    }
    return facets, total


def _group_facet_counts(combos, selected) -> tuple[dict[str, list[tuple[str, int]]], int]:
    """Distinct groups per facet value (COUNT(DISTINCT grp) for each facet with the other
    facets' filters, done over the combinations in one pass); the number of groups shown."""
    members: dict[str, dict[str, set]] = {facet: {} for facet in FACETS}
    shown: set = set()
    for type_, department_id, year, dimension, status, group, _n in combos:
        values = _combo_values(type_, department_id, year, dimension, status)
        failing = [f for f in FACETS if selected[f] and values[f] not in selected[f]]
        if not failing:
            shown.add(group)
        for facet in FACETS:
            if values[facet] and (not failing or failing == [facet]):
                members[facet].setdefault(values[facet], set()).add(group)
    facets = {
        facet: sorted(
            ((value, len(groups)) for value, groups in by_value.items()),
            key=lambda vc: (-vc[1], vc[0]),
        )
        for facet, by_value in members.items()
    }
    return facets, len(shown)


def _combo_values(type_, department_id, year, dimension, status) -> dict[str, str]:
    return {
        "type": type_,
        "department": "" if department_id is None else str(department_id),
        "year": "" if year is None else str(year),
        "dimension": dimension or "",
        "status": status or "",
    }


def _hit(row, pattern) -> SearchHit:
    (
        doc_id,
        type_,
        title,
        body,
        url,
        _department_id,
        department,
        _short,
        year,
        dimension,
        status,
        date,
        period,
        extra,
        _boost,
        group,
        score,
        group_count,
    ) = row
    return SearchHit(
        id=doc_id,
        type=type_,
        title=title,
        url=url,
        snippet=make_snippet(body, title, pattern),
        department=department,
        year=year,
        period=period,
        date=datetime.date.fromisoformat(date) if date else None,
        dimension=dimension,
        status=status,
        score=-float(score or 0),
        extra=json.loads(extra) if extra else {},
        group=group,
        group_count=int(group_count or 1),
    )

"""Spelling suggestions of the embedded backend: a close alternative that has results.

The same pinyin first (同音字: 营商环竟 → 营商环境), else the nearest spelling of the pinyin or of
the characters, word by word, from the vocabulary of the live generation (``schema.py``).
"""

from __future__ import annotations

import difflib

from search.backends.embedded.query import match_expression
from search.text import full_pinyin, is_cjk, query_terms, runs


class Speller:
    """Suggests corrections from the vocabulary table, read once per generation and size."""

    def __init__(self):
        self._cache: tuple | None = None

    def clear(self) -> None:
        self._cache = None

    def _vocabulary(self, conn, g: int):
        size = conn.execute(f"SELECT count(*), max(freq) FROM vocab_{g}").fetchone()
        key = (g, size)
        if self._cache is None or self._cache[0] != key:
            rows = conn.execute(f"SELECT term, pinyin, freq FROM vocab_{g}").fetchall()
            by_pinyin: dict[str, tuple[str, int]] = {}
            for term, pinyin, freq in rows:
                best = by_pinyin.get(pinyin)
                if best is None or freq > best[1]:
                    by_pinyin[pinyin] = (term, freq)
            terms = {term: freq for term, _p, freq in rows}
            self._cache = (key, by_pinyin, terms)
        return self._cache[1], self._cache[2]

    @staticmethod
    def _has_match(conn, g: int, text: str, groups) -> bool:
        match = match_expression(text, groups)
        if not match:
            return False
        return (
            conn.execute(f"SELECT 1 FROM fts_{g} WHERE fts_{g} MATCH ? LIMIT 1", [match]).fetchone()
            is not None
        )

    def suggest(self, conn, g: int, text: str, groups) -> str:
        """A close alternative that has results: same pinyin (同音字), else the nearest spelling."""
        by_pinyin, terms = self._vocabulary(conn, g)
        if not by_pinyin:
            return ""
        corrected = []
        changed = False
        for term in query_terms(text)[:4]:
            if self._has_match(conn, g, term, groups):
                corrected.append(term)
                continue
            candidate = closest(term, by_pinyin, terms)
            if candidate and candidate != term:
                corrected.append(candidate)
                changed = True
            else:
                corrected.append(term)
        if not changed:
            return ""
        suggestion = " ".join(corrected)
        return suggestion if self._has_match(conn, g, suggestion, groups) else ""


def closest(term: str, by_pinyin: dict, terms: dict) -> str:
    key = full_pinyin(term)
    if key in by_pinyin:
        return by_pinyin[key][0]
    close = difflib.get_close_matches(key, list(by_pinyin), n=3, cutoff=0.75)
    if close:
        return max((by_pinyin[c] for c in close), key=lambda tf: tf[1])[0]
    if any(is_cjk(r) for r in runs(term)):
        close = difflib.get_close_matches(term, list(terms), n=1, cutoff=0.6)
        if close:
            return close[0]
    return ""

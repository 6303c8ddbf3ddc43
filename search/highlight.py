"""Highlighting for any backend: the query's words (and their synonyms) in <mark>.

Everything else is escaped, so a snippet is safe HTML whatever the indexed text contains.
"""

from __future__ import annotations

import re
from html import escape

from search.text import is_cjk, query_terms, runs

SNIPPET_CHARS = 120


def highlight_pattern(text: str, groups: list[tuple[str, ...]]) -> re.Pattern | None:
    """A regex of what to <mark> in snippets: the query's runs and their synonyms."""
    from search.synonyms import expand

    needles: set[str] = set()
    for term in query_terms(text):
        for variant in expand(term, groups):
            for run in runs(variant):
                if is_cjk(run) or len(run) > 1:
                    needles.add(run)
    if not needles:
        return None
    ordered = sorted(needles, key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in ordered), re.IGNORECASE)


def make_snippet(body: str, title: str, pattern: re.Pattern | None) -> str:
    """Escaped text around the first match in the body, with every match in <mark>."""
    text = " ".join((body or "").split())
    match = pattern.search(text) if pattern else None
    if match is None:
        text = text or title
        match = pattern.search(text) if pattern else None
    start = max(0, match.start() - 30) if match else 0
    end = min(len(text), start + SNIPPET_CHARS)
    fragment = text[start:end]
    html = []
    position = 0
    if pattern:
        for m in pattern.finditer(fragment):
            html.append(escape(fragment[position : m.start()]))
            html.append(f"<mark>{escape(m.group())}</mark>")
            position = m.end()
    html.append(escape(fragment[position:]))
    return ("…" if start > 0 else "") + "".join(html) + ("…" if end < len(text) else "")


def highlight(text: str, pattern: re.Pattern | None) -> str:
    """All of ``text``, escaped, with every match in <mark> (for titles)."""
    if not pattern:
        return escape(text or "")
    html, position = [], 0
    for m in pattern.finditer(text or ""):
        html.append(escape(text[position : m.start()]))
        html.append(f"<mark>{escape(m.group())}</mark>")
        position = m.end()
    html.append(escape((text or "")[position:]))
    return "".join(html)

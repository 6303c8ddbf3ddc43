"""The editable synonym list (admin → Search synonyms), read by both backends.

The embedded backend expands each query with it; the engine backend feeds ``solr_synonyms()``
to a ``synonym_graph`` filter when it creates an index. Read through the shared cache, so a
change made in the admin reaches every worker at once.
"""

from __future__ import annotations

from django.core.cache import cache

from search.text import parse_line  # the synonym list's line format, beside the text rules

CACHE_KEY = "search:synonym-groups"

# Installed by a data migration; editors change or extend them in the admin.
DEFAULT_GROUPS = (
    ("满意度", "满意率"),
    ("营商环境", "投资环境"),
    ("政务服务", "办事服务"),
    ("一网通办", "网上办事"),
    ("好差评", "服务评价"),
    ("空气质量", "空气优良"),
)


def synonym_groups() -> list[tuple[str, ...]]:
    """Every group of two or more words that mean the same."""
    groups = cache.get(CACHE_KEY)
    if groups is None:
        from search.models import SearchSynonym

        groups = []
        for terms in SearchSynonym.objects.values_list("terms", flat=True):
            words = parse_line(terms)
            if len(words) >= 2:
                groups.append(tuple(words))
        cache.set(CACHE_KEY, groups, None)
    return [tuple(g) for g in groups]


def solr_synonyms() -> list[str]:
    """The groups as Solr-format lines ("满意度, 满意率") for an engine's synonym filter."""
    return [", ".join(group) for group in synonym_groups()]


def invalidate() -> None:
    cache.delete(CACHE_KEY)


def expand(term: str, groups: list[tuple[str, ...]] | None = None, limit: int = 8) -> list[str]:
    """``term`` and its variants with any synonym in it replaced by the others of its group:
    群众满意率 → [群众满意率, 群众满意度].
    """
    groups = synonym_groups() if groups is None else groups
    variants = [term]
    for group in groups:
        present = [word for word in group if word and word in term]
        if present:
            # The longest one: in 营商环境 the group (营商环境, 营商) means 营商环境, not 营商.
            word = max(present, key=len)
            for other in group:
                variant = term.replace(word, other)
                if other != word and variant not in variants:
                    variants.append(variant)
        if len(variants) >= limit:
            break
    return variants[:limit]

"""What is searchable: the registry of document *sources* and the helpers a source uses.

Each kind of document is a *source*: a function that yields the public documents of that type,
either all of them (a rebuild) or those of some primary keys (an update after a save). Search
registers the performance domain's sources itself (``search/domain_documents.py``); a content
app registers its own beside its models, from its ``AppConfig.ready()``, so that what "public"
means for its documents is read from its own queryset methods (``disclosure/search.py``,
``surveys/search.py``)::

    from search.documents import register_source
    register_source("notice", notice_documents, label=_("Notice"), count_fn=count_notices)

A source builds only public documents. A primary key that yields no document is removed from
the index, which is how unpublishing and deleting take effect.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from search.backends.base import SearchDocument

IteratorFn = Callable[[list | None], Iterable[SearchDocument]]

# Rows read from the database at a time while a source builds its documents.
CHUNK = 2000


@dataclass(frozen=True)
class DocumentSource:
    """A registered kind of document: its type code, label and how to build its documents."""

    type: str
    iterate: IteratorFn  # iterate(None) → every public document; iterate([pk, ...]) → those
    label: object
    count: Callable[[], int] | None = None
    order: int = 100
    # What the other documents of a group keyed "<type>:..." are to a reader: "months" or
    # "years" ("12 more months"); "" when its documents are not grouped.
    group_unit: str = ""


_SOURCES: dict[str, DocumentSource] = {}


def register_source(
    type: str,
    iterator_fn: IteratorFn,
    *,
    label=None,
    count_fn: Callable[[], int] | None = None,
    order: int = 100,
    group_unit: str = "",
) -> None:
    """Make a kind of document searchable.

    ``iterator_fn(pks)`` yields the *public* documents of this type: all of them when ``pks`` is
    None, else only those of the given primary keys (a key without a document — deleted,
    unpublished, private — is then removed from the index). Document ids are ``"<type>:<pk>"``.
    ``count_fn`` returns how many documents a rebuild will yield (for its progress bar).
    A source whose documents share groups keyed ``"<type>:..."`` (``group_key``) says what the
    others of a group are with ``group_unit``: "months" or "years".
    """
    _SOURCES[type] = DocumentSource(type, iterator_fn, label or type, count_fn, order, group_unit)


def sources() -> list[DocumentSource]:
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.type))


def get_source(type: str) -> DocumentSource | None:
    return _SOURCES.get(type)


def type_label(type: str) -> str:
    source = _SOURCES.get(type)
    return str(source.label) if source else type


def document_id(type: str, pk) -> str:
    return f"{type}:{pk}"


def group_key(type: str, *parts) -> str:
    """A group key: "survey:12" or "indicator:3:群众满意度" (what results show once)."""
    return ":".join([type, *(str(p) for p in parts)])


def group_unit(group: str) -> str:
    """ "months", "years" or "" for a group key, from the source its prefix names."""
    source = _SOURCES.get(group.partition(":")[0])
    return source.group_unit if source else ""


def split_id(doc_id: str) -> tuple[str, str]:
    type, _sep, pk = doc_id.partition(":")
    return type, pk


def all_documents() -> Iterator[SearchDocument]:
    """Every public document of every source (what a rebuild indexes)."""
    for source in sources():
        yield from source.iterate(None)


def total_documents() -> int | None:
    """How many documents a rebuild yields, or None when a source cannot say."""
    total = 0
    for source in sources():
        if source.count is None:
            return None
        total += source.count()
    return total


def documents_for(type: str, pks: Iterable) -> tuple[list[SearchDocument], list[str]]:
    """The current documents of these keys, and the ids of keys that have none (to delete)."""
    pks = [str(pk) for pk in pks]
    source = _SOURCES.get(type)
    if source is None or not pks:
        return [], [document_id(type, pk) for pk in pks]
    docs = list(source.iterate(pks))
    found = {d.id for d in docs}
    missing = [document_id(type, pk) for pk in pks if document_id(type, pk) not in found]
    return docs, missing


# ---- helpers for the sources ----------------------------------------------------------


def number_text(value) -> str:
    """A Decimal as people write it: 96.20 → 96.2, 1E+2 → 100."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")


def int_pks(pks) -> list[int]:
    """The keys a source was asked for, as integers (ids come back from the index as text)."""
    result = []
    for pk in pks:
        try:
            result.append(int(pk))
        except (TypeError, ValueError):
            continue
    return result


def department_fields(dept_id, name, short) -> dict:
    """A document's department fields: every kind of document names the department it is of."""
    return {
        "department_id": dept_id,
        "department": name or "",
        "department_short": short or "",
    }

"""Keeping the index true: sync changed objects, rebuild everything, retry what failed.

Signal handlers (search's and the content apps') collect ``(type, pk)`` pairs during a
transaction; once it commits, the pairs are handed to the django-tasks task
``search.tasks.index_documents``, which ``sync``s them (at once with the immediate backend of
the tests and the demo, in ``manage.py db_worker`` in production). ``sync`` builds each
document again from the database and writes it, or removes it when the object is gone or no
longer public. When the backend cannot be reached the pairs go to the outbox
(``PendingIndexUpdate``) and ``manage.py search_index retry`` sends them later: a save never
fails because search is down, and nothing is lost. django-tasks itself retries nothing, hence
the outbox (docs/decisions/0001-search-outbox-with-tasks.md).
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from search import documents
from search.backends import get_backend
from search.backends.base import SearchBackend, SearchUnavailable

logger = logging.getLogger(__name__)

SYNC_CHUNK = 1000
# Pairs per indexing task: a bulk change (an import) becomes a few tasks of bounded size.
TASK_CHUNK = 10_000

_pending = threading.local()


def _pending_set() -> set[tuple[str, str]]:
    items = getattr(_pending, "items", None)
    if items is None:
        items = _pending.items = set()
    return items


def queue(type: str, pks: Iterable) -> None:
    """Sync these objects' documents once the current transaction commits (now if none).

    Pairs collected in one transaction are synced together, so a bulk change (an import, the
    demo loader) costs one batch, not one index write per row.
    """
    items = _pending_set()
    items.update((type, str(pk)) for pk in pks if pk is not None)
    if items:
        # One callback per call, not per transaction: a savepoint rolled back drops the
        # callbacks registered inside it, and flush() finds nothing left to do after the first.
        transaction.on_commit(flush)


def flush() -> None:
    """Hand everything queued in this thread to the indexing task (runs after the commit)."""
    items = _pending_set()
    if not items:
        return
    batch = sorted(items)
    items.clear()
    for start in range(0, len(batch), TASK_CHUNK):
        chunk = batch[start : start + TASK_CHUNK]
        by_type: dict[str, list[str]] = defaultdict(list)
        for type, pk in chunk:
            by_type[type].append(pk)
        try:
            # As JSON has it (the database backend stores the arguments as JSON), one list per
            # type: django-tasks checks every value of the arguments in Python three times, and
            # a [type, pk] pair per object made that 8 ms of a 1,000-row push batch's 50.
            index_documents.enqueue([[type, *pks] for type, pks in by_type.items()])
        except Exception as exc:  # the task queue is the database too; keep the pairs
            logger.exception("could not queue a search indexing task, %d update(s)", len(chunk))
            enqueue(chunk, repr(exc))


@task()
def index_documents(items: list[list[str]]) -> int:
    """The indexing task: write the current documents of the objects ``items`` names, each
    ``[type, pk, pk, …]``, and remove those that have none; returns how many were written.
    Never fails: what the search backend could not take waits in the outbox for
    ``manage.py search_index retry`` (django-tasks retries nothing)."""
    return sync((type, pk) for type, *pks in items for pk in pks)


def sync(items: Iterable[tuple[str, str]], backend: SearchBackend | None = None) -> int:
    """Write the current documents of these (type, pk) pairs; remove those with none.

    Never raises: on failure the pairs are queued in the outbox. Returns documents written.
    """
    items = list(dict.fromkeys((t, str(pk)) for t, pk in items))
    if not items:
        return 0
    try:
        return _sync(items, backend or get_backend())
    except SearchUnavailable as exc:
        logger.warning("search index unavailable, %d update(s) queued: %s", len(items), exc)
        enqueue(items, str(exc))
    except Exception as exc:  # a bug in a source must not break the save that triggered it
        logger.exception("search indexing failed, %d update(s) queued", len(items))
        enqueue(items, repr(exc))
    return 0


def _sync(items: list[tuple[str, str]], backend: SearchBackend) -> int:
    by_type: dict[str, list[str]] = defaultdict(list)
    for type, pk in items:
        by_type[type].append(pk)
    written = 0
    for type, pks in by_type.items():
        for start in range(0, len(pks), SYNC_CHUNK):
            docs, missing = documents.documents_for(type, pks[start : start + SYNC_CHUNK])
            if docs:
                written += backend.index_documents(docs)
            if missing:
                backend.delete_documents(missing)
    return written


def enqueue(items: Iterable[tuple[str, str]], error: str = "") -> None:
    """Put (type, pk) pairs in the outbox; a pair already there keeps its place."""
    from search.models import PendingIndexUpdate

    rows = [
        PendingIndexUpdate(doc_type=t, object_id=str(pk), last_error=error[:500]) for t, pk in items
    ]
    try:
        PendingIndexUpdate.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    except Exception:  # the outbox lives in the site's own database; log if even that fails
        logger.exception("could not queue %d search index update(s)", len(rows))


@dataclass
class RetryResult:
    """What ``retry`` did."""

    sent: int = 0
    remaining: int = 0
    error: str = ""


def retry(limit: int | None = None, backend: SearchBackend | None = None) -> RetryResult:
    """Send the outbox, oldest first; stop at the first failure (the engine is still down)."""
    from search.models import PendingIndexUpdate

    backend = backend or get_backend()
    result = RetryResult()
    while limit is None or result.sent < limit:
        size = SYNC_CHUNK if limit is None else min(SYNC_CHUNK, limit - result.sent)
        rows = list(PendingIndexUpdate.objects.order_by("pk")[:size])
        if not rows:
            break
        try:
            _sync([(r.doc_type, r.object_id) for r in rows], backend)
        except SearchUnavailable as exc:
            result.error = str(exc)
            PendingIndexUpdate.objects.filter(pk__in=[r.pk for r in rows]).update(
                attempts=F("attempts") + 1, last_error=str(exc)[:500]
            )
            break
        # Only the rows sent: a pair queued again meanwhile has a new row and stays.
        PendingIndexUpdate.objects.filter(pk__in=[r.pk for r in rows]).delete()
        result.sent += len(rows)
    result.remaining = PendingIndexUpdate.objects.count()
    return result


def rebuild(
    backend: SearchBackend | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> int:
    """Index every public document into a fresh index and swap it in; clears the outbox of
    what the rebuild covered. Raises SearchUnavailable when the backend is down.
    """
    from search.models import PendingIndexUpdate

    backend = backend or get_backend()
    started = timezone.now()
    total = documents.total_documents()
    written = backend.rebuild(
        documents.all_documents(),
        total=total,
        progress=(lambda n: progress(n, total)) if progress else None,
    )
    # Everything queued before the rebuild began was read fresh from the database by it.
    PendingIndexUpdate.objects.filter(queued_at__lt=started).delete()
    return written


@dataclass
class IndexStatus:
    """How the index compares with the database."""

    backend: str
    available: bool
    indexed: int | None
    expected: int | None
    pending: int
    error: str = ""


def status(backend: SearchBackend | None = None) -> IndexStatus:
    from search.models import PendingIndexUpdate

    backend = backend or get_backend()
    indexed, error = None, ""
    try:
        indexed = backend.count()
    except SearchUnavailable as exc:
        error = str(exc)
    return IndexStatus(
        backend=backend.name,
        available=indexed is not None,
        indexed=indexed,
        expected=documents.total_documents(),
        pending=PendingIndexUpdate.objects.count(),
        error=error,
    )

"""Search's background work, as django-tasks tasks (``TASKS`` in the settings)."""

from __future__ import annotations

from django_tasks import task

from search import indexing


@task()
def index_documents(items: list[list[str]]) -> int:
    """Write the current documents of these ``[type, pk]`` pairs and remove those that have
    none; returns how many were written. Never fails: what the search backend could not take
    waits in the outbox for ``manage.py search_index retry`` (django-tasks retries nothing)."""
    return indexing.sync((type, pk) for type, pk in items)

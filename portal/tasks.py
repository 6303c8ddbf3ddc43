"""Background work of the domain, as django-tasks tasks (TASKS in settings).

Tests and the demo run a task at once (the immediate backend); production queues it in the
database (django_tasks_db) for the worker that ``manage.py db_worker`` runs (docs/operations.md).
A task takes primary keys, not objects: the database backend stores its arguments as JSON.
"""

from __future__ import annotations

from django_tasks import task


def pending_key(cycle_id: int) -> str:
    """The shared-cache flag of a coalesced recompute (portal.recompute.schedule_recompute)
    that is queued and not yet started."""
    return f"portal:recompute-pending:{cycle_id}"


@task()
def recompute_cycle_task(cycle_id: int) -> None:
    """Recompute the statuses and scores of one cycle (``portal.evaluation.recompute_cycle``)."""
    from django.core.cache import cache

    from portal import evaluation
    from portal.models import Cycle

    # Before reading any figure: a change committed from now on queues a recompute of its own.
    cache.delete(pending_key(cycle_id))

    cycle = Cycle.objects.filter(pk=cycle_id).first()
    if cycle is None:  # deleted while the task waited in the queue
        return
    evaluation.recompute_cycle(cycle)

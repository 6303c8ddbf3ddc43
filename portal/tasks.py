"""Background work of the domain, as django-tasks tasks (TASKS in settings).

Tests and the demo run a task at once (the immediate backend); production queues it in the
database (django_tasks_db) for the worker that ``manage.py db_worker`` runs (docs/operations.md).
A task takes primary keys, not objects: the database backend stores its arguments as JSON.
"""

from __future__ import annotations

from django_tasks import task


@task()
def recompute_cycle_task(cycle_id: int) -> None:
    """Recompute the statuses and scores of one cycle (``portal.evaluation.recompute_cycle``)."""
    from portal import evaluation
    from portal.models import Cycle

    cycle = Cycle.objects.filter(pk=cycle_id).first()
    if cycle is None:  # deleted while the task waited in the queue
        return
    evaluation.recompute_cycle(cycle)

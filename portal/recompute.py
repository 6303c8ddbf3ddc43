"""Recomputing scores after an editor's change: which cycles a saved object feeds, and one
recompute task per affected cycle, enqueued when the transaction commits (used by the admin
viewsets; the task is portal.tasks.recompute_cycle_task)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from portal.models import Cycle, Goal, Indicator, Measurement, QualitativeReview


def affected_cycle_ids(instance) -> set[int]:
    """The cycles whose statuses and scores depend on ``instance``."""
    if instance is None:
        return set()
    if isinstance(instance, Cycle):
        ids = {instance.pk}
    elif isinstance(instance, Goal | QualitativeReview):
        ids = {instance.cycle_id}
    elif isinstance(instance, Indicator):
        ids = {instance.goal.cycle_id} if instance.goal_id else set()
    elif isinstance(instance, Measurement):
        ids = {instance.indicator.goal.cycle_id} if instance.indicator_id else set()
    else:
        ids = set()
    return {pk for pk in ids if pk}


def schedule_recompute(cycle_ids: Iterable[int], *, coalesce: bool = False) -> None:
    """Recompute each affected cycle once, in the background (``portal.tasks``): the task is
    enqueued after the data change has committed, so it never reads a rolled-back change.

    ``coalesce`` (for frequent writers such as the push API) enqueues no second task while one
    for the cycle waits in the queue: the waiting task reads the data when it starts, so it
    covers every change committed before then; a change committed later queues a new one.
    """
    from django.core.cache import cache

    from portal.tasks import pending_key, recompute_cycle_task

    ids = sorted({pk for pk in cycle_ids if pk})
    if not ids:
        return

    def _enqueue():
        for pk in ids:
            # add() is False only when the flag is set; None (cache unreachable) enqueues.
            if coalesce and cache.add(pending_key(pk), 1, timeout=3600) is False:
                continue
            recompute_cycle_task.enqueue(pk)

    transaction.on_commit(_enqueue)


class RecomputeMixin:
    """After a successful save, recompute the cycles the object belonged to before and after."""

    def save_instance(self):
        before = set()
        current = getattr(self, "object", None)
        if current is not None and current.pk:
            # The form has already copied the new values onto the object: read the stored row.
            stored = type(current)._default_manager.filter(pk=current.pk).first()
            before = affected_cycle_ids(stored)
        instance = super().save_instance()
        schedule_recompute(before | affected_cycle_ids(instance))
        return instance

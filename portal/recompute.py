"""Recomputing scores after an editor's change: which cycles a saved object feeds, and one
recompute per affected cycle after the transaction commits (used by the admin viewsets)."""

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


def schedule_recompute(cycle_ids: Iterable[int]) -> None:
    """Recompute each affected cycle once, after the data change has committed."""
    ids = {pk for pk in cycle_ids if pk}
    if not ids:
        return

    def _recompute():
        from portal.evaluation import recompute_cycle

        for cycle in Cycle.objects.filter(pk__in=ids):
            recompute_cycle(cycle)

    transaction.on_commit(_recompute)


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

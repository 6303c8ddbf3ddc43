"""Persisting computed statuses and scores (placeholder until the calculation work lands)."""

from portal.models import Cycle


def recompute_cycle(cycle: Cycle) -> None:
    """Recompute indicator/goal status snapshots and department evaluations of ``cycle``."""

"""Signals the domain sends for work other apps hang on it (the domain never imports them)."""

from django.dispatch import Signal

# Sent after ``portal.evaluation.recompute_cycle`` has stored a cycle's status snapshots
# (Indicator.status/latest_value, Goal.status) with raw writes that send no model signals.
# Arguments: ``cycle``.
cycle_recomputed = Signal()

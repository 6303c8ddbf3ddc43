"""Signals the domain sends for work other apps hang on it (the domain never imports them)."""

from django.dispatch import Signal

# Sent after ``portal.evaluation.recompute_cycle`` has stored a cycle's status snapshots
# (Indicator.status/latest_value, Goal.status) with raw writes that send no model signals.
# Arguments: ``cycle``.
cycle_recomputed = Signal()

# Sent after a bulk write of measurements (the import), which sends no model signals: the
# search index re-reads these monthly results. Arguments: ``measurement_ids``.
measurements_written = Signal()

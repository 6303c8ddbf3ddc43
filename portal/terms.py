"""The terms of an indicator in force in a month: its stored values, and before an approved
target adjustment's effective month the value it replaced.

Pure functions over plain values (no model is imported): the recompute, the indicator page and
its downloads read the same rule. ``adjustments`` is the ``Indicator.adjustments`` snapshot:
dicts with ``field``, ``old``, ``new`` (text), ``effective_from`` ("YYYY-MM"), ``decided_on``
("YYYY-MM-DD") and ``reason``, in the order they were approved.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence

from portal.months import iso_month

NUMERIC_TERMS = ("target", "baseline", "weight")
TERMS = (*NUMERIC_TERMS, "direction")


def parse_term(field: str, text):
    """A stored adjustment value as the status rules use it: a float, None (no baseline) or a
    direction's name."""
    if field == "direction":
        return str(text)
    if text is None or str(text).strip() == "":
        return None
    return float(text)


def term_in_force(field: str, current, adjustments: Sequence[dict], month: datetime.date):
    """(value of ``field`` in ``month``, whether an approved adjustment decided it).

    The stored value holds from the last adjustment's effective month on; before an
    adjustment's effective month the value it replaced holds."""
    changes = [a for a in adjustments or () if a.get("field") == field]
    if not changes:
        return current, False
    label = iso_month(month)
    later = [
        (a["effective_from"], n, a) for n, a in enumerate(changes) if a["effective_from"] > label
    ]
    adjusted = len(later) < len(changes)
    if not later:
        return current, adjusted
    _effective, _n, first = min(later, key=lambda item: (item[0], item[1]))
    return parse_term(field, first["old"]), adjusted


def original_term(field: str, current, adjustments: Sequence[dict]):
    """The value of ``field`` before any approved adjustment (``current`` when none)."""
    for adjustment in adjustments or ():
        if adjustment.get("field") == field:
            return parse_term(field, adjustment["old"])
    return current


def as_float(value) -> float:
    """A numeric term for a frame column (NaN for a missing baseline)."""
    return math.nan if value is None else float(value)

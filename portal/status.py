"""The 红黄绿灯 traffic light: pure functions over plain values and pandas frames.

No Django model is imported here, so every rule is tested without a database. The rules in
plain words are in docs/scoring.md; keep the two in step.

Vocabulary:

* *progress* — how far the value has moved from the baseline towards the target
  (0 = still at the baseline, 1 = target reached). Shown raw: it can exceed 1 or be negative.
* *expected* — the progress the plan asks for by this month: the elapsed share of the cycle
  (month 3 of 12 → 0.25). Indicators without a path (see below) are expected at 1 all year.
* *planned* — the value on the straight path from baseline to target for this month.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping, Sequence
from itertools import repeat

import pandas as pd

from portal.months import first_of_month
from portal.values import is_missing

GREEN = "green"
YELLOW = "yellow"
RED = "red"
NO_DATA = "none"
NOT_STARTED = "not_started"

HIGHER = "higher"
LOWER = "lower"
MILESTONE = "milestone"

# Floating-point slack so a value that equals the target counts as met.
EPSILON = 1e-9

SERIES_COLUMNS = ["period", "value", "planned", "progress", "expected", "status", "carried"]


def _months_between(first: datetime.date, second: datetime.date) -> int:
    return (second.year - first.year) * 12 + (second.month - first.month)


def elapsed_share(month: datetime.date, *, start: datetime.date, end: datetime.date) -> float:
    """Share of the cycle elapsed at the end of ``month``: month m of n → m/n.

    Before the cycle's first month 0, from its last month on 1. A month counts as elapsed once
    it has ended, because a month's figure reports the state at the end of that month.
    """
    total = _months_between(start, end) + 1
    done = _months_between(start, month) + 1
    if done <= 0:
        return 0.0
    if done >= total:
        return 1.0
    return done / total


def _closeness(value: float, target: float, direction: str) -> float:
    """How close a value is to a target that has no path from a baseline (1 = met)."""
    if direction == LOWER:
        if value <= target:
            return target / value if value > 0 and target > 0 else 1.0
        return target / value if target > 0 else 0.0
    if value >= target:
        return value / target if target > 0 else 1.0
    return value / target if target > 0 else 0.0


def assess(
    *,
    value,
    baseline,
    target,
    direction: str,
    elapsed_share: float,
    green: float,
    yellow: float,
) -> tuple[str, float | None, float, float]:
    """(status, progress, expected, planned) of one indicator in one month; see module doc."""
    target = float(target)
    green = float(green)
    yellow = float(yellow)
    elapsed = min(max(float(elapsed_share), 0.0), 1.0)
    pathless = False
    if is_missing(baseline):
        if direction == LOWER:
            # A lower-is-better indicator without a baseline is a ceiling (限值, e.g. PM2.5 ≤ 35):
            # there is no starting point to draw a path from, so it is judged against the
            # target alone, every month. The first reported value is not used as a stand-in
            # because it would make the first month's progress 0 (red) by construction.
            pathless = True
            baseline = target
        else:
            # Higher-is-better and milestones count up from nothing.
            baseline = 0.0
    else:
        baseline = float(baseline)
    if baseline == target:
        # No distance to travel: progress from the baseline would divide by zero.
        pathless = True
    expected = 1.0 if pathless else elapsed
    planned = target if pathless else baseline + (target - baseline) * elapsed
    if elapsed <= 0:
        return NOT_STARTED, None, 0.0, baseline if not pathless else target
    if is_missing(value):
        return NO_DATA, None, expected, planned
    value = float(value)
    if pathless:
        progress = _closeness(value, target, direction)
    else:
        # The same formula serves lower-is-better: (baseline-value)/(baseline-target).
        progress = (value - baseline) / (target - baseline)
    if progress >= 1 - EPSILON:
        # Target already met: green whatever the month.
        return GREEN, progress, expected, planned
    if expected >= 1:
        # Final judgement (the cycle's last month, or an indicator without a path): only a met
        # target is green; a milestone not complete is red; otherwise "largely done" is yellow.
        if direction == MILESTONE:
            return RED, progress, expected, planned
        return (YELLOW if progress >= yellow - EPSILON else RED), progress, expected, planned
    ratio = progress / expected
    # The slack keeps a value exactly on a threshold from falling below it by rounding.
    if ratio >= green - EPSILON:
        status = GREEN
    elif ratio >= yellow - EPSILON:
        status = YELLOW
    else:
        status = RED
    return status, progress, expected, planned


def indicator_status(
    *,
    value,
    baseline,
    target,
    direction: str,
    elapsed_share: float,
    green: float,
    yellow: float,
) -> tuple[str, float | None, float]:
    """(status, progress, expected) of an indicator whose latest value is ``value``.

    ``progress`` is raw (may exceed 1 or be negative) and None without a value;
    ``expected`` is the elapsed share (1 for an indicator without a path).
    """
    status, progress, expected, _planned = assess(
        value=value,
        baseline=baseline,
        target=target,
        direction=direction,
        elapsed_share=elapsed_share,
        green=green,
        yellow=yellow,
    )
    return status, progress, expected


def judge_frame(frame: pd.DataFrame, *, green: float, yellow: float) -> pd.DataFrame:
    """Statuses for a long frame of indicator × month rows, carrying missing months forward.

    ``frame`` columns: indicator (any key), period, position (month index in the cycle),
    value (NaN when no figure that month), elapsed, baseline, target, direction; sorted by
    indicator then position. Returns a copy with: carried (bool: the status uses an earlier
    month's figure), used_value, used_period, planned, progress, expected, status.

    A month without a figure keeps the previous figure for the status, because a department
    that stops reporting must not turn grey (or keep an old green) — the old figure is judged
    against the later month's plan.
    """
    result = frame.copy()
    has_value = result["value"].notna()
    by_indicator = result.groupby("indicator", sort=False)
    used_value = by_indicator["value"].ffill()
    used_position = result["position"].where(has_value).groupby(result["indicator"]).ffill()
    periods = result["period"].tolist()
    positions = result["position"].tolist()
    period_of_position = dict(zip(positions, periods, strict=True))
    result["used_value"] = used_value
    result["used_period"] = [
        None if is_missing(p) else period_of_position.get(int(p)) for p in used_position
    ]
    result["carried"] = (~has_value) & used_value.notna()
    assessed = [
        assess(
            value=v,
            baseline=b,
            target=t,
            direction=d,
            elapsed_share=e,
            green=green,
            yellow=yellow,
        )
        for v, b, t, d, e in zip(
            used_value.tolist(),
            result["baseline"].tolist(),
            result["target"].tolist(),
            result["direction"].tolist(),
            result["elapsed"].tolist(),
            strict=True,
        )
    ]
    result["status"] = [a[0] for a in assessed]
    result["progress"] = pd.Series(
        [math.nan if a[1] is None else a[1] for a in assessed], index=result.index, dtype=float
    )
    result["expected"] = pd.Series([a[2] for a in assessed], index=result.index, dtype=float)
    result["planned"] = pd.Series([a[3] for a in assessed], index=result.index, dtype=float)
    return result


def status_series(
    values: pd.Series,
    *,
    months: Sequence[datetime.date],
    baseline,
    target,
    direction: str,
    as_of: datetime.date | None,
    green: float,
    yellow: float,
    terms: Mapping[datetime.date, Mapping] | None = None,
) -> pd.DataFrame:
    """One indicator month by month up to ``as_of``: period, value, planned, progress, expected,
    status, carried.

    ``values`` is indexed by month; months outside ``months`` are ignored. ``value`` stays NaN in
    a month without a figure while its status uses the carried-forward figure (``carried``).
    ``terms`` maps a month to its baseline, target and direction when a target adjustment made
    them differ from month to month (portal.terms); without it every month uses the arguments.
    """
    months = [first_of_month(m) for m in months]
    if as_of is not None:
        as_of = first_of_month(as_of)
        shown = [m for m in months if m <= as_of]
    else:
        shown = []
    if not shown:
        return pd.DataFrame(
            {
                "period": pd.Series([], dtype=object),
                "value": pd.Series([], dtype=float),
                "planned": pd.Series([], dtype=float),
                "progress": pd.Series([], dtype=float),
                "expected": pd.Series([], dtype=float),
                "status": pd.Series([], dtype=object),
                "carried": pd.Series([], dtype=bool),
            }
        )
    by_month = {}
    for period, value in values.items():
        if not is_missing(value):
            by_month[first_of_month(period)] = float(value)
    # judge_frame's rules for one indicator, month by month in plain Python: on a dozen rows
    # building and grouping a frame costs far more than the arithmetic (an uncached indicator
    # page). tests/portal/test_status.py checks that both give the same frame.
    total = len(months)
    baseline = None if is_missing(baseline) else float(baseline)
    target = float(target)
    value_column, planned, progress, expected, status, carried = [], [], [], [], [], []
    last = None
    for n, month in enumerate(shown):
        value = by_month.get(month)
        if value is not None:
            last = value
        month_terms = terms.get(month) if terms else None
        assessed = assess(
            value=last,
            baseline=baseline if month_terms is None else month_terms["baseline"],
            target=target if month_terms is None else month_terms["target"],
            direction=direction if month_terms is None else month_terms["direction"],
            elapsed_share=(n + 1) / total,
            green=green,
            yellow=yellow,
        )
        value_column.append(math.nan if value is None else value)
        status.append(assessed[0])
        progress.append(math.nan if assessed[1] is None else assessed[1])
        expected.append(assessed[2])
        planned.append(assessed[3])
        carried.append(value is None and last is not None)
    # Plain lists: every column's dtype is what judge_frame gives (dates stay objects, the
    # numbers are floats with NaN, carried is bool) without building a Series for each.
    return pd.DataFrame(
        {
            "period": shown,
            "value": value_column,
            "planned": planned,
            "progress": progress,
            "expected": expected,
            "status": status,
            "carried": carried,
        },
        columns=SERIES_COLUMNS,
    )


# Roll-up: each counted light is worth green 1, yellow ½, red 0.
ROLL_UP_VALUES = {GREEN: 1.0, YELLOW: 0.5, RED: 0.0}
ROLL_UP_GREEN = 0.8
ROLL_UP_YELLOW = 0.5


def roll_up(statuses: Iterable[str], weights: Iterable | None = None) -> str:
    """One light for a goal, department or the city from its indicators' lights.

    The weighted share of the counted lights (green 1, yellow ½, red 0) decides: at least 0.8
    green, at least 0.5 yellow, else red. Indicators without data or not started are left out;
    if nothing is left the result is "not_started" when every light is not started, else
    "none". Weights default to 1; if all counted weights are 0 the lights count equally.
    """
    statuses = list(statuses)
    weights = list(repeat(1.0, len(statuses)) if weights is None else weights)
    counted = []
    for status, weight in zip(statuses, weights, strict=True):
        if status in ROLL_UP_VALUES:
            weight = 0.0 if is_missing(weight) else max(float(weight), 0.0)
            counted.append((status, weight))
    if not counted:
        if statuses and all(s == NOT_STARTED for s in statuses):
            return NOT_STARTED
        return NO_DATA
    total = sum(weight for _, weight in counted)
    if total <= 0:
        counted = [(status, 1.0) for status, _ in counted]
        total = float(len(counted))
    share = sum(ROLL_UP_VALUES[status] * weight for status, weight in counted) / total
    if share >= ROLL_UP_GREEN - EPSILON:
        return GREEN
    if share >= ROLL_UP_YELLOW - EPSILON:
        return YELLOW
    return RED

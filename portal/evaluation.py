"""Persisting computed statuses and scores: the bridge between the database and the pure rules.

``recompute_cycle`` reads a whole cycle in a fixed number of queries, judges every indicator
month by month (portal.status), scores every department month by month (portal.scoring) and
writes the snapshots pages read: Indicator.latest_value/latest_period/progress/status,
Goal.status and the Evaluation rows. Call it once per affected cycle after any measurement
change. ``indicator_series`` is the same judgement for one indicator's page.
"""

from __future__ import annotations

import datetime
import math
import time
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import cache as portal_cache
from portal.models import (
    Cycle,
    Department,
    Evaluation,
    Goal,
    Indicator,
    Measurement,
    QualitativeReview,
    Status,
    TargetAdjustment,
)
from portal.scoring import score_departments
from portal.signals import cycle_recomputed
from portal.status import ROLL_UP_VALUES, judge_frame, roll_up, status_series
from portal.terms import TERMS, as_float, original_term, term_in_force
from portal.values import is_missing

INDICATOR_FIELDS = [
    "id",
    "code",
    "name",
    "dimension",
    "weight",
    "baseline",
    "target",
    "direction",
    "goal_id",
    "goal__owner_id",
    "latest_value",
    "latest_period",
    "progress",
    "status",
    "adjustments",
]


@dataclass
class RecomputeResult:
    """What a recompute wrote, for the management command and the logs."""

    year: int
    as_of: datetime.date | None
    indicators: int
    indicators_changed: int
    goals_changed: int
    evaluations: int
    seconds: float


def _float_or_nan(value) -> float:
    return math.nan if value is None else float(value)


def _thresholds(cycle: Cycle) -> tuple[float, float]:
    return float(cycle.green_threshold), float(cycle.yellow_threshold)


def _part_weights(cycle: Cycle) -> dict[str, float]:
    return {
        "goals": float(cycle.weight_goals or 0),
        "satisfaction": float(cycle.weight_satisfaction or 0),
        "qualitative": float(cycle.weight_qualitative or 0),
    }


def _status_without_data(cycle: Cycle, today: datetime.date) -> str:
    return Status.NOT_STARTED if today < cycle.start_date else Status.NO_DATA


def _cycle_measurements(cycle: Cycle, months: list[datetime.date]):
    return Measurement.objects.filter(
        indicator__goal__cycle=cycle, period__gte=months[0], period__lte=months[-1]
    )


def _judge_cycle(
    indicators: pd.DataFrame,
    measurements: pd.DataFrame,
    months: list[datetime.date],
    as_of: datetime.date,
    cycle: Cycle,
) -> pd.DataFrame:
    """Every indicator × every month up to ``as_of``, judged with carry-forward."""
    shown = [m for m in months if m <= as_of]
    position_of = {month: n for n, month in enumerate(shown)}
    count = len(indicators)
    grid = indicators.loc[indicators.index.repeat(len(shown))].reset_index(drop=True)
    grid["indicator"] = grid["id"]
    grid["position"] = np.tile(np.arange(len(shown)), count)
    period_array = np.empty(len(shown), dtype=object)
    period_array[:] = shown
    grid["period"] = np.tile(period_array, count)
    grid["elapsed"] = np.tile(np.arange(1, len(shown) + 1) / len(months), count)
    _apply_adjustments(grid)
    measured = measurements.assign(position=measurements["period"].map(position_of))
    measured = measured.dropna(subset=["position"]).astype({"position": int})
    grid = grid.merge(
        measured[["indicator", "position", "value"]],
        how="left",
        on=["indicator", "position"],
        validate="one_to_one",
    )
    green, yellow = _thresholds(cycle)
    return judge_frame(grid, green=green, yellow=yellow)


def _apply_adjustments(grid: pd.DataFrame) -> None:
    """Judge each month against the terms in force then (portal.terms): an approved target
    adjustment applies from its effective month, earlier months keep the original value.
    Adds ``target_adjusted`` and ``original_target``, which the score breakdown names."""
    grid["target_adjusted"] = False
    grid["original_target"] = math.nan
    # Only the rows of adjusted indicators (a handful) are touched, one by one.
    for index in grid.index[grid["adjustments"].map(bool)]:
        adjustments, month = grid.at[index, "adjustments"], grid.at[index, "period"]
        for term in TERMS:
            value, adjusted = term_in_force(term, grid.at[index, term], adjustments, month)
            grid.at[index, term] = value if term == "direction" else as_float(value)
            if term == "target" and adjusted:
                grid.at[index, "target_adjusted"] = True
                original = original_term("target", value, adjustments)
                grid.at[index, "original_target"] = as_float(original)


def _goal_statuses(
    goal_rows: list[dict], indicator_status: pd.DataFrame, fallback: str
) -> dict[int, str]:
    """Each goal's light: roll-up of its own indicators and those of all its sub-goals."""
    children: dict[int, list[int]] = {}
    for goal in goal_rows:
        if goal["parent_id"] is not None:
            children.setdefault(goal["parent_id"], []).append(goal["id"])
    own: dict[int, list[tuple[str, float]]] = {}
    for goal_id, status, weight in indicator_status[["goal_id", "status", "weight"]].itertuples(
        index=False
    ):
        own.setdefault(goal_id, []).append((status, weight))
    subtree: dict[int, list[tuple[str, float]]] = {}

    def collect(goal_id: int, seen: frozenset) -> list[tuple[str, float]]:
        if goal_id in subtree:
            return subtree[goal_id]
        items = list(own.get(goal_id, []))
        for child in children.get(goal_id, []):
            if child not in seen:  # guards against a parent loop entered by hand
                items.extend(collect(child, seen | {child}))
        subtree[goal_id] = items
        return items

    result = {}
    for goal in goal_rows:
        items = collect(goal["id"], frozenset({goal["id"]}))
        if items:
            result[goal["id"]] = roll_up([s for s, _ in items], [w for _, w in items])
        else:
            result[goal["id"]] = fallback
    return result


def _evaluations(
    cycle: Cycle,
    judged: pd.DataFrame,
    reviews: dict[int, dict],
    months: list[datetime.date],
) -> list[Evaluation]:
    frame = judged.drop(columns=["value", "period"]).rename(
        columns={"used_value": "value", "used_period": "period", "goal__owner_id": "department_id"}
    )
    weights = _part_weights(cycle)
    evaluations = []
    shown = sorted(set(judged["position"].tolist()))
    for position in shown:
        month = months[position]
        scores = score_departments(
            frame[frame["position"] == position],
            reviews,
            weights=weights,
            grade_bands=cycle.grade_bands or [],
            final=position == len(months) - 1,
        )
        for department_id, score in scores.items():
            evaluations.append(
                Evaluation(
                    department_id=int(department_id),
                    cycle=cycle,
                    period=month,
                    goals_score=score.goals_score,
                    satisfaction_score=score.satisfaction_score,
                    qualitative_score=score.qualitative_score,
                    total=score.total,
                    rank=score.rank,
                    grade=score.grade,
                    status=score.status,
                    # scoring rounds every number to a plain float or None (jsonb rejects NaN).
                    breakdown=score.breakdown,
                )
            )
    return evaluations


def recompute_cycle(cycle: Cycle, *, today: datetime.date | None = None) -> RecomputeResult:
    """Recompute indicator/goal status snapshots and department evaluations of ``cycle``.

    The as-of month is the latest month of the cycle with any figure. Every month from the
    first up to it gets an Evaluation per department that owns indicators; the snapshots
    describe the as-of month. A cycle without figures gets "not_started" (before its start
    date) or "none" everywhere and no evaluations. Issues a fixed number of queries
    (about ten) whatever the size of the cycle; the page cache is invalidated once.
    """
    started = time.perf_counter()
    with transaction.atomic():
        # Lock the cycle row so two recomputes of one cycle (say, two imports at once) run one
        # after the other: the second reads the first's figures and never inserts duplicates.
        list(Cycle.objects.select_for_update().filter(pk=cycle.pk).values_list("pk"))
        result = _recompute_locked(cycle, today or timezone.localdate())
        cycle_recomputed.send(sender=Cycle, cycle=cycle)
    result.seconds = time.perf_counter() - started
    return result


def _recompute_locked(cycle: Cycle, today: datetime.date) -> RecomputeResult:
    months = cycle.months()
    indicator_rows = list(
        Indicator.objects.filter(goal__cycle=cycle)
        .order_by("goal__code", "sort_order", "code")
        .values(*INDICATOR_FIELDS)
    )
    goal_rows = list(Goal.objects.filter(cycle=cycle).values("id", "parent_id", "status"))
    measurement_rows = list(
        _cycle_measurements(cycle, months).values_list("indicator_id", "period", "value")
    )
    reviews = {
        department_id: {"score": float(score), "note": note}
        for department_id, score, note in QualitativeReview.objects.filter(cycle=cycle).values_list(
            "department_id", "score", "note"
        )
    }
    as_of = max((period for _, period, _ in measurement_rows), default=None)

    latest: dict[int, tuple[datetime.date, object]] = {}
    for indicator_id, period, value in measurement_rows:
        if indicator_id not in latest or period > latest[indicator_id][0]:
            latest[indicator_id] = (period, value)

    fallback = _status_without_data(cycle, today)
    evaluations: list[Evaluation] = []
    if as_of is None or not indicator_rows:
        snapshot = {row["id"]: (fallback, None) for row in indicator_rows}
        goal_status = {goal["id"]: fallback for goal in goal_rows}
    else:
        indicators = pd.DataFrame(indicator_rows)
        for column in ("weight", "baseline", "target"):
            indicators[column] = [_float_or_nan(v) for v in indicators[column]]
        measurements = pd.DataFrame(measurement_rows, columns=["indicator", "period", "value"])
        measurements["value"] = measurements["value"].map(float)
        judged = _judge_cycle(indicators, measurements, months, as_of, cycle)
        last = judged[judged["position"] == judged["position"].max()]
        snapshot = {
            indicator_id: (status, None if is_missing(progress) else float(progress))
            for indicator_id, status, progress in last[
                ["indicator", "status", "progress"]
            ].itertuples(index=False)
        }
        goal_status = _goal_statuses(goal_rows, last, fallback)
        evaluations = _evaluations(cycle, judged, reviews, months)

    snapshot_fields = ["status", "progress", "latest_period", "latest_value"]
    changed_indicators = []
    for row in indicator_rows:
        status, progress = snapshot[row["id"]]
        period, value = latest.get(row["id"], (None, None))
        new = (status, progress, period, value)
        if tuple(row[name] for name in snapshot_fields) != new:
            changed_indicators.append((row["id"], *new))
    changed_goals = [
        (goal["id"], goal_status[goal["id"]])
        for goal in goal_rows
        if goal["status"] != goal_status[goal["id"]]
    ]
    Indicator.objects.update_rows(snapshot_fields, changed_indicators)
    Goal.objects.update_rows(["status"], changed_goals)
    Evaluation.objects.replace_for_cycle(cycle, evaluations)
    # These hand-written writes send no signals: invalidate the cached pages once, on commit.
    portal_cache.bump_data_version()
    return RecomputeResult(
        year=cycle.year,
        as_of=as_of,
        indicators=len(indicator_rows),
        indicators_changed=len(changed_indicators),
        goals_changed=len(changed_goals),
        evaluations=len(evaluations),
        seconds=0.0,
    )


def _cycle_of(indicator: Indicator) -> Cycle:
    if Indicator.goal.is_cached(indicator) and Goal.cycle.is_cached(indicator.goal):
        return indicator.goal.cycle
    return Cycle.objects.get(goals__indicators=indicator.pk)


def indicator_values(indicator: Indicator) -> dict[datetime.date, Decimal]:
    """The indicator's figures in its cycle's months, by month (one query)."""
    months = _cycle_of(indicator).months()
    return Measurement.objects.figures(indicator.pk, months[0], months[-1])


def indicator_series(
    indicator: Indicator, values: dict[datetime.date, Decimal] | None = None
) -> pd.DataFrame:
    """One row per month of the indicator's cycle up to the cycle's as-of month.

    Columns: period (date), value (NaN without a figure that month), planned, progress,
    expected, status, carried (the status uses an earlier month's figure). At most 3 queries
    (none for the cycle when ``goal__cycle`` is already loaded; none for the figures when
    ``values`` — ``indicator_values`` — are given).
    """
    cycle = _cycle_of(indicator)
    months = cycle.months()
    if values is None:
        values = Measurement.objects.figures(indicator.pk, months[0], months[-1])
    as_of = Cycle.objects.data_month(cycle)
    if values:
        # This indicator's own newest figure counts even before the next recompute.
        as_of = max(as_of or months[0], max(values))
    green, yellow = _thresholds(cycle)
    adjustments = indicator.adjustments or []
    terms = None
    if adjustments:
        current = {term: getattr(indicator, term) for term in TERMS}
        terms = {
            month: {
                term: term_in_force(term, current[term], adjustments, month)[0] for term in TERMS
            }
            for month in months
        }
    series = status_series(
        pd.Series({period: float(value) for period, value in values.items()}, dtype=float),
        months=months,
        baseline=indicator.baseline,
        target=indicator.target,
        direction=indicator.direction,
        as_of=as_of,
        green=green,
        yellow=yellow,
        terms=terms,
    )
    series["target"] = [
        float(indicator.target if terms is None else terms[period]["target"])
        for period in series["period"]
    ]
    series["adjustment"] = [adjustment_note(adjustments, period) for period in series["period"]]
    return series


def adjustment_note(adjustments: list[dict], month: datetime.date) -> str:
    """What the downloads say beside a month judged against an adjusted term: the original
    and adjusted values, the approval date and the reason ("" for an original term)."""
    label = month.strftime("%Y-%m")
    notes = []
    for adjustment in adjustments or ():
        if adjustment["effective_from"] <= label:
            notes.append(
                _("%(field)s %(old)s → %(new)s (approved %(date)s, from %(month)s): %(reason)s")
                % {
                    "field": TargetAdjustment.Field(adjustment["field"]).label,
                    "old": adjustment["old"] or "—",
                    "new": adjustment["new"] or "—",
                    "date": adjustment["decided_on"],
                    "month": adjustment["effective_from"],
                    "reason": adjustment["reason"],
                }
            )
    return "; ".join(notes)


def department_evaluations(
    department: Department,
    cycle: Cycle | None,
    month: datetime.date | None,
    published: list[Cycle],
) -> tuple[list[Evaluation], Evaluation | None, list[Evaluation]]:
    """A department's month-by-month evaluations in ``cycle``, the one shown (``month``, else
    the department's last) with its breakdown, and the history across the ``published``
    cycles (each one's final evaluation, oldest first).

    One query reads the shown cycle's evaluations (twelve a year) and the final one of every
    other published cycle, with the breakdown of the shown month only; a second reads the
    department's own last breakdown when it has no evaluation in ``month``.
    """
    cycles = {c.pk: c for c in published}
    if cycle is None or not cycles:
        return [], None, []
    final: dict[int, Evaluation] = {}
    monthly = []
    for e in Evaluation.objects.for_department(department, cycle, month):
        e.cycle = cycles[e.cycle_id]
        final[e.cycle_id] = e
        if e.cycle_id == cycle.pk:
            monthly.append(e)
    history = sorted(final.values(), key=lambda e: e.cycle.year)
    evaluation = monthly[-1] if monthly else None
    if month:
        evaluation = next((e for e in monthly if e.period == month), evaluation)
    if evaluation is not None:
        if evaluation.period == month:
            evaluation.breakdown = evaluation.shown_breakdown
        else:  # the department has no evaluation in the city's latest month: its own last
            evaluation.breakdown = (
                Evaluation.objects.filter(pk=evaluation.pk)
                .order_by()
                .values_list("breakdown", flat=True)
                .first()
            )
    return monthly, evaluation, history


def city_status(cycle: Cycle) -> str:
    """The city's overall light: the weighted roll-up of every indicator's snapshot.

    One query that totals the weights per light in the database (a city has thousands of
    indicators); the same result as ``roll_up`` over every indicator, including its rule that
    lights count equally when no counted indicator has a positive weight."""
    rows = list(
        Indicator.objects.filter(goal__cycle=cycle)
        .order_by()
        .values("status")
        .annotate(count=Count("pk"), weight=Sum("weight", filter=Q(weight__gt=0)))
    )
    if not rows:
        return _status_without_data(cycle, timezone.localdate())
    weighted = any(row["weight"] for row in rows if row["status"] in ROLL_UP_VALUES)
    return roll_up(
        [row["status"] for row in rows],
        [(row["weight"] or 0) if weighted else row["count"] for row in rows],
    )


def department_status_counts(cycle: Cycle, period: datetime.date | None = None) -> dict[str, int]:
    """How many departments show each light in ``period`` (default: the latest evaluated month).

    Every status key is present (0 when none), in the order green, yellow, red, none,
    not_started. One query when ``period`` is given, two otherwise.
    """
    evaluations = Evaluation.objects.filter(cycle=cycle)
    if period is None:
        period = evaluations.aggregate(latest=Max("period"))["latest"]
    counts = Counter()
    if period is not None:
        counts = Counter(evaluations.filter(period=period).values_list("status", flat=True))
    return {status.value: counts.get(status.value, 0) for status in Status}

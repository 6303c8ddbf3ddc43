"""The explainable composite score: pure functions over a pandas frame of indicators.

Every point of a department's total is traceable: total = Σ indicator points + qualitative
points, and each indicator's points = achievement × its weight ÷ the part's counted weight ×
the part's effective weight ÷ 100. The result is the ``Evaluation.breakdown`` JSON documented in
docs/scoring.md (and in the shared contracts). No Django model is imported here.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from portal.months import iso_month
from portal.status import LOWER, roll_up
from portal.values import finite_or_none, is_missing

PARTS = ("goals", "satisfaction", "qualitative")
SATISFACTION = "satisfaction"
# Display order of the goal dimensions (产出 / 质量 / 效率 / 效益); unknown keys follow.
DIMENSION_ORDER = ("output", "quality", "efficiency", "effectiveness")

SCORE_DIGITS = 2
POINT_DIGITS = 4
RATIO_DIGITS = 4

FRAME_COLUMNS = [
    "department_id",
    "code",
    "name",
    "dimension",
    "weight",
    "baseline",
    "target",
    "direction",
    "value",
    "period",
    "progress",
    "expected",
    "status",
]


def _round(value, digits: int) -> float | None:
    if is_missing(value):
        return None
    value = float(value)
    if math.isinf(value):
        return None
    return round(value, digits)


def _month_label(period) -> str | None:
    if is_missing(period):
        return None
    if isinstance(period, str):
        return period[:7]
    return iso_month(period)


def goal_achievement(progress, expected) -> float | None:
    """Achievement 0–100 of a goal indicator: progress against what the plan expects by now.

    min(progress ÷ expected, 1) × 100, with progress clipped to 0–1 first (over-achievement
    earns no bonus, going backwards no penalty below 0). None when there is no progress to
    judge or nothing is expected yet (the cycle has not started).
    """
    if is_missing(progress) or is_missing(expected) or float(expected) <= 0:
        return None
    clipped = min(max(float(progress), 0.0), 1.0)
    return min(clipped / float(expected), 1.0) * 100.0


def satisfaction_achievement(value, target, direction: str = "higher") -> float | None:
    """Achievement 0–100 of a satisfaction indicator: value ÷ target, capped at 100.

    Satisfaction figures are percentages or 0–100 scores, so a level (not progress along a
    path) is what counts. A lower-is-better one (e.g. a complaint rate) scores target ÷ value.
    """
    if is_missing(value):
        return None
    value = float(value)
    target = None if is_missing(target) else float(target)
    if target is None or target <= 0:
        if direction == LOWER:
            return 100.0 if value <= (target or 0.0) else 0.0
        return min(max(value, 0.0), 100.0)
    if direction == LOWER:
        if value <= target:
            return 100.0
        return min(max(target / value, 0.0), 1.0) * 100.0
    return min(max(value / target, 0.0), 1.0) * 100.0


def effective_weights(
    weights: Mapping[str, float], available: Mapping[str, bool]
) -> dict[str, float]:
    """The part weights renormalised to sum 100 over the parts that have data (others 0).

    E.g. goals 60 / satisfaction 20 / qualitative 20 before the review is in → 75 / 25 / 0.
    """
    counted = {
        part: max(float(weights.get(part) or 0), 0.0) for part in PARTS if available.get(part)
    }
    total = sum(counted.values())
    if total <= 0:
        return {part: 0.0 for part in PARTS}
    return {part: counted.get(part, 0.0) * 100.0 / total for part in PARTS}


def grade_for(total, bands: Iterable[Mapping]) -> str:
    """The grade of the highest band whose ``min_score`` the total reaches ("" without a total)."""
    if is_missing(total):
        return ""
    ordered = sorted(
        (b for b in bands if not is_missing(b.get("min_score"))),
        key=lambda b: float(b["min_score"]),
        reverse=True,
    )
    for band in ordered:
        if float(total) >= float(band["min_score"]) - 1e-9:
            return str(band["grade"])
    return ""


def competition_ranks(totals: Mapping[Hashable, float | None]) -> dict[Hashable, int | None]:
    """Standard competition ranking ("1224"): equal totals share a rank, the next one skips.

    Totals are compared as published (rounded to two decimals), so two departments shown with
    the same score always share the rank. No total → no rank.
    """
    rounded = {
        key: round(float(total), SCORE_DIGITS)
        for key, total in totals.items()
        if not is_missing(total)
    }
    ordered = sorted(rounded.values(), reverse=True)
    first_position = {}
    for position, total in enumerate(ordered, start=1):
        first_position.setdefault(total, position)
    return {key: first_position.get(rounded[key]) if key in rounded else None for key in totals}


@dataclass
class DepartmentScore:
    """One department's composite score in one month, with its explainable breakdown."""

    goals_score: float | None
    satisfaction_score: float | None
    qualitative_score: float | None
    total: float | None
    status: str
    breakdown: dict = field(default_factory=dict)
    rank: int | None = None
    grade: str = ""


def _indicator_item(row: Mapping, achievement: float | None) -> dict:
    """The breakdown entry of one indicator (display fields rounded, points filled in later)."""
    item = row.get("item")
    if item is None:
        item = {
            "code": str(row["code"]),
            "name": str(row["name"]),
            "weight": _round(row["weight"], POINT_DIGITS) or 0.0,
            "value": _round(row["value"], POINT_DIGITS),
            "period": _month_label(row["period"]),
            "baseline": _round(row["baseline"], POINT_DIGITS),
            "target": _round(row["target"], POINT_DIGITS),
            "direction": str(row["direction"]),
            "progress": _round(row["progress"], RATIO_DIGITS),
            "expected": _round(row["expected"], RATIO_DIGITS),
            "achievement": None,
            "status": str(row["status"]),
            "points": 0.0,
            "target_adjusted": bool(row.get("target_adjusted", False)),
            "original_target": _round(row.get("original_target"), POINT_DIGITS),
        }
    item["achievement"] = _round(achievement, SCORE_DIGITS)
    return item


def _rounded_column(frame: pd.DataFrame, column: str, digits: int) -> list[float | None]:
    values = pd.to_numeric(frame[column], errors="coerce").astype(float).round(digits)
    return [finite_or_none(v) for v in values.tolist()]


def _display_items(frame: pd.DataFrame) -> list[dict]:
    """Every row's breakdown entry, rounded column by column (much faster than cell by cell)."""
    rounded = {
        "weight": _rounded_column(frame, "weight", POINT_DIGITS),
        "value": _rounded_column(frame, "value", POINT_DIGITS),
        "baseline": _rounded_column(frame, "baseline", POINT_DIGITS),
        "target": _rounded_column(frame, "target", POINT_DIGITS),
        "progress": _rounded_column(frame, "progress", RATIO_DIGITS),
        "expected": _rounded_column(frame, "expected", RATIO_DIGITS),
    }
    labels = {}
    periods = []
    for period in frame["period"].tolist():
        if period not in labels:
            labels[period] = _month_label(period)
        periods.append(labels[period])
    # Which target each row was judged against: the adjusted one from an approved target
    # adjustment's effective month (portal.evaluation), else the original.
    if "target_adjusted" in frame:
        adjusted = [bool(a) for a in frame["target_adjusted"].tolist()]
        originals = _rounded_column(frame, "original_target", POINT_DIGITS)
    else:
        adjusted, originals = [False] * len(frame), [None] * len(frame)
    items = [
        {
            "code": str(code),
            "name": str(name),
            "weight": weight or 0.0,
            "value": value,
            "period": period,
            "baseline": baseline,
            "target": target,
            "direction": str(direction),
            "progress": progress,
            "expected": expected,
            "achievement": None,
            "status": str(status),
            "points": 0.0,
        }
        for code, name, weight, value, period, baseline, target, direction, progress, expected, status in zip(
            frame["code"].tolist(),
            frame["name"].tolist(),
            rounded["weight"],
            rounded["value"],
            periods,
            rounded["baseline"],
            rounded["target"],
            frame["direction"].tolist(),
            rounded["progress"],
            rounded["expected"],
            frame["status"].tolist(),
            strict=True,
        )
    ]
    for item, is_adjusted, original in zip(items, adjusted, originals, strict=True):
        item["target_adjusted"] = is_adjusted
        item["original_target"] = original if is_adjusted else None
    return items


def _weighted(items: list[tuple[dict, float | None, float]]) -> tuple[float | None, float]:
    """(weighted mean achievement, counted weight) of (item, achievement, weight) triples."""
    counted = [(a, w) for _, a, w in items if a is not None and w > 0]
    weight = sum(w for _, w in counted)
    if weight <= 0:
        return None, 0.0
    return sum(a * w for a, w in counted) / weight, weight


def _qualitative_entry(entry) -> tuple[float | None, str]:
    if entry is None:
        return None, ""
    if isinstance(entry, Mapping):
        score = entry.get("score")
        note = entry.get("note") or ""
    else:
        score, note = entry, ""
    return (None if is_missing(score) else float(score)), str(note)


def score_department(
    rows: list[Mapping],
    qualitative=None,
    *,
    weights: Mapping[str, float],
    final: bool = False,
) -> DepartmentScore:
    """The composite score of one department from its indicator rows (see FRAME_COLUMNS).

    Goal indicators without a figure do not count yet — except in the cycle's final month
    (``final``), when a goal indicator still without a figure scores 0, so that not reporting
    never pays. Satisfaction indicators without a figure never count (surveys may not cover
    every department), and a part without any data is left out by renormalising the weights.
    A department with no indicator figure at all gets no total, even with a qualitative score,
    so that reviews alone never rank a department that has not reported.
    """
    goal_items: dict[str, list[tuple[dict, float | None, float]]] = {}
    satisfaction_items: list[tuple[dict, float | None, float]] = []
    for row in rows:
        weight = 0.0 if is_missing(row["weight"]) else max(float(row["weight"]), 0.0)
        if row["dimension"] == SATISFACTION:
            achievement = satisfaction_achievement(row["value"], row["target"], row["direction"])
            satisfaction_items.append((_indicator_item(row, achievement), achievement, weight))
        else:
            achievement = goal_achievement(row["progress"], row["expected"])
            if achievement is None and final:
                achievement = 0.0
            item = _indicator_item(row, achievement)
            goal_items.setdefault(str(row["dimension"]), []).append((item, achievement, weight))

    all_goal_items = [triple for items in goal_items.values() for triple in items]
    goals_score, goals_weight = _weighted(all_goal_items)
    satisfaction_score, satisfaction_weight = _weighted(satisfaction_items)
    qualitative_score, qualitative_note = _qualitative_entry(qualitative)
    has_figures = goals_score is not None or satisfaction_score is not None
    available = {
        "goals": goals_score is not None,
        "satisfaction": satisfaction_score is not None,
        "qualitative": qualitative_score is not None and has_figures,
    }
    effective = effective_weights(weights, available)

    def assign_points(items, part_weight, share):
        for item, achievement, weight in items:
            if achievement is not None and weight > 0 and part_weight > 0:
                item["points"] = round(achievement * weight / part_weight * share / 100.0, 4)

    assign_points(all_goal_items, goals_weight, effective["goals"])
    assign_points(satisfaction_items, satisfaction_weight, effective["satisfaction"])

    ordered_dimensions = [d for d in DIMENSION_ORDER if d in goal_items] + sorted(
        d for d in goal_items if d not in DIMENSION_ORDER
    )
    dimensions = {}
    for dimension in ordered_dimensions:
        score, weight = _weighted(goal_items[dimension])
        dimensions[dimension] = {
            "score": _round(score, SCORE_DIGITS),
            "weight": round(weight, POINT_DIGITS),
            "indicators": [item for item, _, _ in goal_items[dimension]],
        }

    def part_points(score, part):
        return 0.0 if score is None else round(score * effective[part] / 100.0, POINT_DIGITS)

    total = None
    if has_figures:
        total = sum(
            score * effective[part] / 100.0
            for part, score in (
                ("goals", goals_score),
                ("satisfaction", satisfaction_score),
                ("qualitative", qualitative_score),
            )
            if available[part]
        )
    breakdown = {
        "weights": {part: float(weights.get(part) or 0) for part in PARTS},
        "effective_weights": {part: round(effective[part], POINT_DIGITS) for part in PARTS},
        "parts": {
            "goals": {
                "score": _round(goals_score, SCORE_DIGITS),
                "points": part_points(goals_score, "goals"),
                "dimensions": dimensions,
            },
            "satisfaction": {
                "score": _round(satisfaction_score, SCORE_DIGITS),
                "points": part_points(satisfaction_score, "satisfaction"),
                "indicators": [item for item, _, _ in satisfaction_items],
            },
            "qualitative": {
                "score": _round(qualitative_score, SCORE_DIGITS),
                "points": part_points(
                    qualitative_score if available["qualitative"] else None, "qualitative"
                ),
                "note": qualitative_note,
            },
        },
        "total": _round(total, SCORE_DIGITS),
    }
    weighted_status = roll_up(
        [row["status"] for row in rows],
        [row["weight"] for row in rows],
    )
    return DepartmentScore(
        goals_score=_round(goals_score, SCORE_DIGITS),
        satisfaction_score=_round(satisfaction_score, SCORE_DIGITS),
        qualitative_score=_round(qualitative_score, SCORE_DIGITS),
        total=_round(total, SCORE_DIGITS),
        status=weighted_status,
        breakdown=breakdown,
    )


def score_departments(
    frame: pd.DataFrame,
    qualitative: Mapping[Hashable, object] | None = None,
    *,
    weights: Mapping[str, float],
    grade_bands: Iterable[Mapping],
    final: bool = False,
) -> dict[Hashable, DepartmentScore]:
    """Score, rank and grade every department in ``frame`` (one cycle, one month).

    ``frame`` has FRAME_COLUMNS (value/period: the figure used and its month, carried forward
    if need be); ``qualitative`` maps department_id → score or {"score", "note"}. Departments
    only in ``qualitative`` are not scored (they own no indicator).
    """
    qualitative = qualitative or {}
    bands = list(grade_bands)
    by_department: dict[Hashable, list[dict]] = {}
    # Plain lists and zip: several times faster than DataFrame.to_dict("records") at 4000 rows.
    columns = [frame[column].tolist() for column in FRAME_COLUMNS]
    for values, item in zip(zip(*columns, strict=True), _display_items(frame), strict=True):
        row = dict(zip(FRAME_COLUMNS, values, strict=True))
        row["item"] = item
        by_department.setdefault(row["department_id"], []).append(row)
    results = {
        department: score_department(
            rows, qualitative.get(department), weights=weights, final=final
        )
        for department, rows in by_department.items()
    }
    ranks = competition_ranks({key: result.total for key, result in results.items()})
    for key, result in results.items():
        result.rank = ranks[key]
        result.grade = grade_for(result.total, bands)
    return results


def breakdown_rows(breakdown: dict, indicators_by_code: Mapping[str, object]) -> list[dict]:
    """Flatten Evaluation.breakdown into table rows: part → dimension → indicator → points.

    Each row holds its part, dimension, the breakdown's item, the part's effective weight and
    the indicator of the item's code (from ``indicators_by_code``; None when not given)."""
    rows = []
    parts = (breakdown or {}).get("parts") or {}
    effective = (breakdown or {}).get("effective_weights") or {}
    goals = parts.get("goals") or {}
    for dimension, info in (goals.get("dimensions") or {}).items():
        for item in info.get("indicators") or []:
            rows.append(
                {
                    "part": "goals",
                    "dimension": dimension,
                    "item": item,
                    "indicator": indicators_by_code.get(item.get("code")),
                }
            )
    satisfaction = parts.get("satisfaction") or {}
    for item in satisfaction.get("indicators") or []:
        rows.append(
            {
                "part": "satisfaction",
                "dimension": "satisfaction",
                "item": item,
                "indicator": indicators_by_code.get(item.get("code")),
            }
        )
    for row in rows:
        row["part_weight"] = effective.get(row["part"])
    return rows

"""The composite score (portal.scoring), without a database."""

import datetime
import json

import pandas as pd
import pytest

from portal.scoring import (
    competition_ranks,
    effective_weights,
    goal_achievement,
    grade_for,
    satisfaction_achievement,
    score_departments,
)

WEIGHTS = {"goals": 60, "satisfaction": 20, "qualitative": 20}
BANDS = [
    {"grade": "优秀", "min_score": 90},
    {"grade": "良好", "min_score": 80},
    {"grade": "合格", "min_score": 60},
    {"grade": "不合格", "min_score": 0},
]
OCTOBER = datetime.date(2026, 10, 1)


def row(department, code, *, dimension="output", weight=1.0, value=50.0, progress=None, **extra):
    """An indicator row as recompute_cycle hands it to the scorer."""
    expected = extra.pop("expected", 10 / 12)
    result = {
        "department_id": department,
        "code": code,
        "name": f"指标{code}",
        "dimension": dimension,
        "weight": weight,
        "baseline": 0.0,
        "target": 100.0,
        "direction": "higher",
        "value": value,
        "period": OCTOBER if value is not None else None,
        "progress": (value / 100.0 if value is not None else None)
        if progress is None
        else progress,
        "expected": expected,
        "status": "green" if value is not None else "none",
    }
    result.update(extra)
    return result


def score(rows, qualitative=None, *, weights=WEIGHTS, final=False):
    return score_departments(
        pd.DataFrame(rows), qualitative or {}, weights=weights, grade_bands=BANDS, final=final
    )


def all_points(breakdown):
    parts = breakdown["parts"]
    points = [
        item["points"]
        for dimension in parts["goals"]["dimensions"].values()
        for item in dimension["indicators"]
    ]
    points += [item["points"] for item in parts["satisfaction"]["indicators"]]
    return sum(points) + parts["qualitative"]["points"]


# --- achievement -------------------------------------------------------------------------------


def test_goal_achievement_is_progress_against_the_plan_capped_at_100():
    assert goal_achievement(0.4, 0.5) == pytest.approx(80)
    assert goal_achievement(0.6, 0.5) == 100  # ahead of plan earns no bonus
    assert goal_achievement(1.4, 1.0) == 100  # over-achievement clipped for scoring
    assert goal_achievement(-0.2, 0.5) == 0  # going backwards scores 0, not negative
    assert goal_achievement(None, 0.5) is None
    assert goal_achievement(0.4, 0) is None  # nothing expected yet


def test_satisfaction_achievement_is_value_over_target_capped():
    assert satisfaction_achievement(88.5, 95) == pytest.approx(88.5 / 95 * 100)
    assert satisfaction_achievement(97, 95) == 100
    assert satisfaction_achievement(None, 95) is None
    assert satisfaction_achievement(80, 0) == 80  # no target: the 0–100 score itself
    assert satisfaction_achievement(4, 2, "lower") == 50  # complaint rate twice the limit


# --- weights, grades, ranks --------------------------------------------------------------------


def test_weights_are_renormalised_over_parts_with_data():
    assert effective_weights(
        WEIGHTS, {"goals": True, "satisfaction": True, "qualitative": True}
    ) == {
        "goals": 60,
        "satisfaction": 20,
        "qualitative": 20,
    }
    assert effective_weights(
        WEIGHTS, {"goals": True, "satisfaction": False, "qualitative": True}
    ) == pytest.approx({"goals": 75, "satisfaction": 0, "qualitative": 25})
    assert effective_weights(WEIGHTS, {}) == {"goals": 0, "satisfaction": 0, "qualitative": 0}


@pytest.mark.parametrize(
    ("total", "grade"),
    [(95, "优秀"), (90, "优秀"), (89.99, "良好"), (80, "良好"), (60, "合格"), (12, "不合格")],
)
def test_grade_bands(total, grade):
    assert grade_for(total, BANDS) == grade


def test_grade_bands_in_any_order_and_without_a_total():
    assert grade_for(85, list(reversed(BANDS))) == "良好"
    assert grade_for(None, BANDS) == ""
    assert grade_for(50, [{"grade": "A", "min_score": 60}]) == ""


def test_ties_share_a_rank_and_the_next_rank_is_skipped():
    ranks = competition_ranks({"a": 91.0, "b": 85.0, "c": 85.0, "d": 70.0, "e": None})
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4, "e": None}


def test_totals_equal_as_published_share_a_rank():
    assert competition_ranks({"a": 85.001, "b": 84.999}) == {"a": 1, "b": 1}


# --- the composite -----------------------------------------------------------------------------


def test_points_of_every_indicator_add_up_to_the_total():
    rows = [
        row(1, "A", weight=2, value=60),
        row(1, "B", weight=1, value=30),
        row(1, "C", dimension="quality", weight=1.5, value=90),
        row(1, "S", dimension="satisfaction", weight=1, value=88, target=95.0, baseline=80.0),
    ]
    result = score(rows, {1: {"score": 85, "note": "工作扎实"}})[1]
    assert result.total == pytest.approx(all_points(result.breakdown), abs=0.01)
    assert result.total == result.breakdown["total"]
    parts = result.breakdown["parts"]
    assert parts["goals"]["points"] + parts["satisfaction"]["points"] + parts["qualitative"][
        "points"
    ] == pytest.approx(result.total, abs=0.01)
    assert parts["qualitative"] == {"score": 85.0, "points": 17.0, "note": "工作扎实"}


def test_breakdown_arithmetic_by_hand():
    # Expected 10/12 by October. A: 0.6 of the way → 72 %; B: 0.3 → 36 %; C: 0.9 → 100 %.
    rows = [
        row(1, "A", weight=2, value=60),
        row(1, "B", weight=1, value=30),
        row(1, "C", dimension="quality", weight=1, value=90),
    ]
    result = score(rows, {1: 80})[1]
    goals = result.breakdown["parts"]["goals"]
    output = goals["dimensions"]["output"]
    assert output["weight"] == 3
    assert output["score"] == pytest.approx((72 * 2 + 36) / 3, abs=0.01)
    assert goals["dimensions"]["quality"]["score"] == 100
    assert goals["score"] == pytest.approx((72 * 2 + 36 + 100) / 4, abs=0.01)
    # No satisfaction data: goals 60 → 75, qualitative 20 → 25.
    assert result.breakdown["effective_weights"] == pytest.approx(
        {"goals": 75, "satisfaction": 0, "qualitative": 25}
    )
    item_a = output["indicators"][0]
    assert item_a["achievement"] == pytest.approx(72)
    assert item_a["points"] == pytest.approx(72 * 2 / 4 * 0.75, abs=1e-4)
    assert result.total == pytest.approx(goals["score"] * 0.75 + 80 * 0.25, abs=0.01)


def test_breakdown_has_the_documented_shape_and_is_json():
    rows = [
        row(1, "A", value=60),
        row(1, "S", dimension="satisfaction", value=90.0, target=95.0),
    ]
    breakdown = score(rows, {1: 85})[1].breakdown
    json.dumps(breakdown, allow_nan=False)
    assert set(breakdown) == {"weights", "effective_weights", "parts", "total"}
    assert breakdown["weights"] == {"goals": 60.0, "satisfaction": 20.0, "qualitative": 20.0}
    item = breakdown["parts"]["goals"]["dimensions"]["output"]["indicators"][0]
    assert set(item) == {
        "code",
        "name",
        "weight",
        "value",
        "period",
        "baseline",
        "target",
        "direction",
        "progress",
        "expected",
        "achievement",
        "status",
        "points",
        "target_adjusted",  # whether the target used was changed by a target adjustment
        "original_target",
    }
    assert item["period"] == "2026-10"
    assert set(breakdown["parts"]["satisfaction"]) == {"score", "points", "indicators"}


def test_indicator_without_a_figure_does_not_count_until_the_final_month():
    rows = [row(1, "A", value=60), row(1, "B", value=None)]
    during = score(rows)[1]
    items = during.breakdown["parts"]["goals"]["dimensions"]["output"]["indicators"]
    assert items[1]["achievement"] is None and items[1]["points"] == 0
    assert during.goals_score == pytest.approx(72)
    at_close = score(
        [row(1, "A", value=60, expected=1.0), row(1, "B", value=None, expected=1.0)], final=True
    )[1]
    assert at_close.goals_score == pytest.approx(30)  # (60 + 0) / 2


def test_department_without_any_figure_gets_no_total_even_with_a_review():
    result = score([row(1, "A", value=None), row(2, "B", value=50)], {1: 95, 2: 80})
    assert result[1].total is None and result[1].rank is None and result[1].grade == ""
    assert result[2].rank == 1


def test_departments_are_ranked_and_graded_with_ties():
    rows = [row(1, "A", value=80), row(2, "B", value=80), row(3, "C", value=40)]
    result = score(rows)
    assert (result[1].rank, result[2].rank, result[3].rank) == (1, 1, 3)
    assert result[1].total == 96.0 and result[1].grade == "优秀"
    assert result[3].grade == "不合格"


def test_department_light_is_the_weighted_roll_up_of_its_indicators():
    rows = [
        row(1, "A", value=80, status="green", weight=1),
        row(1, "B", value=10, status="red", weight=3),
    ]
    assert score(rows)[1].status == "red"


def test_zero_weight_part_and_zero_weight_indicator_add_nothing():
    rows = [row(1, "A", value=60, weight=0), row(1, "B", value=30, weight=1)]
    result = score(rows, weights={"goals": 100, "satisfaction": 0, "qualitative": 0})[1]
    assert result.goals_score == pytest.approx(36)
    assert result.total == pytest.approx(36)

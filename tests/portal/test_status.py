"""The 红黄绿灯 rules (portal.status), without a database."""

import datetime
import math

import pandas as pd
import pytest

from portal.status import (
    SERIES_COLUMNS,
    elapsed_share,
    indicator_status,
    judge_frame,
    roll_up,
    status_series,
)

THRESHOLDS = {"green": 0.9, "yellow": 0.7}
MONTHS = [datetime.date(2026, m, 1) for m in range(1, 13)]


def judge(value, *, baseline=0, target=100, direction="higher", elapsed=0.5):
    return indicator_status(
        value=value,
        baseline=baseline,
        target=target,
        direction=direction,
        elapsed_share=elapsed,
        **THRESHOLDS,
    )


# --- elapsed share -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "share"),
    [
        (datetime.date(2025, 12, 1), 0.0),
        (datetime.date(2026, 1, 1), 1 / 12),
        (datetime.date(2026, 3, 1), 0.25),
        (datetime.date(2026, 12, 1), 1.0),
        (datetime.date(2027, 4, 1), 1.0),
    ],
)
def test_elapsed_share_counts_months_of_the_cycle(month, share):
    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
    assert elapsed_share(month, start=start, end=end) == pytest.approx(share)


def test_elapsed_share_of_a_cycle_not_starting_in_january():
    start, end = datetime.date(2025, 7, 1), datetime.date(2026, 6, 30)
    assert elapsed_share(datetime.date(2025, 9, 1), start=start, end=end) == pytest.approx(0.25)
    assert elapsed_share(datetime.date(2026, 1, 1), start=start, end=end) == pytest.approx(7 / 12)


# --- one indicator, one month ------------------------------------------------------------------


def test_on_track_lagging_and_seriously_lagging_half_way_through():
    assert judge(50) == ("green", 0.5, 0.5)
    assert judge(45)[0] == "green"  # 0.45 / 0.5 = 0.9, exactly the green threshold
    assert judge(40)[0] == "yellow"  # 0.8 of the planned pace
    assert judge(35)[0] == "yellow"  # 0.7, exactly the yellow threshold
    assert judge(30)[0] == "red"


def test_no_figure_yet_is_no_data_with_the_expected_progress():
    status, progress, expected = judge(None, elapsed=0.25)
    assert (status, progress, expected) == ("none", None, 0.25)
    assert judge(math.nan)[0] == "none"


def test_cycle_not_started():
    assert judge(10, elapsed=0) == ("not_started", None, 0.0)


def test_lower_is_better_measures_progress_downwards():
    status, progress, expected = judge(8, baseline=10, target=5, direction="lower")
    assert progress == pytest.approx(0.4)  # (10 - 8) / (10 - 5)
    assert status == "yellow"
    assert judge(7.5, baseline=10, target=5, direction="lower")[0] == "green"
    # Worse than the baseline: negative progress, red.
    status, progress, _ = judge(11, baseline=10, target=5, direction="lower")
    assert status == "red" and progress == pytest.approx(-0.2)


def test_target_already_met_is_green_even_early_and_progress_shows_raw():
    status, progress, _ = judge(130, elapsed=1 / 12)
    assert status == "green"
    assert progress == pytest.approx(1.3)  # shown unclipped
    assert judge(4, baseline=10, target=5, direction="lower", elapsed=0.1)[0] == "green"


def test_baseline_equal_to_target_never_divides_by_zero():
    # Keep the level at 95: met → green, near → yellow, far → red, whatever the month.
    assert judge(96, baseline=95, target=95, elapsed=0.1) == ("green", pytest.approx(96 / 95), 1.0)
    assert judge(90, baseline=95, target=95, elapsed=0.1)[0] == "yellow"
    assert judge(50, baseline=95, target=95, elapsed=0.1)[0] == "red"
    assert judge(0, baseline=0, target=0)[0] == "green"
    assert judge(-1, baseline=0, target=0)[0] == "red"
    # Lower is better, stay at or under 5.
    assert judge(5, baseline=5, target=5, direction="lower")[0] == "green"
    assert judge(6, baseline=5, target=5, direction="lower")[0] == "yellow"
    assert judge(20, baseline=5, target=5, direction="lower")[0] == "red"


def test_missing_baseline_counts_up_from_zero_when_higher_is_better():
    assert judge(50, baseline=None) == ("green", 0.5, 0.5)


def test_missing_baseline_makes_lower_is_better_a_ceiling():
    # PM2.5 ≤ 35 without a baseline: judged against the limit alone, all year.
    assert judge(30, baseline=None, target=35, direction="lower", elapsed=1 / 12)[0] == "green"
    status, progress, expected = judge(
        40, baseline=None, target=35, direction="lower", elapsed=1 / 12
    )
    assert status == "yellow" and progress == pytest.approx(35 / 40) and expected == 1.0
    assert judge(70, baseline=None, target=35, direction="lower")[0] == "red"


def test_milestone_is_percent_complete_against_time():
    assert judge(50, direction="milestone", baseline=None, elapsed=0.5)[0] == "green"
    assert judge(30, direction="milestone", baseline=None, elapsed=0.5)[0] == "red"
    assert judge(100, direction="milestone", elapsed=0.2)[0] == "green"


def test_milestone_not_complete_when_the_cycle_is_over_is_red():
    assert judge(95, direction="milestone", elapsed=1)[0] == "red"
    assert judge(100, direction="milestone", elapsed=1)[0] == "green"


def test_closed_cycle_is_a_final_judgement():
    # 95 % of the way in November is on track; the same at the close is not achieved.
    assert judge(95, elapsed=11 / 12)[0] == "green"
    assert judge(95, elapsed=1)[0] == "yellow"
    assert judge(60, elapsed=1)[0] == "red"
    assert judge(100, elapsed=1)[0] == "green"


def test_thresholds_come_from_the_cycle():
    # 0.9 of the planned pace: green by default, yellow under a stricter scheme.
    strict = {"green": 1.0, "yellow": 0.8}
    result = indicator_status(
        value=45, baseline=0, target=100, direction="higher", elapsed_share=0.5, **strict
    )
    assert result[0] == "yellow"


# --- a series of months ------------------------------------------------------------------------


def series(values, *, as_of, baseline=0, target=120, direction="higher"):
    return status_series(
        pd.Series(values, dtype=float),
        months=MONTHS,
        baseline=baseline,
        target=target,
        direction=direction,
        as_of=as_of,
        **THRESHOLDS,
    )


def test_series_has_one_row_per_month_up_to_as_of_with_the_planned_path():
    frame = series({datetime.date(2026, 1, 1): 10, datetime.date(2026, 2, 1): 20}, as_of=MONTHS[3])
    assert list(frame.columns) == [
        "period",
        "value",
        "planned",
        "progress",
        "expected",
        "status",
        "carried",
    ]
    assert list(frame["period"]) == MONTHS[:4]
    assert list(frame["planned"]) == pytest.approx([10, 20, 30, 40])
    assert list(frame["expected"]) == pytest.approx([1 / 12, 2 / 12, 3 / 12, 4 / 12])


def test_missing_months_carry_the_last_value_for_the_status_but_not_the_value():
    frame = series(
        {datetime.date(2026, 1, 1): 10, datetime.date(2026, 2, 1): 20},
        as_of=datetime.date(2026, 4, 1),
    )
    assert list(frame["carried"]) == [False, False, True, True]
    assert frame["value"].isna().tolist() == [False, False, True, True]
    assert list(frame["progress"]) == pytest.approx([10 / 120, 20 / 120, 20 / 120, 20 / 120])
    # 20 of a planned 40 by April: the stale figure turns red.
    assert list(frame["status"]) == ["green", "green", "red", "red"]


def test_months_before_the_first_figure_have_no_data():
    frame = series({datetime.date(2026, 3, 1): 30}, as_of=datetime.date(2026, 3, 1))
    assert list(frame["status"]) == ["none", "none", "green"]
    assert list(frame["carried"]) == [False, False, False]


def test_series_without_as_of_is_empty_with_the_columns():
    frame = series({}, as_of=None)
    assert frame.empty
    assert "status" in frame.columns and "carried" in frame.columns


def test_series_ignores_figures_outside_the_cycle_and_accepts_timestamps():
    frame = series(
        {pd.Timestamp("2025-12-01"): 500, pd.Timestamp("2026-01-01"): 10},
        as_of=datetime.date(2026, 1, 1),
    )
    assert len(frame) == 1
    assert frame["value"].tolist() == [10]


def judged_by_frame(values: dict, *, as_of, baseline, target, direction):
    """The series as the bulk path (judge_frame, used by recompute) judges it."""
    shown = [m for m in MONTHS if m <= as_of]
    frame = pd.DataFrame(
        {
            "indicator": 0,
            "period": shown,
            "position": range(len(shown)),
            "value": pd.Series([values.get(m, math.nan) for m in shown], dtype=float),
            "elapsed": [(n + 1) / len(MONTHS) for n in range(len(shown))],
            "baseline": [None if baseline is None else float(baseline)] * len(shown),
            "target": float(target),
            "direction": direction,
        }
    )
    judged = judge_frame(frame, **THRESHOLDS)
    return judged[SERIES_COLUMNS].reset_index(drop=True)


JAN, FEB, MAR, APR, JUN = (datetime.date(2026, m, 1) for m in (1, 2, 3, 4, 6))


@pytest.mark.parametrize(
    "values, as_of, baseline, target, direction",
    [
        ({}, MONTHS[5], 0, 120, "higher"),  # no figure at all
        ({MAR: 30}, MAR, 0, 120, "higher"),  # months before the first figure
        ({JAN: 10, FEB: 20}, JUN, 0, 120, "higher"),  # carried forward
        ({JAN: 10, APR: 5, JUN: 60}, MONTHS[11], 0, 120, "higher"),  # gaps, final month
        ({JAN: 130, FEB: 0}, APR, 0, 120, "higher"),  # met, then fallen back
        ({JAN: 90, MAR: 70}, MONTHS[11], 100, 50, "lower"),  # lower is better
        ({FEB: 40, MAR: 30}, JUN, None, 35, "lower"),  # ceiling without a baseline
        ({JAN: 20}, APR, None, 100, "higher"),  # no baseline: counts from zero
        ({JAN: 100, FEB: 90}, MAR, 100, 100, "higher"),  # baseline equals target
        ({JAN: 0.5, MAR: 0.8}, MONTHS[11], 0, 1, "milestone"),  # milestone unfinished
        ({JAN: -5, FEB: 0.0}, FEB, 0, 120, "higher"),  # negative progress, a zero figure
    ],
)
def test_series_agrees_with_the_bulk_frame_rules(values, as_of, baseline, target, direction):
    single = series(values, as_of=as_of, baseline=baseline, target=target, direction=direction)
    bulk = judged_by_frame(
        values, as_of=as_of, baseline=baseline, target=target, direction=direction
    )
    pd.testing.assert_frame_equal(single, bulk)


# --- roll-up -----------------------------------------------------------------------------------


def test_roll_up_thresholds():
    assert roll_up(["green"] * 4 + ["yellow"]) == "green"  # 0.9
    assert roll_up(["green"] * 3 + ["yellow"] * 2) == "green"  # 0.8 exactly
    assert roll_up(["green", "yellow", "red", "red"]) == "red"  # 0.375
    assert roll_up(["green", "red"]) == "yellow"  # 0.5 exactly
    assert roll_up(["yellow", "yellow"]) == "yellow"


def test_roll_up_weights_a_heavy_red_indicator():
    assert roll_up(["green", "red"], [1, 1]) == "yellow"
    assert roll_up(["green", "red"], [1, 3]) == "red"
    assert roll_up(["green", "red"], [9, 1]) == "green"


def test_roll_up_ignores_indicators_without_data():
    assert roll_up(["green", "none", "not_started"]) == "green"
    assert roll_up(["none", "none"]) == "none"
    assert roll_up(["not_started", "not_started"]) == "not_started"
    assert roll_up(["none", "not_started"]) == "none"
    assert roll_up([]) == "none"


def test_roll_up_with_all_weights_zero_counts_lights_equally():
    assert roll_up(["green", "red"], [0, 0]) == "yellow"

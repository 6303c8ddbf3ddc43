"""Monthly summaries match figures computed by hand, including 0 and 1 responses."""

from decimal import Decimal

import pytest

from surveys.stats import Interval, summarise, wilson_interval


def test_no_responses_has_no_figures():
    summary = summarise({})
    assert summary.responses == 0
    assert summary.mean is None and summary.satisfied_share is None and summary.score is None
    assert summary.satisfied_interval is None and summary.score_interval is None
    assert summary.distribution == {5: 0, 4: 0, 3: 0, 2: 0, 1: 0}


def test_one_response_has_a_wide_interval_not_a_point():
    summary = summarise({5: 1})
    assert summary.mean == Decimal("5.00")
    assert summary.satisfied_share == Decimal("100.00")
    # Wilson, n = 1, p = 1: (1 + z²/2) / (1 + z²) ± … = 0.2065 … 1
    assert summary.satisfied_interval == Interval(Decimal("20.65"), Decimal("100.00"))
    assert summary.score == Decimal("100.00")


def test_eight_responses_by_hand():
    # 3 × 非常满意, 2 × 满意, 1 × 基本满意, 1 × 不满意, 1 × 非常不满意
    summary = summarise({5: 3, 4: 2, 3: 1, 2: 1, 1: 1})
    assert summary.responses == 8
    assert summary.mean == Decimal("3.63")  # 29 / 8 = 3.625, rounded half up
    assert summary.satisfied_share == Decimal("62.50")  # 5 / 8
    # Wilson, n = 8, p = 0.625, z = 1.96: centre 0.5845, half-width 0.2787
    assert summary.satisfied_interval == Interval(Decimal("30.57"), Decimal("86.32"))
    assert summary.score == Decimal("72.50")  # (300 + 160 + 60 + 40 + 20) / 8


def test_score_points_are_a_setting():
    summary = summarise({5: 1, 1: 1}, score_points={5: 100, 4: 75, 3: 50, 2: 25, 1: 0})
    assert summary.score == Decimal("50.00")


@pytest.mark.parametrize("share, n", [(0.0, 10), (1.0, 10), (0.5, 1), (0.3, 1000)])
def test_wilson_interval_stays_within_zero_and_one_and_holds_the_share(share, n):
    low, high = wilson_interval(share, n)
    assert 0 <= low <= share <= high <= 1
    assert low < high


def test_wilson_interval_without_trials_is_none():
    assert wilson_interval(0.5, 0) is None

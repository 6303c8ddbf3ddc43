"""A month of five-level ratings summarised: responses, mean, satisfied share, distribution and
a 100-point score, each share and score with its 95 % Wilson interval. Pure functions over the
counts per level, which the database aggregates (one GROUP BY however many responses)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

LEVELS = (5, 4, 3, 2, 1)  # 非常满意, 满意, 基本满意, 不满意, 非常不满意 (5 is best)
SATISFIED_LEVELS = (5, 4)  # 满意 or 非常满意: the satisfied share's numerator
POOR_LEVELS = (2, 1)  # 不满意, 非常不满意: a poor rating (差评) opens a rectification case
DEFAULT_SCORE_POINTS = {5: 100, 4: 80, 3: 60, 2: 40, 1: 20}
Z_95 = 1.959963984540054


@dataclass(frozen=True)
class Interval:
    """A 95 % confidence interval, in the unit of the figure it belongs to."""

    low: Decimal
    high: Decimal


@dataclass(frozen=True)
class MonthSummary:
    """One survey's ratings in one month."""

    responses: int
    distribution: dict[int, int] = field(default_factory=dict)
    mean: Decimal | None = None  # 1.00 … 5.00
    satisfied_share: Decimal | None = None  # per cent
    satisfied_interval: Interval | None = None
    score: Decimal | None = None  # 0 … 100 under the score points
    score_interval: Interval | None = None


def wilson_interval(share: float, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion ``share`` (0…1) observed in ``n`` trials.

    Unlike the textbook p ± z·√(p(1−p)/n), it stays inside 0…1 and is not a single point at
    p = 0 or 1 or with one response, which is exactly where small services sit.
    """
    if n <= 0:
        return None
    denominator = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / denominator
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / denominator
    # Clamped so rounding error cannot leave the observed share outside its own interval.
    return max(0.0, min(share, centre - half)), min(1.0, max(share, centre + half))


def _round(value: float, places: str = "0.01") -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def summarise(counts: dict[int, int], score_points: dict[int, float] | None = None) -> MonthSummary:
    """Summarise the number of answers at each level (``{5: 12, 4: 30, ...}``).

    The score maps each level to points (a setting; 100/80/60/40/20 by default) and averages
    them. Its interval is the Wilson interval of score/100: for values between 0 and 1 the
    variance is at most μ(1−μ), so the interval is conservative, stays within 0…100 and exists
    for a single response.
    """
    points = score_points or DEFAULT_SCORE_POINTS
    distribution = {level: int(counts.get(level, 0)) for level in LEVELS}
    n = sum(distribution.values())
    if n == 0:
        return MonthSummary(responses=0, distribution=distribution)
    mean = sum(level * count for level, count in distribution.items()) / n
    satisfied = sum(distribution[level] for level in SATISFIED_LEVELS) / n
    score = sum(float(points[level]) * count for level, count in distribution.items()) / n
    share_low, share_high = wilson_interval(satisfied, n)
    score_low, score_high = wilson_interval(score / 100, n)
    return MonthSummary(
        responses=n,
        distribution=distribution,
        mean=_round(mean),
        satisfied_share=_round(satisfied * 100),
        satisfied_interval=Interval(_round(share_low * 100), _round(share_high * 100)),
        score=_round(score),
        score_interval=Interval(_round(score_low * 100), _round(score_high * 100)),
    )

"""How well each department answers poor ratings (差评整改): its 整改率 and on-time rate.

- 整改率 (rectified share): cases the department answered "rectified", among its cases whose
  answer deadline has passed or that it has answered.
- On-time rate: cases answered by their due date, among answered cases that had a due date.

Counted over every case of the department, published one by one or not (a department cannot
improve its rates by leaving cases unpublished), except cases opened by a rating that was later
invalidated (e.g. staff testing the form). The counts come from one GROUP BY, however many
cases there are; the shares are pure arithmetic on them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q

from surveys.models import RectificationCase


def share(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in per cent to one decimal; None when there is nothing to count
    (shown as "—", never as 0 %)."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class CaseRates:
    """One department's case counts and the two rates made of them."""

    department_id: int
    cases: int = 0  # every counted case, due yet or not
    counted: int = 0  # deadline passed or answered: the 整改率's denominator
    rectified: int = 0  # answered "rectified"
    answered_with_due_date: int = 0  # the on-time rate's denominator
    on_time: int = 0  # answered on or before the due date
    overdue: int = 0  # deadline passed, not answered

    @property
    def rectified_share(self) -> Decimal | None:
        return share(self.rectified, self.counted)

    @property
    def on_time_share(self) -> Decimal | None:
        return share(self.on_time, self.answered_with_due_date)


def counted_cases():
    """Every case but those opened by an invalidated rating."""
    return RectificationCase.objects.filter(
        Q(response__isnull=True) | Q(response__invalidated_at__isnull=True)
    )


def case_rates(cases, today: datetime.date) -> dict[int, CaseRates]:
    """Each department's ``CaseRates`` over ``cases`` (a RectificationCase queryset, e.g.
    ``counted_cases().filter(department=...)``), by department id, in one query."""
    answered = Q(replied_on__isnull=False)
    past_due = Q(due_on__lt=today)
    timed = answered & Q(due_on__isnull=False)
    rows = (
        cases.order_by()
        .values("department_id")
        .annotate(
            cases=Count("pk"),
            counted=Count("pk", filter=answered | past_due),
            rectified=Count(
                "pk", filter=answered & Q(reply_kind=RectificationCase.Reply.RECTIFIED)
            ),
            answered_with_due_date=Count("pk", filter=timed),
            on_time=Count("pk", filter=timed & Q(replied_on__lte=F("due_on"))),
            overdue=Count("pk", filter=past_due & Q(replied_on__isnull=True)),
        )
    )
    return {row["department_id"]: CaseRates(**row) for row in rows}

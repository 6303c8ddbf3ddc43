"""Query parameters of the public pages: the ?year= cycle and the ?month= month (read by
``portal.months.parse_month_param``).

A malformed or unknown value is ignored with a notice rather than an error page, because a bad
query string must never break the page (DESIGN.md: bad input gets a clear message).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from portal.models import Cycle
from portal.months import parse_month_param
from portal.withdrawals import cycle_notices


@dataclass
class CycleChoice:
    """The cycle a page shows, the published cycles to choose from, and notices about params."""

    cycle: Cycle | None
    cycles: list[Cycle]
    notices: list[str] = field(default_factory=list)

    @property
    def latest_month(self) -> datetime.date | None:
        return getattr(self.cycle, "latest_month", None) if self.cycle else None


# The largest primary key (BigAutoField) and the largest integer SQLite binds: a bigger number
# in a query string is no row's id, and on SQLite it would fail the query (OverflowError).
MAX_ID = 2**63 - 1


def parse_id(raw) -> int | None:
    """A row id from a query string (ASCII digits, 1 to MAX_ID), else None."""
    text = str(raw if raw is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def _parse_year(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    raw = raw.strip()
    if not raw.isdigit() or len(raw) != 4:
        return -1
    return int(raw)


def choose_cycle(request) -> CycleChoice:
    """The ?year= cycle if published, else the latest published cycle with evaluations."""
    cycles = Cycle.objects.published_with_latest_month()
    notices = []
    raw_year = request.GET.get("year")
    year = _parse_year(raw_year)
    if year is not None:
        chosen = next((c for c in cycles if c.year == year), None)
        if chosen is not None:
            return CycleChoice(chosen, cycles, [*notices, *cycle_notices(chosen)])
        notices.append(
            _("There is no published evaluation year “%(year)s”; showing the latest one.")
            % {"year": raw_year[:20]}
        )
    with_data = [c for c in cycles if c.latest_month is not None]
    default = with_data[0] if with_data else (cycles[0] if cycles else None)
    return CycleChoice(default, cycles, [*notices, *cycle_notices(default)])


def choose_month(request, choice: CycleChoice, available: list[datetime.date]):
    """The ?month= month if it has evaluations in the cycle, else the latest one."""
    latest = available[-1] if available else None
    raw = request.GET.get("month")
    if not raw:
        return latest
    month = parse_month_param(raw)
    if month is not None and month in available:
        return month
    choice.notices.append(
        _("No results for the month “%(month)s”; showing the latest month.") % {"month": raw[:20]}
    )
    return latest

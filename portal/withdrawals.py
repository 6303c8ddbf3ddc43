"""Nothing published disappears without a public trace (issue 13, "no trace left").

Once a cycle has been published, its indicators and monthly figures are on record: a department
editor cannot delete them (a wrong figure is corrected with a reason, a wrong term adjusted
through a target adjustment); a city administrator may withdraw one, with a reason. The
withdrawal is written to Wagtail's audit log (``ModelLogEntry``) with what was withdrawn — the
indicator's terms and every figure — and the public pages read it back: the goal page lists
its withdrawn indicators, the indicator's address keeps answering (410) with the record, and an
indicator created again under the same code says that an earlier one was withdrawn, and with
which figures. A withdrawn figure is listed on its indicator's page.

A cycle that is taken off the site stays "published once": unpublishing is logged with its
reason, the locks above and the target lock of ``portal.admin_forms`` keep holding while it is
hidden, and when it is published again the public pages say when it was withdrawn and why.

The audit log is the store because it is already the record of every change and keeps rows
whose object was deleted; the actions are registered in ``portal.wagtail_hooks``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from portal.cache import held
from portal.models import Cycle, Goal, Indicator, Measurement
from portal.months import iso_month

INDICATOR_WITHDRAWN = "portal.indicator.withdraw"
MEASUREMENT_WITHDRAWN = "portal.measurement.withdraw"
CYCLE_UNPUBLISHED = "portal.cycle.unpublish"
CYCLE_REPUBLISHED = "portal.cycle.republish"


def _entries(model, action: str):
    return ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        action=action,
    )


def cycle_was_published(cycle: Cycle | None) -> bool:
    """Published now, or published once and since taken off the site."""
    if cycle is None:
        return False
    if cycle.published:
        return True
    return _taken_off_once(cycle)


def _taken_off_once(cycle: Cycle) -> bool:
    if cycle.pk is None:
        return False
    return _entries(Cycle, CYCLE_UNPUBLISHED).filter(object_id=str(cycle.pk)).exists()


def record_cycle_publication_change(cycle: Cycle, was_published: bool, user, reason: str) -> None:
    """Log a cycle taken off the site (with the reason) or put back on it."""
    if was_published and not cycle.published:
        log(instance=cycle, action=CYCLE_UNPUBLISHED, user=user, data={"reason": reason})
    elif not was_published and cycle.published and _taken_off_once(cycle):
        log(instance=cycle, action=CYCLE_REPUBLISHED, user=user, data={"reason": reason})


@dataclass(frozen=True)
class CycleWithdrawal:
    """A time a published cycle was off the site."""

    withdrawn_on: datetime.date
    republished_on: datetime.date | None
    reason: str


def cycle_withdrawals(cycle: Cycle) -> list[CycleWithdrawal]:
    """Each time the cycle was taken off the site, oldest first, with when it came back.

    Every public page of a cycle asks: the records of all cycles are held in the worker's
    memory until the data version moves (taking a cycle off or back saves it, which moves it)."""
    return held("cycle-withdrawals", _all_cycle_withdrawals).get(cycle.pk, [])


def _all_cycle_withdrawals() -> dict[int, list[CycleWithdrawal]]:
    entries = (
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Cycle),
            action__in=[CYCLE_UNPUBLISHED, CYCLE_REPUBLISHED],
        )
        .order_by("timestamp", "pk")
        .only("action", "timestamp", "data", "object_id")
    )
    by_cycle: dict[int, list[CycleWithdrawal]] = {}
    for entry in entries:
        if entry.object_id.isdigit():
            _add_cycle_entry(by_cycle.setdefault(int(entry.object_id), []), entry)
    return by_cycle


def _add_cycle_entry(periods: list[CycleWithdrawal], entry: ModelLogEntry) -> None:
    """A cycle taken off opens a period; put back, it closes the open one."""
    day = timezone.localdate(entry.timestamp)
    if entry.action == CYCLE_UNPUBLISHED:
        periods.append(CycleWithdrawal(day, None, (entry.data or {}).get("reason", "")))
    elif periods and periods[-1].republished_on is None:
        last = periods[-1]
        periods[-1] = CycleWithdrawal(last.withdrawn_on, day, last.reason)


def cycle_notices(cycle: Cycle | None) -> list[str]:
    """What a page of ``cycle`` says about the times it was off the site."""
    if cycle is None:
        return []
    notices = []
    for period in cycle_withdrawals(cycle):
        values = {
            "year": cycle.year,
            "withdrawn": date_format(period.withdrawn_on, "DATE_FORMAT"),
            "reason": period.reason or "—",
        }
        if period.republished_on is None:
            continue  # still off the site: no public page shows it
        values["republished"] = date_format(period.republished_on, "DATE_FORMAT")
        notices.append(
            _(
                "The evaluation year %(year)s was taken off the site on %(withdrawn)s and "
                "published again on %(republished)s. Reason given: %(reason)s. Its targets "
                "changed meanwhile only through the target adjustments shown on each "
                "indicator's page."
            )
            % values
        )
    return notices


def _cycle_of(obj) -> Cycle | None:
    if isinstance(obj, Indicator):
        return obj.goal.cycle
    if isinstance(obj, Measurement):
        return obj.indicator.goal.cycle
    return None


def needs_withdrawal(obj) -> bool:
    """Is ``obj`` an indicator or figure of a cycle published once (deleting it is a
    withdrawal: city administrators only, with a public reason)?"""
    return cycle_was_published(_cycle_of(obj))


def _figures(indicator: Indicator) -> list[dict]:
    return [
        {"month": iso_month(period), "value": f"{value.normalize():f}"}
        for period, value in indicator.measurements.order_by("period").values_list(
            "period", "value"
        )
    ]


def _number(value) -> str:
    return "" if value is None else f"{value.normalize():f}"


@transaction.atomic
def withdraw(obj: Indicator | Measurement, user, reason: str) -> ModelLogEntry:
    """Record the withdrawal of a published indicator or figure, with what it said; the caller
    then deletes it (Wagtail's delete action, which logs the deletion as well)."""
    if isinstance(obj, Indicator):
        goal = obj.goal
        data = {
            "reason": reason,
            "code": obj.code,
            "name": obj.name,
            "unit": obj.unit,
            "baseline": _number(obj.baseline),
            "target": _number(obj.target),
            "goal_id": goal.pk,
            "cycle_year": goal.cycle.year,
            "figures": _figures(obj),
        }
        return log(instance=obj, action=INDICATOR_WITHDRAWN, user=user, data=data)
    data = {
        "reason": reason,
        "indicator_id": obj.indicator_id,
        "code": obj.indicator.code,
        "month": iso_month(obj.period),
        "value": _number(obj.value),
    }
    return log(instance=obj, action=MEASUREMENT_WITHDRAWN, user=user, data=data)


@dataclass(frozen=True)
class WithdrawnIndicator:
    """What the public sees of a withdrawn indicator."""

    withdrawn_on: datetime.date
    code: str
    name: str
    unit: str
    baseline: str
    target: str
    cycle_year: int | None
    reason: str
    figures: list[dict]


def _withdrawn_indicator(entry: ModelLogEntry) -> WithdrawnIndicator:
    data = entry.data or {}
    return WithdrawnIndicator(
        withdrawn_on=timezone.localdate(entry.timestamp),
        code=data.get("code", ""),
        name=data.get("name", entry.label),
        unit=data.get("unit", ""),
        baseline=data.get("baseline", ""),
        target=data.get("target", ""),
        cycle_year=data.get("cycle_year"),
        reason=data.get("reason", ""),
        figures=list(data.get("figures") or []),
    )


def withdrawn_indicators(goal: Goal | None = None, code: str | None = None):
    """Withdrawn indicators of a goal, or under a code, newest first."""
    entries = _entries(Indicator, INDICATOR_WITHDRAWN).order_by("-timestamp", "-pk")
    if goal is not None:
        entries = entries.filter(data__goal_id=goal.pk)
    if code is not None:
        entries = entries.filter(data__code=code)
    return [_withdrawn_indicator(entry) for entry in entries]


@dataclass(frozen=True)
class WithdrawnFigure:
    """A monthly figure withdrawn from a published indicator."""

    withdrawn_on: datetime.date
    month: str
    value: str
    reason: str


def _withdrawn_figure(entry: ModelLogEntry) -> WithdrawnFigure:
    data = entry.data or {}
    return WithdrawnFigure(
        withdrawn_on=timezone.localdate(entry.timestamp),
        month=data.get("month", ""),
        value=data.get("value", ""),
        reason=data.get("reason", ""),
    )


def _withdrawal_entries():
    indicator_type, figure_type = (
        ContentType.objects.get_for_model(model) for model in (Indicator, Measurement)
    )
    return ModelLogEntry.objects.filter(
        Q(content_type=indicator_type, action=INDICATOR_WITHDRAWN)
        | Q(content_type=figure_type, action=MEASUREMENT_WITHDRAWN)
    )


def _withdrawn_codes() -> frozenset[str]:
    """The codes with a withdrawn indicator or figure: held in the worker's memory until the
    data version moves (a withdrawal deletes rows, which moves it)."""
    return frozenset(
        code
        for code in _withdrawal_entries().values_list("data__code", flat=True)
        if isinstance(code, str)
    )


def indicator_record(code: str) -> tuple[list[WithdrawnIndicator], list[WithdrawnFigure]]:
    """For an indicator's page, at most one query: earlier indicators withdrawn under its code and
    the figures withdrawn from it, newest first."""
    if code not in held("withdrawn-codes", _withdrawn_codes):
        return [], []  # the page of nearly every indicator: no query
    entries = _withdrawal_entries().filter(data__code=code).order_by("-timestamp", "-pk")
    earlier, figures = [], []
    for entry in entries:
        if entry.action == INDICATOR_WITHDRAWN:
            earlier.append(_withdrawn_indicator(entry))
        else:
            figures.append(_withdrawn_figure(entry))
    return earlier, figures

"""Working-day deadlines for rectification cases (差评整改), on China's official calendar.

A poor rating must be answered within a number of *working* days (国办发〔2019〕51号 asks for
rectification within a set time). Public holidays and the adjusted working days (调休: a
Saturday or Sunday that is a working day) come from ``chinesecalendar``, which carries the State
Council's published arrangements. For a year it does not cover yet, weekdays count as working
days, and the result says so.
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

import chinese_calendar


class Deadline(NamedTuple):
    """The due date, and whether every day counted was on the official calendar."""

    due: datetime.date
    official: bool


def is_working_day(day: datetime.date) -> tuple[bool, bool]:
    """(is ``day`` a working day, was the official calendar known for it)."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:  # the arrangement for that year is not published (yet)
        return day.weekday() < 5, False


def add_working_days(start: datetime.date, days: int) -> Deadline:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    if days < 0:
        raise ValueError("days must be zero or more")
    day, counted, official = start, 0, True
    while counted < days:
        day += datetime.timedelta(days=1)
        working, known = is_working_day(day)
        official = official and known
        counted += working
    return Deadline(day, official)

"""Months: the period of every figure on the site (a month is its first day, ``date(y, m, 1)``).

Reading and writing months happens in many places, and each place keeps its own contract:

* ``parse_month`` is lenient, for display: a date, a datetime or text that starts ``YYYY-MM``.
* ``parse_month_param`` is strict, for the ``?month=`` query parameter: exactly ``YYYY-M(M)``.
* An import file's month cells are read by ``portal.importing.parse_period``, which knows many
  spreadsheet spellings and says what is wrong in the user's language.

All three give the first day of the month; ``iso_month`` and ``month_label`` write it back.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pandas as pd
from django.template.defaultfilters import date as date_filter


def first_of_month(value) -> datetime.date:
    """The month of a date, a datetime, a pandas Timestamp or anything pandas reads as a time."""
    if isinstance(value, datetime.datetime):  # pandas Timestamps are datetimes too
        return value.date().replace(day=1)
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    return pd.Timestamp(value).date().replace(day=1)


def parse_month(value) -> datetime.date | None:
    """The month of a date, a datetime or text that starts ``YYYY-MM`` (what templates are given,
    e.g. ``2026-10-01``); None for anything else."""
    if isinstance(value, datetime.date):
        return first_of_month(value)
    if isinstance(value, str):
        try:
            year, month = value[:7].split("-")
            return datetime.date(int(year), int(month), 1)
        except (ValueError, TypeError):
            return None
    return None


def parse_month_param(raw: str | None) -> datetime.date | None:
    """The ``?month=`` query parameter: "2026-10" → date(2026, 10, 1); anything else → None."""
    if not raw:
        return None
    try:
        year, month = raw.strip().split("-")
        if len(year) != 4:
            return None
        return datetime.date(int(year), int(month), 1)
    except (ValueError, TypeError):
        return None


def iso_month(value) -> str:
    """A month as ``YYYY-MM`` ("2026-10"), the form of ``?month=``, downloads and the API.

    ``value`` is a date, a datetime, a pandas Timestamp or anything else pandas reads as a time;
    "" for None. (The same text as ``strftime("%Y-%m")`` for every four-digit year, faster.)
    """
    if value is None:
        return ""
    if not isinstance(value, datetime.date):
        value = pd.Timestamp(value)
    return f"{value.year:04d}-{value.month:02d}"


_LABELS: dict[tuple[datetime.date, str], str] = {}


def month_label(value, language: str) -> str:
    """A month as the site shows it in the active language: 2026年10月 / October 2026; "—" when
    ``value`` names no month (``parse_month``).

    ``language`` is the active language, which the caller looks up once for many months; the
    labels are memoised per language (a department page prints hundreds).
    """
    parsed = parse_month(value)
    if parsed is None:
        return "—"
    key = (parsed, language)
    text = _LABELS.get(key)
    if text is None:
        text = _LABELS[key] = date_filter(parsed, "YEAR_MONTH_FORMAT")
    return text


def chinese_month_label(value: datetime.date) -> str:
    """A month in Chinese whatever the visitor's language, "2026年3月": the words of report
    titles and search texts, which are Chinese content."""
    return f"{value.year}年{value.month}月"


def previous_month(today: datetime.date) -> datetime.date:
    """First day of the month before ``today``'s: the month whose data should be in by now."""
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    """First day of the month after ``month``'s."""
    return datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_range(first: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
    """The first day of every month from ``first``'s month up to and including ``last``'s."""
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = next_month(month)

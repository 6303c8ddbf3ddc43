"""Reading and writing months (portal.months), without a database."""

import datetime

import numpy as np
import pandas as pd
import pytest
from django.utils import translation

from portal.months import (
    chinese_month_label,
    first_of_month,
    iso_month,
    month_label,
    month_range,
    next_month,
    parse_month,
    parse_month_param,
    previous_month,
)

OCTOBER = datetime.date(2026, 10, 1)


@pytest.mark.parametrize(
    "value",
    [
        datetime.date(2026, 10, 17),
        datetime.datetime(2026, 10, 17, 23, 59),
        pd.Timestamp("2026-10-17"),
        np.datetime64("2026-10-17"),
        "2026-10-17",
    ],
)
def test_first_of_month_of_any_date_like_value(value):
    assert first_of_month(value) == OCTOBER
    assert type(first_of_month(value)) is datetime.date


@pytest.mark.parametrize(
    "value",
    ["2026-10", "2026-10-01", "2026-10-31T08:00", OCTOBER, datetime.datetime(2026, 10, 5, 8)],
)
def test_parse_month_reads_what_templates_are_given(value):
    assert parse_month(value) == OCTOBER


@pytest.mark.parametrize("value", [None, "", "abc", "2026/10", "2026-13", 202610, 2026.10])
def test_parse_month_gives_none_for_anything_else(value):
    assert parse_month(value) is None


@pytest.mark.parametrize("raw", ["2026-10", " 2026-10 ", "2026-1"])
def test_month_parameter_is_year_dash_month(raw):
    expected = datetime.date(2026, int(raw.strip()[5:]), 1)
    assert parse_month_param(raw) == expected


@pytest.mark.parametrize(
    "raw", [None, "", "26-10", "2026-10-01", "2026/10", "2026-13", "2026-0", "二〇二六-10", "x-y"]
)
def test_month_parameter_refuses_anything_else(raw):
    # Stricter than parse_month: a query string is typed or linked, never a spreadsheet cell.
    assert parse_month_param(raw) is None


@pytest.mark.parametrize(
    "value",
    [
        OCTOBER,
        datetime.date(2026, 10, 31),
        datetime.datetime(2026, 10, 5, 12),
        pd.Timestamp("2026-10-05"),
        np.datetime64("2026-10-05"),
        "2026-10-05",
    ],
)
def test_iso_month(value):
    assert iso_month(value) == "2026-10"


def test_iso_month_is_strftime_for_four_digit_years_and_empty_for_none():
    for month in (datetime.date(1999, 1, 1), datetime.date(2026, 12, 1), datetime.date(9999, 9, 1)):
        assert iso_month(month) == month.strftime("%Y-%m")
    assert iso_month(None) == ""


def test_month_label_in_the_active_language():
    with translation.override("zh-hans"):
        assert month_label(OCTOBER, "zh-hans") == "2026年10月"
        assert month_label("2026-10-01", "zh-hans") == "2026年10月"
    with translation.override("en"):
        assert month_label(OCTOBER, "en") == "October 2026"
    assert month_label(None, "en") == "—"
    assert month_label("not a month", "zh-hans") == "—"


def test_chinese_month_label_whatever_the_language():
    with translation.override("en"):
        assert chinese_month_label(datetime.date(2026, 3, 1)) == "2026年3月"
        assert chinese_month_label(OCTOBER) == "2026年10月"


def test_previous_and_next_month_cross_the_year():
    assert previous_month(datetime.date(2026, 1, 1)) == datetime.date(2025, 12, 1)
    assert previous_month(datetime.date(2026, 3, 31)) == datetime.date(2026, 2, 1)
    assert next_month(datetime.date(2025, 12, 1)) == datetime.date(2026, 1, 1)
    assert next_month(datetime.date(2026, 1, 31)) == datetime.date(2026, 2, 1)


def test_month_range_includes_both_ends():
    months = list(month_range(datetime.date(2025, 11, 1), datetime.date(2026, 2, 1)))
    assert months == [
        datetime.date(2025, 11, 1),
        datetime.date(2025, 12, 1),
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),
    ]
    # A cycle from 1 January to 31 December has twelve months.
    year = list(month_range(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)))
    assert len(year) == 12 and year[-1] == datetime.date(2026, 12, 1)
    assert list(month_range(datetime.date(2026, 3, 1), datetime.date(2026, 2, 1))) == []

"""When a value is missing (portal.values), without a database: one rule per kind of value."""

import datetime
import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from portal.values import (
    figure_places,
    finite_or_none,
    is_blank,
    is_missing,
    none_for_missing,
    number_or_none,
)

NOTHING = [None, math.nan, np.nan, np.float64("nan"), pd.NA, pd.NaT]


@pytest.mark.parametrize("value", NOTHING)
def test_missing_cells(value):
    assert is_missing(value)


@pytest.mark.parametrize(
    "value", [0, 0.0, "", "abc", Decimal("0"), math.inf, False, datetime.date(2026, 1, 1)]
)
def test_zero_text_and_infinity_are_not_missing(value):
    # A zero is a figure; text and infinity are other rules' business (a gap is never a zero).
    assert not is_missing(value)


@pytest.mark.parametrize(
    ("value", "number"),
    [(0, 0.0), ("1.5", 1.5), (Decimal("2.25"), 2.25), (np.float64(3), 3.0), (math.inf, math.inf)],
)
def test_number_or_none_reads_numbers(value, number):
    assert number_or_none(value) == number


@pytest.mark.parametrize(
    "value", [None, "", "abc", math.nan, Decimal("NaN"), Decimal("sNaN"), [], object()]
)
def test_number_or_none_gives_none_for_no_number(value):
    assert number_or_none(value) is None


def test_finite_or_none_also_drops_infinity():
    assert finite_or_none(math.inf) is None
    assert finite_or_none(-math.inf) is None
    assert finite_or_none("1e400") is None
    assert finite_or_none(None) is None
    assert finite_or_none(math.nan) is None
    assert finite_or_none(Decimal("12.5")) == 12.5


@pytest.mark.parametrize(("value", "blank"), [(None, True), ("", True), (0, False), (" ", False)])
def test_blank(value, blank):
    assert is_blank(value) is blank


def test_none_for_missing():
    frame = pd.DataFrame(
        {
            "value": [1.0, math.nan],
            "period": [pd.Timestamp("2026-01-01"), pd.NaT],
            "note": ["a", None],
        }
    )
    rows = none_for_missing(frame).values.tolist()
    assert rows == [[1.0, pd.Timestamp("2026-01-01"), "a"], [None, None, None]]


@pytest.mark.parametrize(
    ("values", "places"),
    [
        ([120, 10, 25, None], 0),  # counts
        ([90.43, 88.1, math.nan], 2),
        ([Decimal("35.500"), Decimal("12")], 1),  # trailing zeros are no decimals
        ([0.3567, 0.1], 4),
        ([1.23456789], 4),  # at most four, as the tables print figures
        ([], 0),
    ],
)
def test_figure_places_are_the_decimals_the_figures_use(values, places):
    assert figure_places(values) == places


def test_figure_places_has_a_floor():
    assert figure_places([4, 12], least=1) == 1

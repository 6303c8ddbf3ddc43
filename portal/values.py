"""When is a value missing? One rule per kind of value, each written once.

* ``is_missing``: a cell of a pandas frame or a figure from the database that holds nothing —
  None, NaN, ``pd.NA`` or ``pd.NaT``. Calculations skip it (a gap is never a zero).
* ``number_or_none``: a value shown as a number — anything ``float()`` reads, else None
  (None, "", text, NaN). Pages print "—" for None; charts leave a gap.
* ``finite_or_none``: ``number_or_none`` that also drops ±infinity (downloads and the API
  hold only real numbers).
* ``is_blank``: a form field, query parameter or JSON value left empty: None or "".
* ``none_for_missing``: a frame with every missing cell as None (for JSON, XLSX and rows).

Text that stands for "no data" in an import file ("-", "n/a", "无") is the import's rule and
lives with its parser (``portal.importing.parsing``).
"""

from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd


def is_missing(value) -> bool:
    """True for None, NaN and pandas' missing markers (cheap: called for every cell)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):  # numpy floats are floats too
        return value != value  # NaN is the only value unequal to itself
    return False


def number_or_none(value) -> float | None:
    """``value`` as a float, or None when it is no number (None, "", text) or NaN."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def finite_or_none(value) -> float | None:
    """``value`` as a float, or None when it is no number, NaN or infinite."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def is_blank(value) -> bool:
    """True for a value left empty: None or the empty string (0 and False are values)."""
    return value is None or value == ""


def none_for_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as objects with None wherever a cell is missing (NaN, NaT, None)."""
    return frame.astype(object).where(frame.notna(), None)


_QUANTA: dict[int, Decimal] = {}


def figure_places(values, *, least: int = 0, most: int = 4) -> int:
    """The decimals a department's figures use (the most any of ``values`` has once trailing
    zeros go), from ``least`` to ``most``: what a figure derived from them, such as the planned
    path, is printed with, so it reads like the figures beside it (35.67, not 35.6667)."""
    places = least
    for value in values:
        if number_or_none(value) is None:
            continue
        exponent = Decimal(str(value)).normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            places = -exponent
            if places >= most:
                return most
    return min(places, most)


def quantize(value, places: int) -> Decimal:
    """``value`` to ``places`` decimals as the site prints numbers: its decimal text rounded
    half to even (downloads round with this too, so a file never differs from the page)."""
    quantum = _QUANTA.get(places)
    if quantum is None:
        quantum = _QUANTA[places] = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(quantum)


def format_number(value, places: int = 2) -> str:
    """A number with thousands separators and at most ``places`` decimals; "—" when missing
    (the tables' ``num`` filter, the charts' labels and tooltips)."""
    if number_or_none(value) is None:
        return "—"
    text = f"{quantize(value, places):,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text

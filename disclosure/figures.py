"""A report block's figures: plain JSON data that the block renders from and downloads.

Every data block computes ``compute_figures(value) -> dict`` with

* ``title``, ``summary`` (one sentence from the data), ``as_of`` / ``source`` / ``link``;
* ``columns`` (``[{"key", "label", "places"}]``) and ``rows`` (dicts by key) — exactly what the
  table shows and every download holds (a row's ``_link`` is the first cell's link, not data);
* ``chart`` (the series the SVG is drawn from), or None;
* ``values``: the figures that can later be corrected, keyed ``indicator:<code>:<YYYY-MM>:value``
  with their label, value and link — what the correction notices compare;
* ``missing``: a sentence for the reader when the block has nothing to show.

The figures are computed once per language when a report is published and stored with that
revision (``disclosure.snapshots``), so a published page never changes with later corrections.
"""

from __future__ import annotations

import datetime

import pandas as pd
from django.utils.translation import gettext as _

from portal import exports
from portal.months import month_label, parse_month
from portal.values import format_number, number_or_none


def value_key(code: str, month: str, field: str = "value") -> str:
    """The key of a correctable figure: ``indicator:<code>:<YYYY-MM>:<field>``."""
    return f"indicator:{code}:{month}:{field}"


def parse_value_key(key: str) -> tuple[str, str, str] | None:
    """``(code, "YYYY-MM", field)`` of a key from ``value_key``; None for any other key."""
    parts = key.split(":")
    if len(parts) != 4 or parts[0] != "indicator":
        return None
    return parts[1], parts[2], parts[3]


def column(key: str, label: str, places: int | None = None) -> dict:
    return {"key": key, "label": str(label), "places": places}


def empty_figures(title: str, missing: str, **extra) -> dict:
    """The figures of a block with nothing to show: a title and why."""
    return {
        "title": str(title),
        "summary": "",
        "columns": [],
        "rows": [],
        "chart": None,
        "values": [],
        "missing": str(missing),
        **extra,
    }


def _language() -> str:
    from django.utils.translation import get_language

    return get_language() or ""


def month_text(iso: str) -> str:
    return month_label(iso, _language())


def _previous_iso(iso: str) -> str:
    month = parse_month(iso)
    if month is None:
        return ""
    earlier = (month - datetime.timedelta(days=1)).replace(day=1)
    return f"{earlier.year:04d}-{earlier.month:02d}"


def summary_sentence(points: list[tuple[str, object]], *, percent: bool, unit: str = "") -> str:
    """One sentence on the last month with a figure and its change on the month before, e.g.
    "2026年10月完成率85%，较上月提高3个百分点". ``points`` are ``(YYYY-MM, value)`` in month
    order; ``percent``: the values are progress percentages (the change is in percentage
    points), else values in ``unit``. One decimal at most, no trailing zeros."""
    known = [(month, number_or_none(value)) for month, value in points]
    measured = [(month, value) for month, value in known if value is not None]
    if not measured:
        return _("No figure has been reported yet.")
    month, value = measured[-1]
    by_month = dict(known)
    previous_month = _previous_iso(month)
    previous = by_month.get(previous_month)
    unit_text = f" {unit}" if unit and not percent else ""
    params = {
        "month": month_text(month),
        "value": format_number(value, 1) + ("%" if percent else unit_text),
    }
    if previous_month not in by_month:
        case = "first"
    elif previous is None:
        case = "gap"
    else:
        change = round(value - previous, 1)
        case = "up" if change > 0 else "down" if change < 0 else "same"
        amount = format_number(abs(change), 1)
        params["amount"] = (
            _("%(amount)s percentage points") % {"amount": amount}
            if percent
            else amount + unit_text
        )
    # Whole sentences, so that each language words them its own way (2026年10月完成率85%，
    # 较上月提高3个百分点).
    sentences = (
        {
            "first": _("In %(month)s progress was %(value)s; it is the first month shown."),
            "gap": _(
                "In %(month)s progress was %(value)s; there is no figure for the month before."
            ),
            "up": _("In %(month)s progress was %(value)s, up %(amount)s on the month before."),
            "down": _("In %(month)s progress was %(value)s, down %(amount)s on the month before."),
            "same": _("In %(month)s progress was %(value)s, unchanged from the month before."),
        }
        if percent
        else {
            "first": _("In %(month)s the value was %(value)s; it is the first month shown."),
            "gap": _(
                "In %(month)s the value was %(value)s; there is no figure for the month before."
            ),
            "up": _("In %(month)s the value was %(value)s, up %(amount)s on the month before."),
            "down": _("In %(month)s the value was %(value)s, down %(amount)s on the month before."),
            "same": _("In %(month)s the value was %(value)s, unchanged from the month before."),
        }
    )
    return sentences[case] % params


def table_frame(figures: dict) -> tuple[pd.DataFrame, dict[str, str]]:
    """The shown table as a frame (keys as columns, None kept) and its headings."""
    keys = [c["key"] for c in figures.get("columns") or []]
    frame = pd.DataFrame(
        [{k: row.get(k) for k in keys} for row in figures.get("rows") or []],
        columns=keys,
        dtype=object,
    )
    labels = {c["key"]: c["label"] for c in figures.get("columns") or []}
    return frame, labels


def download(figures: dict, fmt: str, filename: str, *, about: list[tuple[str, object]]):
    """The block's table as CSV, XLSX or JSON: exactly the rows and columns shown."""
    frame, labels = table_frame(figures)
    if fmt == "csv":
        body = exports.frame_csv(frame, labels)
    elif fmt == "xlsx":
        body = exports.workbook(
            [("data", frame.rename(columns=labels)), ("about", exports.about_frame(about))]
        )
    elif fmt == "json":
        keys = [c["key"] for c in figures.get("columns") or []]
        body = exports.json_bytes(
            {
                **{str(k): v for k, v in about},
                "columns": exports.columns_json(keys, labels),
                "data": [{k: row.get(k) for k in keys} for row in figures.get("rows") or []],
            }
        )
    else:
        raise ValueError(fmt)
    return exports.attachment(body, fmt, filename)


def cell_text(value, places) -> str:
    """A table cell as the page prints it (numbers with at most ``places`` decimals)."""
    if value is None:
        return "—"
    if places is not None and number_or_none(value) is not None:
        return format_number(value, places)
    return str(value)

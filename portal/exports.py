"""Downloads of the data shown on an indicator page: CSV (UTF-8 with BOM), XLSX and JSON.

The HTML table and every download come from the same rows (``indicator_records``), so what a
visitor downloads is exactly what the page shows; XLSX and JSON also carry the page's
corrections table (``correction_records``).
"""

from __future__ import annotations

import io
import json
import re

import pandas as pd
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from portal.models import Indicator, Status, TargetAdjustment
from portal.months import iso_month
from portal.terms import original_term
from portal.values import figure_places, finite_or_none, none_for_missing, quantize

FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}
COLUMN_KEYS = [
    "period",
    "value",
    "planned",
    "progress",
    "expected",
    "status",
    "target",
    "adjustment",
]


def column_labels(unit: str = "") -> dict[str, str]:
    """Column headings in the visitor's language (units in the value columns)."""
    suffix = f" ({unit})" if unit else ""
    return {
        "period": _("Month"),
        "value": _("Actual value") + suffix,
        "planned": _("Planned path") + suffix,
        "progress": _("Progress (%)"),
        "expected": _("Expected progress (%)"),
        "status": _("Status"),
        "target": _("Target in force") + suffix,
        "adjustment": _("Target adjustment"),
    }


def _round(value, places: int):
    """``value`` to ``places`` decimals rounded as the page's ``num`` filter rounds it, so a
    download never differs from the page; None when missing."""
    return None if finite_or_none(value) is None else float(quantize(value, places))


_STATUS_VALUES = frozenset(Status.values)


def _status_text(value) -> str:
    value = str(value) if value is not None else Status.NO_DATA
    return str(Status(value).label) if value in _STATUS_VALUES else value


def _percent(share):
    return None if finite_or_none(share) is None else _round(share * 100, 1)


def planned_places(values, targets) -> int:
    """The planned path's decimals: those of the indicator's own figures and targets, at least
    one (a yearly target of 4 is a path of 0.3, 0.7, 1 … a month) and at most four."""
    return figure_places([*values, *targets], least=1)


def indicator_records(series: pd.DataFrame) -> list[dict]:
    """The shown table's rows: month as YYYY-MM, values and targets to 4 places, the planned
    path to the decimals of those (``planned_places``), shares as percentages,
    None where there is no figure; the target each month was judged against and, from an
    approved target adjustment's effective month, the adjustment (original → adjusted, date,
    reason). The page prints these; the downloads are built from them (``indicator_table``),
    so a download holds exactly what the page shows."""
    count = len(series)
    targets = series["target"].tolist() if "target" in series else [None] * count
    notes = series["adjustment"].tolist() if "adjustment" in series else [""] * count
    values = series["value"].tolist()
    places = planned_places(values, targets)
    return [
        {
            "period": iso_month(period),
            "value": _round(value, 4),
            "planned": _round(planned, places),
            "progress": _percent(progress),
            "expected": _percent(expected),
            "status": _status_text(status),
            "target": _round(target, 4),
            "adjustment": note or None,
        }
        for period, value, planned, progress, expected, status, target, note in zip(
            series["period"].tolist(),
            values,
            series["planned"].tolist(),
            series["progress"].tolist(),
            series["expected"].tolist(),
            series["status"].tolist(),
            targets,
            notes,
            strict=True,
        )
    ]


def indicator_table(series: pd.DataFrame) -> pd.DataFrame:
    """The shown table as a frame (for the downloads): ``indicator_records``, None kept."""
    table = pd.DataFrame(indicator_records(series), columns=COLUMN_KEYS)
    return none_for_missing(table)


CORRECTION_KEYS = [
    "period",
    "previous_value",
    "corrected_value",
    "reason",
    "corrected_by",
    "corrected_at",
]


def correction_labels() -> dict[str, str]:
    """The corrections table's headings, as on the indicator page."""
    return {
        "period": _("Month"),
        "previous_value": _("Previous value"),
        "corrected_value": _("Corrected value"),
        "reason": _("Reason"),
        "corrected_by": _("Corrected by"),
        "corrected_at": _("When"),
    }


def correction_records(corrections) -> list[dict]:
    """The page's corrections table as rows: newest first, who as a role (``correction.role``,
    personal names are not published), when as a local ISO time."""
    return [
        {
            "period": iso_month(c.measurement.period),
            "previous_value": _round(c.old_value, 4),
            "corrected_value": _round(c.new_value, 4),
            "reason": c.reason,
            "corrected_by": str(c.role),
            "corrected_at": timezone.localtime(c.corrected_at).isoformat(timespec="seconds"),
        }
        for c in corrections
    ]


ADJUSTMENT_KEYS = ["field", "original", "adjusted", "effective_from", "approved_on", "reason"]


def adjustment_labels() -> dict[str, str]:
    """The target adjustments table's headings, as on the indicator page."""
    return {
        "field": _("Term"),
        "original": _("Original"),
        "adjusted": _("Adjusted"),
        "effective_from": _("From month"),
        "approved_on": _("Approved on"),
        "reason": _("Reason"),
    }


WITHDRAWAL_KEYS = ["indicator", "month", "value", "withdrawn_on", "reason"]


def withdrawal_labels() -> dict[str, str]:
    """The withdrawn figures' headings (portal.withdrawals): the figures a city administrator
    withdrew from this indicator, and those of earlier indicators withdrawn under its code."""
    return {
        "indicator": _("Indicator"),
        "month": _("Month"),
        "value": _("Withdrawn value"),
        "withdrawn_on": _("Withdrawn on"),
        "reason": _("Reason"),
    }


def withdrawal_records(code: str, earlier=(), figures=()) -> list[dict]:
    """One row per withdrawn figure: this indicator's (``figures``) and each earlier
    indicator's under the same code (``earlier``), newest withdrawal first."""
    rows = [
        {
            "indicator": code,
            "month": f.month,
            "value": f.value,
            "withdrawn_on": f.withdrawn_on.isoformat(),
            "reason": f.reason,
        }
        for f in figures
    ]
    for w in earlier:
        rows += [
            {
                "indicator": f"{w.code} {w.name}",
                "month": figure.get("month", ""),
                "value": figure.get("value", ""),
                "withdrawn_on": w.withdrawn_on.isoformat(),
                "reason": w.reason,
            }
            for figure in w.figures
        ]
    return rows


def adjustment_records(indicator: Indicator) -> list[dict]:
    """The indicator's approved target adjustments (``Indicator.adjustments``), oldest first:
    the public record of every change of its terms after its cycle was published."""
    labels = dict(TargetAdjustment.Field.choices)
    return [
        {
            "field": str(labels.get(a["field"], a["field"])),
            "original": a["old"],
            "adjusted": a["new"],
            "effective_from": a["effective_from"],
            "approved_on": a["decided_on"],
            "reason": a["reason"],
        }
        for a in indicator.adjustments or []
    ]


def table_records(table: pd.DataFrame) -> list[dict]:
    return table.to_dict(orient="records")


def metadata(indicator: Indicator, table: pd.DataFrame, *, page_url: str = "") -> dict:
    """What every download says about its figures: indicator, unit, source, method, as of."""
    goal = indicator.goal
    measured = [row["period"] for row in table_records(table) if row["value"] is not None]
    return {
        "indicator": {"code": indicator.code, "name": indicator.name},
        "department": goal.owner.name,
        "goal": {"code": goal.code, "title": goal.title, "year": goal.cycle.year},
        "unit": indicator.unit,
        "baseline": _round(indicator.baseline, 4),
        "target": _round(indicator.target, 4),
        "original_target": _round(
            original_term("target", indicator.target, indicator.adjustments), 4
        ),
        "target_adjusted": any(a["field"] == "target" for a in indicator.adjustments or []),
        "direction": indicator.direction,
        "source": indicator.source_description,
        "methodology": indicator.methodology,
        "methodology_url": f"{page_url}#methodology" if page_url else "",
        "as_of": measured[-1] if measured else None,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
    }


# A spreadsheet reads a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _as_text_cell(value):
    """Text that a spreadsheet would run as a formula, quoted so that it shows as text."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def frame_csv(frame: pd.DataFrame, labels: dict[str, str]) -> bytes:
    """A table as CSV with its headings in the visitor's language; editors' free text (a
    correction reason, a grade) that starts like a formula is quoted, never run by Excel."""
    renamed = frame.rename(columns=labels)
    # Cell by cell into object columns: DataFrame.map would infer dtypes again (3 -> 3.0).
    safe = pd.DataFrame(
        {c: pd.Series([_as_text_cell(v) for v in renamed[c]], dtype=object) for c in renamed}
    )
    # The BOM makes Excel on Windows read the Chinese headings as UTF-8.
    return safe.to_csv(index=False).encode("utf-8-sig")


def about_frame(pairs: list[tuple[str, object]]) -> pd.DataFrame:
    """The "about" sheet: what a spreadsheet's figures are, where from, as of when."""
    return pd.DataFrame(pairs, columns=[_("Field"), _("Value")])


# The most characters an XLSX cell holds (Excel's specification and limits); Excel refuses to
# open a workbook with a longer one.
XLSX_CELL_MAX = 32_767


def cut_marker(length: int) -> str:
    return _(" […cut: %(length)s characters in all; the JSON download has the full text]") % {
        "length": length
    }


def fit_cell(value):
    """A text as an XLSX cell can hold it: without the control characters the format forbids
    (openpyxl refuses them) and cut to ``XLSX_CELL_MAX``, saying that it was cut; anything
    else as it is."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(value) <= XLSX_CELL_MAX:
        return value
    marker = cut_marker(len(value))
    return value[: XLSX_CELL_MAX - len(marker)] + marker


def _fitted(frame: pd.DataFrame) -> pd.DataFrame:
    # Column by column into object columns: DataFrame.map would infer dtypes again (3 -> 3.0).
    fitted = frame.copy()
    for column in fitted.columns:
        if fitted[column].dtype == object:
            fitted[column] = pd.Series(
                [fit_cell(v) for v in fitted[column]], index=fitted.index, dtype=object
            )
    return fitted


def workbook(sheets: list[tuple[str, pd.DataFrame]]) -> bytes:
    """An XLSX file of named sheets. Every cell is data: openpyxl stores a string starting with
    "=" as a formula, so such cells are typed back to text (their characters unchanged); a
    text longer than a cell holds is cut, and says so (``fit_cell``)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets:
            _fitted(frame).to_excel(writer, sheet_name=name, index=False)
        for sheet in writer.book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        cell.data_type = "s"
    return buffer.getvalue()


def json_bytes(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")


def columns_json(keys: list[str], labels: dict[str, str]) -> list[dict]:
    return [{"key": key, "label": labels[key]} for key in keys]


# What a file name may not hold: path separators, quotes, semicolons and control characters (a
# name comes from editors' data such as an indicator code, and must not break out of the header).
_FILENAME_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\";]')
_NOT_PLAIN_ASCII = re.compile(r"[^A-Za-z0-9._-]+")


def content_disposition(filename: str) -> str:
    """``attachment`` with the file name as RFC 6266 gives it: ``filename*=UTF-8''…`` for a
    Chinese name (Django's ``content_disposition_header``) after a plain ASCII ``filename=``
    for clients that read only that one (RFC 6266 section 4.3)."""
    name = _FILENAME_UNSAFE.sub("_", filename).strip() or "download"
    header = content_disposition_header(True, name)
    if name.isascii():
        return header
    stem, dot, extension = name.rpartition(".")
    fallback = _NOT_PLAIN_ASCII.sub("_", stem if dot else name).strip("_-.") or "download"
    fallback = f"{fallback}.{extension}" if dot and extension.isascii() else fallback
    return header.replace("attachment; ", f'attachment; filename="{fallback}"; ', 1)


def attachment(body: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition(f"{filename}.{fmt}")
    return response


def to_csv(table: pd.DataFrame, unit: str = "") -> bytes:
    return frame_csv(table, column_labels(unit))


def to_xlsx(
    table: pd.DataFrame,
    meta: dict,
    unit: str = "",
    corrections: list[dict] | None = None,
    adjustments: list[dict] | None = None,
    withdrawn: list[dict] | None = None,
) -> bytes:
    about = about_frame(
        [
            (_("Indicator"), f"{meta['indicator']['code']} {meta['indicator']['name']}"),
            (_("Department"), meta["department"]),
            (_("Unit"), meta["unit"]),
            (_("Target"), meta["target"]),
            (_("Original target"), meta["original_target"]),
            (_("Source"), meta["source"]),
            (_("Methodology"), meta["methodology"]),
            (_("Methodology page"), meta["methodology_url"]),
            (_("Data as of"), meta["as_of"] or ""),
            (_("Downloaded at"), meta["generated_at"]),
        ]
    )
    fixes = pd.DataFrame(corrections or [], columns=CORRECTION_KEYS)
    changes = pd.DataFrame(adjustments or [], columns=ADJUSTMENT_KEYS)
    gone = pd.DataFrame(withdrawn or [], columns=WITHDRAWAL_KEYS)
    return workbook(
        [
            ("data", table.rename(columns=column_labels(unit))),
            ("about", about),
            ("corrections", fixes.rename(columns=correction_labels())),
            ("adjustments", changes.rename(columns=adjustment_labels())),
            ("withdrawn", gone.rename(columns=withdrawal_labels())),
        ]
    )


def to_json(
    table: pd.DataFrame,
    meta: dict,
    unit: str = "",
    corrections: list[dict] | None = None,
    adjustments: list[dict] | None = None,
    withdrawn: list[dict] | None = None,
) -> bytes:
    return json_bytes(
        {
            **meta,
            "columns": columns_json(COLUMN_KEYS, column_labels(unit)),
            "data": table_records(table),
            "correction_columns": columns_json(CORRECTION_KEYS, correction_labels()),
            "corrections": corrections or [],
            "adjustment_columns": columns_json(ADJUSTMENT_KEYS, adjustment_labels()),
            "adjustments": adjustments or [],
            "withdrawn_columns": columns_json(WITHDRAWAL_KEYS, withdrawal_labels()),
            "withdrawn": withdrawn or [],
        }
    )


def download_response(
    indicator: Indicator,
    series: pd.DataFrame,
    fmt: str,
    *,
    page_url: str,
    corrections=(),
    withdrawn=(),
):
    """An attachment response with the indicator's table in ``fmt`` (csv, xlsx or json).

    CSV holds the one data table; XLSX and JSON add what the page says about it (metadata) and
    its corrections table (``corrections``: MeasurementCorrection rows with ``role`` set) and
    the withdrawn figures (``withdrawn``: ``withdrawal_records`` rows)."""
    table = indicator_table(series)
    unit = indicator.unit
    fixes = correction_records(corrections)
    changes = adjustment_records(indicator)
    if fmt == "csv":
        body = to_csv(table, unit)
    elif fmt == "xlsx":
        meta = metadata(indicator, table, page_url=page_url)
        body = to_xlsx(table, meta, unit, fixes, changes, list(withdrawn))
    elif fmt == "json":
        meta = metadata(indicator, table, page_url=page_url)
        body = to_json(table, meta, unit, fixes, changes, list(withdrawn))
    else:
        raise ValueError(fmt)
    return attachment(body, fmt, indicator.code)


# --- a department's score across years (the department page's history chart and table) ------

HISTORY_KEYS = ["year", "as_of", "total", "rank", "grade"]


def history_labels() -> dict[str, str]:
    """The history table's headings, as on the department page."""
    return {
        "year": _("Year"),
        "as_of": _("As of"),
        "total": _("Total score"),
        "rank": _("Rank"),
        "grade": _("Grade"),
    }


def history_records(history) -> list[dict]:
    """The department page's history rows: each published year's final evaluation, with the
    score to one decimal as the page prints it."""
    return [
        {
            "year": e.cycle.year,
            "as_of": iso_month(e.period),
            "total": _round(e.total, 1),
            "rank": e.rank,
            "grade": e.grade or None,
        }
        for e in history
    ]


def department_history_response(department, history, fmt: str, *, methodology_url: str):
    """The department's score across years as CSV, XLSX or JSON (``history``: the page's
    final evaluations, oldest first)."""
    rows = history_records(history)
    # dtype object: a year without a rank must not turn the other ranks into floats (1.0).
    frame = pd.DataFrame(rows, columns=HISTORY_KEYS, dtype=object)
    labels = history_labels()
    meta = {
        "department": {"slug": department.slug, "name": department.name},
        "source": _(
            "Evaluations computed on this platform from the figures the departments report"
        ),
        "methodology_url": methodology_url,
        "as_of": rows[-1]["as_of"] if rows else None,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
    }
    if fmt == "csv":
        body = frame_csv(frame, labels)
    elif fmt == "xlsx":
        about = about_frame(
            [
                (_("Department"), department.name),
                (_("Source"), meta["source"]),
                (_("Methodology page"), meta["methodology_url"]),
                (_("Data as of"), meta["as_of"] or ""),
                (_("Downloaded at"), meta["generated_at"]),
            ]
        )
        body = workbook([("data", frame.rename(columns=labels)), ("about", about)])
    elif fmt == "json":
        body = json_bytes({**meta, "columns": columns_json(HISTORY_KEYS, labels), "data": rows})
    else:
        raise ValueError(fmt)
    return attachment(body, fmt, f"{department.slug}-scores")

"""Downloads of the data shown on an indicator page: CSV (UTF-8 with BOM), XLSX and JSON.

The HTML table and every download come from the same rows (``indicator_records``), so what a
visitor downloads is exactly what the page shows; XLSX and JSON also carry the page's
corrections table (``correction_records``).
"""

from __future__ import annotations

import datetime
import io
import json
import math

import pandas as pd
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Indicator, Status

FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}
COLUMN_KEYS = ["period", "value", "planned", "progress", "expected", "status"]


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
    }


def _round(value, places: int):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(number):
        return None
    return round(number, places)


_STATUS_VALUES = frozenset(Status.values)


def _status_text(value) -> str:
    value = str(value) if value is not None else Status.NO_DATA
    return str(Status(value).label) if value in _STATUS_VALUES else value


def _month_text(period) -> str:
    if isinstance(period, datetime.date):
        return period.strftime("%Y-%m")
    return pd.Timestamp(period).strftime("%Y-%m")


def _percent(share):
    return _round(share * 100, 1) if _round(share, 6) is not None else None


def indicator_records(series: pd.DataFrame) -> list[dict]:
    """The shown table's rows: month as YYYY-MM, values to 4 places, shares as percentages,
    None where there is no figure. The page prints these; the downloads are built from them
    (``indicator_table``), so a download holds exactly what the page shows."""
    return [
        {
            "period": _month_text(period),
            "value": _round(value, 4),
            "planned": _round(planned, 4),
            "progress": _percent(progress),
            "expected": _percent(expected),
            "status": _status_text(status),
        }
        for period, value, planned, progress, expected, status in zip(
            series["period"].tolist(),
            series["value"].tolist(),
            series["planned"].tolist(),
            series["progress"].tolist(),
            series["expected"].tolist(),
            series["status"].tolist(),
            strict=True,
        )
    ]


def indicator_table(series: pd.DataFrame) -> pd.DataFrame:
    """The shown table as a frame (for the downloads): ``indicator_records``, None kept."""
    table = pd.DataFrame(indicator_records(series), columns=COLUMN_KEYS)
    return table.astype(object).where(table.notna(), None)


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
            "period": _month_text(c.measurement.period),
            "previous_value": _round(c.old_value, 4),
            "corrected_value": _round(c.new_value, 4),
            "reason": c.reason,
            "corrected_by": str(c.role),
            "corrected_at": timezone.localtime(c.corrected_at).isoformat(timespec="seconds"),
        }
        for c in corrections
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
        "direction": indicator.direction,
        "source": indicator.source_description,
        "methodology": indicator.methodology,
        "methodology_url": f"{page_url}#methodology" if page_url else "",
        "as_of": measured[-1] if measured else None,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
    }


def to_csv(table: pd.DataFrame, unit: str = "") -> bytes:
    # The BOM makes Excel on Windows read the Chinese headings as UTF-8.
    return table.rename(columns=column_labels(unit)).to_csv(index=False).encode("utf-8-sig")


def to_xlsx(
    table: pd.DataFrame, meta: dict, unit: str = "", corrections: list[dict] | None = None
) -> bytes:
    buffer = io.BytesIO()
    about = pd.DataFrame(
        [
            (_("Indicator"), f"{meta['indicator']['code']} {meta['indicator']['name']}"),
            (_("Department"), meta["department"]),
            (_("Unit"), meta["unit"]),
            (_("Target"), meta["target"]),
            (_("Source"), meta["source"]),
            (_("Methodology"), meta["methodology"]),
            (_("Methodology page"), meta["methodology_url"]),
            (_("Data as of"), meta["as_of"] or ""),
            (_("Downloaded at"), meta["generated_at"]),
        ],
        columns=[_("Field"), _("Value")],
    )
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.rename(columns=column_labels(unit)).to_excel(writer, sheet_name="data", index=False)
        about.to_excel(writer, sheet_name="about", index=False)
        pd.DataFrame(corrections or [], columns=CORRECTION_KEYS).rename(
            columns=correction_labels()
        ).to_excel(writer, sheet_name="corrections", index=False)
    return buffer.getvalue()


def to_json(
    table: pd.DataFrame, meta: dict, unit: str = "", corrections: list[dict] | None = None
) -> bytes:
    labels = column_labels(unit)
    correction_columns = correction_labels()
    payload = {
        **meta,
        "columns": [{"key": key, "label": labels[key]} for key in COLUMN_KEYS],
        "data": table_records(table),
        "correction_columns": [
            {"key": key, "label": correction_columns[key]} for key in CORRECTION_KEYS
        ],
        "corrections": corrections or [],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")


def download_response(
    indicator: Indicator, series: pd.DataFrame, fmt: str, *, page_url: str, corrections=()
):
    """An attachment response with the indicator's table in ``fmt`` (csv, xlsx or json).

    CSV holds the one data table; XLSX and JSON add what the page says about it (metadata) and
    its corrections table (``corrections``: MeasurementCorrection rows with ``role`` set)."""
    table = indicator_table(series)
    unit = indicator.unit
    fixes = correction_records(corrections)
    if fmt == "csv":
        body = to_csv(table, unit)
    elif fmt == "xlsx":
        body = to_xlsx(table, metadata(indicator, table, page_url=page_url), unit, fixes)
    elif fmt == "json":
        body = to_json(table, metadata(indicator, table, page_url=page_url), unit, fixes)
    else:
        raise ValueError(fmt)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{indicator.code}.{fmt}"'
    return response

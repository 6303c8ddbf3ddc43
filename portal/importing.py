"""Bulk import of measurements from CSV or XLSX files: validate everything, then write all or nothing.

The file format (also shown on the admin import screen and in ``manage.py import_measurements``):

* One measurement per row ("long" format). The first non-empty row is the header row.
* Columns, in any order, with English or Chinese headers (case and spaces do not matter):
  ``indicator_code`` (指标编码), ``period`` (期间 / 月份), ``value`` (数值 / 值) are required;
  ``note`` (备注), ``source`` (来源) and ``reason`` (更正原因, why a published figure changes) are
  optional. Other columns are ignored.
* ``period`` is a month: ``2026-03``, ``2026-03-01``, ``2026/3``, ``2026.3``, ``2026年3月`` or an
  Excel date cell. A day other than the first is read as its month.
* ``value`` is a plain number. Accepted: thousands separators (``1,234.5``), full-width digits and
  punctuation (``１２``, ``１，２３４．５``), a leading sign, exponents (``1.2E+03``), and a trailing
  ``%`` only for indicators whose unit is a percentage (``12%`` stores 12, the indicator's unit).
  Rejected with a row error: text (``abc``), dashes or "n/a" for "no data" (leave the row out),
  spreadsheet errors (``#DIV/0!``), a ``%`` on a non-percent indicator. Values are stored with at
  most four decimal places (rounded half up), like the database column.
* Rows whose code, period and value are all empty (spacer rows, footnotes) are skipped.
* CSV files may be UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK (what Excel saves
  on Chinese Windows). Comma-, tab- or semicolon-separated. Only the first sheet of an XLSX is read.

Validation reports every problem with the row number a spreadsheet shows and the column header as
written in the file; when there is any problem nothing is written (DESIGN.md: imports are
all-or-nothing).
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime
import io
import json
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import PurePath
from typing import IO, Any, NamedTuple

import pandas as pd
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.log_actions import log
from wagtail.log_actions import registry as log_registry

from portal import cache as portal_cache
from portal.actions import can_manage_all_departments, editable_departments
from portal.models import Cycle, Department, Indicator, Measurement, MeasurementCorrection

IMPORT_LOG_ACTION = "portal.import_measurements"
# Stored with the correction and shown publicly next to the old figure; domain content is Chinese.
DEFAULT_CORRECTION_REASON = "导入更正"
MAX_REPORTED_ERRORS = 200
MAX_REPORTED_CHANGES = 200
SUPPORTED_EXTENSIONS = (".csv", ".xlsx")
REQUIRED_COLUMNS = ("indicator_code", "period", "value")
OPTIONAL_COLUMNS = ("note", "source", "reason")
TEXT_LIMITS = {"indicator_code": 50, "note": 500, "source": 200, "reason": 500}
# An XLSX is a zip: refuse one that unpacks to far more than the upload limit (a "zip bomb").
XLSX_MAX_EXPANSION = 20
# numeric(18, 4): 14 digits before the decimal point, 4 after.
VALUE_QUANTUM = Decimal("0.0001")
VALUE_LIMIT = Decimal(10) ** 14

# Header spellings seen in real spreadsheets, after normalise_header(); canonical name first.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "indicator_code": ("indicator_code", "code", "indicator", "指标编码", "指标代码", "编码"),
    "period": ("period", "month", "期间", "月份", "期间/月份", "统计期间", "统计月份"),
    "value": ("value", "数值", "值", "实际值", "完成值"),
    "note": ("note", "notes", "备注", "说明"),
    "source": ("source", "来源", "数据来源"),
    "reason": ("reason", "correction_reason", "更正原因", "修改原因", "原因"),
}
COLUMN_LABELS = {
    "indicator_code": "indicator_code / 指标编码",
    "period": "period / 期间",
    "value": "value / 数值",
    "note": "note / 备注",
    "source": "source / 来源",
    "reason": "reason / 更正原因",
}

_ALIAS_TO_COLUMN = {
    alias: column for column, aliases in COLUMN_ALIASES.items() for alias in aliases
}
_NUMBER_RE = re.compile(
    r"^(?P<sign>[+-])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)?(?:\.(?P<frac>\d+))?(?:[eE][+-]?\d+)?$"
)
_NO_DATA_MARKERS = {"-", "--", "—", "——", "–", "/", "n/a", "na", "nan", "null", "none", "无", "空"}
_MONTH_RE = re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})$")
_DAY_RE = re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_CHINESE_MONTH_RE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月份?(?:\s*(\d{1,2})\s*[日号])?$")


class ImportIssue(NamedTuple):
    """One problem found in an import file: the row a spreadsheet shows, the column, the message."""

    row: int | None
    column: str
    message: str


@dataclasses.dataclass
class ImportChange:
    """A published figure that the import changes (shown in the preview before confirming)."""

    row: int
    indicator_code: str
    period: datetime.date
    old_value: Decimal
    new_value: Decimal


@dataclasses.dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do); any error means nothing was written."""

    filename: str
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    corrected: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[ImportIssue] = dataclasses.field(default_factory=list)
    error_count: int = 0
    cycles: list[Cycle] = dataclasses.field(default_factory=list)
    changes: list[ImportChange] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def more_errors(self) -> int:
        """Errors found beyond the ones listed (the report is capped)."""
        return self.error_count - len(self.errors)

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def add_errors(self, issues: Iterable[ImportIssue]) -> None:
        for issue in issues:
            self.error_count += 1
            self.errors.append(issue)

    def cap_errors(self) -> None:
        """Order the report by row (file-level problems first) and keep the first ones."""
        self.errors.sort(key=lambda issue: issue.row or 0)
        del self.errors[MAX_REPORTED_ERRORS:]


class ImportFileError(Exception):
    """A problem with the file as a whole (size, type, encoding): no row can be read."""

    def __init__(self, message: str, column: str = ""):
        super().__init__(message)
        self.issue = ImportIssue(None, column, message)


# ---- reading the file ----------------------------------------------------------------------


def normalise_header(text: Any) -> str:
    text = unicodedata.normalize("NFKC", _cell_text(text)).strip().lower().lstrip("\ufeff")
    return re.sub(r"[\s\-]+", "_", text).strip("_")


def file_size(fileobj: IO[bytes]) -> int | None:
    """The size of an upload or open file without reading it."""
    size = getattr(fileobj, "size", None)
    if size is not None:
        return int(size)
    try:
        position = fileobj.tell()
        fileobj.seek(0, io.SEEK_END)
        size = fileobj.tell()
        fileobj.seek(position)
        return size
    except (AttributeError, OSError, ValueError):
        return None


def check_file_basics(filename: str, size: int | None) -> list[ImportIssue]:
    """Type and size checks that need no reading (the form reuses them before storing an upload)."""
    extension = PurePath(filename or "").suffix.lower()
    if extension == ".xls":
        return [
            ImportIssue(
                None,
                "",
                _(
                    "Old Excel 97–2003 files (.xls) are not supported. "
                    "Open the file in Excel or WPS and save it as .xlsx or CSV."
                ),
            )
        ]
    if extension not in SUPPORTED_EXTENSIONS:
        return [
            ImportIssue(
                None,
                "",
                _("Unsupported file type “%(ext)s”: upload a .csv or .xlsx file.")
                % {"ext": extension or filename},
            )
        ]
    limit = settings.PORTAL_IMPORT_MAX_BYTES
    if size is not None and size > limit:
        return [
            ImportIssue(
                None,
                "",
                _(
                    "The file is %(size)s MB; the limit is %(limit)s MB. "
                    "Split it into smaller files (for example one per year) and import them one by one."
                )
                % {"size": _megabytes(size), "limit": _megabytes(limit)},
            )
        ]
    if size == 0:
        return [ImportIssue(None, "", _("The file is empty."))]
    return []


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def decode_text(data: bytes) -> str:
    """Decode a CSV the way Chinese offices save them: UTF-8 (BOM or not), UTF-16, GB18030/GBK."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = [(data[len(codecs.BOM_UTF8) :], "utf-8")]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [(data, "utf-16")]
    elif b"\x00" in data:
        raise ImportFileError(_not_text_message())
    else:
        # GB18030 is a superset of GBK and GB2312, so one try covers all three.
        candidates = [(data, "utf-8"), (data, "gb18030")]
    for raw, encoding in candidates:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
        break
    raise ImportFileError(_not_text_message())


def _not_text_message() -> str:
    return _(
        "The file could not be read as text (tried UTF-8 and GBK). "
        "Save it from Excel or WPS as “CSV UTF-8” or as .xlsx and upload it again."
    )


def _looks_like_text(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return True
    odd = sum(
        1
        for ch in sample
        if (unicodedata.category(ch) in ("Cc", "Co", "Cs") and ch not in "\t\r\n") or ch == "\ufffd"
    )
    return odd <= max(2, len(sample) // 200)


def _read_csv_rows(data: bytes) -> list[list[Any]]:
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            _("This file is an Excel workbook named .csv: rename it to .xlsx or save it as CSV.")
        )
    text = decode_text(data)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ","
    if "," not in first_line:
        for candidate in ("\t", ";"):
            if candidate in first_line:
                delimiter = candidate
                break
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _read_xlsx_rows(data: bytes) -> list[list[Any]]:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("This is an old Excel 97–2003 file named .xlsx: save it as .xlsx or CSV.")
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportFileError(
            _("The file is not a valid .xlsx workbook. Save it again from Excel or WPS.")
        ) from None
    if unpacked > settings.PORTAL_IMPORT_MAX_BYTES * XLSX_MAX_EXPANSION:
        raise ImportFileError(
            _("The workbook is too large once unpacked. Split it into smaller files.")
        )
    try:
        frame = pd.read_excel(io.BytesIO(data), header=None, dtype=object, engine="openpyxl")
    except Exception:  # openpyxl raises many types for broken workbooks
        raise ImportFileError(
            _("The file is not a valid .xlsx workbook. Save it again from Excel or WPS.")
        ) from None
    # read_excel keeps leading and inner empty rows, so frame index + 1 is the sheet's row number.
    return frame.astype(object).where(frame.notna(), None).values.tolist()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN from an empty spreadsheet cell
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value).strip()


def parse_measurement_file(fileobj: IO[bytes], filename: str) -> tuple[pd.DataFrame, list]:
    """Read and check an import file without touching the database.

    Returns a frame with one row per readable measurement — columns ``row`` (the row number a
    spreadsheet shows), ``indicator_code``, ``period`` (first-of-month date), ``value`` (Decimal),
    ``percent`` (written with a % sign), ``note``, ``source``, ``reason`` — and the list of
    ImportIssue found. Rows with a problem are left out of the frame; file-level problems give
    an empty frame. The caller must not write anything while the list is non-empty.
    """
    empty = pd.DataFrame(
        columns=["row", "indicator_code", "period", "value", "percent", "note", "source", "reason"]
    )
    issues = check_file_basics(filename, file_size(fileobj))
    if issues:
        return empty, issues
    limit = settings.PORTAL_IMPORT_MAX_BYTES
    try:
        fileobj.seek(0)
    except (AttributeError, OSError):
        pass
    # Read at most one byte past the limit, so a file of unknown size cannot exhaust memory.
    data = fileobj.read(limit + 1)
    if len(data) > limit:
        return empty, check_file_basics(filename, len(data))
    if not data.strip():
        return empty, [ImportIssue(None, "", _("The file is empty."))]
    try:
        if PurePath(filename).suffix.lower() == ".xlsx":
            rows = _read_xlsx_rows(data)
        else:
            rows = _read_csv_rows(data)
    except ImportFileError as exc:
        return empty, [exc.issue]
    return _parse_rows(rows, empty)


def _parse_rows(rows: list[list[Any]], empty: pd.DataFrame) -> tuple[pd.DataFrame, list]:
    issues: list[ImportIssue] = []
    header_index = next(
        (i for i, cells in enumerate(rows) if any(_cell_text(c) for c in cells)), None
    )
    if header_index is None:
        return empty, [ImportIssue(None, "", _("The file is empty."))]
    header = rows[header_index]
    header_row = header_index + 1
    positions: dict[str, int] = {}
    names: dict[str, str] = {}
    for position, cell in enumerate(header):
        column = _ALIAS_TO_COLUMN.get(normalise_header(cell))
        if column is None:
            continue
        if column in positions:
            issues.append(
                ImportIssue(
                    header_row,
                    _cell_text(cell),
                    _("Columns “%(first)s” and “%(second)s” both mean %(column)s; keep one.")
                    % {
                        "first": names[column],
                        "second": _cell_text(cell),
                        "column": COLUMN_LABELS[column],
                    },
                )
            )
            continue
        positions[column] = position
        names[column] = _cell_text(cell)
    missing = [c for c in REQUIRED_COLUMNS if c not in positions]
    if missing:
        issues.append(
            ImportIssue(
                header_row,
                "",
                ngettext(
                    "Missing required column: %(columns)s. The first row must name the columns.",
                    "Missing required columns: %(columns)s. The first row must name the columns.",
                    len(missing),
                )
                % {"columns": ", ".join(COLUMN_LABELS[c] for c in missing)},
            )
        )
    if issues:
        return empty, issues

    width = len(header)
    records = []
    for index in range(header_index + 1, len(rows)):
        cells = rows[index]
        row = index + 1
        record = {"row": row}
        for column in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS):
            position = positions.get(column)
            raw = cells[position] if position is not None and position < len(cells) else None
            record[column] = raw
        if not any(_cell_text(record[c]) for c in REQUIRED_COLUMNS):
            continue  # a spacer row or a footnote
        if any(_cell_text(c) for c in cells[width:]):
            issues.append(
                ImportIssue(
                    row,
                    "",
                    _("This row has more cells than the header row; check for stray commas."),
                )
            )
        records.append(record)
    if not records:
        return empty, [
            ImportIssue(None, "", _("The file has a header row but no measurements below it."))
        ]

    frame = pd.DataFrame.from_records(records)
    bad_rows: set[int] = {issue.row for issue in issues}
    period_cache: dict[Any, datetime.date | str] = {}
    codes, periods, values, percents = [], [], [], []
    texts: dict[str, list[str]] = {c: [] for c in OPTIONAL_COLUMNS}
    for record in frame.itertuples(index=False):
        row = record.row
        code = unicodedata.normalize("NFKC", _cell_text(record.indicator_code))
        if not code:
            issues.append(
                ImportIssue(row, names["indicator_code"], _("The indicator code is missing."))
            )
            bad_rows.add(row)
        elif len(code) > TEXT_LIMITS["indicator_code"]:
            issues.append(
                ImportIssue(row, names["indicator_code"], _("The indicator code is too long."))
            )
            bad_rows.add(row)
        codes.append(code)

        # Most files repeat a handful of months: parse each distinct cell once.
        if record.period not in period_cache:
            period_cache[record.period] = parse_period(record.period)
        period = period_cache[record.period]
        if isinstance(period, str):
            issues.append(ImportIssue(row, names["period"], period))
            bad_rows.add(row)
            period = None
        periods.append(period)

        value = parse_value(record.value)
        if isinstance(value, str):
            issues.append(ImportIssue(row, names["value"], value))
            bad_rows.add(row)
            values.append(None)
            percents.append(False)
        else:
            values.append(value[0])
            percents.append(value[1])

        for column in OPTIONAL_COLUMNS:
            text = _cell_text(getattr(record, column))
            if len(text) > TEXT_LIMITS[column]:
                issues.append(
                    ImportIssue(
                        row,
                        names[column],
                        _("Too long: at most %(limit)s characters (this one has %(length)s).")
                        % {"limit": TEXT_LIMITS[column], "length": len(text)},
                    )
                )
                bad_rows.add(row)
            texts[column].append(text)

    frame = pd.DataFrame(
        {
            "row": frame["row"].astype(int),
            "indicator_code": codes,
            "period": periods,
            "value": values,
            "percent": percents,
            **texts,
        }
    )

    # The same indicator and month twice is refused even with equal values: one of the two rows
    # is a mistake and we cannot tell which.
    keyed = frame[(frame["indicator_code"] != "") & frame["period"].notna()]
    duplicated = keyed.duplicated(["indicator_code", "period"], keep="first")
    if duplicated.any():
        first_rows = keyed.groupby(["indicator_code", "period"], sort=False)["row"].transform(
            "first"
        )
        for row, code, period, first in zip(
            keyed.loc[duplicated, "row"],
            keyed.loc[duplicated, "indicator_code"],
            keyed.loc[duplicated, "period"],
            first_rows[duplicated],
            strict=True,
        ):
            issues.append(
                ImportIssue(
                    int(row),
                    names["period"],
                    _(
                        "Indicator %(code)s already has a value for %(month)s in row %(first)s; "
                        "each indicator and month may appear only once."
                    )
                    % {"code": code, "month": f"{period:%Y-%m}", "first": int(first)},
                )
            )
            bad_rows.add(int(row))

    issues.sort(key=lambda issue: issue.row or 0)
    frame = frame[~frame["row"].isin(bad_rows)].reset_index(drop=True)
    # Header names as written in the file, so later errors name the column the user sees.
    frame.attrs["columns"] = names
    frame.attrs["data_rows"] = len(records)
    return frame, issues


def parse_period(raw: Any) -> datetime.date | str:
    """The first day of the month a cell names, or the error message to show."""
    if isinstance(raw, datetime.datetime | pd.Timestamp):
        return datetime.date(raw.year, raw.month, 1)
    if isinstance(raw, datetime.date):
        return raw.replace(day=1)
    text = unicodedata.normalize("NFKC", _cell_text(raw))
    if not text:
        return _("The month is missing.")
    year = month = None
    day = 1
    if match := _MONTH_RE.match(text):
        year, month = int(match[1]), int(match[2])
    elif match := _DAY_RE.match(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif match := _CHINESE_MONTH_RE.match(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    if year is None:
        return _("Cannot read the month “%(text)s”: write it as 2026-03 or 2026年3月.") % {
            "text": text
        }
    try:
        datetime.date(year, month, day)
    except ValueError:
        return _("“%(text)s” is not a valid month.") % {"text": text}
    return datetime.date(year, month, 1)


def parse_value(raw: Any) -> tuple[Decimal, bool] | str:
    """The number a cell holds and whether it carried a % sign, or the error message to show."""
    if isinstance(raw, bool):
        return _("“%(text)s” is not a number.") % {"text": raw}
    if isinstance(raw, int):
        value, percent = Decimal(raw), False
    elif isinstance(raw, float):
        if raw != raw:
            return _("The value is missing. Leave the row out if there is no figure for the month.")
        if raw in (float("inf"), float("-inf")):
            return _("“%(text)s” is not a number.") % {"text": raw}
        # repr gives the shortest text that reads back as the same float: 0.1, not 0.1000000000000000055.
        value, percent = Decimal(repr(raw)), False
    else:
        original = _cell_text(raw)
        if not original:
            return _("The value is missing. Leave the row out if there is no figure for the month.")
        text = unicodedata.normalize("NFKC", original).replace("\u2212", "-").strip()
        percent = text.endswith("%")
        if percent:
            text = text[:-1].rstrip()
        match = _NUMBER_RE.match(text)
        if not match or not (match["int"] or match["frac"]):
            if text.lower() in _NO_DATA_MARKERS:
                return _(
                    "“%(text)s” is not a number. Leave the row out if there is no figure for the month."
                ) % {"text": original}
            if text.startswith("#"):
                return _("“%(text)s” is a spreadsheet error, not a number.") % {"text": original}
            return _("“%(text)s” is not a number.") % {"text": original}
        try:
            value = Decimal(text.replace(",", ""))
        except InvalidOperation:
            return _("“%(text)s” is not a number.") % {"text": original}
    if not value.is_finite():
        return _("“%(text)s” is not a number.") % {"text": raw}
    value = value.quantize(VALUE_QUANTUM, rounding=ROUND_HALF_UP)
    if abs(value) >= VALUE_LIMIT:
        return _("The value is too large (at most 14 digits before the decimal point).")
    return value, percent


# ---- checking against the database and writing ------------------------------------------------


def import_measurements(
    fileobj: IO[bytes],
    filename: str,
    *,
    user=None,
    department: Department | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Validate a measurement file and, when it has no error and this is not a dry run, write it.

    ``user`` is the editor importing; they may only import indicators of departments they may
    edit. ``user=None`` is a trusted system import (the management command run without --user by
    someone with shell access). ``department`` restricts the file to that department's
    indicators. Every row is validated first; on any error nothing is written. Otherwise, in one
    transaction: new values are created, changed values become corrections with the previous
    value kept (reason from the file's reason column, else 导入更正), every change is in Wagtail's
    audit log, each affected cycle is recomputed once, and one log entry summarises the import.
    """
    result = ImportResult(filename=PurePath(filename or "").name, dry_run=dry_run)
    frame, issues = parse_measurement_file(fileobj, filename)
    result.add_errors(issues)
    result.rows = frame.attrs.get("data_rows", 0)
    if frame.empty:
        result.cap_errors()
        return result
    try:
        if dry_run:
            _apply(frame, result, user=user, department=department, write=False)
        else:
            with transaction.atomic():
                _apply(frame, result, user=user, department=department, write=True)
                if not result.ok:
                    transaction.set_rollback(True)
    except IntegrityError:
        # Someone saved a value for the same month between our check and our write.
        result.add_errors(
            [
                ImportIssue(
                    None,
                    "",
                    _(
                        "Someone changed these figures while the file was being imported; try again."
                    ),
                )
            ]
        )
    result.cap_errors()
    if not result.ok:
        result.created = result.corrected = result.updated = result.unchanged = 0
        result.cycles = []
        result.changes = []
    return result


def _apply(frame: pd.DataFrame, result: ImportResult, *, user, department, write: bool) -> None:
    codes = frame["indicator_code"].unique().tolist()
    indicators = {
        indicator.code: indicator
        for indicator in Indicator.objects.filter(code__in=codes).select_related(
            "goal__cycle", "goal__owner"
        )
    }
    system = user is None
    allowed = None
    if not system and not can_manage_all_departments(user):
        allowed = set(editable_departments(user).values_list("pk", flat=True))
    if department is not None and not system and allowed is not None:
        if department.pk not in allowed:
            result.add_errors(
                [
                    ImportIssue(
                        None,
                        "",
                        _("You may not import data for %(department)s.")
                        % {"department": department},
                    )
                ]
            )
            return

    issues: list[ImportIssue] = []
    rows = []
    names = frame.attrs.get("columns", {})
    column = {key: names.get(key, key) for key in ("indicator_code", "period", "value")}
    for record in frame.itertuples(index=False):
        indicator = indicators.get(record.indicator_code)
        if indicator is None:
            issues.append(
                ImportIssue(
                    record.row,
                    column["indicator_code"],
                    _("Unknown indicator code “%(code)s”.") % {"code": record.indicator_code},
                )
            )
            continue
        owner = indicator.goal.owner
        if department is not None and owner.pk != department.pk:
            issues.append(
                ImportIssue(
                    record.row,
                    column["indicator_code"],
                    _("Indicator %(code)s belongs to %(owner)s, not to %(department)s.")
                    % {"code": indicator.code, "owner": owner, "department": department},
                )
            )
            continue
        if allowed is not None and owner.pk not in allowed:
            issues.append(
                ImportIssue(
                    record.row,
                    column["indicator_code"],
                    _("You may not edit indicator %(code)s: it belongs to %(owner)s.")
                    % {"code": indicator.code, "owner": owner},
                )
            )
            continue
        cycle = indicator.goal.cycle
        if not cycle.contains_month(record.period):
            issues.append(
                ImportIssue(
                    record.row,
                    column["period"],
                    _(
                        "%(month)s is outside the cycle of indicator %(code)s "
                        "(%(start)s to %(end)s)."
                    )
                    % {
                        "month": f"{record.period:%Y-%m}",
                        "code": indicator.code,
                        "start": f"{cycle.start_date:%Y-%m}",
                        "end": f"{cycle.end_date:%Y-%m}",
                    },
                )
            )
            continue
        if record.percent and "%" not in unicodedata.normalize("NFKC", indicator.unit or ""):
            issues.append(
                ImportIssue(
                    record.row,
                    column["value"],
                    _(
                        "The value has a %% sign but indicator %(code)s is measured in "
                        "“%(unit)s”; write the number without %%."
                    )
                    % {"code": indicator.code, "unit": indicator.unit or "—"},
                )
            )
            continue
        rows.append((record, indicator))
    if issues:
        result.add_errors(issues)
        return

    existing_qs = Measurement.objects.filter(
        indicator_id__in={indicator.pk for _record, indicator in rows},
        period__in=set(frame["period"]),
    )
    if write:
        existing_qs = existing_qs.select_for_update()
    existing = {(m.indicator_id, m.period): m for m in existing_qs}

    to_create: list[Measurement] = []
    to_update: list[Measurement] = []
    corrections: list[MeasurementCorrection] = []
    edit_logs: list[tuple[Measurement, dict]] = []
    affected: dict[int, Cycle] = {}
    actor = user if user is not None and user.is_authenticated else None
    now = timezone.now()
    for record, indicator in rows:
        # The same rules as portal.actions.record_measurement, applied in bulk.
        current = existing.get((indicator.pk, record.period))
        if current is None:
            result.created += 1
            to_create.append(
                Measurement(
                    indicator=indicator,
                    period=record.period,
                    value=record.value,
                    note=record.note,
                    source=record.source,
                    entered_by=actor,
                )
            )
            affected[indicator.goal.cycle.pk] = indicator.goal.cycle
            continue
        if (
            current.value == record.value
            and (not record.note or current.note == record.note)
            and (not record.source or current.source == record.source)
        ):
            result.unchanged += 1
            continue
        affected[indicator.goal.cycle.pk] = indicator.goal.cycle
        old_value = current.value
        reason = record.reason
        if old_value != record.value:
            result.corrected += 1
            reason = reason or DEFAULT_CORRECTION_REASON
            if len(result.changes) < MAX_REPORTED_CHANGES:
                result.changes.append(
                    ImportChange(record.row, indicator.code, record.period, old_value, record.value)
                )
            corrections.append(
                MeasurementCorrection(
                    measurement=current,
                    old_value=old_value,
                    new_value=record.value,
                    old_note=current.note,
                    old_source=current.source,
                    reason=reason,
                    corrected_by=actor,
                )
            )
        else:
            result.updated += 1
        current.indicator = indicator
        current.value = record.value
        if record.note:
            current.note = record.note
        if record.source:
            current.source = record.source
        current.updated_at = now
        to_update.append(current)
        edit_logs.append(
            (
                current,
                {"old_value": str(old_value), "new_value": str(record.value), "reason": reason},
            )
        )
    result.cycles = sorted(affected.values(), key=lambda cycle: (cycle.year, cycle.pk))
    if not write or not (to_create or to_update):
        return

    batch = 1000
    _insert(Measurement, to_create, returning=True)
    _insert(MeasurementCorrection, corrections)
    _update_measurements(to_update, batch_size=batch)
    action_id = uuid.uuid4()
    _log_measurements(to_create, edit_logs, user=actor, action_id=action_id, timestamp=now)
    # Bulk writes send no post_save signal, so invalidate the public page cache here, once.
    portal_cache.bump_data_version()

    from portal.evaluation import recompute_cycle

    for cycle in result.cycles:
        recompute_cycle(cycle)

    log(
        instance=result.cycles[-1],
        action=IMPORT_LOG_ACTION,
        user=actor,
        uuid=action_id,
        data={
            "filename": result.filename,
            "rows": result.rows,
            "created": result.created,
            "corrected": result.corrected,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "cycles": [cycle.year for cycle in result.cycles],
        },
        content_changed=True,
    )


def _insert(model, objects: list, *, returning: bool = False) -> None:
    """bulk_create, or on PostgreSQL a COPY, which is several times faster for 50,000 rows.

    With ``returning`` the new primary keys are set on the objects (the audit entries need them).
    """
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=1000)
        return
    from psycopg.types.json import Jsonb  # PostgreSQL only; the demo on SQLite lacks psycopg

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor: Django's wrapper has no copy()
        if returning:
            # Sequence values are handed out in order within this transaction's nextval calls.
            pk = model._meta.pk
            raw.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, pk.column, len(objects)],
            )
            for obj, (value,) in zip(objects, raw.fetchall(), strict=True):
                obj.pk = value
            fields = [pk, *fields]
            columns = f"{connection.ops.quote_name(pk.column)}, {columns}"
        # Plain attribute values (Decimal, date, str, int, uuid) need no Django conversion; only
        # timestamps (auto_now) and JSON need preparing. This halves the time of a 50,000-row file.
        timestamps = {f.attname for f in fields if getattr(f, "auto_now", False)} | {
            f.attname for f in fields if getattr(f, "auto_now_add", False)
        }
        json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
        now = timezone.now()
        attnames = [f.attname for f in fields]
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                for name in timestamps:
                    setattr(obj, name, now)
                copy.write_row(
                    [
                        Jsonb(getattr(obj, name), dumps=_json_dumps)
                        if name in json_fields
                        else getattr(obj, name)
                        for name in attnames
                    ]
                )


def _json_dumps(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder)


def _update_measurements(measurements: list[Measurement], *, batch_size: int) -> None:
    """Write new value, note and source of many measurements.

    Django's bulk_update builds one CASE per field and row and takes minutes for 50,000 rows; on
    PostgreSQL one UPDATE … FROM (VALUES …) per batch does the same in about a second.
    """
    if connection.vendor != "postgresql":
        Measurement.objects.bulk_update(
            measurements, ["value", "note", "source", "updated_at"], batch_size=batch_size
        )
        return
    table = connection.ops.quote_name(Measurement._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(measurements), batch_size):
            chunk = measurements[start : start + batch_size]
            placeholders = ", ".join(["(%s, %s::numeric, %s, %s, %s::timestamptz)"] * len(chunk))
            params = []
            for m in chunk:
                params += [m.pk, m.value, m.note, m.source, m.updated_at]
            cursor.execute(
                f"UPDATE {table} AS m SET value = v.value, note = v.note, source = v.source, "
                f"updated_at = v.updated_at FROM (VALUES {placeholders}) "
                "AS v(id, value, note, source, updated_at) WHERE m.id = v.id",
                params,
            )


def _log_measurements(created, edited, *, user, action_id, timestamp) -> None:
    """One audit entry per changed measurement, as record_measurement's log() calls write them."""
    log_model = log_registry.get_log_model_for_model(Measurement)
    if log_model is None:
        return
    content_type = ContentType.objects.get_for_model(Measurement, for_concrete_model=False)
    entries = [
        log_model(
            content_type=content_type,
            label=str(measurement),
            action="wagtail.create",
            timestamp=timestamp,
            data={},
            user=user,
            uuid=action_id,
            object_id=str(measurement.pk),
        )
        for measurement in created
    ]
    entries += [
        log_model(
            content_type=content_type,
            label=str(measurement),
            action="wagtail.edit",
            timestamp=timestamp,
            data=data,
            user=user,
            uuid=action_id,
            object_id=str(measurement.pk),
        )
        for measurement, data in edited
    ]
    _insert(log_model, entries)


def error_report_lines(result: ImportResult) -> list[str]:
    """The error report as plain lines (the management command prints these)."""
    lines = []
    for issue in result.errors:
        where = []
        if issue.row is not None:
            where.append(_("row %(row)s") % {"row": issue.row})
        if issue.column:
            where.append(_("column %(column)s") % {"column": issue.column})
        prefix = ", ".join(where)
        lines.append(f"{prefix}: {issue.message}" if prefix else issue.message)
    if result.more_errors:
        lines.append(
            ngettext(
                "… and %(count)s more error.", "… and %(count)s more errors.", result.more_errors
            )
            % {"count": result.more_errors}
        )
    return lines


def summary_line(result: ImportResult) -> str:
    """One sentence with the counts, for messages and the command's output."""
    counts = {
        "created": result.created,
        "corrected": result.corrected,
        "updated": result.updated,
        "unchanged": result.unchanged,
    }
    if result.dry_run:
        return (
            _(
                "Nothing written (dry run). Would create %(created)s, correct %(corrected)s, "
                "update the note or source of %(updated)s; %(unchanged)s unchanged."
            )
            % counts
        )
    return (
        _(
            "Imported: %(created)s new, %(corrected)s corrected, %(updated)s note or source "
            "updated, %(unchanged)s unchanged."
        )
        % counts
    )

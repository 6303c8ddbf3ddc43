"""Reading an import file into rows of measurements, without touching the database.

See portal/importing/__init__.py for the file format.
"""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import PurePath
from typing import IO, Any, NamedTuple

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.importing import reading
from portal.models.codes import CODE_PATTERN
from portal.months import first_of_month, iso_month
from portal.values import is_missing

SUPPORTED_EXTENSIONS = (".csv", ".xlsx")
REQUIRED_COLUMNS = ("indicator_code", "period", "value")
OPTIONAL_COLUMNS = ("note", "source", "reason")
TEXT_LIMITS = {"indicator_code": 50, "note": 500, "source": 200, "reason": 500}
# The indicator code rule (portal.models.codes): a code breaking it cannot exist.
CODE_RE = re.compile(CODE_PATTERN)
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
    #: What kind of problem, for callers that answer differently (the push API's status codes):
    #: ``DEPARTMENT`` (another department's indicator), ``CYCLE`` (a month outside the
    #: indicator's cycle, or a closed cycle), or "" for everything else.
    kind: str = ""


class ParsedRow(NamedTuple):
    """One readable measurement of an import: the row number a spreadsheet shows, the code, the
    month (its first day), the value, whether it was written with a % sign, and the texts."""

    row: int
    indicator_code: str
    period: datetime.date
    value: Decimal
    percent: bool
    note: str
    source: str
    reason: str


class ParsedRows(list):
    """The readable rows of an import (``ParsedRow``), with the header names as written in the
    file (``columns``, so later errors name the column the user sees) and the number of data
    rows read (``data_rows``, rows with a problem included)."""

    def __init__(self, rows=(), *, columns: dict[str, str] | None = None, data_rows: int = 0):
        super().__init__(rows)
        self.columns = columns or {}
        self.data_rows = data_rows


# ImportIssue.kind values.
DEPARTMENT = "department"
CYCLE = "cycle"


class ImportFileError(Exception):
    """A problem with the file as a whole (size, type, encoding): no row can be read."""

    def __init__(self, message: str, column: str = ""):
        super().__init__(message)
        self.issue = ImportIssue(None, column, message)


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


def _read_csv_rows(data: bytes) -> list[list[Any]]:
    try:
        return reading.csv_rows(data)
    except reading.ReadError as exc:
        raise ImportFileError(str(exc)) from None


def _read_xlsx_rows(data: bytes) -> list[list[Any]]:
    try:
        return reading.xlsx_rows(data)
    except reading.ReadError as exc:
        raise ImportFileError(str(exc)) from None


def _cell_text(value: Any) -> str:
    if value.__class__ is str:  # most cells, checked first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float):
        if is_missing(value):  # NaN from an empty spreadsheet cell
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value).strip()


def parse_measurement_file(fileobj: IO[bytes], filename: str) -> tuple[ParsedRows, list]:
    """Read and check an import file without touching the database.

    Returns the readable measurements (``ParsedRows``: one ``ParsedRow`` each, with the row
    number a spreadsheet shows, the code, the month as its first day, the value as a Decimal,
    whether it had a % sign, and the note, source and reason texts) and the list of ImportIssue
    found. Rows with a problem are left out; file-level problems give no rows. The caller must
    not write anything while the list is non-empty.
    """
    empty = ParsedRows()
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


def parse_measurement_records(records: list) -> tuple[ParsedRows, list]:
    """Read and check measurements given as a list of objects (parsed JSON), each with the
    file's columns as keys (``{"indicator_code": "A-01", "period": "2026-03", "value": 12}``).

    The same checks and result as ``parse_measurement_file``; a row number is the object's
    position in the list, counted from 1.
    """
    empty = ParsedRows()
    if not records:
        return empty, [ImportIssue(None, "", _("There are no measurements to import."))]
    if len(records) > reading.max_rows():
        return empty, [ImportIssue(None, "", str(reading.too_many_rows()))]
    issues: list[ImportIssue] = []
    header: dict[str, None] = {}
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            issues.append(
                ImportIssue(
                    number,
                    "",
                    _("Each measurement must be an object with indicator_code, period and value."),
                )
            )
            continue
        for key, value in record.items():
            if isinstance(value, (dict, list)):  # noqa: UP038 (a tuple is faster)
                issues.append(
                    ImportIssue(number, key, _("A value must be a number or text, not a list."))
                )
            header.setdefault(key)
        if len(header) > reading.MAX_COLUMNS:
            return empty, [ImportIssue(None, "", _("The measurements have too many fields."))]
    if issues:
        return empty, issues
    names = list(header)
    rows = [names, *([record.get(name) for name in names] for record in records)]
    return _parse_rows(rows, empty, first_row=1)


def _parse_rows(
    rows: list[list[Any]], empty: ParsedRows, first_row: int = 2
) -> tuple[ParsedRows, list]:
    """Check ``rows`` (a header row, then data); ``first_row`` is the number the first data
    row is reported with (2 in a file: below its header; 1 in a list of objects)."""
    issues: list[ImportIssue] = []
    header_index = next(
        (i for i, cells in enumerate(rows) if any(_cell_text(c) for c in cells)), None
    )
    if header_index is None:
        return empty, [ImportIssue(None, "", _("The file is empty."))]
    header = rows[header_index]
    # A list of objects has no header row to point at.
    header_row = header_index + 1 if first_row == 2 else None
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
    code_at, period_at, value_at = (positions[column] for column in REQUIRED_COLUMNS)
    # Optional columns absent from the file are empty texts, read from no cell.
    text_at = [(column, positions.get(column)) for column in OPTIONAL_COLUMNS]
    bad_rows: set[int] = set()
    period_cache: dict[Any, datetime.date | str] = {}
    # A batch names each indicator once a month: check each distinct code once.
    code_cache: dict[str, tuple[str, str | None]] = {}
    parsed: list[ParsedRow] = []
    # The first row of each indicator and month: the same pair twice is refused even with equal
    # values, since one of the two rows is a mistake and we cannot tell which.
    first_rows: dict[tuple[str, datetime.date], int] = {}
    duplicates: list[ImportIssue] = []
    data_rows = 0
    for index in range(header_index + 1, len(rows)):
        cells = rows[index]
        size = len(cells)
        raw_code = cells[code_at] if code_at < size else None
        raw_period = cells[period_at] if period_at < size else None
        raw_value = cells[value_at] if value_at < size else None
        code = _cell_text(raw_code)
        if not (code or _cell_text(raw_period) or _cell_text(raw_value)):
            continue  # a spacer row or a footnote
        data_rows += 1
        row = index + first_row - 1
        if size > width and any(_cell_text(c) for c in cells[width:]):
            issues.append(
                ImportIssue(
                    row,
                    "",
                    _("This row has more cells than the header row; check for stray commas."),
                )
            )
            bad_rows.add(row)

        try:
            code, problem = code_cache[code]
        except KeyError:
            code, problem = code_cache[code] = _check_code(code)
        if problem:
            issues.append(ImportIssue(row, names["indicator_code"], problem))
            bad_rows.add(row)

        # Most files repeat a handful of months: parse each distinct cell once.
        try:
            period = period_cache[raw_period]
        except KeyError:
            period = period_cache[raw_period] = parse_period(raw_period)
        except TypeError:  # an unhashable cell
            period = parse_period(raw_period)
        if isinstance(period, str):
            issues.append(ImportIssue(row, names["period"], period))
            bad_rows.add(row)
            period = None
        elif code:
            first = first_rows.setdefault((code, period), row)
            if first != row:
                duplicates.append(
                    ImportIssue(
                        row,
                        names["period"],
                        _(
                            "Indicator %(code)s already has a value for %(month)s in row "
                            "%(first)s; each indicator and month may appear only once."
                        )
                        % {"code": code, "month": iso_month(period), "first": first},
                    )
                )
                bad_rows.add(row)

        value = parse_value(raw_value)
        if isinstance(value, str):
            issues.append(ImportIssue(row, names["value"], value))
            bad_rows.add(row)
            value = (None, False)

        texts = []
        for column, spot in text_at:
            text = _cell_text(cells[spot]) if spot is not None and spot < size else ""
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
            elif "\x00" in text:  # JSON may carry one; PostgreSQL stores no NUL in a text
                issues.append(
                    ImportIssue(
                        row,
                        names[column],
                        _("This text contains a NUL character, which cannot be stored: remove it."),
                    )
                )
                bad_rows.add(row)
            texts.append(text)
        parsed.append(ParsedRow(row, code, period, *value, *texts))
    if not data_rows:
        return empty, [
            ImportIssue(None, "", _("The file has a header row but no measurements below it."))
        ]

    issues += duplicates
    issues.sort(key=lambda issue: issue.row or 0)
    # Header names as written in the file, so later errors name the column the user sees.
    good = ParsedRows(
        (record for record in parsed if record.row not in bad_rows),
        columns=names,
        data_rows=data_rows,
    )
    return good, issues


def _check_code(text: str) -> tuple[str, str | None]:
    """An indicator code cell's code and what is wrong with it (None: nothing)."""
    code = text if text.isascii() else unicodedata.normalize("NFKC", text)
    if not code:
        return code, _("The indicator code is missing.")
    if len(code) > TEXT_LIMITS["indicator_code"]:
        return code, _("The indicator code is too long.")
    if not CODE_RE.match(code):
        return code, _(
            "The indicator code %(code)s may contain only Latin letters, digits and hyphens (-)."
        ) % {"code": code}
    return code, None


def parse_period(raw: Any) -> datetime.date | str:
    """The first day of the month a cell names, or the error message to show."""
    if isinstance(raw, datetime.date):  # datetimes and pandas Timestamps too
        return first_of_month(raw)
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
    elif isinstance(raw, Decimal) and raw.is_finite():  # a JSON number (parse_float=Decimal)
        value, percent = raw, False
    elif isinstance(raw, float):
        if is_missing(raw):
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

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

from portal.importing.parsing import (
    COLUMN_ALIASES,
    CYCLE,
    DEPARTMENT,
    SUPPORTED_EXTENSIONS,
    ImportFileError,
    ImportIssue,
    check_file_basics,
    parse_measurement_file,
    parse_measurement_records,
    parse_period,
    parse_value,
)
from portal.importing.writing import (
    DEFAULT_CORRECTION_REASON,
    IMPORT_LOG_ACTION,
    MAX_REPORTED_ERRORS,
    ImportChange,
    ImportResult,
    error_report_lines,
    import_measurement_records,
    import_measurements,
    import_parsed,
    summary_line,
)

__all__ = [
    "COLUMN_ALIASES",
    "CYCLE",
    "DEPARTMENT",
    "DEFAULT_CORRECTION_REASON",
    "IMPORT_LOG_ACTION",
    "MAX_REPORTED_ERRORS",
    "SUPPORTED_EXTENSIONS",
    "ImportChange",
    "ImportFileError",
    "ImportIssue",
    "ImportResult",
    "check_file_basics",
    "error_report_lines",
    "import_measurement_records",
    "import_measurements",
    "import_parsed",
    "parse_measurement_file",
    "parse_measurement_records",
    "parse_period",
    "parse_value",
    "summary_line",
]

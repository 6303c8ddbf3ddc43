"""Reading an import file's cells row by row, within bounds an upload cannot exceed.

An upload is at most ``PORTAL_IMPORT_MAX_BYTES``, but what it unpacks to is not: an XLSX is a
zip (a 125 KB workbook unpacked to 40 MB took 30 s and ~490 MB), and a CSV of a million junk
rows made a million Python lists (~926 MB from 6 MB). So a workbook whose zip declares more
than ``PORTAL_IMPORT_MAX_UNPACKED_BYTES`` is refused before any XML is parsed (``zipfile``
never inflates a member past its declared size: a lying header ends in a CRC error), a sheet
is read streaming (openpyxl's read-only mode) and a CSV line by line, and both stop at
``PORTAL_IMPORT_MAX_ROWS`` rows, ``MAX_COLUMNS`` columns and ``MAX_LINE_CHARS`` characters a
line, with a message an editor can act on.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

# The format has six columns; a sheet may carry others beside them, never hundreds.
MAX_COLUMNS = 100
# A measurement's row is under 2,000 characters (a note is at most 500).
MAX_LINE_CHARS = 100_000
_TEXT_SAMPLE = 20_000


class ReadError(Exception):
    """The file cannot be read as a table of measurements (the message says why)."""


def max_rows() -> int:
    return settings.PORTAL_IMPORT_MAX_ROWS


def max_unpacked_bytes() -> int:
    return getattr(settings, "PORTAL_IMPORT_MAX_UNPACKED_BYTES", None) or (
        settings.PORTAL_IMPORT_MAX_BYTES
    )


def too_many_rows() -> ReadError:
    return ReadError(
        _(
            "The file has more than %(max)s rows. Split it into smaller files "
            "(for example one per year) and import them one by one."
        )
        % {"max": f"{max_rows():,}"}
    )


def _capped(rows: Iterable[list[Any]]) -> list[list[Any]]:
    """The rows, each cut to MAX_COLUMNS cells and its trailing empty ones, at most max_rows()."""
    limit = max_rows()
    kept: list[list[Any]] = []
    for row in rows:
        if len(kept) >= limit:
            raise too_many_rows()
        cells = list(row[:MAX_COLUMNS])
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells.pop()
        kept.append(cells)
    return kept


# --- CSV -----------------------------------------------------------------------------------


def not_text_message() -> str:
    return _(
        "The file could not be read as text (tried UTF-8 and GBK). "
        "Save it from Excel or WPS as “CSV UTF-8” or as .xlsx and upload it again."
    )


def looks_like_text(text: str) -> bool:
    sample = text[:_TEXT_SAMPLE]
    if not sample:
        return True
    odd = sum(
        1
        for ch in sample
        if (unicodedata.category(ch) in ("Cc", "Co", "Cs") and ch not in "\t\r\n") or ch == "\ufffd"
    )
    return odd <= max(2, len(sample) // 200)


def _encodings(data: bytes) -> list[tuple[int, str]]:
    """Where the text starts and which encodings to try, in order: what Chinese offices save
    (UTF-8 with or without BOM, UTF-16 with BOM, GB18030 — a superset of GBK and GB2312)."""
    if data.startswith(codecs.BOM_UTF8):
        return [(len(codecs.BOM_UTF8), "utf-8")]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return [(0, "utf-16")]
    if b"\x00" in data:
        raise ReadError(not_text_message())
    return [(0, "utf-8"), (0, "gb18030")]


def _lines(data: bytes, start: int, encoding: str) -> Iterator[str]:
    """The text's lines, decoded as they are read; a line over MAX_LINE_CHARS is refused."""
    stream = io.TextIOWrapper(io.BytesIO(data[start:]), encoding=encoding, newline="")
    for number, line in enumerate(stream, start=1):
        if len(line) > MAX_LINE_CHARS:
            raise ReadError(
                _(
                    "Line %(line)s is longer than %(max)s characters: "
                    "this is not a table of measurements."
                )
                % {"line": number, "max": f"{MAX_LINE_CHARS:,}"}
            )
        yield line


def _sample(data: bytes, start: int, encoding: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)()
    return decoder.decode(data[start : start + _TEXT_SAMPLE * 4], final=False)


def csv_rows(data: bytes) -> list[list[Any]]:
    """The rows of a CSV (comma-, tab- or semicolon-separated), read line by line."""
    if data.startswith(b"PK\x03\x04"):
        raise ReadError(
            _("This file is an Excel workbook named .csv: rename it to .xlsx or save it as CSV.")
        )
    for start, encoding in _encodings(data):
        try:
            if not looks_like_text(_sample(data, start, encoding)):
                break
            return _csv_rows(_lines(data, start, encoding))
        except UnicodeDecodeError:
            continue
    raise ReadError(not_text_message())


def _csv_rows(lines: Iterator[str]) -> list[list[Any]]:
    # The first non-empty line decides the delimiter; the lines read to find it are read again.
    seen: list[str] = []
    for line in lines:
        seen.append(line)
        if line.strip():
            break
    first_line = seen[-1] if seen else ""
    delimiter = ","
    if "," not in first_line:
        delimiter = next((c for c in ("\t", ";") if c in first_line), ",")
    reader = csv.reader(itertools.chain(seen, lines), delimiter=delimiter)
    try:
        return _capped(reader)
    except csv.Error as exc:
        # The csv module's field limit (csv.field_size_limit()), a NUL inside a field…: one
        # cell the module cannot read makes the file unreadable, said with its line.
        if "field larger than field limit" in str(exc):
            message = _(
                "A cell near line %(line)s is longer than %(max)s characters: "
                "check for an unclosed quotation mark."
            ) % {"line": reader.line_num, "max": f"{csv.field_size_limit():,}"}
        else:
            message = _("Line %(line)s cannot be read as CSV: %(error)s") % {
                "line": reader.line_num,
                "error": exc,
            }
        raise ReadError(message) from None


# --- XLSX ----------------------------------------------------------------------------------


def not_xlsx_message() -> str:
    return _("The file is not a valid .xlsx workbook. Save it again from Excel or WPS.")


def xlsx_rows(data: bytes) -> list[list[Any]]:
    """The first sheet's rows (row n of the list is the sheet's row n + 1), read streaming."""
    import openpyxl  # only imports need it

    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(
            _("This is an old Excel 97–2003 file named .xlsx: save it as .xlsx or CSV.")
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ReadError(not_xlsx_message()) from None
    if unpacked > max_unpacked_bytes():
        raise ReadError(
            _(
                "The workbook unpacks to %(size)s MB, more than the %(max)s MB an import may "
                "hold. Split it into smaller files, or save it as CSV."
            )
            % {"size": _megabytes(unpacked), "max": _megabytes(max_unpacked_bytes())}
        )
    try:
        book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
        try:
            sheet = book.worksheets[0]
            # Gaps between rows come back as empty rows, so the numbering stays the sheet's.
            return _capped(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS))
        finally:
            book.close()
    except ReadError:
        raise
    except Exception:  # openpyxl raises many types for broken workbooks
        raise ReadError(not_xlsx_message()) from None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")

"""Report blocks of uploaded files: a data table read from a CSV or XLSX document, and a list
of attachments (Wagtail documents).

An uploaded table is read with the import's safe reading (``portal.importing.reading``: bounded
size, rows and columns; the encodings Chinese offices use) when the editor saves the report, so
a file that cannot be shown is refused then, with a message naming the problem.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _now
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock

from disclosure.figure_blocks import FiguresBlock
from disclosure.figures import column, empty_figures
from portal.importing.reading import ReadError, csv_rows, xlsx_rows
from portal.values import is_blank

# A table in a report is read by people: more rows than this belongs in a download instead.
MAX_TABLE_ROWS = 500
MAX_TABLE_COLUMNS = 30
MAX_TABLE_BYTES = 5 * 1024 * 1024
PREVIEW_ROWS = [["区", "办件量"], ["东城区", "1200"], ["西城区", "980"]]


def read_table(name: str, data: bytes) -> list[list[str]]:
    """The non-empty rows of a CSV or XLSX file as text cells; ``ReadError`` saying what is
    wrong (type, size, encoding, too many rows or columns, empty)."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ("csv", "xlsx"):
        raise ReadError(
            _now("Upload a .csv or .xlsx file (this one is “%(name)s”).") % {"name": name}
        )
    if len(data) > MAX_TABLE_BYTES:
        raise ReadError(
            _now("The file is larger than %(max)s MB; a report table must be smaller.")
            % {"max": MAX_TABLE_BYTES // (1024 * 1024)}
        )
    raw = csv_rows(data) if extension == "csv" else xlsx_rows(data)
    texts = [["" if is_blank(cell) else str(cell).strip() for cell in row] for row in raw]
    rows = [row for row in texts if any(row)]
    if not rows:
        raise ReadError(_now("The file has no rows with data."))
    if len(rows) > MAX_TABLE_ROWS + 1:
        raise ReadError(
            _now("The table has %(count)s rows; a report table may have at most %(max)s.")
            % {"count": len(rows) - 1, "max": MAX_TABLE_ROWS}
        )
    width = max(len(row) for row in rows)
    if width > MAX_TABLE_COLUMNS:
        raise ReadError(
            _now("The table has %(count)s columns; a report table may have at most %(max)s.")
            % {"count": width, "max": MAX_TABLE_COLUMNS}
        )
    return [row + [""] * (width - len(row)) for row in rows]


def document_table(document) -> list[list[str]]:
    with document.open_file() as handle:
        data = handle.read()
    return read_table(document.filename, data)


class UploadedTableBlock(FiguresBlock):
    """A table from an uploaded CSV or XLSX file, with its caption, source and note."""

    caption = blocks.CharBlock(
        label=_("Caption"), max_length=200, help_text=_("Says what the table shows and for when.")
    )
    document = DocumentChooserBlock(
        label=_("File"),
        help_text=_("A CSV or XLSX file whose first row holds the column headings."),
    )
    source = blocks.CharBlock(label=_("Source"), required=False, max_length=200)
    note = blocks.TextBlock(label=_("Note"), required=False)

    class Meta:
        icon = "table"
        label = _("Uploaded data table")
        description = _(
            "A table from a CSV or XLSX file (first row: headings), checked when you save, "
            "shown as an accessible table with downloads."
        )
        preview_value = {"caption": "表2 各区办件量", "document": None, "source": "市政务服务中心"}

    def clean(self, value):
        value = super().clean(value)
        document = value.get("document")
        if document is not None:
            try:
                document_table(document)
            except (ReadError, OSError) as error:
                message = (
                    str(error)
                    if isinstance(error, ReadError)
                    else _now("The file cannot be opened.")
                )
                raise blocks.StructBlockValidationError(
                    block_errors={"document": ValidationError(message)}
                ) from None
        return value

    def compute_figures(self, value) -> dict:
        title = value.get("caption") or _now("Data table")
        document = value.get("document")
        if document is None:
            return empty_figures(title, _now("The table's file has been removed."))
        try:
            rows = document_table(document)
        except (ReadError, OSError):
            return empty_figures(title, _now("The table's file can no longer be read."))
        return self.table_figures(value, rows)

    def table_figures(self, value, rows: list[list[str]]) -> dict:
        """The figures of a table whose first row holds the headings."""
        header, body = rows[0], rows[1:]
        columns = [column(f"c{n}", text or f"#{n + 1}") for n, text in enumerate(header)]
        return {
            "title": value.get("caption") or _now("Data table"),
            "summary": "",
            "columns": columns,
            "rows": [{f"c{n}": cell for n, cell in enumerate(row)} for row in body],
            "chart": None,
            "values": [],
            "missing": "" if body else _now("The file has headings but no rows."),
            "source": value.get("source") or "",
            "note": value.get("note") or "",
        }

    def get_preview_context(self, value, parent_context=None):
        # The block picker has no uploaded file to read: an example table stands in.
        context = super().get_preview_context(value, parent_context)
        context["figures_by_block"] = {"preview": self.table_figures(value, PREVIEW_ROWS)}
        return context

    def get_searchable_content(self, value):
        content = [value.get("caption") or "", value.get("source") or "", value.get("note") or ""]
        return [text for text in content if text]


class AttachmentsBlock(blocks.StructBlock):
    """Files that go with the report (the full data, the signed original, annexes)."""

    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)
    documents = blocks.ListBlock(DocumentChooserBlock(label=_("Document")), label=_("Documents"))

    class Meta:
        icon = "doc-full-inverse"
        label = _("Attachments")
        template = "blocks/attachments.html"
        description = _("Files that go with the report, listed with their type and size.")
        preview_value = {"heading": "附件", "documents": []}

    def get_searchable_content(self, value):
        titles = [d.title for d in value.get("documents") or [] if d is not None]
        return [t for t in [value.get("heading") or "", *titles] if t]

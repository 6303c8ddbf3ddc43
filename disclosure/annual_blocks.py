"""The annual report's three fixed tables as StreamField blocks (国办公开办函〔2021〕30号).

Each table is a StructBlock of rows, each row a StructBlock of number inputs: the rows and
columns are the statutory ones (``disclosure.annual``), so an editor fills in figures and never
draws a table. ``clean`` names every refused cell by its row and column labels — an empty cell,
a figure that is not a number, a negative count, a total that does not add up — in the block's
error and on the cell itself. Real reports print totals that do not add up; the editor keeps
them only by ticking “as printed in the source”, and the public page then marks each such cell.
Each cell is searchable as “row label column label value”.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from disclosure import annual
from disclosure.annual import Line

# Editors' word for the confirmation (按原文照录), also the mark on the public page.
AS_PRINTED = _("As printed in the source")


def _cell_block(column: Line) -> blocks.FieldBlock:
    if column.key in annual.DECIMAL_COLUMNS:
        return blocks.DecimalBlock(required=False, label=column.short, decimal_places=2)
    return blocks.IntegerBlock(required=False, label=column.short)


class FixedTableBlock(blocks.StructBlock):
    """A statutory table: fixed rows of number inputs, the as-printed confirmation, a note."""

    title = ""

    def layout(self) -> list[tuple[Line, tuple[Line, ...]]]:
        """The stored rows, each with its columns."""
        raise NotImplementedError

    def discrepancies(self, grid: annual.Grid) -> list[annual.Discrepancy]:
        return []

    def __init__(self, local_blocks=None, **kwargs):
        rows = [
            (
                row.key,
                blocks.StructBlock(
                    [(column.key, _cell_block(column)) for column in columns],
                    label=row.label,
                    form_classname="annual-table-row",
                ),
            )
            for row, columns in self.layout()
        ]
        rows += [
            (
                "as_printed",
                blocks.BooleanBlock(
                    required=False,
                    label=AS_PRINTED,
                    help_text=_(
                        "按原文照录: tick only when entering a report as published whose totals "
                        "do not add up or whose cells are blank; the public page marks each "
                        "such total."
                    ),
                ),
            ),
            (
                "note",
                blocks.TextBlock(
                    required=False,
                    label=_("Note"),
                    help_text=_("Printed under the table, e.g. where the source's layout differs."),
                ),
            ),
        ]
        super().__init__(local_blocks=rows + list(local_blocks or []), **kwargs)

    # ---- values -------------------------------------------------------------------------

    def grid(self, value) -> dict[str, dict[str, int | Decimal | None]]:
        """The figures as ``{row: {column: number or None}}`` (the checks' input)."""
        result = {}
        for row, columns in self.layout():
            cells = value.get(row.key) or {}
            result[row.key] = {c.key: _number(cells.get(c.key)) for c in columns}
        return result

    def clean(self, value):
        confirmed = bool(value.get("as_printed"))
        drafting = self.is_deferred_validation  # a draft may leave cells to fill in later
        cell_errors: dict[str, dict[str, ValidationError]] = {}
        messages: list[str] = []

        def refuse(row: Line, column: Line, message: str):
            cell_errors.setdefault(row.key, {})[column.key] = ValidationError(message)
            messages.append(f"{row.label} / {column.label}: {message}")

        cleaned: dict[str, dict] = {}
        for row, columns in self.layout():
            raw_row = value.get(row.key) or {}
            cells = cleaned[row.key] = {}
            for column in columns:
                raw = raw_row.get(column.key)
                cells[column.key] = None
                if raw is None or str(raw).strip() == "":
                    if not confirmed and not drafting:
                        refuse(row, column, str(_("the cell is empty (enter 0 for none).")))
                    continue
                try:
                    number = self.child_blocks[row.key].child_blocks[column.key].clean(raw)
                except ValidationError:
                    refuse(row, column, str(_("“%(raw)s” is not a number.") % {"raw": raw}))
                    continue
                if number < 0:
                    refuse(row, column, str(_("%(value)s is negative.") % {"value": number}))
                    continue
                cells[column.key] = number
        if not confirmed:
            for found in self.discrepancies(cleaned):
                if found.printed is None and drafting:
                    continue
                if found.column.key in cell_errors.get(found.row.key, {}):
                    continue
                refuse(
                    found.row,
                    found.column,
                    str(
                        _("the total reads %(printed)s, but %(parts)s add up to %(expected)s.")
                        % {
                            "printed": "—" if found.printed is None else found.printed,
                            "parts": found.parts,
                            "expected": found.expected,
                        }
                    ),
                )
        if messages:
            if not confirmed:
                messages.append(
                    str(
                        _("If the published report prints these figures, tick “%(confirm)s”.")
                        % {"confirm": AS_PRINTED}
                    )
                )
            raise blocks.StructBlockValidationError(
                block_errors={
                    row: blocks.StructBlockValidationError(block_errors=errors)
                    for row, errors in cell_errors.items()
                },
                non_block_errors=ErrorList(messages),
            )
        items = [
            (name, self.child_blocks[name].normalize(cleaned[name]) if name in cleaned else val)
            for name, val in value.items()
        ]
        return self._to_struct_value(items)

    def get_searchable_content(self, value):
        """Each figure with its row and column labels, e.g. “行政复议 总计 0”."""
        content = [self.title]
        grid = self.grid(value)
        for row, columns in self.layout():
            for column in columns:
                number = grid[row.key][column.key]
                if number is not None:
                    content.append(f"{row.label} {column.label} {_text(number)}")
        if value.get("note"):
            content.append(value["note"])
        return content

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        grid = self.grid(value)
        flagged = {d.cell: d for d in self.discrepancies(grid)}
        context.update(title=self.title, grid=grid, as_printed=flagged.values())
        context["flagged"] = flagged
        return context


def _number(raw):
    if raw is None or str(raw).strip() == "":
        return None
    try:
        return Decimal(str(raw)) if "." in str(raw) else int(raw)
    except (ValueError, ArithmeticError):
        return None


def _text(number) -> str:
    return f"{number:.2f}" if isinstance(number, Decimal) else str(number)


def _cell(grid, flagged, row: Line, column: Line, headers: str) -> dict:
    found = flagged.get((row.key, column.key))
    return {
        "value": grid[row.key][column.key],
        "headers": headers,
        "as_printed": found,
        "label": f"{row.label} {column.label}",
    }


class ProactiveDisclosureTableBlock(FixedTableBlock):
    """二、主动公开政府信息情况: the four parts under 第二十条 (no totals)."""

    title = annual.TABLE2_TITLE

    class Meta:
        icon = "table"
        label = _("Annual report table: proactive disclosure (二)")
        template = "blocks/annual_proactive_table.html"
        description = _(
            "Table 二 of the statutory annual report: rules, normative documents, licences, "
            "penalties, enforcement and fees, in the official layout."
        )
        preview_value = {
            "rules": {"issued": 0, "repealed": 0, "in_force": 3},
            "normative_documents": {"issued": 2, "repealed": 1, "in_force": 12},
            "licensing": {"decisions": 550},
            "penalty": {"decisions": 4119},
            "coercion": {"decisions": 195},
            "fees": {"amount": "7730.28"},
        }

    def layout(self):
        return [(row, s.columns) for s in annual.TABLE2_SECTIONS for row in s.rows]

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        grid, prefix = context["grid"], f"t2-{context.get('block_id', 'x')}"
        width = max(len(s.columns) for s in annual.TABLE2_SECTIONS)
        sections = []
        for n, section in enumerate(annual.TABLE2_SECTIONS):
            sid = f"{prefix}-s{n}"
            columns = [
                {
                    "text": c.short,
                    "id": f"{sid}-{c.key}",
                    "colspan": width - len(section.columns) + 1
                    if i == len(section.columns) - 1
                    else 1,
                }
                for i, c in enumerate(section.columns)
            ]
            rows = []
            for row in section.rows:
                rid = f"{sid}-{row.key}"
                cells = [
                    {
                        **_cell(grid, {}, row, c, f"{sid} {rid} {col['id']}"),
                        "colspan": col["colspan"],
                    }
                    for c, col in zip(section.columns, columns, strict=True)
                ]
                rows.append({"id": rid, "label": row.short, "cells": cells})
            sections.append(
                {
                    "id": sid,
                    "title": section.title,
                    "columns": columns,
                    "rows": rows,
                    "content_id": f"{sid}-content",
                }
            )
        context.update(sections=sections, width=width + 1)
        return context


class ApplicationsTableBlock(FixedTableBlock):
    """三、收到和处理政府信息公开申请情况: 25 rows by the seven applicant columns."""

    title = annual.TABLE3_TITLE

    class Meta:
        icon = "table"
        label = _("Annual report table: applications (三)")
        template = "blocks/annual_grid_table.html"
        description = _(
            "Table 三 of the statutory annual report: applications received and how they were "
            "handled, by applicant, in the official layout; totals are checked."
        )
        preview_value = {
            "new_received": {"natural": 21, "total": 21},
            "partial": {"natural": 4, "total": 4},
            "unable_not_held": {"natural": 17, "total": 17},
            "total_processed": {"natural": 21, "total": 21},
            "as_printed": True,
        }

    def layout(self):
        return [(row, annual.TABLE3_COLUMNS) for row in annual.TABLE3_ROWS]

    def discrepancies(self, grid):
        return annual.table3_discrepancies(grid)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        prefix = f"t3-{context.get('block_id', 'x')}"
        rows, columns = annual.TABLE3_ROWS, annual.TABLE3_COLUMNS
        row_ids = annual.header_ids(rows, f"{prefix}-r")
        col_ids = annual.header_ids(columns, f"{prefix}-c")
        body = []
        for row, headers in zip(rows, annual.row_headers(rows, f"{prefix}-r"), strict=True):
            cells = [
                _cell(
                    context["grid"],
                    context["flagged"],
                    row,
                    c,
                    f"{row_ids[row.key]} {col_ids[c.key]}",
                )
                for c in columns
            ]
            body.append({"headers": headers, "cells": cells})
        context.update(
            header_rows=annual.column_header_rows(columns, f"{prefix}-c"),
            corner={"text": annual.TABLE3_NOTE, "rowspan": 3, "colspan": 3},
            colgroup=["label-0", "label-1", "label-2"] + ["num"] * len(columns),
            body=body,
        )
        return context


class ReviewLitigationTableBlock(FixedTableBlock):
    """四、政府信息公开行政复议、行政诉讼情况: one row of fifteen figures."""

    title = annual.TABLE4_TITLE

    class Meta:
        icon = "table"
        label = _("Annual report table: review and litigation (四)")
        template = "blocks/annual_grid_table.html"
        description = _(
            "Table 四 of the statutory annual report: administrative reviews and lawsuits about "
            "disclosure, in the official layout; totals are checked."
        )
        preview_value = {
            "review": {"upheld": 10, "corrected": 1, "other": 0, "pending": 0, "total": 11},
            "litigation_direct": {
                "upheld": 0,
                "corrected": 0,
                "other": 0,
                "pending": 0,
                "total": 0,
            },
            "litigation_after_review": {
                "upheld": 5,
                "corrected": 0,
                "other": 0,
                "pending": 0,
                "total": 5,
            },
        }

    def layout(self):
        return [(group, annual.TABLE4_MEASURES) for group in annual.TABLE4_GROUPS]

    def discrepancies(self, grid):
        return annual.table4_discrepancies(grid)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        prefix = f"t4-{context.get('block_id', 'x')}-c"
        columns = annual.table4_columns()
        col_ids = annual.header_ids(columns, prefix)
        groups = {g.key: g for g in annual.TABLE4_GROUPS}
        measures = {m.key: m for m in annual.TABLE4_MEASURES}
        cells = []
        for column in columns:
            group, measure = column.key.split(".")
            cells.append(
                _cell(
                    context["grid"],
                    context["flagged"],
                    groups[group],
                    measures[measure],
                    col_ids[column.key],
                )
            )
        context.update(
            header_rows=annual.column_header_rows(columns, prefix, stretch_first=True),
            corner=None,
            colgroup=["num"] * len(columns),
            body=[{"headers": [], "cells": cells}],
        )
        return context

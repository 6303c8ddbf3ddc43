"""An annual report from a transcribed source (the JSON of ``tests/data/annual_report_*.json``).

``annual_report_body`` turns the source's three tables into the body of a statutory annual
report (the six section headings, the tables as their fixed blocks) and checks them as the
editor's save would; ``import_annual_report`` creates the report page (a draft unless asked).
A total the source prints wrongly is refused unless ``as_printed`` is given, and then only the
tables that need it are confirmed as printed (the public page marks those cells).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping

from wagtail.blocks import StructBlockValidationError

from disclosure import annual
from disclosure.blocks import ReportBodyBlock

TABLE_KEYS = {
    "annual_proactive": "table_2_主动公开政府信息情况",
    "annual_applications": "table_3_收到和处理政府信息公开申请情况",
    "annual_review_litigation": "table_4_政府信息公开行政复议、行政诉讼情况",
}


class SourceError(ValueError):
    """The source cannot be entered as it stands; the message says where."""


def _table2(source: Mapping) -> dict:
    values: dict = {}
    for section in annual.TABLE2_SECTIONS:
        part = source.get(section.title) or {}
        for row in section.rows:
            cells = part.get(row.short) or {}
            values[row.key] = {c.key: cells.get(c.short) for c in section.columns}
    return values


def _table3(source: Mapping) -> tuple[dict, list[str]]:
    by_label = {"/".join(c.path[1:]): c.key for c in annual.TABLE3_COLUMNS}
    values: dict = {}
    notes: list[str] = []
    for row in source.get("rows", []):
        cells = row.get("values")
        if row["key"] == "other_single_row":
            # The pre-2021 layout: one undivided （六）其他处理 row. Its figures cannot be split
            # among the three sub-rows; zeros stay blank there, anything else is refused.
            if any(cells.values()):
                raise SourceError("（六）其他处理 is one undivided row with figures other than 0.")
            notes.append("原表“（六）其他处理”为一行、未分1—3项，各栏均为0；此处1—3项空白。")
            continue
        if cells is None:
            continue
        values[row["key"]] = {by_label[label]: n for label, n in cells.items()}
        printed = re.sub(r"\s+", "", row.get("label_as_printed") or "")
        standard = row["label_standard"].rsplit("/", 1)[-1]
        if printed and printed != standard:  # a typo of the source, not a stray line break
            notes.append(f"原表行名“{printed}”，按标准格式录为“{standard}”。")
    return values, notes


def _table4(source: Mapping) -> dict:
    groups = {"/".join(g.path): g.key for g in annual.TABLE4_GROUPS}
    measures = {m.short: m.key for m in annual.TABLE4_MEASURES}
    return {
        groups[group]: {measures[label]: n for label, n in cells.items()}
        for group, cells in source.items()
    }


def annual_report_body(data: Mapping, *, as_printed: bool = False) -> tuple[list, list[str]]:
    """The report body (StreamField data) and the tables confirmed as printed. Raises
    ``SourceError`` naming each refused cell."""
    table3, notes3 = _table3(data[TABLE_KEYS["annual_applications"]])
    tables = {
        "annual_proactive": {**_table2(data[TABLE_KEYS["annual_proactive"]]), "note": ""},
        "annual_applications": {**table3, "note": "\n".join(notes3)},
        "annual_review_litigation": {
            **_table4(data[TABLE_KEYS["annual_review_litigation"]]),
            "note": "",
        },
    }
    stream = ReportBodyBlock()
    confirmed = []
    for name, value in tables.items():
        block = stream.child_blocks[name]
        value["as_printed"] = bool(notes3) if name == "annual_applications" else False
        try:
            block.clean(block.to_python(value))
        except StructBlockValidationError as refused:
            if not as_printed:
                messages = [
                    m for error in refused.non_block_errors.as_data() for m in error.messages
                ]
                raise SourceError("\n".join(messages)) from None
            value["as_printed"] = True
            block.clean(block.to_python(value))
        if value["as_printed"]:
            confirmed.append(block.title)
    body = [("heading", annual.SECTIONS[0])]
    for section, name in zip(annual.SECTIONS[1:4], tables, strict=True):
        body += [("heading", section), (name, tables[name])]
    body += [("heading", annual.SECTIONS[4]), ("heading", annual.SECTIONS[5])]
    return body, confirmed


def publication_date(data: Mapping) -> datetime.date:
    """The date the source gives, else 31 January of the next year (the statutory deadline)."""
    found = re.search(r"(\d{4})-(\d{2})-(\d{2})", str(data.get("published") or ""))
    if found:
        return datetime.date(*map(int, found.groups()))
    return datetime.date(int(data["report_year"]) + 1, 1, 31)


def _free_slug(index, slug: str) -> str:
    """``slug``, or ``slug-2``, ``slug-3`` … where a sibling has it (ASCII: a readable URL)."""
    taken = set(index.get_children().values_list("slug", flat=True))
    candidate, n = slug, 1
    while candidate in taken:
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


def import_annual_report(
    data: Mapping, *, index=None, as_printed: bool = False, publish: bool = False, user=None
):
    """Create the annual report page from ``data``; a draft unless ``publish``."""
    from disclosure.factories import report_index
    from disclosure.models import ReportKind, ReportPage

    body, _confirmed = annual_report_body(data, as_printed=as_printed)
    index = index or report_index()
    year = int(data["report_year"])
    page = ReportPage(
        title=data["title"],
        slug=_free_slug(index, f"annual-report-{year}"),
        kind=ReportKind.DISCLOSURE,
        year=year,
        report_date=publication_date(data),
        publisher=data.get("publisher") or "",
        body=body,
        live=False,
    )
    index.add_child(instance=page)
    revision = page.save_revision(user=user)
    if publish:
        revision.publish(user=user)
        page.refresh_from_db()
    return page

"""The annual report's fixed tables: every refused figure named by its cell, the as-printed
confirmation, the official layout's merged headers, and each figure searchable with its labels.
No database: the tables are blocks and pure checks."""

from __future__ import annotations

import pytest
from wagtail.blocks import StructBlockValidationError

from disclosure import annual
from disclosure.annual_blocks import (
    ApplicationsTableBlock,
    ProactiveDisclosureTableBlock,
    ReviewLitigationTableBlock,
)

# The refusals are asserted in their English wording (zh-hans is the default language).
pytestmark = pytest.mark.usefixtures("english")


def full_table3(overrides=None) -> dict:
    """A table 3 that adds up: 5 new and 1 carried over, 4 granted and 1 denied (state secret),
    1 carried forward, all by natural persons; every other cell 0."""
    figures = {
        "new_received": 5,
        "carried_over": 1,
        "granted": 4,
        "deny_state_secret": 1,
        "total_processed": 5,
        "carried_forward": 1,
    }
    value = {}
    for row in annual.TABLE3_ROWS:
        n = figures.get(row.key, 0)
        value[row.key] = {c.key: 0 for c in annual.TABLE3_COLUMNS}
        value[row.key].update(natural=n, total=n)
    for (row, column), n in (overrides or {}).items():
        value[row][column] = n
    return value


def full_table4(**groups) -> dict:
    value = {g.key: {m.key: 0 for m in annual.TABLE4_MEASURES} for g in annual.TABLE4_GROUPS}
    for group, cells in groups.items():
        value[group].update(cells)
    return value


def refused(block, value) -> tuple[list[str], dict]:
    """The block's messages and the refused cells, as the editor sees them (the admin form
    hands ``clean`` the raw inputs, as here)."""
    with pytest.raises(StructBlockValidationError) as caught:
        block.clean(value)
    error = caught.value
    messages = [m for e in error.non_block_errors.as_data() for m in e.messages]
    cells = {
        (row, column)
        for row, row_error in error.block_errors.items()
        for column in row_error.block_errors
    }
    return messages, cells


def test_a_table_that_adds_up_is_accepted():
    block = ApplicationsTableBlock()
    value = block.clean(block.to_python(full_table3()))
    assert value["total_processed"]["natural"] == 5


def test_a_row_total_that_does_not_add_up_is_named_by_its_cell():
    value = full_table3({("new_received", "business"): 2})  # 总计 still says 5
    messages, cells = refused(ApplicationsTableBlock(), value)
    assert ("new_received", "total") in cells
    assert messages[0] == (
        "一、本年新收政府信息公开申请数量 / 申请人情况 总计: the total reads 5, but "
        "自然人 + 法人或其他组织各栏 add up to 7."
    )
    assert "tick “As printed in the source”" in messages[-1]


def test_the_outcome_total_and_the_balance_are_checked_column_by_column():
    value = full_table3({("granted", "natural"): 3, ("granted", "total"): 3})
    messages, cells = refused(ApplicationsTableBlock(), value)
    # 三（七）总计 no longer equals （一）…（六）, in the 自然人 and the 总计 column.
    assert ("total_processed", "natural") in cells and ("total_processed", "total") in cells
    assert any(
        m.startswith("三、本年度办理结果 （七）总计 / 申请人情况 自然人: the total reads 5")
        and "（一）至（六） add up to 4" in m
        for m in messages
    )
    value = full_table3({("carried_forward", "natural"): 0, ("carried_forward", "total"): 0})
    messages, cells = refused(ApplicationsTableBlock(), value)
    assert cells == {("carried_forward", "natural"), ("carried_forward", "total")}
    assert "一 + 二 − 三（七） add up to 1" in messages[0]


def test_table_four_totals_are_checked_per_group():
    value = full_table4(review={"upheld": 10, "corrected": 1, "total": 0})
    messages, cells = refused(ReviewLitigationTableBlock(), value)
    assert cells == {("review", "total")}
    assert messages[0] == (
        "行政复议 / 总计: the total reads 0, but "
        "结果维持 + 结果纠正 + 其他结果 + 尚未审结 add up to 11."
    )


def test_a_negative_count_and_a_non_number_are_named_by_their_cells():
    value = full_table4(litigation_direct={"upheld": -2, "total": -2})
    value["litigation_after_review"]["pending"] = "三"
    messages, cells = refused(ReviewLitigationTableBlock(), value)
    assert ("litigation_direct", "upheld") in cells
    assert ("litigation_after_review", "pending") in cells
    assert "行政诉讼 未经复议直接起诉 / 结果维持: -2 is negative." in messages
    assert "行政诉讼 复议后起诉 / 尚未审结: “三” is not a number." in messages


def test_a_non_number_in_the_money_column_and_an_empty_cell_are_named():
    value = {
        "rules": {"issued": 0, "repealed": 0, "in_force": 3},
        "normative_documents": {"issued": 2, "repealed": "", "in_force": 12},
        "licensing": {"decisions": 550},
        "penalty": {"decisions": 4119},
        "coercion": {"decisions": 195},
        "fees": {"amount": "七千"},
    }
    messages, cells = refused(ProactiveDisclosureTableBlock(), value)
    assert cells == {("normative_documents", "repealed"), ("fees", "amount")}
    assert "行政规范性文件 / 本年废止件数: the cell is empty (enter 0 for none)." in messages
    assert "行政事业性收费 / 本年收费金额（单位：万元）: “七千” is not a number." in messages


def test_a_total_as_printed_is_kept_only_when_the_editor_confirms_it():
    block = ReviewLitigationTableBlock()
    printed = full_table4(review={"upheld": 10, "corrected": 1, "total": 0})
    refused(block, printed)
    value = block.clean(block.to_python({**printed, "as_printed": True}))
    assert value["review"]["total"] == 0
    # The confirmation keeps wrong totals, never a negative count.
    negative = full_table4(review={"upheld": -1, "total": -1})
    messages, cells = refused(block, {**negative, "as_printed": True})
    assert cells == {("review", "upheld"), ("review", "total")}
    assert not any("tick" in m for m in messages)


def test_a_draft_may_leave_cells_empty_but_not_wrong():
    block = ReviewLitigationTableBlock()
    block.defer_required_validation()
    try:
        block.clean(block.to_python({"review": {"upheld": 3}}))  # nothing else yet
        _messages, cells = refused(block, {"review": {"upheld": 3, "total": 2}})
        assert cells == {("review", "total")}
    finally:
        block.restore_deferred_validation()


def test_each_figure_is_searchable_with_its_row_and_column_labels():
    block = ApplicationsTableBlock()
    content = block.get_searchable_content(block.to_python(full_table3()))
    assert "收到和处理政府信息公开申请情况" in content
    assert "三、本年度办理结果 （三）不予公开 1.属于国家秘密 申请人情况 自然人 1" in content
    assert "一、本年新收政府信息公开申请数量 申请人情况 法人或其他组织 科研机构 0" in content
    table2 = ProactiveDisclosureTableBlock()
    content = table2.get_searchable_content(table2.to_python(table2.meta.preview_value))
    assert "行政事业性收费 本年收费金额（单位：万元） 7730.28" in content


def test_the_official_layout_merges_header_cells():
    header_rows = annual.column_header_rows(annual.TABLE3_COLUMNS)
    assert [(c.text, c.rowspan, c.colspan) for c in header_rows[0]] == [("申请人情况", 1, 7)]
    assert [(c.text, c.rowspan, c.colspan) for c in header_rows[1]] == [
        ("自然人", 2, 1),
        ("法人或其他组织", 1, 5),
        ("总计", 2, 1),
    ]
    assert [c.text for c in header_rows[2]] == [
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    rows = annual.row_headers(annual.TABLE3_ROWS)
    assert [(c.text, c.rowspan, c.colspan) for c in rows[0]] == [
        ("一、本年新收政府信息公开申请数量", 1, 3)
    ]
    assert [(c.text, c.rowspan, c.colspan) for c in rows[2]] == [
        ("三、本年度办理结果", 22, 1),
        ("（一）予以公开", 1, 2),
    ]
    assert [(c.text, c.rowspan) for c in rows[4]] == [("（三）不予公开", 8), ("1.属于国家秘密", 1)]
    assert rows[5][0].headers == f"{rows[2][0].id} {rows[4][0].id}"  # 2. under 三 and （三）
    table4 = annual.column_header_rows(annual.table4_columns(), stretch_first=True)
    assert [(c.text, c.rowspan, c.colspan) for c in table4[0]] == [
        ("行政复议", 2, 5),
        ("行政诉讼", 1, 10),
    ]
    assert len(table4[2]) == 15 - 5 + 5  # 行政复议's five measures sit on the last row too

"""The statutory annual report's fixed tables (政府信息公开工作年度报告), as pure data and checks.

The layout is the one the State Council's General Office prescribes (国办公开办函〔2021〕30号):
table 2 主动公开政府信息情况, table 3 收到和处理政府信息公开申请情况 and table 4 政府信息公开
行政复议、行政诉讼情况. Their row and column labels are the statutory Chinese texts and are
printed as such whatever the interface language (they are the form's wording, not the site's).

The checks are plain functions over ``{row: {column: number | None}}`` (no database): a total
that does not equal the sum of its parts is a ``Discrepancy`` naming its cell. A blank cell
counts as 0 in a sum; the block refuses blanks unless the editor confirms the table as printed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Line:
    """A row or a column: its stored key and its label path (outer header first)."""

    key: str
    path: tuple[str, ...]

    @property
    def label(self) -> str:
        return " ".join(self.path)

    @property
    def short(self) -> str:
        return self.path[-1]


def _lines(spec: Sequence[tuple[str, tuple[str, ...]]]) -> tuple[Line, ...]:
    return tuple(Line(key, path) for key, path in spec)


# The report's six sections, in order; tables 二, 三 and 四 are the sections 二, 三 and 四.
SECTIONS = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)


# ---- table 2 主动公开政府信息情况 (no totals: four small tables under 第二十条) ---------------

ISSUED, REPEALED, IN_FORCE = (
    Line("issued", ("本年制发件数",)),
    Line("repealed", ("本年废止件数",)),
    Line("in_force", ("现行有效件数",)),
)
DECISIONS = Line("decisions", ("本年处理决定数量",))
FEES = Line("amount", ("本年收费金额（单位：万元）",))


@dataclass(frozen=True)
class Section:
    """One of table 2's parts: its article item, its columns and its rows (信息内容)."""

    title: str
    columns: tuple[Line, ...]
    rows: tuple[Line, ...]


TABLE2_TITLE = "主动公开政府信息情况"
TABLE2_SECTIONS = (
    Section(
        "第二十条第（一）项",
        (ISSUED, REPEALED, IN_FORCE),
        _lines([("rules", ("规章",)), ("normative_documents", ("行政规范性文件",))]),
    ),
    Section("第二十条第（五）项", (DECISIONS,), _lines([("licensing", ("行政许可",))])),
    Section(
        "第二十条第（六）项",
        (DECISIONS,),
        _lines([("penalty", ("行政处罚",)), ("coercion", ("行政强制",))]),
    ),
    Section("第二十条第（八）项", (FEES,), _lines([("fees", ("行政事业性收费",))])),
)
# Money is in 万元 with decimals; every other cell of the three tables is a whole count.
DECIMAL_COLUMNS = {FEES.key}


# ---- table 3 收到和处理政府信息公开申请情况 --------------------------------------------------

TABLE3_TITLE = "收到和处理政府信息公开申请情况"
TABLE3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_APPLICANTS = "申请人情况"
_ORGS = "法人或其他组织"
TABLE3_COLUMNS = _lines(
    [
        ("natural", (_APPLICANTS, "自然人")),
        ("business", (_APPLICANTS, _ORGS, "商业企业")),
        ("research", (_APPLICANTS, _ORGS, "科研机构")),
        ("nonprofit", (_APPLICANTS, _ORGS, "社会公益组织")),
        ("legal", (_APPLICANTS, _ORGS, "法律服务机构")),
        ("other_org", (_APPLICANTS, _ORGS, "其他")),
        ("total", (_APPLICANTS, "总计")),
    ]
)
APPLICANT_COLUMNS = tuple(c.key for c in TABLE3_COLUMNS[:-1])
_R = "三、本年度办理结果"
_DENY, _UNABLE, _NOPROC, _OTHER = (
    "（三）不予公开",
    "（四）无法提供",
    "（五）不予处理",
    "（六）其他处理",
)
TABLE3_ROWS = _lines(
    [
        ("new_received", ("一、本年新收政府信息公开申请数量",)),
        ("carried_over", ("二、上年结转政府信息公开申请数量",)),
        ("granted", (_R, "（一）予以公开")),
        ("partial", (_R, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")),
        ("deny_state_secret", (_R, _DENY, "1.属于国家秘密")),
        ("deny_law_forbidden", (_R, _DENY, "2.其他法律行政法规禁止公开")),
        ("deny_three_safety", (_R, _DENY, "3.危及“三安全一稳定”")),
        ("deny_third_party", (_R, _DENY, "4.保护第三方合法权益")),
        ("deny_internal", (_R, _DENY, "5.属于三类内部事务信息")),
        ("deny_process", (_R, _DENY, "6.属于四类过程性信息")),
        ("deny_enforcement_file", (_R, _DENY, "7.属于行政执法案卷")),
        ("deny_query", (_R, _DENY, "8.属于行政查询事项")),
        ("unable_not_held", (_R, _UNABLE, "1.本机关不掌握相关政府信息")),
        ("unable_need_create", (_R, _UNABLE, "2.没有现成信息需要另行制作")),
        ("unable_unclear", (_R, _UNABLE, "3.补正后申请内容仍不明确")),
        ("noproc_petition", (_R, _NOPROC, "1.信访举报投诉类申请")),
        ("noproc_repeat", (_R, _NOPROC, "2.重复申请")),
        ("noproc_publication", (_R, _NOPROC, "3.要求提供公开出版物")),
        ("noproc_mass", (_R, _NOPROC, "4.无正当理由大量反复申请")),
        ("noproc_confirm", (_R, _NOPROC, "5.要求行政机关确认或重新出具已获取信息")),
        (
            "other_no_correction",
            (_R, _OTHER, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        ),
        (
            "other_no_fee",
            (
                _R,
                _OTHER,
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            ),
        ),
        ("other_other", (_R, _OTHER, "3.其他")),
        ("total_processed", (_R, "（七）总计")),
        ("carried_forward", ("四、结转下年度继续办理",)),
    ]
)
# 三（一）…（六）: the outcome rows whose sum is 三（七）总计.
OUTCOME_ROWS = tuple(r.key for r in TABLE3_ROWS[2:-2])


# ---- table 4 政府信息公开行政复议、行政诉讼情况 ----------------------------------------------

TABLE4_TITLE = "政府信息公开行政复议、行政诉讼情况"
TABLE4_GROUPS = _lines(
    [
        ("review", ("行政复议",)),
        ("litigation_direct", ("行政诉讼", "未经复议直接起诉")),
        ("litigation_after_review", ("行政诉讼", "复议后起诉")),
    ]
)
TABLE4_MEASURES = _lines(
    [
        ("upheld", ("结果维持",)),
        ("corrected", ("结果纠正",)),
        ("other", ("其他结果",)),
        ("pending", ("尚未审结",)),
        ("total", ("总计",)),
    ]
)


# ---- checks -------------------------------------------------------------------------------

Number = int | Decimal
Grid = Mapping[str, Mapping[str, Number | None]]


@dataclass(frozen=True)
class Discrepancy:
    """A printed figure that is not what its parts add up to."""

    row: Line
    column: Line
    printed: Number | None
    expected: Number
    parts: str  # what was added, e.g. "一 + 二 − 三（七）"

    @property
    def cell(self) -> tuple[str, str]:
        return (self.row.key, self.column.key)


def _n(grid: Grid, row: str, column: str) -> Number:
    return (grid.get(row) or {}).get(column) or 0


def _printed(grid: Grid, row: str, column: str) -> Number | None:
    return (grid.get(row) or {}).get(column)


def table3_discrepancies(grid: Grid) -> list[Discrepancy]:
    """Every figure of table 3 that does not add up, in reading order: each row's 总计 against
    its applicant columns, then per column 三（七）总计 against 三（一）…（六）, then 四 against
    the table's own balance (一 + 二 = 三（七）+ 四, printed above the row labels)."""
    rows = {r.key: r for r in TABLE3_ROWS}
    cols = {c.key: c for c in TABLE3_COLUMNS}
    found = []
    for row in TABLE3_ROWS:
        expected = sum(_n(grid, row.key, c) for c in APPLICANT_COLUMNS)
        printed = _printed(grid, row.key, "total")
        if (printed or 0) != expected:
            found.append(
                Discrepancy(row, cols["total"], printed, expected, "自然人 + 法人或其他组织各栏")
            )
    for column in TABLE3_COLUMNS:
        expected = sum(_n(grid, r, column.key) for r in OUTCOME_ROWS)
        printed = _printed(grid, "total_processed", column.key)
        if (printed or 0) != expected:
            found.append(
                Discrepancy(rows["total_processed"], column, printed, expected, "（一）至（六）")
            )
    for column in TABLE3_COLUMNS:
        c = column.key
        expected = (
            _n(grid, "new_received", c)
            + _n(grid, "carried_over", c)
            - _n(grid, "total_processed", c)
        )
        printed = _printed(grid, "carried_forward", c)
        if (printed or 0) != expected:
            found.append(
                Discrepancy(
                    rows["carried_forward"], column, printed, expected, "一 + 二 − 三（七）"
                )
            )
    return found


def table4_discrepancies(grid: Grid) -> list[Discrepancy]:
    """Each group's 总计 against 结果维持 + 结果纠正 + 其他结果 + 尚未审结."""
    total = TABLE4_MEASURES[-1]
    parts = [m.key for m in TABLE4_MEASURES[:-1]]
    found = []
    for group in TABLE4_GROUPS:
        expected = sum(_n(grid, group.key, p) for p in parts)
        printed = _printed(grid, group.key, total.key)
        if (printed or 0) != expected:
            found.append(
                Discrepancy(
                    group, total, printed, expected, "结果维持 + 结果纠正 + 其他结果 + 尚未审结"
                )
            )
    return found


# ---- the official layout's merged header cells --------------------------------------------


@dataclass(frozen=True)
class HeaderCell:
    """A header cell of the rendered table: its text, spans, id and the ids of its parents."""

    text: str
    id: str
    rowspan: int = 1
    colspan: int = 1
    parents: tuple[str, ...] = ()

    @property
    def headers(self) -> str:
        return " ".join(self.parents)


def _starts(lines: Sequence[Line]) -> list[list[int]]:
    """For each line and header level, the index of the first line under the same merged
    header (lines in a run sharing a path prefix share that header cell)."""
    starts: list[list[int]] = []
    for i, line in enumerate(lines):
        own = []
        for level in range(len(line.path)):
            same = i > 0 and lines[i - 1].path[: level + 1] == line.path[: level + 1]
            own.append(starts[i - 1][level] if same else i)
        starts.append(own)
    return starts


def _merged(
    lines: Sequence[Line], prefix: str, stretch_first: bool = False
) -> tuple[list[list[HeaderCell | None]], int]:
    """For each line (a row, or a column), one slot per header level: a cell where a header
    starts, None where a merged cell covers it. A line whose path is shorter than the deepest
    one stretches one label over the missing levels: its last (table 3's rows: （一）予以公开
    beside 三) or, with ``stretch_first``, its first (table 4: 行政复议 over two header rows)."""
    depth = max(len(line.path) for line in lines)
    starts = _starts(lines)
    slots: list[list[HeaderCell | None]] = []
    for i, line in enumerate(lines):
        row: list[HeaderCell | None] = [None] * depth
        missing = depth - len(line.path)
        for k, first in enumerate(starts[i]):
            if first != i:
                continue
            span = sum(1 for j in range(i, len(lines)) if k < len(starts[j]) and starts[j][k] == i)
            stretched = k == 0 if stretch_first else k == len(line.path) - 1
            level = k + missing if stretch_first and k > 0 else k
            row[level] = HeaderCell(
                line.path[k],
                f"{prefix}{k}-{i}",
                span,
                1 + missing if stretched else 1,
                tuple(f"{prefix}{lv}-{starts[i][lv]}" for lv in range(k)),
            )
        slots.append(row)
    return slots, depth


def header_ids(lines: Sequence[Line], prefix: str) -> dict[str, str]:
    """Each line's header ids, outer first (a data cell's ``headers`` attribute)."""
    starts = _starts(lines)
    return {
        line.key: " ".join(f"{prefix}{level}-{first}" for level, first in enumerate(starts[i]))
        for i, line in enumerate(lines)
    }


def row_headers(lines: Sequence[Line], prefix: str = "r") -> list[list[HeaderCell]]:
    """The row header cells that start on each row (merged cells appear on their first row)."""
    slots, _depth = _merged(lines, prefix)
    return [[cell for cell in row if cell is not None] for row in slots]


def table4_columns() -> tuple[Line, ...]:
    """Table 4 as printed: one row of fifteen figures, three groups of five."""
    return tuple(
        Line(f"{g.key}.{m.key}", g.path + m.path) for g in TABLE4_GROUPS for m in TABLE4_MEASURES
    )


def column_header_rows(
    lines: Sequence[Line], prefix: str = "c", stretch_first: bool = False
) -> list[list[HeaderCell]]:
    """The column headers as table rows (level by level): the transposed merge, so a cell's
    run along the columns becomes its colspan and its level span its rowspan."""
    slots, depth = _merged(lines, prefix, stretch_first)
    rows: list[list[HeaderCell]] = [[] for _ in range(depth)]
    for line_slots in slots:
        for level, cell in enumerate(line_slots):
            if cell is not None:
                rows[level].append(
                    HeaderCell(cell.text, cell.id, cell.colspan, cell.rowspan, cell.parents)
                )
    return rows

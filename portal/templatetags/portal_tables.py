"""The department page's long lists and the rankings table, rendered in Python.

A department's goal tree, indicator table and score breakdown print every indicator, up to a
few hundred rows on one page, and the rankings every department of the city; through the
template engine (an include, a dozen variable lookups and filters per row) they cost most of an
uncached page view. These tags build the same markup in plain Python, every value escaped
(``_e``: what ``format_html`` does per argument, without its per-call overhead, which a few
hundred rows add up to), as Wagtail's own admin components do. The markup is what the templates
printed before; the page tests check it. The measured reason:
docs/decisions/0003-department-lists-built-in-python.md.
"""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from portal.months import month_label
from portal.templatetags.portal_tags import (
    badge_in,
    bar_width,
    dept_name,
    dimension_label_in,
    grade_html,
    num,
    progress_bar,
    zh_html,
)

register = template.Library()

_LEVELS: dict[tuple[int, str], str] = {}


def _level_label(goal, language: str) -> str:
    key = (goal.level, language)
    label = _LEVELS.get(key)
    if label is None:
        label = _LEVELS[key] = str(goal.get_level_display())
    return label


def _e(value) -> str:
    """``conditional_escape`` as text: safe strings (badges, bars) as they are, the rest escaped
    exactly as ``django.utils.html.escape`` does."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


def _role_tag(node) -> str:
    # Each gettext outside the f-strings: xgettext (makemessages) does not look inside one.
    if node.role == "owner":
        text = gettext("Lead")
        return f'<span class="tag tag--owner">{_e(text)}</span>'
    # The short name, marked as Chinese on the English site (the tree's owners carry only
    # their Chinese names: Goal.objects.tree_for).
    lead = zh_html(node.goal.owner.display_short_name)
    if node.role == "co":
        text = _e(gettext("Co-operating (lead: %(dept)s)")) % {"dept": lead}
        return f'<span class="tag tag--co">{text}</span>'
    text = _e(gettext("Lead: %(dept)s")) % {"dept": lead}
    return f'<span class="tag">{text}</span>'


def _goal_node(node, lang: str) -> str:
    indicators = ""
    if node.indicators:
        items = "".join(
            f'<li><a href="{_e(i.get_absolute_url())}">{zh_html(i.name, lang)}</a> '
            f"{badge_in(i.status, True, lang)}</li>"
            for i in node.indicators
        )
        indicators = f'<ul class="goal-node__indicators">{items}</ul>'
    children = ""
    if node.children:
        items = "".join(_goal_node(child, lang) for child in node.children)
        children = f'<ul class="goal-tree__children">{items}</ul>'
    goal = node.goal
    return (
        f'<li class="goal-node goal-node--{_e(node.role)}"><div class="goal-node__head">'
        f'<span class="goal-node__level">{_e(_level_label(goal, lang))}</span> '
        f'<a href="{_e(goal.get_absolute_url())}">{zh_html(goal.title, lang)}</a> {_role_tag(node)} '
        f"{badge_in(goal.status, False, lang)}</div>{indicators}{children}</li>"
    )


@register.simple_tag
def goal_tree(nodes) -> SafeString:
    """City goal → department goal → key task, each with its light and its indicators."""
    lang = get_language() or ""
    return mark_safe(f'<ul class="goal-tree">{"".join(_goal_node(n, lang) for n in nodes)}</ul>')


def _with_unit(value, unit: str) -> str:
    return f"{num(value)} {unit}" if unit else num(value)


def _value_html(value, unit: str, lang: str) -> str:
    """A value with its unit, the unit marked as Chinese on the English site (万件)."""
    return f"{_e(num(value))} {zh_html(unit, lang)}" if unit else _e(num(value))


def card_cells(**headings) -> dict[str, str]:
    """Each column's heading as the attributes of its cells in a table that becomes a list of
    cards on a phone (``data-table--cards`` in site.css): the card prints the heading beside
    the value, and the explicit role keeps a cell a table cell for screen readers where a
    browser drops a table's semantics once it is no longer displayed as one (WebKit)."""
    return {key: f' role="cell" data-label="{_e(text)}"' for key, text in headings.items()}


@register.simple_tag
def card_cell(heading) -> SafeString:
    """``<td{% card_cell _("Status") %}>``: a card table's cell written in a template."""
    return mark_safe(f' role="cell" data-label="{_e(heading)}"')


# A row of a card table and its row heading (the name), with explicit roles (see card_cells).
ROW = '<tr role="row">'
ROW_HEADING = '<th scope="row" role="rowheader">'


@register.simple_tag
def indicator_rows(indicators) -> SafeString:
    """The department's indicators: the name, then the answers (light, progress), then the
    latest value against target, the month and the source."""
    methodology = _e(gettext("Methodology"))
    lang = get_language() or ""
    cell = card_cells(
        status=gettext("Status"),
        progress=gettext("Progress"),
        value=gettext("Latest value"),
        target=gettext("Target"),
        month=gettext("Month"),
        source=gettext("Source"),
    )
    rows = []
    for i in indicators:
        url = _e(i.get_absolute_url())
        rows.append(
            f'{ROW}{ROW_HEADING}<a href="{url}">{zh_html(i.name, lang)}</a><br>'
            f'<span class="muted">{_e(dimension_label_in(i.dimension, lang))}</span></th>'
            f"<td{cell['status']}>{badge_in(i.status, False, lang)}</td>"
            f"<td{cell['progress']}>{progress_bar(i.progress)}</td>"
            f'<td class="num"{cell["value"]}>{_value_html(i.latest_value, i.unit, lang)}</td>'
            f'<td class="num"{cell["target"]}>{_value_html(i.target, i.unit, lang)}</td>'
            f'<td class="nowrap"{cell["month"]}>{_e(month_label(i.latest_period, lang))}</td>'
            f"<td{cell['source']}>{zh_html(i.source_description or '—', lang)} · "
            f'<a href="{url}#methodology">{methodology}</a></td></tr>'
        )
    return mark_safe("".join(rows))


@register.simple_tag
def indicator_month_rows(rows, columns) -> SafeString:
    """The indicator page's table (``portal.exports.indicator_records``): the month, then the
    answers (light, progress against the expected progress), the value, the planned path and
    the target in force, marked when an approved adjustment changed it."""
    keys = ("status", "progress", "expected", "value", "planned", "target")
    cell = card_cells(**{key: columns[key] for key in keys})
    adjusted = f' <span class="muted">({_e(gettext("adjusted"))})</span>'
    return mark_safe(
        "".join(
            f'{ROW}<th scope="row" role="rowheader" class="nowrap">{_e(row["period"])}</th>'
            f"<td{cell['status']}>{_e(row['status'])}</td>"
            f'<td class="num"{cell["progress"]}>{_e(num(row["progress"], 1))}</td>'
            f'<td class="num"{cell["expected"]}>{_e(num(row["expected"], 1))}</td>'
            f'<td class="num"{cell["value"]}>{_e(num(row["value"], 4))}</td>'
            f'<td class="num"{cell["planned"]}>{_e(num(row["planned"], 4))}</td>'
            f'<td class="num"{cell["target"]}>{_e(num(row["target"], 4))}'
            f"{adjusted if row.get('adjustment') else ''}</td></tr>"
            for row in rows
        )
    )


_BREAKDOWN_CELLS: dict[str, dict[str, str]] = {}


def breakdown_cells() -> dict[str, str]:
    """The attributes of the score breakdown's cells (its rows come from Python and from the
    template: the qualitative review), once per language: the template asks for each cell."""
    language = get_language() or ""
    cells = _BREAKDOWN_CELLS.get(language)
    if cells is None:
        cells = _BREAKDOWN_CELLS[language] = _breakdown_cells()
    return cells


def _breakdown_cells() -> dict[str, str]:
    return card_cells(
        status=gettext("Status"),
        achievement=gettext("Achievement"),
        points=gettext("Points"),
        dimension=gettext("Dimension"),
        weight=gettext("Weight"),
        value=gettext("Value"),
        month=gettext("Month"),
        target=gettext("Target"),
    )


@register.simple_tag
def breakdown_rows(rows) -> SafeString:
    """Where every point comes from: the indicator, then the answers (light, achievement,
    points), then dimension, weight, value, month and target."""
    lang = get_language() or ""
    cell = breakdown_cells()
    html = []
    for row in rows:
        item, indicator = row["item"], row["indicator"]
        unit = indicator.unit if indicator is not None else ""
        name = zh_html(item.get("name", ""), lang)
        if indicator is not None:
            name = f'<a href="{_e(indicator.get_absolute_url())}">{name}</a>'
        html.append(
            f"{ROW}{ROW_HEADING}{name}</th>"
            f"<td{cell['status']}>{badge_in(item.get('status'), True, lang)}</td>"
            f'<td class="num"{cell["achievement"]}>{_e(num(item.get("achievement"), 1))}</td>'
            f'<td class="num"{cell["points"]}>{_e(num(item.get("points"), 2))}</td>'
            f"<td{cell['dimension']}>{_e(dimension_label_in(row['dimension'], lang))}</td>"
            f'<td class="num"{cell["weight"]}>{_e(num(item.get("weight")))}</td>'
            f'<td class="num"{cell["value"]}>{_value_html(item.get("value"), unit, lang)}</td>'
            f'<td class="nowrap"{cell["month"]}>{_e(month_label(item.get("period"), lang))}</td>'
            f'<td class="num"{cell["target"]}>{_value_html(item.get("target"), unit, lang)}'
            f"{_adjusted_note(item, unit)}</td></tr>"
        )
    return mark_safe("".join(html))


@register.simple_tag
def breakdown_cell(key: str) -> SafeString:
    """``{% breakdown_cell "points" %}``: the attributes of a breakdown cell written in the
    template (the qualitative review's row, the total)."""
    return mark_safe(breakdown_cells()[key])


def _adjusted_note(item: dict, unit: str) -> str:
    """Which target the points used: after an approved target adjustment, say so and name the
    original target (scores state the target they used)."""
    if not item.get("target_adjusted"):
        return ""
    text = gettext("adjusted target; original %(original)s") % {
        "original": _with_unit(item.get("original_target"), unit)
    }
    return f'<br><span class="muted">({_e(text)})</span>'


def _or_dash(value) -> str:
    """``value|default:"—"``."""
    return _e(value) if value else "—"


@register.simple_tag
def monthly_rows(evaluations) -> SafeString:
    """The department's score month by month: month, total, rank, light."""
    lang = get_language() or ""
    return mark_safe(
        "".join(
            f'<tr><th scope="row" class="nowrap">{_e(month_label(e.period, lang))}</th>'
            f'<td class="num">{_e(num(e.total, 1))}</td><td class="num">{_or_dash(e.rank)}</td>'
            f"<td>{badge_in(e.status, True, lang)}</td></tr>"
            for e in evaluations
        )
    )


@register.simple_tag
def history_rows(evaluations) -> SafeString:
    """The department's final score of every year: year (a link to it), month, total, rank, grade."""
    lang = get_language() or ""
    return mark_safe(
        "".join(
            f'<tr><th scope="row"><a href="?year={_e(e.cycle.year)}">{_e(e.cycle.year)}</a></th>'
            f'<td class="nowrap">{_e(month_label(e.period, lang))}</td>'
            f'<td class="num">{_e(num(e.total, 1))}</td><td class="num">{_or_dash(e.rank)}</td>'
            f"<td>{grade_html(e.grade)}</td></tr>"
            for e in evaluations
        )
    )


@register.simple_tag
def home_score_rows(evaluations, year) -> SafeString:
    """The home page's departments of the month: rank, name (a link to that year) with its
    light, total and grade — two hundred rows in a large city."""
    lang = get_language() or ""
    query = f"?year={_e(year)}"
    return mark_safe(
        "".join(
            f'<tr><td class="num">{_or_dash(e.rank)}</td><th scope="row">'
            f'<a href="{_e(e.department.get_absolute_url())}{query}">'
            f"{zh_html(dept_name(e.department), lang)}</a><br>{badge_in(e.status, True, lang)}</th>"
            f'<td class="num">{_e(num(e.total, 1))}'
            + (f'<br><span class="muted">{grade_html(e.grade)}</span>' if e.grade else "")
            # The score as a bar too (0–100), decorative: the number is the answer.
            + f'<span class="score-bar" aria-hidden="true"><span style="width:{bar_width((e.total or 0) / 100)}%">'
            "</span></span></td></tr>"
            for e in evaluations
        )
    )


@register.simple_tag
def ranking_rows(evaluations, year) -> SafeString:
    """The rankings table's rows: the department (a link to that year), then the answers (rank,
    total, grade, light), then the parts — every department of the city on one page."""
    lang = get_language() or ""
    query = f"?year={_e(year)}"
    cell = card_cells(
        rank=gettext("Rank"),
        total=gettext("Total score"),
        grade=gettext("Grade"),
        status=gettext("Status"),
        goals=gettext("Goal indicators"),
        satisfaction=gettext("Citizen satisfaction"),
        qualitative=gettext("Qualitative review"),
    )
    return mark_safe(
        "".join(
            f'{ROW}{ROW_HEADING}<a href="{_e(e.department.get_absolute_url())}{query}">'
            f"{zh_html(dept_name(e.department), lang)}</a></th>"
            f'<td class="num"{cell["rank"]}>{_or_dash(e.rank)}</td>'
            f'<td class="num"{cell["total"]}><strong>{_e(num(e.total, 1))}</strong></td>'
            f"<td{cell['grade']}>{grade_html(e.grade)}</td>"
            f"<td{cell['status']}>{badge_in(e.status, True, lang)}</td>"
            f'<td class="num"{cell["goals"]}>{_e(num(e.goals_score, 1))}</td>'
            f'<td class="num"{cell["satisfaction"]}>{_e(num(e.satisfaction_score, 1))}</td>'
            f'<td class="num"{cell["qualitative"]}>{_e(num(e.qualitative_score, 1))}</td></tr>'
            for e in evaluations
        )
    )

"""The department page's long lists, rendered in Python.

A department's goal tree, indicator table and score breakdown print every indicator, up to a
few hundred rows on one page; through the template engine (an include, a dozen variable
lookups and filters per row) they cost most of an uncached page view. These tags build the same
markup with ``format_html`` (every value escaped) at a fraction of the cost, as Wagtail's own
admin components do. The markup is what the templates printed before; the page tests check it.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from portal.templatetags.portal_tags import (
    dimension_label,
    month,
    num,
    progress_bar,
    status_badge,
)

register = template.Library()

_LEVELS: dict[tuple[int, str], str] = {}


def _level_label(goal) -> str:
    key = (goal.level, get_language() or "")
    label = _LEVELS.get(key)
    if label is None:
        label = _LEVELS[key] = str(goal.get_level_display())
    return label


def _role_tag(node) -> SafeString:
    if node.role == "owner":
        return format_html('<span class="tag tag--owner">{}</span>', gettext("Lead"))
    lead = node.goal.owner.display_short_name
    if node.role == "co":
        return format_html(
            '<span class="tag tag--co">{}</span>',
            gettext("Co-operating (lead: %(dept)s)") % {"dept": lead},
        )
    return format_html('<span class="tag">{}</span>', gettext("Lead: %(dept)s") % {"dept": lead})


def _goal_node(node) -> SafeString:
    indicators = ""
    if node.indicators:
        indicators = format_html(
            '<ul class="goal-node__indicators">{}</ul>',
            format_html_join(
                "",
                '<li><a href="{}">{}</a> {}</li>',
                (
                    (i.get_absolute_url(), i.name, status_badge(i.status, compact=True))
                    for i in node.indicators
                ),
            ),
        )
    children = ""
    if node.children:
        children = format_html(
            '<ul class="goal-tree__children">{}</ul>',
            mark_safe("".join(_goal_node(child) for child in node.children)),
        )
    return format_html(
        '<li class="goal-node goal-node--{}"><div class="goal-node__head">'
        '<span class="goal-node__level">{}</span> <a href="{}">{}</a> {} {}</div>{}{}</li>',
        node.role,
        _level_label(node.goal),
        node.goal.get_absolute_url(),
        node.goal.title,
        _role_tag(node),
        status_badge(node.goal.status),
        indicators,
        children,
    )


@register.simple_tag
def goal_tree(nodes) -> SafeString:
    """City goal → department goal → key task, each with its light and its indicators."""
    return format_html(
        '<ul class="goal-tree">{}</ul>', mark_safe("".join(_goal_node(n) for n in nodes))
    )


def _with_unit(value, unit: str) -> str:
    return f"{num(value)} {unit}" if unit else num(value)


@register.simple_tag
def indicator_rows(indicators) -> SafeString:
    """The department's indicators: latest value against target, progress, light, source."""
    methodology = gettext("Methodology")
    rows = []
    for i in indicators:
        url = i.get_absolute_url()
        rows.append(
            format_html(
                '<tr><th scope="row"><a href="{}">{}</a><br><span class="muted">{}</span></th>'
                '<td class="num">{}</td><td class="num">{}</td><td class="nowrap">{}</td>'
                "<td>{}</td><td>{}</td>"
                '<td>{} · <a href="{}#methodology">{}</a></td></tr>',
                url,
                i.name,
                dimension_label(i.dimension),
                _with_unit(i.latest_value, i.unit),
                _with_unit(i.target, i.unit),
                month(i.latest_period),
                progress_bar(i.progress),
                status_badge(i.status),
                i.source_description or "—",
                url,
                methodology,
            )
        )
    return mark_safe("".join(rows))


@register.simple_tag
def breakdown_rows(rows) -> SafeString:
    """Where every point comes from: dimension, indicator, weight, value, target, points."""
    html = []
    for row in rows:
        item, indicator = row["item"], row["indicator"]
        unit = indicator.unit if indicator is not None else ""
        name = item.get("name", "")
        if indicator is not None:
            name = format_html('<a href="{}">{}</a>', indicator.get_absolute_url(), name)
        html.append(
            format_html(
                '<tr><td>{}</td><th scope="row">{}</th><td class="num">{}</td>'
                '<td class="num">{}</td><td class="nowrap">{}</td><td class="num">{}</td>'
                '<td class="num">{}</td><td>{}</td><td class="num">{}</td></tr>',
                dimension_label(row["dimension"]),
                name,
                num(item.get("weight")),
                _with_unit(item.get("value"), unit),
                month(item.get("period")),
                _with_unit(item.get("target"), unit),
                num(item.get("achievement"), 1),
                status_badge(item.get("status"), compact=True),
                num(item.get("points"), 2),
            )
        )
    return mark_safe("".join(html))

"""Template helpers of the public site: status lights, numbers, months, site name."""

from __future__ import annotations

import re
from html import escape

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from portal import months
from portal.i18n import localized_field
from portal.models import SiteIdentity, Status
from portal.values import format_number, is_blank, number_or_none

register = template.Library()

# Shapes differ per status so the light never relies on colour alone (WCAG 1.4.1).
_STATUS_ICONS = {
    Status.GREEN: '<circle cx="8" cy="8" r="7"/><path d="M4.5 8.2l2.3 2.3 4.7-4.9" '
    'fill="none" style="stroke: var(--status-mark, #fff)" stroke-width="2"/>',
    Status.YELLOW: '<path d="M8 1l7.5 13.5h-15z"/><path d="M8 5.5v4.5M8 11.6v1.4" '
    'style="stroke: var(--status-mark, #fff)" stroke-width="1.8"/>',
    Status.RED: '<rect x="1" y="1" width="14" height="14" rx="2"/><path d="M5 5l6 6M11 5l-6 6" '
    'style="stroke: var(--status-mark, #fff)" stroke-width="2"/>',
    Status.NO_DATA: '<circle cx="8" cy="8" r="6.2" fill="none" stroke-width="1.8" '
    'stroke-dasharray="2.5 2"/>',
    Status.NOT_STARTED: '<circle cx="8" cy="8" r="6.2" fill="none" stroke-width="1.8"/>'
    '<path d="M4.5 8h7" stroke-width="1.8"/>',
}


# Status.values builds a new list on every access; this is read once per status light.
_STATUS_VALUES = frozenset(Status.values)


def _status_value(status) -> str:
    value = str(status or Status.NO_DATA)
    return value if value in _STATUS_VALUES else Status.NO_DATA


@register.simple_tag(takes_context=True)
def site_name(context) -> str:
    """The site's name in the visitor's language (Settings → Site identity in the admin)."""
    return localized_field(SiteIdentity.current(context.get("request")), "name")


@register.simple_tag(takes_context=True)
def site_identity(context) -> SiteIdentity:
    """The site's identity (name, footer lines): ``{% site_identity as identity %}``."""
    return SiteIdentity.current(context.get("request"))


@register.filter
def status_label(status) -> str:
    """The translated words of a status (the text that goes with every light)."""
    return str(Status(_status_value(status)).label)


# Rendered badges per (status, compact, language): a department page shows hundreds of them.
_BADGES: dict[tuple[str, bool, str], str] = {}


@register.simple_tag
def status_badge(status, compact=False):
    """A status light: a shape icon plus the status in words."""
    return badge_in(status, compact, get_language() or "")


def badge_in(status, compact: bool, language: str):
    """``status_badge`` for a caller that has looked up the active language once for many."""
    value = _status_value(status)
    key = (value, bool(compact), language)
    badge = _BADGES.get(key)
    if badge is None:
        badge = _BADGES[key] = _render_badge(value, bool(compact))
    return badge


def _render_badge(value: str, compact: bool) -> str:
    # The icon is a <use> of the page's sprite (status_icon_sprite in base.html): the shapes
    # are sent once per page, not once per light (a department page shows hundreds).
    return format_html(
        '<span class="status status--{}{}"><svg class="status__icon" width="16" height="16" '
        'aria-hidden="true" focusable="false"><use href="#status-icon-{}"/></svg>'
        '<span class="status__text">{}</span></span>',
        value.replace("_", "-"),
        " status--compact" if compact else "",
        value,
        status_label(value),
    )


@register.simple_tag
def status_icon_sprite():
    """The status shapes as SVG symbols, once per page, for the lights to reference."""
    symbols = "".join(
        f'<symbol id="status-icon-{value}" viewBox="0 0 16 16" fill="currentColor" '
        f'stroke="currentColor" stroke-width="0">{icon}</symbol>'
        for value, icon in _STATUS_ICONS.items()
    )
    return mark_safe(  # constants from _STATUS_ICONS, never user input
        '<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0" aria-hidden="true" '
        f'focusable="false" style="position: absolute">{symbols}</svg>'
    )


# The default grade bands (portal.models.cycles) in the visitor's language; a city's own band
# names are shown as written, marked as Chinese on the English site.
GRADE_NAMES = {"优秀": _("Excellent"), "良好": _("Good"), "合格": _("Pass"), "不合格": _("Fail")}


def grade_html(grade) -> str:
    """A grade as HTML in the visitor's language: "—" when none."""
    if not grade:
        return "—"
    name = GRADE_NAMES.get(str(grade))
    if name is not None:
        return escape(str(name))
    if (get_language() or "").startswith("zh"):
        return escape(str(grade))
    return f'<span lang="zh-Hans">{escape(str(grade))}</span>'


@register.filter
def grade(value):
    """``{{ evaluation.grade|grade }}``: the grade in the visitor's language."""
    return mark_safe(grade_html(value))


@register.filter
def signed(value, places=1):
    """A change with its sign: +1.5, −0.3, 0; "—" when missing."""
    text = format_number(value, int(places))
    if text in ("0", "—"):
        return text
    return text.replace("-", "−") if text.startswith("-") else f"+{text}"


@register.filter
def num(value, places=2):
    """A number with thousands separators and at most ``places`` decimals; "—" when missing."""
    return format_number(value, int(places))


@register.filter
def pct(value, places=0):
    """A 0–1 share as a percentage, e.g. 0.8 → "80%"."""
    if number_or_none(value) is None:
        return "—"
    return f"{num(float(value) * 100, places)}%"


@register.filter
def bar_width(value) -> str:
    """A 0–1 share as a CSS width clipped to 0–100% (the text shows the raw value)."""
    if number_or_none(value) is None:
        return "0"
    return f"{max(0.0, min(float(value), 1.0)) * 100:.1f}"


@register.filter
def month(value) -> str:
    """A month in the visitor's language: 2026年10月 / October 2026."""
    return months.month_label(value, get_language() or "")


@register.simple_tag
def progress_bar(value, expected=None):
    """Progress as a bar plus its percentage in text (the bar itself is hidden from readers).

    Printed once per indicator row: plain f-strings, each value escaped, not format_html."""
    expected_html = ""
    expected_text = ""
    if expected is not None:
        expected_html = (
            f'<span class="progress__expected" style="left: {escape(bar_width(expected))}%"></span>'
        )
        # gettext outside the f-string: xgettext (makemessages) does not look inside one.
        label = escape(gettext("expected"))
        expected_text = f' <span class="muted">/ {label} {escape(pct(expected))}</span>'
    return mark_safe(
        '<span class="progress"><span class="progress__track" aria-hidden="true">'
        f'<span class="progress__fill" style="width: {escape(bar_width(value))}%"></span>'
        f'{expected_html}</span><span class="progress__text">{escape(pct(value))}'
        f"{expected_text}</span></span>"
    )


@register.filter
def iso_month(value) -> str:
    """A month as ``YYYY-MM`` (the ``?month=`` value); "" when ``value`` names no month."""
    return months.iso_month(months.parse_month(value))


@register.filter
def dept_name(department) -> str:
    """The department name in the visitor's language (English name when there is one)."""
    if department is None:
        return ""
    return localized_field(department, "name")


@register.simple_tag
def localized(obj, field: str):
    """``obj.<field>_en`` on the English site when it is filled in, else ``obj.<field>``:
    ``{% localized page "intro" as intro %}``."""
    return localized_field(obj, field)


@register.filter
def get_item(mapping, key):
    if not mapping:
        return None
    return mapping.get(key)


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs) -> str:
    """The current query string with some parameters replaced (empty value removes one)."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else None
    if params is None:
        return ""
    for key, value in kwargs.items():
        if is_blank(value):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


DIMENSION_LABELS = {
    "goals": _("Goal indicators"),
    "satisfaction": _("Citizen satisfaction"),
    "qualitative": _("Qualitative review"),
}


@register.filter
def part_label(key) -> str:
    return str(DIMENSION_LABELS.get(key, key))


_DIMENSION_LABELS: dict[tuple[str, str], str] = {}


@register.filter
def dimension_label(key) -> str:
    """The dimension's name in the visitor's language (memoised: one per indicator row)."""
    return dimension_label_in(key, get_language() or "")


def dimension_label_in(key, language: str) -> str:
    """``dimension_label`` for a caller that has looked up the active language once for many."""
    from portal.models import Indicator

    memo_key = (str(key), language)
    label = _DIMENSION_LABELS.get(memo_key)
    if label is None:
        try:
            label = str(Indicator.Dimension(key).label)
        except ValueError:
            label = str(key)
        _DIMENSION_LABELS[memo_key] = label
    return label


# Chinese text: CJK ideographs and their punctuation (fullwidth forms included).
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_CJK_RUN = re.compile(
    r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
    r"(?:[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef0-9 .%·]*"
    r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef])?"
)


def zh_html(value, language: str | None = None) -> str:
    """``value`` escaped, wrapped in ``<span lang="zh-Hans">`` when it holds Chinese and the
    page is not Chinese: the city's own data (names, titles, sources) on the English site, so
    that a screen reader reads it in Chinese (WCAG 3.1.2, language of parts)."""
    html = value.__html__() if hasattr(value, "__html__") else escape(str(value))
    if language is None:
        language = get_language() or ""
    if language.startswith("zh") or not _CJK.search(html):
        return html
    return f'<span lang="zh-Hans">{html}</span>'


@register.filter
def zh(value):
    """``{{ indicator.name|zh }}``: see ``zh_html``. Never inside an attribute or <title>."""
    if value is None or value == "":
        return value
    return mark_safe(zh_html(value))


@register.filter
def zh_runs(value):
    """``{{ sentence|zh_runs }}``: an English sentence that quotes Chinese terms, e.g.
    "Rectified share (整改率)", with each Chinese run marked as Chinese."""
    html = value.__html__() if hasattr(value, "__html__") else escape(str(value))
    if (get_language() or "").startswith("zh"):
        return mark_safe(html)
    return mark_safe(_CJK_RUN.sub(lambda m: f'<span lang="zh-Hans">{m.group(0)}</span>', html))


@register.simple_tag
def chinese_lang():
    """`` lang="zh-Hans"`` on a page that is not Chinese: for an element holding what an editor
    wrote in Chinese (a report's headings, paragraphs and tables), ``<h2{% chinese_lang %}>``."""
    if (get_language() or "").startswith("zh"):
        return ""
    return mark_safe(' lang="zh-Hans"')

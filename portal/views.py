"""Public pages: departments, goals, indicators (with downloads) and rankings.

Pages read the snapshots that ``portal.evaluation.recompute_cycle`` stores (Indicator.status,
Goal.status, Evaluation rows) and never compute scores per request, so each page issues a
bounded number of queries however much data there is (DESIGN.md). The home page is a Wagtail
page (portal.models.HomePage, its context from portal.home).

Other apps add panels to the department page through the ``portal_department_panels`` hook,
so the domain never imports them (DESIGN.md: dependencies point one way): a function
registered with ``@hooks.register("portal_department_panels")`` takes (request, department,
cycle) — the cycle may be None — and returns the panel's HTML as a safe string
(``render_to_string``, ``format_html``; a plain str is escaped), or "" to show nothing. Each panel must keep its queries bounded: the page's count is asserted.
Likewise ``portal_department_head_links`` (request, department) returns a list of
``{"href", "type", "title"}`` the page's head links as ``<link rel="alternate">`` (a feed).
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from wagtail import hooks

from portal import chart_svg, charts, exports, withdrawals
from portal.cache import cached_public_page, held
from portal.evaluation import department_evaluations, indicator_series
from portal.goal_tree import department_goal_tree
from portal.i18n import localized
from portal.models import (
    Cycle,
    Department,
    Evaluation,
    Goal,
    Indicator,
    MeasurementCorrection,
)
from portal.params import choose_cycle
from portal.rankings import choose_ranking, ranking_response, sorted_evaluations
from portal.rankings import table_columns as rank_table_columns
from portal.scoring import breakdown_rows

# --- departments ----------------------------------------------------------------------------


@cached_public_page
@require_safe
def department_index(request):
    """Departments grouped by category, with their status and score in the chosen cycle."""
    choice = choose_cycle(request)
    departments = list(Department.objects.filter(active=True))
    evaluations = {}
    if choice.latest_month:
        evaluations = {
            e.department_id: e
            for e in Evaluation.objects.filter(
                cycle=choice.cycle, period=choice.latest_month
            ).defer("breakdown")
        }
    groups = []
    for value, label in Department.Category.choices:
        members = [
            {"department": d, "evaluation": evaluations.get(d.pk)}
            for d in departments
            if d.category == value
        ]
        if members:
            groups.append({"key": value, "label": label, "members": members})
    return render(
        request,
        "portal/department_index.html",
        {
            "groups": groups,
            "cycle": choice.cycle,
            "cycles": choice.cycles,
            "notices": choice.notices,
            "evaluation_month": choice.latest_month,
        },
    )


@cached_public_page
@require_safe
def department_detail(request, slug):
    """A department: contact, goal tree with lights, indicators, score breakdown, history."""
    department = Department.objects.by_slug().get(slug)
    if department is None:
        raise Http404("No department with this address")
    choice = choose_cycle(request)
    cycle = choice.cycle
    roots, indicators, own_indicators, rows = [], [], [], []
    if cycle is not None:
        roots, indicators = department_goal_tree(department, cycle)
        own_indicators = [i for i in indicators if i.goal.owner_id == department.pk]
    monthly, evaluation, history = department_evaluations(
        department, cycle, choice.latest_month, choice.cycles
    )
    if evaluation is not None:
        rows = breakdown_rows(evaluation.breakdown, {i.code: i for i in indicators})
    headline = _headline(evaluation, cycle, history)
    history_chart = None
    if history:
        history_columns = {
            "label": [h.cycle.year for h in history],
            "total": [h.total for h in history],
        }
        history_chart = charts.figure_json(charts.score_history_spec(history_columns))
    panels = [
        html
        for panel in hooks.get_hooks("portal_department_panels")
        if (html := panel(request, department, cycle))
    ]
    # <link rel="alternate"> entries another app offers for the department (its report feed).
    head_links = [
        link
        for links in hooks.get_hooks("portal_department_head_links")
        for link in links(request, department)
    ]
    return render(
        request,
        "portal/department.html",
        {
            "department": department,
            "cycle": cycle,
            "cycles": choice.cycles,
            "notices": choice.notices,
            "goal_tree": roots,
            "indicators": own_indicators,
            "evaluation": evaluation,
            "monthly": monthly,
            "breakdown_rows": rows,
            "breakdown": (evaluation.breakdown if evaluation else {}) or {},
            "history": history,
            "history_chart": history_chart,
            "download_formats": exports.FORMATS,
            "panels": panels,
            "head_links": head_links,
            "headline": headline,
        },
    )


def _headline(evaluation, cycle, history) -> dict | None:
    """The answer first: score, rank of how many, change on last year's final score."""
    if evaluation is None or evaluation.total is None:
        return None
    # ``ranked_of`` comes with the evaluation (Evaluation.objects.for_department).
    ranked = evaluation.ranked_of if evaluation.rank else None
    previous = next((h for h in history if h.cycle.year == cycle.year - 1), None)
    change = None
    if previous is not None and previous.total is not None:
        change = evaluation.total - previous.total
    return {"ranked": ranked, "change": change, "previous_year": cycle.year - 1}


@cached_public_page
@require_safe
def department_history_download(request, slug, fmt):
    """The department page's "results across years" table as CSV, XLSX or JSON."""
    if fmt not in exports.FORMATS:
        raise Http404("Unknown download format")
    department = get_object_or_404(Department, slug=slug)
    choice = choose_cycle(request)
    _monthly, _evaluation, history = department_evaluations(
        department, choice.cycle, choice.latest_month, choice.cycles
    )
    methodology_url = request.build_absolute_uri(reverse("portal:methodology"))
    return exports.department_history_response(
        department, history, fmt, methodology_url=methodology_url
    )


# --- goals and indicators -------------------------------------------------------------------


@cached_public_page
@require_safe
def goal_detail(request, year, code):
    """A goal with its place in the tree, departments, source, SMART fields and indicators."""
    goal = get_object_or_404(
        Goal.objects.select_related("cycle", "owner", "parent", "parent__owner").prefetch_related(
            "co_departments", "indicators"
        ),
        cycle__year=year,
        cycle__published=True,
        code=code,
    )
    children = list(goal.children.select_related("owner").order_by("sort_order", "code"))
    # Same cycle throughout the tree: share the loaded one so links cost no query each.
    for related in [*children, goal.parent]:
        if related is not None:
            related.cycle = goal.cycle
    return render(
        request,
        "portal/goal.html",
        {
            "goal": goal,
            "cycle": goal.cycle,
            "children": children,
            "withdrawn": withdrawals.withdrawn_indicators(goal=goal),
            "notices": withdrawals.cycle_notices(goal.cycle),
        },
    )


class IndicatorWithdrawn(Exception):
    """The code names no published indicator, but a published one was withdrawn under it."""

    def __init__(self, records):
        self.records = records


def _published_indicator(code: str) -> Indicator:
    indicator = Indicator.objects.published_by_code(code)
    if indicator is not None:
        return indicator
    # A withdrawn indicator's address keeps saying what it was (issue 13: no trace left),
    # as long as its year is on the site.
    published_years = {cycle.year for cycle in Cycle.objects.published_with_latest_month()}
    records = [
        record
        for record in withdrawals.withdrawn_indicators(code=code)
        if record.cycle_year in published_years
    ]
    if records:
        raise IndicatorWithdrawn(records)
    raise Http404("No published indicator with this code")


def _withdrawn_page(request, error: IndicatorWithdrawn):
    return render(
        request, "portal/indicator_withdrawn.html", {"withdrawn": error.records}, status=410
    )


def correction_role(correction: MeasurementCorrection, department: Department) -> str:
    """Who corrected a figure, as a role: personal names are not published."""
    user = correction.corrected_by
    if user is None:
        return _("System")
    if user.is_superuser:
        return _("City administrator")
    return _("Data editor, %(department)s") % {"department": department.display_short_name}


def _corrected_indicators() -> frozenset[int]:
    return frozenset(
        MeasurementCorrection.objects.order_by()
        .values_list("measurement__indicator_id", flat=True)
        .distinct()
    )


def _corrections(indicator: Indicator) -> list[MeasurementCorrection]:
    """The indicator's corrections, newest first, each with the role that made it (``role``).

    Which indicators have any is held in the worker's memory until the data version moves
    (a correction moves it): the page of an indicator never corrected asks nothing more."""
    if indicator.pk not in held("corrected-indicators", _corrected_indicators):
        return []
    corrections = list(
        MeasurementCorrection.objects.filter(measurement__indicator=indicator)
        .select_related("measurement", "corrected_by")
        .order_by("-corrected_at", "-pk")
    )
    for correction in corrections:
        correction.role = correction_role(correction, indicator.goal.owner)
    return corrections


@cached_public_page
@require_safe
def indicator_detail(request, code):
    """An indicator: chart against the target path, data table, method, source, corrections."""
    try:
        indicator = _published_indicator(code)
    except IndicatorWithdrawn as error:
        return _withdrawn_page(request, error)
    earlier, withdrawn_figures = withdrawals.indicator_record(code)
    return render(
        request,
        "portal/indicator.html",
        {
            "earlier": earlier,
            "withdrawn_figures": withdrawn_figures,
            "notices": withdrawals.cycle_notices(indicator.goal.cycle),
            "indicator": indicator,
            "goal": indicator.goal,
            "cycle": indicator.goal.cycle,
            "department": indicator.goal.owner,
            "corrections": _corrections(indicator),
            "adjustments": exports.adjustment_records(indicator),
            "adjustment_columns": exports.adjustment_labels(),
            **charts.indicator_chart_context(indicator),
        },
    )


@cached_public_page
@require_safe
def indicator_download(request, code, fmt):
    """The indicator page's table as CSV, XLSX or JSON (the last two with the corrections
    table too); any other format is a 404."""
    if fmt not in exports.FORMATS:
        raise Http404("Unknown download format")
    try:
        indicator = _published_indicator(code)
    except IndicatorWithdrawn as error:
        return _withdrawn_page(request, error)
    page_url = request.build_absolute_uri(indicator.get_absolute_url())
    earlier, figures = withdrawals.indicator_record(code)
    return exports.download_response(
        indicator,
        indicator_series(indicator),
        fmt,
        page_url=page_url,
        corrections=_corrections(indicator),
        withdrawn=exports.withdrawal_records(code, earlier, figures),
    )


# --- rankings -------------------------------------------------------------------------------


@cached_public_page
@require_safe
def rankings(request):
    """Departments ranked by total score in a month of a cycle, with the score parts, as a
    chart (bars by rank), the table it stands for, and that table's downloads."""
    choice = choose_cycle(request)
    ranking = choose_ranking(request, choice)
    by_rank = sorted_evaluations(ranking.evaluations, "rank")
    chart = chart_svg.ranking_bars_svg(
        [
            (localized(e.department.display_short_name, e.department.name_en), e.total)
            for e in by_rank
        ]
    )
    return render(
        request,
        "portal/rankings.html",
        {
            "cycle": ranking.cycle,
            "cycles": choice.cycles,
            "notices": choice.notices,
            "months": ranking.months,
            "month": ranking.month,
            "evaluations": ranking.evaluations,
            "sort": ranking.sort,
            "columns": rank_table_columns(),
            "chart_svg": chart,
            "download_formats": exports.FORMATS,
        },
    )


@cached_public_page
@require_safe
def rankings_download(request, fmt):
    """The rankings table as shown for the same ?year=, ?month= and ?sort=: CSV, XLSX, JSON."""
    if fmt not in exports.FORMATS:
        raise Http404("Unknown download format")
    ranking = choose_ranking(request, choose_cycle(request))
    methodology_url = request.build_absolute_uri(reverse("portal:methodology"))
    return ranking_response(ranking, fmt, methodology_url=methodology_url)


# --- language, static pages -----------------------------------------------------------------


@require_safe
def switch_language(request, code):
    """Set the language cookie and go back: plain links, so pages carry no CSRF token."""
    if code not in dict(settings.LANGUAGES) or not check_for_language(code):
        raise Http404("Unknown language")
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    if not target.startswith("/"):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 3600,
        path=settings.LANGUAGE_COOKIE_PATH,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    return response


@cached_public_page
@require_safe
def accessibility(request):
    """The accessibility statement (WCAG 2.1 AA and the 适老化 requirements)."""
    return render(request, "portal/accessibility.html")


@cached_public_page
@require_safe
def methodology(request):
    """How statuses and scores are computed, with the current cycle's weights."""
    choice = choose_cycle(request)
    return render(
        request,
        "portal/methodology.html",
        {"cycle": choice.cycle, "cycles": choice.cycles, "notices": choice.notices},
    )

"""Public pages: home context, departments, goals, indicators (with downloads) and rankings.

Pages read the snapshots that ``portal.evaluation.recompute_cycle`` stores (Indicator.status,
Goal.status, Evaluation rows) and never compute scores per request, so each page issues a
bounded number of queries however much data there is (DESIGN.md).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from django.conf import settings
from django.db.models import Max
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal import charts, exports
from portal.cache import cached_public_page
from portal.evaluation import city_status, department_evaluations
from portal.models import (
    Cycle,
    Department,
    Evaluation,
    Goal,
    Indicator,
    MeasurementCorrection,
    Status,
)

STATUS_ORDER = [Status.GREEN, Status.YELLOW, Status.RED, Status.NO_DATA, Status.NOT_STARTED]

# Other apps (disclosure reports, surveys) add panels to the home page by registering a
# provider here, so the domain never imports them (DESIGN.md: dependencies point one way).
# A provider takes (request, cycle) and returns a dict merged into the home context, e.g.
# {"latest_reports": [{"title", "url", "date"}]} or {"open_surveys": [...]}.
HOME_PANEL_PROVIDERS: list[Callable] = []


def register_home_panel(provider: Callable) -> Callable:
    HOME_PANEL_PROVIDERS.append(provider)
    return provider


# --- query parameters -----------------------------------------------------------------------


@dataclass
class CycleChoice:
    """The cycle a page shows, the published cycles to choose from, and notices about params."""

    cycle: Cycle | None
    cycles: list[Cycle]
    notices: list[str] = field(default_factory=list)

    @property
    def latest_month(self) -> datetime.date | None:
        return getattr(self.cycle, "latest_month", None) if self.cycle else None


def _parse_year(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    raw = raw.strip()
    if not raw.isdigit() or len(raw) != 4:
        return -1
    return int(raw)


def parse_month_param(raw: str | None) -> datetime.date | None:
    """ "2026-10" → date(2026, 10, 1); anything else → None."""
    if not raw:
        return None
    try:
        year, month = raw.strip().split("-")
        if len(year) != 4:
            return None
        return datetime.date(int(year), int(month), 1)
    except (ValueError, TypeError):
        return None


def choose_cycle(request) -> CycleChoice:
    """The ?year= cycle if published, else the latest published cycle with evaluations.

    A malformed or unknown year is ignored with a notice rather than an error page, because
    a bad query string must never break the page (DESIGN.md: bad input gets a clear message).
    """
    cycles = Cycle.objects.published_with_latest_month()
    notices = []
    raw_year = request.GET.get("year")
    year = _parse_year(raw_year)
    if year is not None:
        chosen = next((c for c in cycles if c.year == year), None)
        if chosen is not None:
            return CycleChoice(chosen, cycles, notices)
        notices.append(
            _("There is no published evaluation year “%(year)s”; showing the latest one.")
            % {"year": raw_year[:20]}
        )
    with_data = [c for c in cycles if c.latest_month is not None]
    default = with_data[0] if with_data else (cycles[0] if cycles else None)
    return CycleChoice(default, cycles, notices)


def choose_month(request, choice: CycleChoice, available: list[datetime.date]):
    """The ?month= month if it has evaluations in the cycle, else the latest one."""
    latest = available[-1] if available else None
    raw = request.GET.get("month")
    if not raw:
        return latest
    month = parse_month_param(raw)
    if month is not None and month in available:
        return month
    choice.notices.append(
        _("No results for the month “%(month)s”; showing the latest month.") % {"month": raw[:20]}
    )
    return latest


# --- home -----------------------------------------------------------------------------------


def _status_counts(statuses) -> list[dict]:
    counts = Counter(statuses)
    return [
        {"status": status.value, "label": status.label, "count": counts.get(status.value, 0)}
        for status in STATUS_ORDER
    ]


def home_context(request) -> dict:
    """The city at a glance for the chosen cycle (HomePage.get_context adds this)."""
    choice = choose_cycle(request)
    cycle = choice.cycle
    context = {"cycle": cycle, "cycles": choice.cycles, "notices": choice.notices}
    for provider in HOME_PANEL_PROVIDERS:  # reports, surveys: shown with or without a cycle
        context.update(provider(request, cycle) or {})
    if cycle is None:
        return context
    goal_statuses = list(Goal.objects.filter(cycle=cycle).values_list("status", flat=True))
    evaluations = []
    if choice.latest_month:
        evaluations = list(
            Evaluation.objects.filter(cycle=cycle, period=choice.latest_month)
            .select_related("department")
            .defer("breakdown")
            .order_by("rank", "department__sort_order", "department__name")
        )
    data_month = Indicator.objects.filter(goal__cycle=cycle).aggregate(m=Max("latest_period"))["m"]
    context.update(
        {
            "city_status": city_status(cycle),
            "goal_status_counts": _status_counts(goal_statuses),
            "goal_total": len(goal_statuses),
            "department_status_counts": _status_counts(e.status for e in evaluations),
            "evaluations": evaluations,
            "evaluation_month": choice.latest_month,
            "data_month": data_month,
            "computed_at": max((e.computed_at for e in evaluations), default=None),
        }
    )
    return context


# --- departments ----------------------------------------------------------------------------


@cached_public_page
@require_GET
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


@dataclass
class GoalNode:
    """A goal in the department's tree, with how the department is involved in it."""

    goal: Goal
    role: str  # "owner", "co" or "context" (an ancestor shown only for orientation)
    children: list[GoalNode] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)


def build_goal_tree(goals: list[Goal], department: Department) -> list[GoalNode]:
    """City goal → department goal → key task, from the department's goals and their ancestors.

    ``goals`` holds the department's goals (``direct`` true: it leads or co-operates on them)
    and their ancestors (``direct`` false), as ``Goal.objects.tree_for`` reads them, so walking up
    the tree costs no queries.
    """
    by_id = {goal.pk: goal for goal in goals}
    nodes: dict[int, GoalNode] = {}
    for goal in goals:
        if goal.direct:
            role = "owner" if goal.owner_id == department.pk else "co"
            nodes[goal.pk] = GoalNode(goal, role)
    for goal in [node.goal for node in nodes.values()]:
        ancestor = by_id.get(goal.parent_id)
        while ancestor is not None and ancestor.pk not in nodes:
            nodes[ancestor.pk] = GoalNode(ancestor, "context")
            ancestor = by_id.get(ancestor.parent_id)
    roots = []
    for node in sorted(nodes.values(), key=lambda n: (n.goal.sort_order, n.goal.code)):
        parent_id = node.goal.parent_id
        if parent_id and parent_id in nodes:
            nodes[parent_id].children.append(node)
        else:
            roots.append(node)
    return roots


def _share_cycle(nodes: list[GoalNode], cycle: Cycle) -> None:
    """Give every goal in the tree the loaded cycle: get_absolute_url needs its year."""
    for node in nodes:
        node.goal.cycle = cycle
        _share_cycle(node.children, cycle)


def breakdown_rows(breakdown: dict, indicators_by_code: dict[str, Indicator]) -> list[dict]:
    """Flatten Evaluation.breakdown into table rows: part → dimension → indicator → points."""
    rows = []
    parts = (breakdown or {}).get("parts") or {}
    effective = (breakdown or {}).get("effective_weights") or {}
    goals = parts.get("goals") or {}
    for dimension, info in (goals.get("dimensions") or {}).items():
        for item in info.get("indicators") or []:
            rows.append(
                {
                    "part": "goals",
                    "dimension": dimension,
                    "item": item,
                    "indicator": indicators_by_code.get(item.get("code")),
                }
            )
    satisfaction = parts.get("satisfaction") or {}
    for item in satisfaction.get("indicators") or []:
        rows.append(
            {
                "part": "satisfaction",
                "dimension": "satisfaction",
                "item": item,
                "indicator": indicators_by_code.get(item.get("code")),
            }
        )
    for row in rows:
        row["part_weight"] = effective.get(row["part"])
    return rows


@cached_public_page
@require_GET
def department_detail(request, slug):
    """A department: contact, goal tree with lights, indicators, score breakdown, history."""
    department = get_object_or_404(Department, slug=slug)
    choice = choose_cycle(request)
    cycle = choice.cycle
    roots, indicators, own_indicators, rows = [], [], [], []
    if cycle is not None:
        goals = Goal.objects.tree_for(department, cycle)
        goals_by_id = {g.pk: g for g in goals if g.direct}
        # The goals are loaded already: no join to read them again with every indicator.
        indicators = list(Indicator.objects.filter(goal__in=list(goals_by_id)))
        for indicator in indicators:
            indicator.goal = goals_by_id[indicator.goal_id]
        roots = build_goal_tree(goals, department)
        _share_cycle(roots, cycle)
        by_goal = defaultdict(list)
        for indicator in indicators:
            by_goal[indicator.goal_id].append(indicator)

        def attach(nodes):
            for node in nodes:
                node.indicators = by_goal.get(node.goal.pk, [])
                attach(node.children)

        attach(roots)
        own_indicators = [i for i in indicators if i.goal.owner_id == department.pk]
    monthly, evaluation, history = department_evaluations(
        department, cycle, choice.latest_month, choice.cycles
    )
    if evaluation is not None:
        rows = breakdown_rows(evaluation.breakdown, {i.code: i for i in indicators})
    history_chart = None
    if history:
        history_columns = {
            "label": [h.cycle.year for h in history],
            "total": [h.total for h in history],
        }
        history_chart = charts.figure_json(charts.score_history_spec(history_columns))
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
        },
    )


@cached_public_page
@require_GET
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
@require_GET
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
        {"goal": goal, "cycle": goal.cycle, "children": children},
    )


def _published_indicator(code: str) -> Indicator:
    return get_object_or_404(
        Indicator.objects.select_related("goal", "goal__owner", "goal__cycle"),
        code=code,
        goal__cycle__published=True,
    )


def _series(indicator: Indicator) -> pd.DataFrame:
    from portal import evaluation

    return evaluation.indicator_series(indicator)


def correction_role(correction: MeasurementCorrection, department: Department) -> str:
    """Who corrected a figure, as a role: personal names are not published."""
    user = correction.corrected_by
    if user is None:
        return _("System")
    if user.is_superuser:
        return _("City administrator")
    return _("Data editor, %(department)s") % {"department": department.display_short_name}


def _corrections(indicator: Indicator) -> list[MeasurementCorrection]:
    """The indicator's corrections, newest first, each with the role that made it (``role``)."""
    corrections = list(
        MeasurementCorrection.objects.filter(measurement__indicator=indicator)
        .select_related("measurement", "corrected_by")
        .order_by("-corrected_at", "-pk")
    )
    for correction in corrections:
        correction.role = correction_role(correction, indicator.goal.owner)
    return corrections


def indicator_chart_context(indicator: Indicator) -> dict:
    """An indicator's chart and the table that stands for it (rows, column labels, "as of"
    month, downloads): what the indicator page and a report's chart block both show."""
    series = _series(indicator)
    rows = exports.indicator_records(series)
    measured = [row for row in rows if row["value"] is not None]
    chart = None
    if len(series):
        chart = charts.figure_json(charts.indicator_figure_spec(series, unit=indicator.unit))
    return {
        "rows": rows,
        "columns": exports.column_labels(indicator.unit),
        "as_of": measured[-1]["period"] if measured else None,
        "chart_json": chart,
        "formats": exports.FORMATS,
    }


@cached_public_page
@require_GET
def indicator_detail(request, code):
    """An indicator: chart against the target path, data table, method, source, corrections."""
    indicator = _published_indicator(code)
    return render(
        request,
        "portal/indicator.html",
        {
            "indicator": indicator,
            "goal": indicator.goal,
            "cycle": indicator.goal.cycle,
            "department": indicator.goal.owner,
            "corrections": _corrections(indicator),
            **indicator_chart_context(indicator),
        },
    )


@cached_public_page
@require_GET
def indicator_download(request, code, fmt):
    """The indicator page's table as CSV, XLSX or JSON (the last two with the corrections
    table too); any other format is a 404."""
    if fmt not in exports.FORMATS:
        raise Http404("Unknown download format")
    indicator = _published_indicator(code)
    page_url = request.build_absolute_uri(indicator.get_absolute_url())
    return exports.download_response(
        indicator, _series(indicator), fmt, page_url=page_url, corrections=_corrections(indicator)
    )


# --- rankings -------------------------------------------------------------------------------

RANKING_SORTS = {
    "rank": lambda e: (e.rank is None, e.rank or 0),
    "name": lambda e: e.department.name,
    "goals": lambda e: (e.goals_score is None, -(e.goals_score or 0)),
    "satisfaction": lambda e: (e.satisfaction_score is None, -(e.satisfaction_score or 0)),
    "qualitative": lambda e: (e.qualitative_score is None, -(e.qualitative_score or 0)),
    "total": lambda e: (e.total is None, -(e.total or 0)),
}


@cached_public_page
@require_GET
def rankings(request):
    """Departments ranked by total score in a month of a cycle, with the score parts."""
    choice = choose_cycle(request)
    cycle = choice.cycle
    months, month, evaluations = [], None, []
    if cycle is not None:
        months = list(
            Evaluation.objects.filter(cycle=cycle)
            .order_by("period")
            .values_list("period", flat=True)
            .distinct()
        )
        month = choose_month(request, choice, months)
    if month is not None:
        evaluations = list(
            Evaluation.objects.filter(cycle=cycle, period=month)
            .select_related("department")
            .defer("breakdown")
        )
    sort = request.GET.get("sort", "rank")
    if sort not in RANKING_SORTS:
        sort = "rank"
    evaluations.sort(key=lambda e: (RANKING_SORTS[sort](e), e.department.sort_order))
    return render(
        request,
        "portal/rankings.html",
        {
            "cycle": cycle,
            "cycles": choice.cycles,
            "notices": choice.notices,
            "months": months,
            "month": month,
            "evaluations": evaluations,
            "sort": sort,
            "sort_columns": [
                ("rank", _("Rank")),
                ("name", _("Department")),
                ("goals", _("Goal indicators")),
                ("satisfaction", _("Citizen satisfaction")),
                ("qualitative", _("Qualitative review")),
                ("total", _("Total score")),
            ],
        },
    )


# --- language, static pages -----------------------------------------------------------------


@require_GET
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
@require_GET
def accessibility(request):
    """The accessibility statement (WCAG 2.1 AA and the 适老化 requirements)."""
    return render(request, "portal/accessibility.html")


@cached_public_page
@require_GET
def methodology(request):
    """How statuses and scores are computed, with the current cycle's weights."""
    choice = choose_cycle(request)
    return render(
        request,
        "portal/methodology.html",
        {"cycle": choice.cycle, "cycles": choice.cycles, "notices": choice.notices},
    )

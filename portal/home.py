"""The home page's context: the city at a glance in the chosen cycle, and the panels other apps
add through the ``portal_home_panels`` hook.

Other apps (disclosure reports, surveys) add panels to the home page by registering a function
with ``@hooks.register("portal_home_panels")`` in their wagtail_hooks.py, so the domain never
imports them (DESIGN.md: dependencies point one way). The function takes (request, cycle) —
the cycle may be None — and returns a dict merged into the home context, e.g.
{"latest_reports": [{"title", "url", "date"}]} or {"open_surveys": [...]}.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Max
from wagtail import hooks

from portal.evaluation import city_status
from portal.models import Evaluation, Goal, Indicator, Status
from portal.params import choose_cycle

STATUS_ORDER = [Status.GREEN, Status.YELLOW, Status.RED, Status.NO_DATA, Status.NOT_STARTED]


def _status_counts(statuses) -> list[dict]:
    counts = Counter(statuses)
    return [
        {"status": status.value, "label": status.label, "count": counts.get(status.value, 0)}
        for status in STATUS_ORDER
    ]


def home_context(request) -> dict:
    """The city at a glance for the chosen cycle: HomePage.get_context adds it through the
    ``portal_home_context`` hook (registered in portal/wagtail_hooks.py)."""
    choice = choose_cycle(request)
    cycle = choice.cycle
    context = {"cycle": cycle, "cycles": choice.cycles, "notices": choice.notices}
    for panel in hooks.get_hooks("portal_home_panels"):  # shown with or without a cycle
        context.update(panel(request, cycle) or {})
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

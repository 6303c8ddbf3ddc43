"""The performance domain's public records: departments, cycles, goals (flat and as a tree),
indicators and their monthly figures. Only published cycles' goals, indicators and figures
appear (``cycle__published``, the rule of the goal and indicator pages)."""

from __future__ import annotations

from django.db.models import Max
from drf_spectacular.utils import extend_schema
from rest_framework.mixins import ListModelMixin
from rest_framework.response import Response

from api import params, rows, serializers
from api.views import docs
from api.views.base import PublicAPIView
from portal.goal_tree import GoalNode, department_goal_tree
from portal.models import Cycle, Department, Goal, Indicator, Measurement, Status


class PublicListView(ListModelMixin, PublicAPIView):
    """A paginated list in a fixed order."""

    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


class HandListView(PublicListView):
    """A long list whose rows are dicts (api/rows.py): each row's cycle and department come
    from the worker's memory, through the serializer's context."""

    def cycles(self) -> dict[int, Cycle]:
        """The published cycles by id."""
        if not hasattr(self, "_published"):
            self._published = {c.pk: c for c in Cycle.objects.published_with_latest_month()}
        return self._published

    def get_serializer_context(self):
        return {
            **super().get_serializer_context(),
            "cycles": self.cycles(),
            "departments": Department.objects.by_pk(),
        }


@extend_schema(
    tags=["domain"],
    summary="Departments",
    description="Current departments, in the site's order (sort order, then id).",
    parameters=[docs.ACCEPT_LANGUAGE],
)
class DepartmentList(PublicListView):
    serializer_class = serializers.DepartmentSerializer
    ordering = ("sort_order", "id")

    def get_queryset(self):
        return Department.objects.filter(active=True)


@extend_schema(
    tags=["domain"],
    summary="Evaluation cycles",
    description="Published evaluation years, newest first, with their scoring scheme.",
)
class CycleList(PublicListView):
    serializer_class = serializers.CycleSerializer
    ordering = ("-year",)

    def get_queryset(self):
        return Cycle.objects.filter(published=True).annotate(
            latest_month=Max("evaluations__period")
        )


GOAL_PARAMETERS = [docs.CYCLE, docs.DEPARTMENT, docs.STATUS, docs.ACCEPT_LANGUAGE]


@extend_schema(
    tags=["domain"],
    summary="Goals (flat list)",
    description="Goals of published cycles in id order; ``parent`` names the parent goal's "
    "code. ``department`` is the lead department or a co-department.",
    parameters=GOAL_PARAMETERS,
)
class GoalList(PublicListView):
    serializer_class = serializers.GoalSerializer
    parameters = ("cycle", "department", "status")

    def get_queryset(self):
        goals = Goal.objects.filter(cycle__published=True).select_related("cycle", "owner")
        cycle = params.cycle(self.request)
        department = params.department(self.request)
        status = params.choice(self.request, "status", Status)
        if cycle:
            goals = goals.filter(cycle=cycle)
        if department:
            goals = goals.filter(owner=department) | goals.filter(co_departments=department)
            goals = goals.distinct()
        if status:
            goals = goals.filter(status=status)
        return goals.prefetch_related("co_departments")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        parents = {g.parent_id for g in page if g.parent_id}
        codes = dict(Goal.objects.filter(pk__in=parents).values_list("pk", "code"))
        context = {**self.get_serializer_context(), "goal_codes": codes}
        data = serializers.GoalSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)


@extend_schema(
    tags=["domain"],
    summary="Goals as a tree",
    description="City goal → department goal → key task, with each goal's indicator codes. "
    "With ``department``: the tree its page shows (its goals, those it co-operates on, and "
    "their ancestors, each with its role). Without ``cycle``: the latest published cycle "
    "with data. Not paginated (one cycle's tree).",
    parameters=[docs.CYCLE, docs.DEPARTMENT, docs.ACCEPT_LANGUAGE],
    responses=serializers.GoalNodeSerializer(many=True),
)
class GoalTree(PublicAPIView):
    pagination_class = None
    parameters = ("cycle", "department")

    def get(self, request):
        cycle = params.cycle(request) or default_cycle()
        department = params.department(request)
        if cycle is None:
            return Response([])
        if department is not None:
            roots, _indicators = department_goal_tree(department, cycle)
            codes: dict[int, list[str]] = {}
            for node in _walk(roots):
                codes[node.goal.pk] = [i.code for i in node.indicators]
            # Context goals' indicators are not loaded by the page: name them too.
            missing = [n.goal.pk for n in _walk(roots) if n.role == "context"]
            for goal_id, code in Indicator.objects.filter(goal__in=missing).values_list(
                "goal_id", "code"
            ):
                codes.setdefault(goal_id, []).append(code)
        else:
            goals = list(Goal.objects.filter(cycle=cycle).select_related("owner"))
            nodes = {g.pk: GoalNode(g, None) for g in goals}
            roots = []
            for goal in sorted(goals, key=lambda g: (g.sort_order, g.code)):
                goal.cycle = cycle
                parent = nodes.get(goal.parent_id)
                (parent.children if parent else roots).append(nodes[goal.pk])
            codes = {}
            for goal_id, code in (
                Indicator.objects.filter(goal__cycle=cycle)
                .order_by("sort_order", "code")
                .values_list("goal_id", "code")
            ):
                codes.setdefault(goal_id, []).append(code)
        return Response([self._node(node, codes) for node in roots])

    def _node(self, node: GoalNode, codes) -> dict:
        goal = node.goal
        return {
            "code": goal.code,
            "title": goal.title,
            "level": goal.level,
            "status": goal.status,
            "department": serializers.DepartmentRefSerializer(goal.owner).data,
            "role": node.role,
            "indicators": codes.get(goal.pk, []),
            "children": [self._node(child, codes) for child in node.children],
            "url": self.absolute(goal.get_absolute_url()),
        }


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.children)


def default_cycle() -> Cycle | None:
    """The latest published cycle with evaluations, else the latest published one (the
    public pages' default, portal.params.choose_cycle)."""
    cycles = Cycle.objects.published_with_latest_month()
    with_data = [c for c in cycles if c.latest_month is not None]
    return with_data[0] if with_data else (cycles[0] if cycles else None)


@extend_schema(
    tags=["domain"],
    summary="Indicators",
    description="Indicators of published cycles in id order, with the latest figure, "
    "progress and light as of the cycle's latest month (``as_of``).",
    parameters=[
        docs.CYCLE,
        docs.DEPARTMENT,
        docs.DIMENSION,
        docs.STATUS,
        docs.ACCEPT_LANGUAGE,
    ],
)
class IndicatorList(HandListView):
    serializer_class = serializers.IndicatorSerializer
    parameters = ("cycle", "department", "dimension", "status")

    def get_queryset(self):
        # Dicts, not model instances, read by a statement written by hand (api/rows.py); the
        # cycle and department of each row come from the worker's memory (the context).
        lookups = {"goal__cycle__in": list(self.cycles()), **indicator_lookups(self.request, "")}
        return rows.HandRows(Indicator, rows.indicators(), lookups)


def indicator_lookups(request, prefix: str) -> dict:
    """The filters indicators and their figures share, as lookups on ``prefix`` ("" or
    "indicator__"): the goal's cycle and owner, the dimension and the light."""
    cycle = params.cycle(request)
    department = params.department(request)
    dimension = params.choice(request, "dimension", Indicator.Dimension)
    status = params.choice(request, "status", Status)
    lookups = {}
    if cycle:
        lookups[f"{prefix}goal__cycle"] = cycle.pk
    if department:
        lookups[f"{prefix}goal__owner"] = department.pk
    if dimension:
        lookups[f"{prefix}dimension"] = dimension
    if status:
        lookups[f"{prefix}status"] = status
    return lookups


@extend_schema(
    tags=["domain"],
    summary="Measurements (monthly figures)",
    description="Every published figure as it stands, in id order (a corrected figure keeps "
    "its id; its history is on the indicator's page). ``status`` filters by the indicator's "
    "light as of its cycle's latest month.",
    parameters=[
        docs.DEPARTMENT,
        docs.CYCLE,
        docs.DIMENSION,
        docs.INDICATOR,
        docs.FROM,
        docs.TO,
        docs.STATUS,
        docs.ACCEPT_LANGUAGE,
    ],
)
class MeasurementList(HandListView):
    serializer_class = serializers.MeasurementSerializer
    parameters = ("department", "cycle", "dimension", "indicator", "from", "to", "status")

    def get_queryset(self):
        lookups = {"indicator__goal__cycle__in": list(self.cycles())}
        lookups.update(indicator_lookups(self.request, "indicator__"))
        indicator = params.indicator(self.request)
        start, end = params.month_range(self.request)
        if indicator:
            lookups["indicator"] = indicator.pk
        if start:
            lookups["period__gte"] = start
        if end:
            lookups["period__lte"] = end
        # Dicts, not model instances, read by a statement written by hand (api/rows.py).
        return rows.HandRows(Measurement, rows.measurements(), lookups)

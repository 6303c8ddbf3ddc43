"""Evaluations: every department's score, rank of N, grade and light per month, and one
evaluation's explainable breakdown read exactly as the department page reads it
(portal.evaluation.department_evaluations, portal.scoring.breakdown_rows): the API never
computes a score of its own."""

from __future__ import annotations

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from api import params, serializers
from api.views import docs
from api.views.base import PublicAPIView
from api.views.domain import PublicListView
from portal.evaluation import department_evaluations
from portal.models import Cycle, Department, Evaluation, Indicator
from portal.scoring import breakdown_rows


def source_text(request) -> str:
    return _("Computed by this site from the published figures; method: %(url)s") % {
        "url": request.build_absolute_uri(reverse("portal:methodology"))
    }


def ranked_counts(evaluations) -> dict:
    """How many departments are ranked in each (cycle, month) of ``evaluations``: the N of
    "rank of N", in one query for the whole page."""
    keys = {(e.cycle_id, e.period) for e in evaluations}
    if not keys:
        return {}
    rows = (
        Evaluation.objects.filter(
            cycle__in={c for c, _m in keys}, period__in={m for _c, m in keys}, rank__isnull=False
        )
        .order_by()
        .values("cycle_id", "period")
        .annotate(n=Count("id"))
    )
    return {(row["cycle_id"], row["period"]): row["n"] for row in rows}


@extend_schema(
    tags=["evaluations"],
    summary="Evaluations (scores, ranks, grades)",
    description="Each department's composite score per month of published cycles, ordered "
    "by month, then rank, then department id. ``breakdown_url`` leads to the explainable "
    "breakdown.",
    parameters=[docs.CYCLE, docs.DEPARTMENT, docs.MONTH, docs.FROM, docs.TO, docs.ACCEPT_LANGUAGE],
)
class EvaluationList(PublicListView):
    serializer_class = serializers.EvaluationSerializer
    # The cycle's recompute replaces its rows (new ids): the order rests on what stays.
    ordering = ("period", "rank", "department_id")
    parameters = ("cycle", "department", "month", "from", "to")

    def get_queryset(self):
        evaluations = (
            Evaluation.objects.filter(cycle__published=True)
            .select_related("department", "cycle")
            .defer("breakdown")
        )
        cycle = params.cycle(self.request)
        department = params.department(self.request)
        month = params.month(self.request, "month")
        start, end = params.month_range(self.request)
        if cycle:
            evaluations = evaluations.filter(cycle=cycle)
        if department:
            evaluations = evaluations.filter(department=department)
        if month:
            evaluations = evaluations.filter(period=month)
        if start:
            evaluations = evaluations.filter(period__gte=start)
        if end:
            evaluations = evaluations.filter(period__lte=end)
        return evaluations

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        context = {
            **self.get_serializer_context(),
            "ranked": ranked_counts(page),
            "source": source_text(request),
        }
        data = serializers.EvaluationSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)


@extend_schema(
    tags=["evaluations"],
    summary="One evaluation with its breakdown",
    description="A department's evaluation in a published year as its page shows it: "
    "the month asked for (default: the year's latest evaluated month, else the department's "
    "last), with the breakdown part → dimension → indicator → weight → raw value → points.",
    parameters=[docs.MONTH, docs.ACCEPT_LANGUAGE],
    responses=serializers.EvaluationDetailSerializer,
)
class EvaluationDetail(PublicAPIView):
    pagination_class = None
    parameters = ("month",)

    def get(self, request, slug, year):
        department = get_object_or_404(Department, slug=slug)
        cycles = Cycle.objects.published_with_latest_month()
        cycle = next((c for c in cycles if c.year == year), None)
        if cycle is None:
            raise Http404
        month = params.month(request, "month") or cycle.latest_month
        _monthly, evaluation, _history = department_evaluations(department, cycle, month, cycles)
        if evaluation is None or (params.single(request, "month") and evaluation.period != month):
            raise Http404
        evaluation.department = department
        codes = [row["item"].get("code") for row in breakdown_rows(evaluation.breakdown, {})]
        indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
        evaluation.breakdown_table = [
            _row(row) for row in breakdown_rows(evaluation.breakdown, indicators)
        ]
        context = {
            **self.get_serializer_context(),
            "ranked": ranked_counts([evaluation]),
            "source": source_text(request),
        }
        return Response(serializers.EvaluationDetailSerializer(evaluation, context=context).data)


def _row(row: dict) -> dict:
    item, indicator = row["item"], row["indicator"]
    return {
        "part": row["part"],
        "dimension": row["dimension"],
        "part_weight": row["part_weight"],
        "code": item.get("code"),
        "name": item.get("name"),
        "unit": indicator.unit if indicator is not None else None,
        "weight": item.get("weight"),
        "value": item.get("value"),
        "period": item.get("period"),
        "target": item.get("target"),
        "achievement": item.get("achievement"),
        "points": item.get("points"),
        "status": item.get("status"),
    }

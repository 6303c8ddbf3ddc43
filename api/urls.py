"""The public read API, version 1 (namespace ``api``), with its OpenAPI document and docs."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import content, domain, evaluations
from api.views.schema import DESCRIPTION, RootView

app_name = "api"

urlpatterns = [
    path("", RootView.as_view(), name="root"),
    path("departments/", domain.DepartmentList.as_view(), name="department-list"),
    path("cycles/", domain.CycleList.as_view(), name="cycle-list"),
    path("goals/", domain.GoalList.as_view(), name="goal-list"),
    path("goals/tree/", domain.GoalTree.as_view(), name="goal-tree"),
    path("indicators/", domain.IndicatorList.as_view(), name="indicator-list"),
    path("measurements/", domain.MeasurementList.as_view(), name="measurement-list"),
    path("evaluations/", evaluations.EvaluationList.as_view(), name="evaluation-list"),
    path(
        "evaluations/<slug:slug>/<int:year>/",
        evaluations.EvaluationDetail.as_view(),
        name="evaluation-detail",
    ),
    path("reports/", content.ReportList.as_view(), name="report-list"),
    path("survey-results/", content.SurveyResultList.as_view(), name="survey-result-list"),
    path("cases/", content.CaseList.as_view(), name="case-list"),
    path(
        "schema/",
        SpectacularAPIView.as_view(api_version="1", custom_settings={"DESCRIPTION": DESCRIPTION}),
        name="schema",
    ),
    # The split view serves Swagger UI's start-up script as a file of its own: the site's
    # Content-Security-Policy runs no inline script (portal/security.py).
    # GET only: DRF's OPTIONS answer renders through the page's HTML renderer, which names no
    # template (a 500).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", http_method_names=["get", "head"]
        ),
        name="docs",
    ),
]

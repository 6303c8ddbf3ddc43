"""The content apps' public records, each app's own rule for what is public: reports that are
live and behind no view restriction (``ReportPage.objects.visible()``), results of public
surveys (``SurveyResult.objects.public()``) and public cases (``RectificationCase.objects
.public()``, comments only once moderated)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema

from api import params, serializers
from api.errors import InvalidParameter
from api.views import docs
from api.views.domain import PublicListView
from disclosure.models import ReportKind, ReportPage
from portal.months import next_month
from surveys.models import RectificationCase, Survey, SurveyResult


@extend_schema(
    tags=["content"],
    summary="Published reports",
    description="Disclosure reports the public may read, newest publication date first "
    "(then newest id): metadata and the link to each report's page.",
    parameters=[
        docs.query("year", "The year the report is about.", pattern=r"^\d{4}$"),
        docs.query("kind", "The kind of report.", enum=ReportKind.values),
        docs.DEPARTMENT,
        docs.ACCEPT_LANGUAGE,
    ],
)
class ReportList(PublicListView):
    serializer_class = serializers.ReportSerializer
    ordering = ("-report_date", "-id")
    parameters = ("year", "kind", "department")

    def get_queryset(self):
        reports = ReportPage.objects.visible().select_related("department")
        year = params.year(self.request, "year")
        kind = params.choice(self.request, "kind", ReportKind)
        department = params.department(self.request)
        if year:
            reports = reports.filter(year=year)
        if kind:
            reports = reports.filter(kind=kind)
        if department:
            reports = reports.filter(department=department)
        return reports


@extend_schema(
    tags=["content"],
    summary="Survey results",
    description="Monthly results of surveys whose results are public, in id order: the whole "
    "survey's and each service's (``service`` null for the whole survey).",
    parameters=[
        docs.query("survey", "A survey's slug."),
        docs.DEPARTMENT,
        docs.FROM,
        docs.TO,
        docs.ACCEPT_LANGUAGE,
    ],
)
class SurveyResultList(PublicListView):
    serializer_class = serializers.SurveyResultSerializer
    parameters = ("survey", "department", "from", "to")

    def get_queryset(self):
        results = SurveyResult.objects.public().select_related("survey__department", "service")
        slug = params.single(self.request, "survey")
        if slug is not None:
            survey = Survey.objects.public().filter(slug=slug[:80]).first()
            if survey is None:
                raise InvalidParameter(
                    "survey", _("There is no public survey “%(slug)s”.") % {"slug": slug[:40]}
                )
            results = results.filter(survey=survey)
        department = params.department(self.request)
        start, end = params.month_range(self.request)
        if department:
            results = results.filter(survey__department=department)
        if start:
            results = results.filter(period__gte=start)
        if end:
            results = results.filter(period__lte=end)
        return results


@extend_schema(
    tags=["content"],
    summary="Rectification cases",
    description="Public rectification cases (整改案例), newest report date first (then newest "
    "id). A resident's comment appears only once an editor has moderated it.",
    parameters=[
        docs.DEPARTMENT,
        docs.query("status", "open (in progress) or done.", enum=RectificationCase.Status.values),
        docs.FROM,
        docs.TO,
        docs.ACCEPT_LANGUAGE,
    ],
)
class CaseList(PublicListView):
    serializer_class = serializers.CaseSerializer
    ordering = ("-reported_on", "-id")
    parameters = ("department", "status", "from", "to")

    def get_queryset(self):
        cases = RectificationCase.objects.public().select_related("department", "service", "survey")
        department = params.department(self.request)
        status = params.choice(self.request, "status", RectificationCase.Status)
        start, end = params.month_range(self.request)
        if department:
            cases = cases.filter(department=department)
        if status:
            cases = cases.filter(status=status)
        if start:
            cases = cases.filter(reported_on__gte=start)
        if end:
            cases = cases.filter(reported_on__lt=next_month(end))
        return cases

"""Public pages: survey results by month and rectification cases (namespace ``surveys``).

Only what the models' ``public()`` querysets allow is shown; anything else is a 404. Every page
reads its rows in a fixed number of queries however many months, questions or cases there are
(DESIGN.md), and is cached like the domain's pages (surveys.signal_handlers invalidates).
"""

from __future__ import annotations

from itertools import groupby

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from portal.cache import cached_public_page
from surveys.models import RectificationCase, Survey, SurveyResult

LATEST_CASES = 10


@cached_public_page
@require_GET
def survey_index(request):
    """Public surveys by department with their latest month, and the newest public cases."""
    surveys = list(
        Survey.objects.public()
        .select_related("department")
        .prefetch_related("services")
        .order_by("department__sort_order", "department__name", "title")
    )
    latest = SurveyResult.objects.latest_by_survey(Survey.objects.public())
    for survey in surveys:
        survey.latest_result = latest.get(survey.pk)
    groups = [
        {"department": members[0].department, "surveys": members}
        for members in (list(group) for _key, group in groupby(surveys, lambda s: s.department_id))
    ]
    cases = list(RectificationCase.objects.public().select_related("department")[:LATEST_CASES])
    return render(
        request,
        "surveys/survey_index.html",
        {
            "groups": groups,
            "cases": cases,
            "as_of": max((r.updated_at for r in latest.values()), default=None),
        },
    )


@cached_public_page
@require_GET
def survey_detail(request, slug):
    """A survey's results month by month, its questions and its public rectification cases."""
    survey = get_object_or_404(
        Survey.objects.public().select_related("department", "indicator__goal__cycle"),
        slug=slug,
    )
    results = list(SurveyResult.objects.filter(survey=survey).whole_survey().order_by("period"))
    questions = list(survey.questions.order_by("sort_order", "pk"))
    cases = list(RectificationCase.objects.public().filter(survey=survey))
    indicator = survey.indicator
    # Link the indicator it feeds only where the indicator page itself is public.
    if indicator is not None and not indicator.goal.cycle.published:
        indicator = None
    return render(
        request,
        "surveys/survey.html",
        {
            "survey": survey,
            "department": survey.department,
            "results": results,
            "questions": questions,
            "cases": cases,
            "indicator": indicator,
            "as_of": max((r.updated_at for r in results), default=None),
            "sources": sorted({r.source for r in results if r.source}),
        },
    )


@cached_public_page
@require_GET
def case_detail(request, pk):
    """One public rectification case, with a link to its survey where that is public."""
    case = get_object_or_404(
        RectificationCase.objects.public().select_related("department", "survey"), pk=pk
    )
    survey = None
    if case.survey_id and Survey.objects.public().filter(pk=case.survey_id).exists():
        survey = case.survey
    return render(
        request,
        "surveys/rectification_case.html",
        {"case": case, "department": case.department, "survey": survey},
    )

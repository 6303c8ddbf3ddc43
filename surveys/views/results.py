"""Public pages of survey results: the list of surveys, a survey's results and a service's
results (namespace ``surveys``), with the downloads of their tables.

Only what the models' ``public()`` querysets allow is shown; anything else is a 404. Every page
reads its rows in a fixed number of queries however many months, questions, services or cases
there are (DESIGN.md), and is cached like the domain's pages (surveys.signal_handlers
invalidates). The tables are rows from ``surveys.tables``, which the downloads are built from
too, so a download is exactly the table shown.
"""

from __future__ import annotations

from itertools import groupby

from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal import charts, exports
from portal.cache import cached_public_page
from portal.months import iso_month
from surveys import tables
from surveys.aggregation import overall_question, score_points
from surveys.models import RectificationCase, Service, Survey, SurveyQuestion, SurveyResult
from surveys.views.services import open_survey_for

LATEST_CASES = 10


@cached_public_page
@require_safe
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


# --- charts ------------------------------------------------------------------------------------


def trend_chart(results: list[SurveyResult]) -> str | None:
    """The satisfied share and the score month by month, each with its 95 % interval."""
    if not any(r.satisfied_share is not None or r.score is not None for r in results):
        return None
    series = [
        {
            "name": _("Satisfied share (%)"),
            "values": [r.satisfied_share for r in results],
            "low": [r.satisfied_low for r in results],
            "high": [r.satisfied_high for r in results],
        }
    ]
    if any(r.score is not None for r in results):
        series.append(
            {
                "name": _("Score (0–100)"),
                "values": [r.score for r in results],
                "low": [r.score_low for r in results],
                "high": [r.score_high for r in results],
            }
        )
    spec = charts.bar_chart_spec(
        [iso_month(r.period) for r in results], series, y_range=(0, 100), y_title=_("0 to 100")
    )
    return charts.figure_json(spec)


def service_trend_chart(results: list[SurveyResult]) -> str | None:
    """A service's satisfied share month by month with its 95 % interval, one series per
    survey that rates it (most services are rated by one)."""
    if not any(r.satisfied_share is not None for r in results):
        return None
    months = sorted({r.period for r in results})
    by_survey: dict[int, dict] = {}
    for r in results:
        by_survey.setdefault(r.survey_id, {"name": r.survey.display_title, "months": {}})
        by_survey[r.survey_id]["months"][r.period] = r
    series = []
    for item in by_survey.values():
        rows = [item["months"].get(m) for m in months]
        series.append(
            {
                "name": item["name"],
                "values": [r.satisfied_share if r else None for r in rows],
                "low": [r.satisfied_low if r else None for r in rows],
                "high": [r.satisfied_high if r else None for r in rows],
            }
        )
    spec = charts.bar_chart_spec(
        [iso_month(m) for m in months], series, y_range=(0, 100), y_title=_("Satisfied share (%)")
    )
    return charts.figure_json(spec)


def distribution_chart(names: list[str], distributions: list[list[dict]]) -> str | None:
    """Answers at each level (best first) of one month, one series per survey."""
    series = [
        {"name": name, "values": [row["count"] for row in rows]}
        for name, rows in zip(names, distributions, strict=True)
        if rows
    ]
    if not series:
        return None
    labels = [row["label"] for row in next(rows for rows in distributions if rows)]
    spec = charts.bar_chart_spec(labels, series, y_title=_("Responses"), counts=True)
    return charts.figure_json(spec)


# --- a survey ----------------------------------------------------------------------------------


def _public_survey(slug: str) -> Survey:
    return get_object_or_404(
        Survey.objects.public().select_related("department", "indicator__goal__cycle"),
        slug=slug,
    )


def _survey_results(survey: Survey) -> list[SurveyResult]:
    return list(SurveyResult.objects.filter(survey=survey).whole_survey().order_by("period"))


@cached_public_page
@require_safe
def survey_detail(request, slug):
    """A survey: the latest month in figures and as a distribution, the trend by month, the
    results per service, its questions and its public rectification cases."""
    survey = _public_survey(slug)
    results = _survey_results(survey)
    questions = list(survey.questions.order_by("sort_order", "pk"))
    cases = list(RectificationCase.objects.public().filter(survey=survey))
    services = list(survey.services.public().order_by("name"))
    latest = results[-1] if results else None
    by_service = {}
    if latest is not None and services:
        by_service = {
            r.service_id: r
            for r in SurveyResult.objects.filter(
                survey=survey, period=latest.period, service__in=services
            )
        }
    indicator = survey.indicator
    # Link the indicator it feeds only where the indicator page itself is public.
    if indicator is not None and not indicator.goal.cycle.published:
        indicator = None
    distribution = tables.distribution_records(
        latest, tables.level_labels(overall_question(questions))
    )
    return render(
        request,
        "surveys/survey.html",
        {
            "survey": survey,
            "department": survey.department,
            "latest": latest,
            "rows": tables.result_records(results),
            "labels": tables.result_labels(),
            "questions": questions,
            "cases": cases,
            "service_rows": [{"service": s, "result": by_service.get(s.pk)} for s in services],
            "indicator": indicator,
            "distribution": distribution,
            "distribution_chart": distribution_chart([survey.display_title], [distribution]),
            "trend_chart": trend_chart(results),
            "is_open": survey.is_open(timezone.localdate()),
            "as_of": max((r.updated_at for r in results), default=None),
            "sources": sorted({r.source for r in results if r.source}),
            "score_points": _score_points(),
            "download_formats": exports.FORMATS,
        },
    )


def _score_points() -> list[dict]:
    """The points each level earns in the 100-point score (a setting), best first."""
    points, labels = score_points(), tables.level_labels(None)
    return [{"label": labels[level], "points": points[level]} for level in labels]


@cached_public_page
@require_safe
def survey_download(request, slug, fmt):
    """The survey page's results-by-month table as CSV, XLSX or JSON."""
    if fmt not in exports.FORMATS:
        raise Http404("Unknown download format")
    survey = _public_survey(slug)
    results = _survey_results(survey)
    page_url = request.build_absolute_uri(survey.get_absolute_url())
    department = survey.department
    sources = "、".join(sorted({r.source for r in results if r.source}))
    return tables.results_download(
        tables.result_records(results),
        fmt,
        keys=tables.RESULT_KEYS,
        filename=f"{survey.slug}-results",
        about=[
            (_("Survey"), survey.title),
            (_("Department"), department.name),
            (_("Source"), sources),
            (_("Page"), page_url),
            (_("Methodology page"), f"{page_url}#methodology"),
        ],
        meta={
            "survey": {"slug": survey.slug, "title": survey.title},
            "department": department.name,
            "source": sources,
            "page_url": page_url,
            "methodology_url": f"{page_url}#methodology",
        },
    )


# --- a service ---------------------------------------------------------------------------------


def _public_service(slug: str) -> Service:
    return get_object_or_404(Service.objects.public().select_related("department"), slug=slug)


def _service_results(service: Service) -> list[SurveyResult]:
    """The service's months in every public survey, oldest first, each survey's questions
    loaded (for the words of its levels) in one more query."""
    results = list(
        SurveyResult.objects.public()
        .filter(service=service)
        .select_related("survey")
        .order_by("period", "survey__title", "survey_id")
    )
    surveys = list({r.survey_id: r.survey for r in results}.values())
    prefetch_related_objects(
        surveys,
        Prefetch("questions", queryset=SurveyQuestion.objects.order_by("sort_order", "pk")),
    )
    return results


@cached_public_page
@require_safe
def service_detail(request, slug):
    """A service: where it is, its QR code and poster, and its results in each public survey
    (the latest month in figures and as a distribution, the trend by month)."""
    service = _public_service(slug)
    results = _service_results(service)
    latest_period = results[-1].period if results else None
    latest = [r for r in results if r.period == latest_period]
    distributions = [
        tables.distribution_records(
            r, tables.level_labels(overall_question(r.survey.questions.all()))
        )
        for r in latest
    ]
    surveys = list({r.survey_id: r.survey for r in results}.values())
    open_survey = open_survey_for(service)
    return render(
        request,
        "surveys/service.html",
        {
            "service": service,
            "department": service.department,
            "latest": latest,
            "latest_period": latest_period,
            "distributions": [
                {"survey": r.survey, "result": r, "rows": rows}
                for r, rows in zip(latest, distributions, strict=True)
            ],
            "distribution_chart": distribution_chart(
                [r.survey.display_title for r in latest], distributions
            ),
            "trend_chart": service_trend_chart(results),
            "rows": tables.result_records(results, with_survey=True),
            "surveys": surveys,
            "labels": tables.result_labels(),
            "open_survey": open_survey,
            "as_of": max((r.updated_at for r in results), default=None),
            "download_formats": exports.FORMATS,
        },
    )


@cached_public_page
@require_safe
def service_download(request, slug, fmt):
    """The service page's results table as CSV, XLSX or JSON."""
    if fmt not in exports.FORMATS:
        raise Http404("Unknown download format")
    service = _public_service(slug)
    results = _service_results(service)
    page_url = request.build_absolute_uri(service.get_absolute_url())
    department = service.department
    return tables.results_download(
        tables.result_records(results, with_survey=True),
        fmt,
        keys=tables.SERVICE_RESULT_KEYS,
        filename=f"{service.slug}-results",
        about=[
            (_("Service"), service.name),
            (_("Channel"), service.get_channel_display()),
            (_("Department"), department.name),
            (_("Page"), page_url),
        ],
        meta={
            "service": {
                "slug": service.slug,
                "name": service.name,
                "channel": service.channel,
            },
            "department": department.name,
            "page_url": page_url,
        },
    )

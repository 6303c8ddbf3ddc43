"""Ratings move the indicators: a month of residents' ratings becomes each survey's (and each
service's) monthly result and a 100-point score for every linked satisfaction indicator,
written through the domain's ``record_measurement`` with source "survey".

Idempotent: running a month again rewrites the same figures (a changed figure becomes a
correction, as for any measurement). Results typed in by an editor (a survey run elsewhere)
are never overwritten. The counts come from one GROUP BY over the month's answers, however
many there are.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count

from portal import cache as portal_cache
from portal.actions import record_measurement
from portal.evaluation import recompute_cycle
from portal.models import Cycle, Indicator
from surveys.models import Answer, Response, Survey, SurveyQuestion, SurveyResult
from surveys.stats import DEFAULT_SCORE_POINTS, MonthSummary, summarise

SOURCE_LABEL = "本站评价"  # where aggregated results come from, as the public pages say
MEASUREMENT_SOURCE = "survey"
CORRECTION_REASON = "满意度评价汇总更新"


@dataclass
class AggregationResult:
    """What one run did, for the command's output and the tests."""

    month: datetime.date
    responses: int = 0
    results_written: int = 0
    measurements: dict[str, str] = field(default_factory=dict)  # indicator code → outcome
    skipped: list[str] = field(default_factory=list)
    cycles: set[int] = field(default_factory=set)  # cycles whose scores the month moved


def score_points() -> dict[int, float]:
    return getattr(settings, "SURVEYS_SCORE_POINTS", None) or DEFAULT_SCORE_POINTS


def overall_question(questions: list[SurveyQuestion]) -> SurveyQuestion | None:
    """The question whose answers are the survey's result: its first satisfaction-scale
    question, else its first scale question of any kind."""
    scales = [q for q in questions if q.kind == SurveyQuestion.Kind.SCALE]
    return next((q for q in scales if q.is_satisfaction_scale), scales[0] if scales else None)


def month_counts(month: datetime.date) -> dict[tuple[int, int | None, int], dict[int, int]]:
    """{(question id, service id or None, level): count} as {(q, service): {level: n}} of the
    month's valid answers, in one query."""
    rows = (
        Answer.objects.filter(
            response__period=month,
            response__invalidated_at__isnull=True,
            level__isnull=False,
        )
        .values_list("question_id", "response__service_id", "level")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict = defaultdict(lambda: defaultdict(int))
    for question_id, service_id, level, n in rows:
        counts[(question_id, service_id)][level] += n
    return counts


def _merge(parts) -> dict[int, int]:
    total: dict[int, int] = defaultdict(int)
    for part in parts:
        for level, n in part.items():
            total[level] += n
    return total


def aggregate_month(
    month: datetime.date, *, user=None, recompute: bool = True
) -> AggregationResult:
    """Turn ``month``'s ratings into results and indicator scores (see the module doc), in one
    transaction; the public pages' cache is invalidated once, not once per result row.

    ``recompute=False`` leaves the statuses and scores of the cycles in ``result.cycles`` to
    the caller (``portal.evaluation.recompute_cycle``): aggregating several months, recompute
    once at the end."""
    with portal_cache.batched_bumps(), transaction.atomic():
        return _aggregate_month(month, user=user, recompute=recompute)


def _aggregate_month(
    month: datetime.date, *, user=None, recompute: bool = True
) -> AggregationResult:
    month = month.replace(day=1)
    result = AggregationResult(month=month)
    counts = month_counts(month)
    responses = (
        Response.objects.valid()
        .filter(period=month)
        .values_list("survey_id", "service_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_survey: dict[int, dict[int | None, int]] = defaultdict(dict)
    for survey_id, service_id, n in responses:
        per_survey[survey_id][service_id] = n
        result.responses += n
    # Surveys with ratings this month, and those aggregated before (their figures may drop).
    survey_ids = set(per_survey) | set(
        SurveyResult.objects.filter(
            period=month, origin=SurveyResult.Origin.AGGREGATED
        ).values_list("survey_id", flat=True)
    )
    surveys = (
        Survey.objects.filter(pk__in=survey_ids)
        .select_related("indicator__goal__cycle")
        .prefetch_related("questions__indicator__goal__cycle")
    )
    entered = set(
        SurveyResult.objects.filter(
            period=month, service__isnull=True, origin=SurveyResult.Origin.ENTERED
        ).values_list("survey_id", flat=True)
    )
    points = score_points()
    cycles = result.cycles
    for survey in surveys:
        if survey.pk in entered:
            result.skipped.append(
                f"{survey.slug}: {month:%Y-%m} has results entered by an editor; kept."
            )
            continue
        questions = sorted(survey.questions.all(), key=lambda q: (q.sort_order or 0, q.pk))
        overall = overall_question(questions)
        by_service = per_survey.get(survey.pk, {})
        services = {key[1] for key in counts if overall and key[0] == overall.pk} | set(by_service)
        for service_id in sorted(services - {None}):
            summary = summarise(counts.get((overall.pk, service_id), {}) if overall else {}, points)
            _write_result(survey, service_id, month, by_service.get(service_id, 0), summary)
            result.results_written += 1
        survey_counts = _merge(
            part for (q, _s), part in counts.items() if overall and q == overall.pk
        )
        summary = summarise(survey_counts, points)
        _write_result(survey, None, month, sum(by_service.values()), summary)
        result.results_written += 1
        # The survey's indicator takes the overall question's score; a question linked to an
        # indicator of its own feeds that one with its own answers.
        feeds: list[tuple[Indicator, MonthSummary]] = []
        if survey.indicator is not None:
            feeds.append((survey.indicator, summary))
        for question in questions:
            if question.indicator is not None and question.kind == SurveyQuestion.Kind.SCALE:
                own = _merge(part for (q, _s), part in counts.items() if q == question.pk)
                feeds.append((question.indicator, summarise(own, points)))
        for indicator, figures in feeds:
            outcome = _record_score(indicator, month, figures, user=user)
            result.measurements[indicator.code] = outcome
            if outcome not in ("skipped", "no ratings"):
                cycles.add(indicator.goal.cycle_id)
    if recompute:
        for cycle in Cycle.objects.filter(pk__in=cycles):
            recompute_cycle(cycle)
    return result


def _write_result(survey, service_id, month, responses: int, summary: MonthSummary) -> None:
    interval, score_interval = summary.satisfied_interval, summary.score_interval
    SurveyResult.objects.update_or_create(
        survey=survey,
        service_id=service_id,
        period=month,
        defaults={
            "origin": SurveyResult.Origin.AGGREGATED,
            "responses": responses,
            "mean_score": summary.mean,
            "satisfied_share": summary.satisfied_share,
            "satisfied_low": interval.low if interval else None,
            "satisfied_high": interval.high if interval else None,
            "score": summary.score,
            "score_low": score_interval.low if score_interval else None,
            "score_high": score_interval.high if score_interval else None,
            "distribution": {str(level): n for level, n in summary.distribution.items()},
            "source": SOURCE_LABEL,
        },
    )


def _record_score(indicator: Indicator, month, summary: MonthSummary, *, user) -> str:
    """Write the score as the indicator's value for the month, with sample size and interval."""
    if indicator.goal.cycle.year != month.year:
        return "skipped"  # a survey links one year's indicator; other years' months skip it
    if summary.score is None:
        return "no ratings"
    interval = summary.score_interval
    note = f"{summary.responses} 份评价，95% 置信区间 {interval.low}–{interval.high}"
    _measurement, outcome = record_measurement(
        indicator,
        month,
        summary.score,
        user=user,
        note=note,
        source=MEASUREMENT_SOURCE,
        reason=CORRECTION_REASON,
    )
    return outcome

"""Ratings move the indicators: monthly results and scores from residents' ratings."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from portal.factories import CycleFactory, GoalFactory, IndicatorFactory
from portal.models import Indicator, Measurement, MeasurementCorrection
from surveys.aggregation import aggregate_month
from surveys.factories import (
    AnswerFactory,
    ResponseFactory,
    ServiceFactory,
    SurveyFactory,
    SurveyQuestionFactory,
    SurveyResultFactory,
)
from surveys.models import SurveyResult

pytestmark = pytest.mark.django_db

OCTOBER = datetime.date(2026, 10, 1)


def rated_survey():
    """A survey feeding a 2026 satisfaction indicator, with two services."""
    cycle = CycleFactory(year=2026, published=True)
    indicator = IndicatorFactory(
        goal=GoalFactory(cycle=cycle),
        dimension=Indicator.Dimension.SATISFACTION,
        unit="分",
        target=Decimal("90"),
    )
    window, online = ServiceFactory(), ServiceFactory(channel="online")
    survey = SurveyFactory(department=indicator.goal.owner, indicator=indicator)
    survey.services.add(window, online)
    overall = SurveyQuestionFactory(survey=survey, key="overall", sort_order=0)
    return survey, overall, indicator, window, online


def rate(survey, question, levels, *, service=None, day=15, month=OCTOBER, invalid=False):
    for level in levels:
        response = ResponseFactory(
            survey=survey,
            service=service,
            submitted_at=datetime.datetime(month.year, month.month, day, 10, tzinfo=datetime.UTC),
            invalidated_at=(
                datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC) if invalid else None
            ),
        )
        AnswerFactory(response=response, question=question, level=level)


def test_a_month_of_ratings_becomes_results_and_the_indicator_score():
    survey, overall, indicator, window, online = rated_survey()
    rate(survey, overall, [5, 5, 5, 4, 4], service=window)
    rate(survey, overall, [3, 2, 1], service=online)
    rate(survey, overall, [1, 1], service=window, invalid=True)  # invalidated: never counted
    rate(survey, overall, [1], month=datetime.date(2026, 9, 1))  # another month

    outcome = aggregate_month(OCTOBER)

    whole = SurveyResult.objects.get(survey=survey, service=None, period=OCTOBER)
    assert whole.origin == SurveyResult.Origin.AGGREGATED and whole.responses == 8
    assert whole.mean_score == Decimal("3.63") and whole.satisfied_share == Decimal("62.50")
    assert (whole.satisfied_low, whole.satisfied_high) == (Decimal("30.57"), Decimal("86.32"))
    assert whole.score == Decimal("72.50")
    assert whole.distribution == {"5": 3, "4": 2, "3": 1, "2": 1, "1": 1}
    by_window = SurveyResult.objects.get(survey=survey, service=window, period=OCTOBER)
    assert by_window.responses == 5 and by_window.satisfied_share == Decimal("100.00")
    measurement = Measurement.objects.get(indicator=indicator, period=OCTOBER)
    assert measurement.value == Decimal("72.50") and measurement.source == "survey"
    assert "8 份评价" in measurement.note and "95% 置信区间" in measurement.note
    assert outcome.measurements == {indicator.code: "created"}
    # The indicator's light now reflects what residents said.
    indicator.refresh_from_db()
    assert indicator.latest_value == Decimal("72.50")


def test_running_again_changes_nothing_and_a_changed_month_is_a_correction():
    survey, overall, indicator, window, _online = rated_survey()
    rate(survey, overall, [5, 4], service=window)
    aggregate_month(OCTOBER)
    again = aggregate_month(OCTOBER)
    assert again.measurements == {indicator.code: "unchanged"}
    assert SurveyResult.objects.filter(survey=survey, period=OCTOBER).count() == 2
    assert not MeasurementCorrection.objects.exists()

    rate(survey, overall, [1], service=window, day=20)  # a late rating changes the month
    aggregate_month(OCTOBER)
    correction = MeasurementCorrection.objects.get()
    assert (correction.old_value, correction.new_value) == (Decimal("90.0000"), Decimal("66.67"))


def test_results_entered_by_an_editor_are_kept():
    survey, overall, indicator, window, _online = rated_survey()
    SurveyResultFactory(survey=survey, period=OCTOBER, responses=300, source="12345 热线回访")
    rate(survey, overall, [1, 1], service=window)
    outcome = aggregate_month(OCTOBER)
    kept = SurveyResult.objects.get(survey=survey, service=None, period=OCTOBER)
    assert kept.origin == SurveyResult.Origin.ENTERED and kept.responses == 300
    assert outcome.skipped and not Measurement.objects.filter(indicator=indicator).exists()


def test_one_response_and_then_none():
    survey, overall, indicator, window, _online = rated_survey()
    rate(survey, overall, [4], service=window)
    aggregate_month(OCTOBER)
    one = SurveyResult.objects.get(survey=survey, service=None, period=OCTOBER)
    assert one.responses == 1 and one.score == Decimal("80.00")
    assert one.score_low < Decimal("80") < one.score_high  # wide, but an interval

    survey.responses.update(invalidated_at=datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC))
    outcome = aggregate_month(OCTOBER)
    none = SurveyResult.objects.get(survey=survey, service=None, period=OCTOBER)
    assert none.responses == 0 and none.mean_score is None and none.score is None
    assert outcome.measurements == {indicator.code: "no ratings"}


def test_a_month_of_another_year_leaves_the_indicator_alone():
    survey, overall, indicator, _window, _online = rated_survey()
    rate(survey, overall, [5], month=datetime.date(2025, 12, 1))
    outcome = aggregate_month(datetime.date(2025, 12, 1))
    assert outcome.measurements == {indicator.code: "skipped"}
    assert not Measurement.objects.exists()


def test_command_aggregates_a_month_and_refuses_a_bad_one():
    survey, overall, indicator, window, _online = rated_survey()
    rate(survey, overall, [5, 3], service=window)
    out = StringIO()
    call_command("aggregate_surveys", "--month", "2026-10", stdout=out)
    assert "2026-10: 2 ratings" in out.getvalue() and f"{indicator.code}: created" in out.getvalue()
    with pytest.raises(CommandError, match="2026-10"):
        call_command("aggregate_surveys", "--month", "October")


def test_command_by_default_publishes_last_month_never_the_month_in_progress(monkeypatch):
    survey, overall, indicator, window, _online = rated_survey()
    rate(survey, overall, [5, 3], service=window)  # October
    rate(survey, overall, [1], service=window, month=datetime.date(2026, 11, 1), day=2)
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2026, 11, 5)
    )
    out = StringIO()
    call_command("aggregate_surveys", stdout=out)
    assert "2026-10: 2 ratings" in out.getvalue()
    assert "2026-11" not in out.getvalue()
    assert not SurveyResult.objects.filter(period=datetime.date(2026, 11, 1)).exists()

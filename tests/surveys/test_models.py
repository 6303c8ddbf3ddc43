"""Survey models: validation with clear messages, and the public() rules other code relies on."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portal.factories import DepartmentFactory, GoalFactory, IndicatorFactory
from portal.models import Indicator
from surveys.factories import (
    RectificationCaseFactory,
    SurveyFactory,
    SurveyQuestionFactory,
    SurveyResultFactory,
)
from surveys.models import RectificationCase, Survey, SurveyQuestion, SurveyResult

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english):
    """This module's messages are checked in English (see tests/conftest.py)."""


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        instance.full_clean()
    return info.value.message_dict


# --- results ---------------------------------------------------------------------------------


def result(**fields) -> SurveyResult:
    values = {
        "survey": SurveyFactory(),
        "period": datetime.date(2026, 3, 1),
        "responses": 40,
        "mean_score": Decimal("4.2"),
        "satisfied_share": Decimal("85"),
    }
    return SurveyResult(**(values | fields))


def test_a_complete_result_is_valid_and_stored_for_its_month():
    row = result(period=datetime.date(2026, 3, 17))
    row.full_clean()
    row.save()
    row.refresh_from_db()
    assert row.period == datetime.date(2026, 3, 1)


@pytest.mark.parametrize("value", ["0.99", "5.01", "85"])
def test_mean_score_outside_one_to_five_is_refused_with_the_range(value):
    errors = errors_of(result(mean_score=Decimal(value)))
    assert errors["mean_score"] == [
        f"The mean score is on the five-level scale: between 1.00 and 5.00 (entered: {value})."
    ]


@pytest.mark.parametrize("value", ["-1", "100.01", "850"])
def test_satisfied_share_outside_zero_to_hundred_is_refused_with_the_range(value):
    errors = errors_of(result(satisfied_share=Decimal(value)))
    assert errors["satisfied_share"] == [
        f"The satisfied share is a percentage between 0 and 100 (entered: {value})."
    ]


def test_the_ends_of_the_ranges_are_allowed():
    result(mean_score=Decimal("1.00"), satisfied_share=Decimal("0")).full_clean()
    result(mean_score=Decimal("5.00"), satisfied_share=Decimal("100")).full_clean()


def test_a_month_without_responses_has_no_figures():
    result(responses=0, mean_score=None, satisfied_share=None).full_clean()
    errors = errors_of(result(responses=0, mean_score=Decimal("3"), satisfied_share=Decimal("0")))
    assert errors["mean_score"] == ["With no responses there is no mean score: leave it empty."]
    assert errors["satisfied_share"] == [
        "With no responses there is no satisfied share: leave it empty."
    ]


def test_a_month_with_responses_needs_its_figures():
    errors = errors_of(result(responses=12, mean_score=None, satisfied_share=None))
    assert errors["mean_score"] == ["Enter the mean score of the 12 responses (1.00 to 5.00)."]
    assert "satisfied_share" in errors


def test_one_row_per_survey_and_month_whatever_day_is_entered():
    first = SurveyResultFactory(period=datetime.date(2026, 4, 1))
    second = result(survey=first.survey, period=datetime.date(2026, 4, 28))
    errors = errors_of(second)
    assert errors["__all__"] == [
        "This survey already has results for that month: edit them instead."
    ]


# --- questions -------------------------------------------------------------------------------


def question(**fields) -> SurveyQuestion:
    values = {
        "survey": SurveyFactory(),
        "text": "您对办理时长是否满意？",
        "kind": SurveyQuestion.Kind.SCALE,
        "scale": SurveyQuestion.Scale.SATISFACTION,
        "options": ["非常满意", "满意", "一般", "不满意", "非常不满意"],
    }
    return SurveyQuestion(**(values | fields))


def test_a_scale_question_has_exactly_five_options():
    question().full_clean()
    question(options=[]).full_clean()  # the scale's usual five answers are shown
    errors = errors_of(question(options=["满意", "一般", "不满意"]))
    assert errors["options"] == ["A five-level scale question has exactly five options (now 3)."]


def test_a_scale_question_says_which_scale():
    errors = errors_of(question(scale=""))
    assert errors["scale"] == ["Choose which five-point scale this question uses."]


def test_a_text_question_has_no_options_and_may_have_a_limit():
    question(kind="text", scale="", options=[], max_length=200).full_clean()
    errors = errors_of(question(kind="text", scale="", options=["是", "否"]))
    assert errors["options"] == ["A free-text question has no options."]
    errors = errors_of(question(kind="choice", scale="", options=["是", "否"], max_length=5))
    assert errors["max_length"] == ["Only a free-text question has a maximum length."]


def test_a_choice_question_needs_two_distinct_options_and_no_scale():
    question(kind="choice", scale="", options=["是", "否"]).full_clean()
    assert "options" in errors_of(question(kind="choice", scale="", options=["是"]))
    assert errors_of(question(kind="choice", scale="", options=["是", "是"]))["options"] == [
        "Each option may appear only once."
    ]
    assert errors_of(question(kind="choice", options=["是", "否"]))["scale"] == [
        "Only a five-level scale question has a scale."
    ]


def test_a_scale_question_without_options_shows_its_scales_answers():
    ease = question(scale=SurveyQuestion.Scale.EASE, options=[])
    assert [str(label) for label in ease.display_options][0] == "Very easy"
    assert question().display_options[0] == "非常满意"


def test_survey_indicator_must_be_a_satisfaction_indicator():
    goal = GoalFactory()
    output = IndicatorFactory(goal=goal, dimension=Indicator.Dimension.OUTPUT)
    satisfaction = IndicatorFactory(goal=goal, dimension=Indicator.Dimension.SATISFACTION)
    survey = SurveyFactory(department=goal.owner, indicator=output)
    assert errors_of(survey)["indicator"] == [
        "Choose an indicator of the satisfaction (满意度) dimension."
    ]
    survey.indicator = satisfaction
    survey.full_clean()


# --- rectification cases ---------------------------------------------------------------------


def case(**fields) -> RectificationCase:
    survey = fields.pop("survey", None) or SurveyFactory()
    values = {
        "department": survey.department,
        "survey": survey,
        "title": "窗口排队时间过长",
        "problem": "午间排队超过一小时。",
        "measures": "增设弹性窗口。",
        "status": RectificationCase.Status.DONE,
        "reported_on": datetime.date(2026, 2, 1),
        "resolved_on": datetime.date(2026, 3, 1),
    }
    return RectificationCase(**(values | fields))


def test_a_completed_case_needs_its_resolution_date_not_before_the_report():
    case().full_clean()
    assert errors_of(case(resolved_on=None))["resolved_on"] == [
        "A completed case needs the date it was resolved."
    ]
    assert errors_of(case(resolved_on=datetime.date(2026, 1, 31)))["resolved_on"] == [
        "The resolution date cannot be before the date the problem was reported."
    ]
    case(status=RectificationCase.Status.OPEN, resolved_on=None).full_clean()
    assert "resolved_on" in errors_of(case(status=RectificationCase.Status.OPEN))


def test_a_case_survey_belongs_to_the_same_department():
    other = DepartmentFactory()
    assert errors_of(case(department=other))["survey"] == [
        "Choose a survey of the same department."
    ]


# --- public rules ----------------------------------------------------------------------------


def test_public_surveys_have_public_results_are_active_and_of_an_active_department():
    shown = SurveyFactory(results_public=True)
    SurveyFactory(results_public=False)
    SurveyFactory(active=False)
    SurveyFactory(department=DepartmentFactory(active=False))
    assert list(Survey.objects.public()) == [shown]


def test_public_results_are_those_of_public_surveys():
    shown = SurveyResultFactory(survey=SurveyFactory())
    SurveyResultFactory(survey=SurveyFactory(results_public=False))
    SurveyResultFactory(survey=SurveyFactory(active=False))
    SurveyResultFactory(survey=SurveyFactory(department=DepartmentFactory(active=False)))
    assert list(SurveyResult.objects.public()) == [shown]


def test_public_cases_are_marked_public_and_of_an_active_department():
    shown = RectificationCaseFactory(public=True)
    RectificationCaseFactory(public=False)
    RectificationCaseFactory(survey=SurveyFactory(department=DepartmentFactory(active=False)))
    # A public case stays public even when its survey's results are not published.
    also_shown = RectificationCaseFactory(survey=SurveyFactory(results_public=False))
    assert set(RectificationCase.objects.public()) == {shown, also_shown}


def test_questions_keep_their_order():
    survey = SurveyFactory()
    second = SurveyQuestionFactory(survey=survey, sort_order=2, text="第二题")
    first = SurveyQuestionFactory(survey=survey, sort_order=1, text="第一题")
    assert list(survey.questions.all()) == [first, second]

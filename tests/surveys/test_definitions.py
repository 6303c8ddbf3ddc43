"""Real survey definitions (HMRC's published feedback surveys) stored faithfully."""

import copy
import json

import pytest
from django.core.exceptions import ValidationError

from portal.factories import DepartmentFactory
from surveys.definitions import scale_of, survey_from_definition
from surveys.models import Survey, SurveyQuestion
from tests.builders import REALDATA

pytestmark = pytest.mark.django_db

HMRC = REALDATA / "survey_hmrc_feedback.json"


@pytest.fixture(scope="module")
def definitions() -> list[dict]:
    return json.loads(HMRC.read_text(encoding="utf-8"))["surveys"]


@pytest.fixture
def stored(definitions) -> list[tuple[dict, Survey]]:
    department = DepartmentFactory(name="市税务局", slug="tax-bureau")
    return [
        (definition, survey_from_definition(definition, department, slug=f"hmrc-{n}"))
        for n, definition in enumerate(definitions)
    ]


def test_every_survey_and_question_is_stored_verbatim_in_order(stored):
    assert len(stored) == 3
    for definition, survey in stored:
        survey.refresh_from_db()
        assert survey.title == definition["survey"]
        assert survey.description == "\n\n".join(definition["intro"])
        questions = list(survey.questions.all())
        assert [q.text for q in questions] == [q["text"] for q in definition["questions"]]
        assert [q.hint for q in questions] == [q.get("hint", "") for q in definition["questions"]]
        for question, source in zip(questions, definition["questions"], strict=True):
            assert question.options == [o["text"] for o in source.get("options", [])]


def test_every_question_stays_optional(stored):
    questions = SurveyQuestion.objects.filter(survey__in=[s for _d, s in stored])
    assert questions.count() == 4 + 5 + 4
    assert not questions.filter(required=True).exists()


def test_the_four_five_point_scales_keep_their_own_scale(stored):
    by_text = {
        (q.survey.slug, q.text): q
        for q in SurveyQuestion.objects.filter(survey__in=[s for _d, s in stored]).select_related(
            "survey"
        )
    }
    generic, _pta, ccg = (s.slug for _d, s in stored)
    feel = by_text[(generic, "Overall, how did you feel about the service you received today?")]
    assert feel.kind == "scale" and feel.scale == SurveyQuestion.Scale.SATISFACTION
    # The real middle answer is kept as published (sic), not "corrected" to "nor".
    assert feel.options[2] == "Neither satisfied or dissatisfied"
    easy = by_text[(generic, "How easy was it for you to do what you needed to do today?")]
    assert easy.scale == SurveyQuestion.Scale.EASE
    assert easy.options == [
        "Very easy",
        "Easy",
        "Neither easy or difficult",
        "Difficult",
        "Very difficult",
    ]
    professional = next(q for (slug, _t), q in by_text.items() if slug == ccg and "agree" in q.text)
    assert professional.scale == SurveyQuestion.Scale.AGREEMENT
    assert professional.options[0] == "Strongly agree"
    understanding = next(
        q for (slug, _t), q in by_text.items() if slug == ccg and "understand" in q.text
    )
    assert understanding.scale == SurveyQuestion.Scale.EASE
    assert understanding.options[0] == "Very Easy"  # capital E, as published
    confidence = next(
        q for (slug, _t), q in by_text.items() if slug == ccg and "confident" in q.text
    )
    assert confidence.scale == SurveyQuestion.Scale.CONFIDENCE
    assert confidence.options[-1] == "Not at all confident"
    scales = {q.scale for q in by_text.values() if q.kind == "scale"}
    assert scales == set(SurveyQuestion.Scale.values)
    # Not forced onto 非常满意…非常不满意: only the satisfaction items use that scale.
    assert not any("满意" in option for q in by_text.values() for option in q.options)


def test_yes_no_is_a_choice_and_free_text_keeps_its_limit(stored):
    questions = SurveyQuestion.objects.filter(survey__in=[s for _d, s in stored])
    able = questions.filter(text="Were you able to do what you needed to do today?")
    assert {(q.kind, tuple(q.options), q.scale) for q in able} == {("choice", ("Yes", "No"), "")}
    texts = questions.filter(kind="text")
    assert sorted(q.max_length for q in texts) == [200, 1000, 1000, 1000]
    assert all(q.options == [] for q in texts)
    needed = texts.get(text="What was the main thing you needed to do today?")
    assert needed.max_length == 200


def test_stored_questions_pass_the_models_own_validation(stored):
    for _definition, survey in stored:
        for question in survey.questions.all():
            question.full_clean()


def test_a_bad_question_leaves_no_half_made_survey(definitions):
    broken = copy.deepcopy(definitions[0])
    broken["questions"][2]["type"] = "matrix"
    with pytest.raises(ValidationError) as info:
        survey_from_definition(broken, DepartmentFactory(), slug="broken")
    assert "matrix" in str(info.value)
    assert not Survey.objects.filter(slug="broken").exists()
    assert not SurveyQuestion.objects.exists()


def test_a_second_survey_with_the_same_slug_is_refused(definitions):
    department = DepartmentFactory()
    survey_from_definition(definitions[0], department, slug="hmrc")
    with pytest.raises(ValidationError) as info:
        survey_from_definition(definitions[1], department, slug="hmrc")
    assert "slug" in info.value.message_dict
    assert Survey.objects.get(slug="hmrc").questions.count() == 4


@pytest.mark.parametrize(
    "best, expected",
    [
        ("非常满意", SurveyQuestion.Scale.SATISFACTION),
        ("Very confident", SurveyQuestion.Scale.CONFIDENCE),
        ("非常同意", SurveyQuestion.Scale.AGREEMENT),
        ("Excellent", ""),
    ],
)
def test_scale_is_named_by_the_best_answer(best, expected):
    options = [{"text": best}] + [{"text": f"x{n}"} for n in range(4)]
    assert scale_of({"options": options}) == expected
    assert scale_of({"options": options[:4]}) == ""

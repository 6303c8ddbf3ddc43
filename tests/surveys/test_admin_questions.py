"""The admin's survey form checks its questions together: keys unique in the survey, and a
condition naming an earlier question and only answers that question offers."""

import re

import pytest

from surveys.models import Survey
from tests.builders import survey_form_data, url


@pytest.fixture
def world(survey_world):
    return survey_world


# ---- questions: keys and conditions checked across the survey form -----------------------------


@pytest.fixture
def en_client(client):
    """The admin in English (the wording of these checks has no Chinese entry yet)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


OVERALL = {"text": "总体满意度", "key": "overall"}
REASONS = {
    "text": "不满意的原因",
    "kind": "multiple",
    "scale": "",
    "options": "排队久\n态度差\n材料多",
    "key": "reasons",
}


def question_errors(response) -> list[dict]:
    assert response.status_code == 200, "the survey should have been refused"
    return [form.errors for form in response.context["form"].formsets["questions"].forms]


def test_question_keys_must_be_unique_in_the_survey(en_client, world):
    en_client.force_login(world["editor"])
    data = survey_form_data(world["dept_a"], questions=[OVERALL, REASONS | {"key": "overall"}])
    errors = question_errors(en_client.post(url("surveys_survey", "add"), data))
    assert not errors[0]
    assert "already has the key “overall”" in str(errors[1]["key"])
    assert not Survey.objects.filter(slug="new-survey").exists()


def test_a_condition_must_name_an_earlier_question(en_client, world):
    en_client.force_login(world["editor"])
    condition = {"show_if_key": "missing", "show_if_answers": "态度差"}
    data = survey_form_data(
        world["dept_a"], questions=[OVERALL, REASONS, {"text": "为何"} | condition]
    )
    errors = question_errors(en_client.post(url("surveys_survey", "add"), data))
    assert "No earlier question has the key “missing”" in str(errors[2]["show_if_key"])

    # Named, but the question comes after this one (the form order, not the row order).
    later = {"show_if_key": "reasons", "show_if_answers": "态度差"}
    data = survey_form_data(world["dept_a"], questions=[OVERALL | later, REASONS])
    errors = question_errors(en_client.post(url("surveys_survey", "add"), data))
    assert "comes after this one" in str(errors[0]["show_if_key"])
    assert not Survey.objects.filter(slug="new-survey").exists()


def test_a_conditions_answers_must_be_answers_of_that_question(en_client, world):
    en_client.force_login(world["editor"])
    follow_up = {
        "text": "具体说说",
        "kind": "text",
        "scale": "",
        "show_if_key": "reasons",
        "show_if_answers": "态度差\n太贵",
    }
    data = survey_form_data(world["dept_a"], questions=[OVERALL, REASONS, follow_up])
    errors = question_errors(en_client.post(url("surveys_survey", "add"), data))
    message = str(errors[2]["show_if_answers"])
    assert "Not an answer of the question “reasons”: 太贵" in message
    assert "态度差" not in message.split(":")[1]

    # A free-text question offers no answers to name.
    on_text = {"text": "追问", "kind": "text", "scale": ""}
    on_text |= {"show_if_key": "note", "show_if_answers": "好"}
    data = survey_form_data(
        world["dept_a"],
        questions=[OVERALL, {"text": "留言", "kind": "text", "scale": "", "key": "note"}, on_text],
    )
    errors = question_errors(en_client.post(url("surveys_survey", "add"), data))
    assert "free text" in str(errors[2]["show_if_key"])
    assert not Survey.objects.filter(slug="new-survey").exists()


def test_a_valid_conditional_survey_is_saved_with_answers_one_per_line(client, world):
    client.force_login(world["editor"])
    # The overall question lists no options: its scale's usual five answers may be named.
    condition = {"show_if_key": "overall", "show_if_answers": "Dissatisfied\nVery dissatisfied"}
    data = survey_form_data(world["dept_a"], questions=[OVERALL, REASONS | condition])
    response = client.post(url("surveys_survey", "add"), data)
    assert response.status_code == 302, question_errors(response)
    survey = Survey.objects.get(slug="new-survey")
    reasons = survey.questions.get(key="reasons")
    assert reasons.kind == "multiple"
    assert reasons.options == ["排队久", "态度差", "材料多"]
    assert reasons.show_if_key == "overall"
    assert reasons.show_if_answers == ["Dissatisfied", "Very dissatisfied"]
    html = client.get(url("surveys_survey", "edit", survey)).content.decode()
    assert "Dissatisfied\nVery dissatisfied</textarea>" in html


def test_a_deleted_question_frees_its_key(client, world):
    survey = world["survey_a"]
    questions = [
        {"id": str(q.pk), "text": q.text, "key": q.key, "kind": q.kind, "scale": q.scale}
        for q in (world["overall_a"], world["reasons_a"], world["comment_a"])
    ]
    questions[1] |= {
        "options": "排队久\n态度差\n材料多",
        "show_if_key": "overall",
        "show_if_answers": "不满意\n非常不满意",
        "DELETE": "on",
    }
    questions[2] |= {"key": "reasons"}
    data = survey_form_data(world["dept_a"], slug=survey.slug, questions=questions)
    data["title"] = survey.title
    data["services"] = [str(world["service_a"].pk)]
    data["questions-INITIAL_FORMS"] = "3"
    client.force_login(world["editor"])
    response = client.post(url("surveys_survey", "edit", survey), data)
    assert response.status_code == 302, question_errors(response)
    assert list(survey.questions.values_list("key", flat=True)) == ["overall", "reasons"]


def test_question_keys_keep_their_case(client, world):
    # A published definition's keys (e.g. HMRC's "ableToDo") survive editing in the admin.
    client.force_login(world["editor"])
    html = client.get(url("surveys_survey", "edit", world["survey_a"])).content.decode()
    key_input = re.search(r'<input[^>]*name="questions-0-key"[^>]*>', html).group()
    assert "w-slug" not in key_input
    camel = {
        "text": "能否办成",
        "key": "ableToDo",
        "kind": "choice",
        "scale": "",
        "options": "是\n否",
    }
    follow = {"text": "为什么", "kind": "text", "scale": "", "show_if_key": "ableToDo"}
    data = survey_form_data(world["dept_a"], questions=[camel, follow | {"show_if_answers": "否"}])
    assert client.post(url("surveys_survey", "add"), data).status_code == 302
    survey = Survey.objects.get(slug="new-survey")
    assert survey.questions.get(show_if_key="ableToDo").show_if_answers == ["否"]

"""manage.py load_survey_definition: the real HMRC questionnaires load through it."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from portal.factories import DepartmentFactory
from surveys.factories import ServiceFactory
from surveys.models import Survey, SurveyQuestion

pytestmark = pytest.mark.django_db

HMRC = Path(__file__).resolve().parent.parent / "data" / "survey_hmrc_feedback.json"


def test_the_real_hmrc_file_loads_every_survey_verbatim():
    department = DepartmentFactory(slug="shuiwuju")
    service = ServiceFactory(department=department, slug="tax-online", channel="online")
    out = StringIO()
    call_command(
        "load_survey_definition",
        str(HMRC),
        "--department=shuiwuju",
        "--slug=hmrc",
        "--service=tax-online",
        stdout=out,
    )
    published = json.loads(HMRC.read_text("utf-8"))["surveys"]
    surveys = list(Survey.objects.order_by("slug"))
    assert [s.slug for s in surveys] == [f"hmrc-{n}" for n in range(1, len(published) + 1)]
    first = surveys[0]
    assert list(first.services.all()) == [service]
    questions = list(first.questions.order_by("sort_order"))
    assert [q.key for q in questions] == [q["key"] for q in published[0]["questions"]]
    assert questions[0].text == published[0]["questions"][0]["text"]
    ease = next(q for q in questions if q.key == "howEasyScore")
    assert ease.kind == SurveyQuestion.Kind.SCALE and ease.scale == SurveyQuestion.Scale.EASE
    assert "hmrc-1:" in out.getvalue()


def test_bad_files_and_names_are_refused_and_nothing_is_written(tmp_path):
    DepartmentFactory(slug="shuiwuju")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", "utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("load_survey_definition", str(broken), "--department=shuiwuju")
    with pytest.raises(CommandError, match="no department"):
        call_command("load_survey_definition", str(HMRC), "--department=nope")
    with pytest.raises(CommandError, match="No service"):
        call_command("load_survey_definition", str(HMRC), "--department=shuiwuju", "--service=nope")
    data = json.loads(HMRC.read_text("utf-8"))
    data["surveys"][1]["questions"][0]["type"] = "slider"  # the second survey is bad
    half = tmp_path / "half.json"
    half.write_text(json.dumps(data), "utf-8")
    with pytest.raises(CommandError, match="slider"):
        call_command("load_survey_definition", str(half), "--department=shuiwuju")
    assert not Survey.objects.exists()  # all or nothing: the first survey is not kept

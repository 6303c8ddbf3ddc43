"""Many ratings at once (``submit_responses``, what the demo city uses): exactly the rows the
form's ``submit_response`` writes, cases of poor ratings included, all or nothing."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from surveys.actions import DuplicateResponse, Submission, submit_response, submit_responses
from surveys.models import Answer, RectificationCase, Response
from tests.builders import build_rating_survey

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MOMENTS = [
    # Just after midnight in the city, still 31 October in UTC: a rating of November.
    datetime.datetime(2026, 11, 1, 0, 30, tzinfo=SHANGHAI),
    datetime.datetime(2026, 10, 9, 10, 0, tzinfo=SHANGHAI),  # after National Day
    datetime.datetime(2026, 11, 2, 8, 0, tzinfo=SHANGHAI),
]


def _submissions(survey, service, questions, prefix):
    overall, reason, channels, comment = questions
    answers = [
        {overall: 5, channels: ["微信", "窗口告知"], comment: "很好"},
        {overall: 1, reason: "排队时间长", comment: "等了一小时，电话13812345678"},
        {overall: 2, reason: None, channels: [], comment: ""},
    ]
    return [
        (
            Submission(
                survey=survey,
                answers=given,
                client_key=f"{prefix}-{n}",
                service=service,
                language="zh-hans",
            ),
            moment,
        )
        for n, (given, moment) in enumerate(zip(answers, MOMENTS, strict=True))
    ]


def _rows(prefix):
    """What is stored for these clients, without ids and keys."""
    responses = Response.objects.filter(client_key__startswith=prefix).order_by("client_key")
    return [
        (
            {
                k: v
                for k, v in Response.objects.values().get(pk=response.pk).items()
                if k not in ("id", "client_key")
            },
            list(
                response.answers.order_by("pk").values_list("question", "level", "choice", "text")
            ),
            RectificationCase.objects.filter(response=response)
            .values("title", "problem", "comment", "reported_on", "due_on", "service", "public")
            .first(),
        )
        for response in responses
    ]


def test_many_at_once_store_what_the_form_stores_one_by_one():
    survey, service, questions = build_rating_survey()
    for submission, moment in _submissions(survey, service, questions, "one"):
        submit_response(submission, now=moment)
    stored = submit_responses(_submissions(survey, service, questions, "many"))
    assert len(stored) == 3 and all(response.pk for response in stored)
    one, many = _rows("one"), _rows("many")
    assert one == many
    # The city's date decides the day and the month; poor ratings opened cases, masked.
    assert [row[0]["day"] for row in many] == [m.date() for m in MOMENTS]
    assert [row[0]["period"] for row in many] == [m.date().replace(day=1) for m in MOMENTS]
    assert [row[2] is not None for row in many] == [False, True, True]
    assert "138＊＊＊＊5678" in many[1][2]["comment"]


def test_a_repeated_client_and_day_stores_none_of_them():
    survey, service, questions = build_rating_survey()
    submissions = _submissions(survey, service, questions, "dup")
    submission, moment = submissions[1]
    with pytest.raises(DuplicateResponse):
        submit_responses([*submissions, (submission, moment.replace(hour=9))])
    assert Response.objects.count() == Answer.objects.count() == 0
    assert RectificationCase.objects.count() == 0

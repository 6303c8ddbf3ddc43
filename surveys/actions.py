"""Actions of the surveys app: a resident's rating stored, a rating invalidated, a poor rating
turned into a rectification case. Views, commands and tests call these; each is one
transaction with an explicit result."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from surveys.deadlines import add_working_days
from surveys.models import Answer, RectificationCase, Response, Service, Survey, SurveyQuestion
from surveys.privacy import mask_personal_data
from surveys.stats import POOR_LEVELS

DEFAULT_CASE_WORKING_DAYS = 5


class DuplicateResponse(Exception):
    """This client has already rated this survey today."""


@dataclass(frozen=True)
class Submission:
    """A resident's answers, already validated by the form: question → level, option(s) or
    text. Levels are 5 (best) … 1 (worst)."""

    survey: Survey
    answers: dict[SurveyQuestion, int | str | list[str]]
    client_key: str
    service: Service | None = None
    channel: str = ""
    language: str = ""


def case_working_days() -> int:
    return int(getattr(settings, "SURVEYS_CASE_WORKING_DAYS", DEFAULT_CASE_WORKING_DAYS))


def response_rows(submission: Submission, now: datetime.datetime) -> tuple[Response, list[Answer]]:
    """The rows one rating is stored as, not yet saved: the response (its month and day in the
    city's local time) and one answer per scale level, chosen option or masked text."""
    local_day = timezone.localdate(now)
    response = Response(
        survey=submission.survey,
        service=submission.service,
        channel=submission.channel or (submission.service.channel if submission.service else ""),
        submitted_at=now,
        period=local_day.replace(day=1),
        day=local_day,
        client_key=submission.client_key,
        language=submission.language[:10],
    )
    answers: list[Answer] = []
    for question, value in submission.answers.items():
        if value in (None, "", []):
            continue
        if question.kind == SurveyQuestion.Kind.SCALE:
            answers.append(Answer(question=question, level=int(value)))
        elif question.kind == SurveyQuestion.Kind.MULTIPLE:
            answers.extend(Answer(question=question, choice=choice) for choice in value)
        elif question.kind == SurveyQuestion.Kind.CHOICE:
            answers.append(Answer(question=question, choice=str(value)))
        else:
            answers.append(Answer(question=question, text=mask_personal_data(str(value))))
    return response, answers


def submit_response(submission: Submission, *, now: datetime.datetime | None = None) -> Response:
    """Store one rating: the response, one row per answer (free text masked), and a
    rectification case when the overall satisfaction answer is poor (不满意 / 非常不满意).

    All or nothing. A second rating from the same client for the same survey on the same
    local day raises ``DuplicateResponse`` and writes nothing — the database's unique
    constraint decides, so simultaneous submissions cannot both pass.
    """
    response, answers = response_rows(submission, now or timezone.now())
    try:
        with transaction.atomic():
            response.save()
            for answer in answers:
                answer.response = response
            Answer.objects.bulk_create(answers)
            poor = _poor_level(submission)
            if poor is not None:
                open_case_for(response, poor, comment=_comment(answers), today=response.day)
    except IntegrityError as error:
        if "surveys_response_once_a_day" in str(error):
            raise DuplicateResponse from error
        raise
    return response


def submit_responses(
    submissions: Sequence[tuple[Submission, datetime.datetime]],
) -> list[Response]:
    """Store many ratings at once, each with the moment it was sent (the demo city, ratings
    collected elsewhere): exactly the rows ``submit_response`` writes for each, cases of poor
    ratings included, in a few bulk inserts instead of one transaction per rating.

    All or nothing: a rating that repeats a client's survey and day raises
    ``DuplicateResponse`` and none is stored.
    """
    rows = [(submission, *response_rows(submission, now)) for submission, now in submissions]
    try:
        with transaction.atomic():
            Response.objects.bulk_create([response for _s, response, _a in rows], batch_size=500)
            answers: list[Answer] = []
            for _submission, response, own in rows:
                for answer in own:
                    answer.response = response
                answers.extend(own)
            Answer.objects.bulk_create(answers, batch_size=1000)
            for submission, response, own in rows:
                poor = _poor_level(submission)
                if poor is not None:
                    open_case_for(response, poor, comment=_comment(own), today=response.day)
    except IntegrityError as error:
        if "surveys_response_once_a_day" in str(error):
            raise DuplicateResponse from error
        raise
    return [response for _s, response, _a in rows]


def _poor_level(submission: Submission) -> int | None:
    """The overall satisfaction level if it is poor: the first satisfaction-scale answer."""
    for question, value in submission.answers.items():
        if question.is_satisfaction_scale and value not in (None, ""):
            return int(value) if int(value) in POOR_LEVELS else None
    return None


def _comment(answers: list[Answer]) -> str:
    return "\n".join(answer.text for answer in answers if answer.text)


def open_case_for(
    response: Response, level: int, *, comment: str, today: datetime.date
) -> RectificationCase:
    """A rectification case for a poor rating, due in the configured working days."""
    survey = response.survey
    deadline = add_working_days(today, case_working_days())
    level_text = {2: "不满意", 1: "非常不满意"}[level]
    where = response.service.name if response.service else survey.title
    return RectificationCase.objects.create(
        department_id=survey.department_id,
        survey=survey,
        service=response.service,
        response=response,
        title=f"{where}：{level_text}评价",
        # The comment itself is kept apart: it is public only once an editor has moderated
        # it (comment_moderated), while the problem is shown as soon as the case is public.
        problem=f"居民评价为“{level_text}”，{'并留言' if comment else '未留言'}。",
        reported_on=today,
        due_on=deadline.due,
        comment=comment,
    )


@transaction.atomic
def invalidate_response(response: Response, *, user, reason: str) -> Response:
    """Take a rating out of every figure (e.g. staff testing the form), with the reason in the
    audit log. The case it opened stays, marked by the rating's state, so nothing vanishes."""
    reason = reason.strip()
    if not reason:
        raise ValueError(_("Give the reason why this rating does not count."))
    response.invalidated_at = timezone.now()
    response.invalidated_by = user if user and user.is_authenticated else None
    response.invalid_reason = reason
    response.save(update_fields=["invalidated_at", "invalidated_by", "invalid_reason"])
    log(
        instance=response,
        action="surveys.invalidate_response",
        user=user,
        data={"reason": reason},
    )
    return response

"""The demo city's residents: their ratings of the last months, sent the way the rating form
sends them (``surveys.actions.submit_responses``: the same rows as the form, poor ratings
opening cases), and the departments' answers to those cases.

Everything follows from the random generator the demo passes in, so the same seed gives the
same ratings, comments and answers.
"""

from __future__ import annotations

import calendar
import datetime
import math
import random
from zoneinfo import ZoneInfo

from django.conf import settings

from surveys.actions import Submission
from surveys.deadlines import add_working_days
from surveys.models import RectificationCase, Service, Survey, SurveyQuestion
from surveys.privacy import client_key

from .catalogue import (
    BROWSERS,
    CALL_ME,
    CALLED_BACK,
    COMPLAINTS,
    EXPLAINED,
    MONTHLY_RATINGS,
    PRAISE,
    PROBLEMS,
    RECTIFIED,
    SOURCES,
    SUGGESTIONS,
)

# The demo's residents are told apart by a keyed hash like real ones, under a fixed key so
# that the same seed gives the same rows on every machine.
DEMO_CLIENT_SECRET = "qingchuan-demo-residents"
LEVELS = (5, 4, 3, 2, 1)


def level_weights(mean: float) -> list[float]:
    """Probabilities of levels 5 … 1 whose mean is ``mean``: p(level) ∝ exp(β·level), the
    one-parameter shape real satisfaction ratings have (most at the top, a thin tail)."""
    low, high = -10.0, 10.0
    for _ in range(60):
        beta = (low + high) / 2
        weights = [math.exp(beta * level) for level in LEVELS]
        expected = sum(w * level for w, level in zip(weights, LEVELS, strict=True)) / sum(weights)
        low, high = (beta, high) if expected < mean else (low, beta)
    total = sum(weights)
    return [w / total for w in weights]


def _clamp(level: int) -> int:
    return max(1, min(5, level))


class Residents:
    """Invented residents rating the services of the demo's surveys, month after month."""

    def __init__(self, rng: random.Random, last_day: datetime.date):
        self.rng = rng
        self.last_day = last_day  # no rating is sent after this day
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.sent = 0

    def month(
        self,
        survey: Survey,
        questions: dict[str, SurveyQuestion],
        service: Service,
        month: datetime.date,
        score: float,
    ) -> list[tuple[Submission, datetime.datetime]]:
        """One month of ratings of ``service``, around the 100-point ``score``."""
        rng = self.rng
        low, high = MONTHLY_RATINGS[service.channel]
        weights = level_weights(max(1.5, min(4.9, score / 20)))
        days = calendar.monthrange(month.year, month.month)[1]
        last = min(days, (self.last_day - month).days + 1)
        ratings = []
        for _ in range(rng.randint(low, high) if last > 0 else 0):
            overall = rng.choices(LEVELS, weights)[0]
            ratings.append(
                (
                    self._submission(survey, questions, service, overall),
                    self._moment(service, month.replace(day=rng.randint(1, last))),
                )
            )
        return ratings

    def _moment(self, service: Service, day: datetime.date) -> datetime.datetime:
        rng = self.rng
        # Windows and hotlines keep office hours; online and app ratings come all day.
        office = service.channel in (Service.Channel.WINDOW, Service.Channel.HOTLINE)
        hour = rng.randint(9, 16) if office else rng.randint(7, 22)
        return datetime.datetime(
            day.year, day.month, day.day, hour, rng.randint(0, 59), rng.randint(0, 59)
        ).replace(tzinfo=self.tz)

    def _submission(self, survey, questions, service, overall: int) -> Submission:
        rng = self.rng
        answers: dict[SurveyQuestion, object] = {questions["overall"]: overall}
        problem = ""
        if overall <= 2 and rng.random() < 0.85:
            problem = rng.choices(PROBLEMS, (5, 4, 3, 3, 2, 1))[0]
            answers[questions["problem"]] = problem
        if rng.random() < 0.85:
            answers[questions["ease"]] = _clamp(overall + rng.choice((-1, 0, 0, 0, 1)))
        if rng.random() < 0.8:
            answers[questions["staff"]] = _clamp(overall + rng.choice((-1, 0, 0, 1)))
        if rng.random() < 0.4:
            chosen = set(rng.sample(SOURCES, rng.choice((1, 1, 2))))
            answers[questions["sources"]] = [s for s in SOURCES if s in chosen]
        comment = self._comment(overall, problem)
        if comment:
            answers[questions["suggestion"]] = comment
        self.sent += 1
        agent = rng.choice(BROWSERS)
        return Submission(
            survey=survey,
            answers=answers,
            client_key=client_key(f"demo-resident-{self.sent}", agent, DEMO_CLIENT_SECRET),
            service=service,
            channel=service.channel,
            language="en" if rng.random() < 0.04 else "zh-hans",
        )

    def _comment(self, overall: int, problem: str) -> str:
        rng = self.rng
        if overall <= 2 and rng.random() < 0.6:
            text = rng.choice(COMPLAINTS[problem or "其他"])
        elif overall == 3 and rng.random() < 0.15:
            text = rng.choice(SUGGESTIONS)
        elif overall >= 4 and rng.random() < 0.07:
            text = rng.choice(PRAISE)
        else:
            return ""
        if rng.random() < 0.15:
            # Some residents leave their number despite the hint: the form masks it.
            phone = f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"
            text = text.rstrip("。") + rng.choice(CALL_ME).format(phone=phone)
        return text


def answer_cases(cases: list[RectificationCase], today: datetime.date, rng: random.Random):
    """How departments dealt with the poor ratings' cases by ``today``: most answered in time
    (rectified, called back or explained), some late, some still open and a few overdue; most
    published, and half the comments moderated."""
    for case in cases:
        roll = rng.random()
        pending = case.due_on >= today
        if (pending and roll < 0.5) or (not pending and roll < 0.18):
            replied = None  # still open: within its deadline, or overdue
        elif not pending and roll < 0.3:
            late = add_working_days(case.due_on, rng.randint(1, 6)).due
            replied = min(late, today)
        else:
            span = max(1, (min(case.due_on, today) - case.reported_on).days)
            replied = case.reported_on + datetime.timedelta(days=rng.randint(1, span))
        if replied is not None:
            _answer(case, replied, rng)
        case.public = rng.random() < 0.65
        case.comment_moderated = bool(case.comment) and case.public and rng.random() < 0.5
    return cases


def _answer(case: RectificationCase, replied: datetime.date, rng: random.Random) -> None:
    kind = rng.choices(list(RectificationCase.Reply), (35, 45, 20))[0]
    case.reply_kind, case.replied_on = kind, replied
    case.status, case.resolved_on = RectificationCase.Status.DONE, replied
    if kind == RectificationCase.Reply.CALLED_BACK:
        case.measures = rng.choice(CALLED_BACK)
    elif kind == RectificationCase.Reply.RECTIFIED:
        case.measures, case.result = rng.choice(RECTIFIED)
    else:
        case.explanation = rng.choice(EXPLAINED)
        case.measures = "已向评价人说明情况。"

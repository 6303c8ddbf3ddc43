"""The demo city's satisfaction surveys: each department's services (window, online, hotline,
app), one survey of them per department, residents' ratings of the last months and what the
ratings became — monthly results, satisfaction indicator scores and rectification cases.

Built by ``manage.py load_demo_data`` through the ``portal_demo_data`` hook, with the seed's
random generator. The story: the site's own rating form (扫码评价) went live a few months
before the data's as-of month. Before that, editors typed each month's results in from the
province's 好差评 system (labelled as entered); since then residents' ratings are sent through
the form's own path (``surveys.actions.submit_responses``), poor ones open cases that the
departments answer, and ``aggregate_month`` turns each month into results and indicator
scores. Most surveys publish their results, a few do not; one survey has closed and one
opens next month, so the demo shows both sides of each rule.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group

from portal.months import month_range, next_month
from surveys.actions import submit_responses
from surveys.aggregation import aggregate_month
from surveys.models import (
    Answer,
    RectificationCase,
    Response,
    Service,
    Survey,
    SurveyQuestion,
    SurveyResult,
)
from surveys.permissions import grant_group_permissions

from .catalogue import (
    APP_NAME,
    CHANNEL_OFFSET,
    EARLIER_CASES,
    ENTERED_SOURCE,
    ONLINE_BASE,
    QUESTIONS,
    SERVICES,
    SUGGESTION_HINT,
)
from .ratings import Residents, answer_cases

RATED_MONTHS = 3  # months of residents' ratings, up to the as-of month


def flush() -> None:
    Answer.objects.all().delete()
    RectificationCase.objects.all().delete()
    # The cases pointing at the ratings are gone: one DELETE, not Django's collector loading
    # every rating to clear links that no longer exist (responses send no delete signals).
    Response.objects.all()._raw_delete(Response.objects.db)
    for model in (SurveyResult, SurveyQuestion, Survey, Service):
        model.objects.all().delete()


def build(ctx) -> None:
    from portal.demo import CITY_ADMIN_GROUP, DEPARTMENT_EDITOR_GROUP, analyze
    from portal.evaluation import recompute_cycle
    from portal.models import Indicator, Measurement

    rng = ctx.rng
    grant_group_permissions(
        Group.objects.get(name=CITY_ADMIN_GROUP), Group.objects.get(name=DEPARTMENT_EDITOR_GROUP)
    )
    current = max(ctx.cycles, key=lambda c: c.year)
    first = datetime.date(min(c.year for c in ctx.cycles), 1, 1)
    # The rating form went live RATED_MONTHS before the as-of month; "today" for the cases is
    # the first day after the data (the demo may be looked at later that month).
    rated = list(month_range(_months_before(ctx.as_of, RATED_MONTHS - 1), ctx.as_of))
    live_from, today = rated[0], next_month(ctx.as_of)
    satisfaction = {}
    for pk, owner in (
        Indicator.objects.filter(goal__cycle=current, dimension="satisfaction")
        .order_by("code")
        .values_list("pk", "goal__owner_id")
    ):
        satisfaction.setdefault(owner, pk)

    services = _services(ctx.departments, rng)
    surveys: list[tuple[Survey, list[Service]]] = []
    for order, dept in enumerate(ctx.departments):
        own = services[dept.pk]
        name = own[0].name if len(own) == 1 else f"{dept.short_name or dept.name}政务服务"
        survey = Survey.objects.create(
            department=dept,
            title=f"{name}满意度调查",
            title_en=f"{dept.name_en or dept.slug} service satisfaction survey",
            slug=f"{dept.slug}-manyidu",
            description=(
                f"办事群众在{'、'.join(s.name for s in own)}办结后扫码评价，"
                "五级评分，意见建议可选填。"
            ),
            indicator_id=satisfaction.get(dept.pk),
            results_public=order % 10 != 7,  # a few departments keep their results internal
            opens_on=live_from,
        )
        survey.services.set(own)
        surveys.append((survey, own))
    closed, upcoming = _special_surveys(ctx.departments, services, rated, today)
    questions = add_questionnaire([s for s, _own in surveys] + [closed, upcoming])

    # Before the form: the results editors entered, and the cases they wrote up.
    results = []
    for survey, _own in surveys:
        share = rng.uniform(84, 97)
        for month in month_range(first, live_from - datetime.timedelta(days=1)):
            share = min(99.5, max(70.0, share + rng.gauss(0.15, 1.2)))
            results.append(_entered_result(survey, month, share, rng))
    for month in month_range(closed.opens_on, closed.closes_on):
        results.append(_entered_result(closed, month, rng.uniform(86, 95), rng))
    SurveyResult.objects.bulk_create(results, batch_size=2000)
    RectificationCase.objects.bulk_create(_earlier_cases(surveys, first, live_from, rng))

    # Since then: residents' ratings, each month's around the department's latest score.
    previous = dict(
        Measurement.objects.filter(indicator_id__in=satisfaction.values(), period__lt=live_from)
        .order_by("period")  # the latest month last, so it is the one kept
        .values_list("indicator_id", "value")
    )
    residents = Residents(rng, last_day=today - datetime.timedelta(days=1))
    ratings = []
    for survey, own in surveys:
        score = float(previous.get(survey.indicator_id) or rng.uniform(86, 94))
        for service in own:
            level = score + CHANNEL_OFFSET[service.channel] + rng.gauss(0, 2)
            for month in rated:
                level += rng.gauss(0, 1)
                ratings += residents.month(
                    survey, questions[survey.pk], service, month, min(97.0, level)
                )
    ratings.sort(key=lambda rating: rating[1])
    ctx.log(f"  {len(ratings)} ratings…")
    submit_responses(ratings)
    analyze(Response, Answer)  # the aggregation below joins them
    ctx.log("  aggregation…")

    # The months of ratings become results and the indicators' values (those the editors
    # entered from elsewhere for these months give way to the ratings'), then the cases are
    # answered as departments would have by today.
    Measurement.objects.filter(
        indicator_id__in=satisfaction.values(), period__in=rated, indicator__goal__cycle=current
    ).delete()
    cycles = set()
    for month in rated:
        cycles |= aggregate_month(month, recompute=False).cycles
    for cycle in ctx.cycles:
        if cycle.pk in cycles:
            recompute_cycle(cycle)  # once, not once per month
    cases = answer_cases(
        list(RectificationCase.objects.filter(response__isnull=False).order_by("pk")), today, rng
    )
    RectificationCase.objects.bulk_update(
        cases,
        [
            "reply_kind",
            "replied_on",
            "explanation",
            "measures",
            "result",
            "status",
            "resolved_on",
            "public",
            "comment_moderated",
        ],
        batch_size=500,
    )
    overdue = sum(case.is_overdue(today) for case in cases)
    ctx.log(
        f"  {len(surveys) + 2} surveys of {sum(map(len, services.values()))} services, "
        f"{len(ratings)} ratings ({', '.join(f'{m:%Y-%m}' for m in rated)}), "
        f"{len(results)} entered monthly results, {len(cases)} cases from poor ratings "
        f"({overdue} overdue)"
    )


def _months_before(month: datetime.date, count: int) -> datetime.date:
    for _ in range(count):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


def _services(departments, rng) -> dict[int, list[Service]]:
    """Each department's services from the catalogue (a district office offers its city
    department's), with a window number, a web address, a hotline number or the app."""
    rows, window = [], 0
    for dept in departments:
        base = dept.slug.split("-")[0]
        catalogue = SERVICES.get(base) or (
            (f"{dept.short_name or dept.name}办事窗口", f"{dept.name_en} service window", "window"),
        )
        hall = (
            "市民中心"
            if dept.slug == base
            else f"{dept.name.removeprefix('青川市')[:3]}政务服务中心"
        )
        seen: set[str] = set()
        for name, name_en, channel in catalogue:
            slug = f"{dept.slug}-{channel}"
            slug = slug if slug not in seen else f"{slug}-{len(seen) + 1}"
            seen.add(slug)
            service = Service(
                department=dept, name=name, name_en=name_en, slug=slug, channel=channel
            )
            if channel == Service.Channel.WINDOW:
                window += 1
                service.address = f"{hall}{rng.randint(1, 3)}楼 {window} 号窗口"
            elif channel == Service.Channel.ONLINE:
                service.url = f"{ONLINE_BASE}/{dept.slug}/{slug.rsplit('-', 1)[-1]}/"
            elif channel == Service.Channel.HOTLINE:
                service.address = dept.contact_phone or "12345"
                if name[:5].isdigit():  # a national number (12345, 12333 …) is the address
                    service.address = name.split()[0]
            else:
                service.address = f"{APP_NAME} › 办事 › {dept.short_name or dept.name}"
            rows.append(service)
    Service.objects.bulk_create(rows)
    by_department: dict[int, list[Service]] = {}
    for service in rows:
        by_department.setdefault(service.department_id, []).append(service)
    return by_department


def _special_surveys(departments, services, rated, today) -> tuple[Survey, Survey]:
    """A survey that has closed (last year's review of a window) and one that opens next
    month (of an online service), besides each department's survey."""
    windows = [s for d in departments for s in services[d.pk] if s.channel == "window"]
    online = [s for d in departments for s in services[d.pk] if s.channel == "online"]
    window, web = windows[0], (online or windows)[-1]
    last_year = rated[0].year - 1
    closed = Survey.objects.create(
        department=window.department,
        title=f"{last_year}年{window.name}作风专项评议",
        title_en=f"{last_year} review of the {window.name_en}",
        slug=f"{window.department.slug}-zhuanxiang-{last_year}",
        description="专项评议期间办事群众扫码评价窗口作风，评议已结束，结果保留备查。",
        results_public=True,
        opens_on=datetime.date(last_year, 9, 1),
        closes_on=datetime.date(last_year, 11, 30),
    )
    closed.services.set([window])
    upcoming = Survey.objects.create(
        department=web.department,
        title=f"{web.name}体验专项调查",
        title_en=f"Survey of the {web.name_en}",
        slug=f"{web.department.slug}-tiyan",
        description="下月起开放评价，了解群众使用体验，结果按月公开。",
        results_public=True,
        opens_on=next_month(today),
    )
    upcoming.services.set([web])
    return closed, upcoming


def add_questionnaire(surveys) -> dict[int, dict[str, SurveyQuestion]]:
    """The demo questionnaire for every survey: a conditional "main problem" question after a
    poor overall rating, and a multiple-choice one; its questions by key, per survey."""
    rows = []
    for survey in surveys:
        for sort, (key, text, text_en, kind, scale, options, condition) in enumerate(QUESTIONS):
            rows.append(
                SurveyQuestion(
                    survey=survey,
                    sort_order=sort,
                    key=key,
                    text=text,
                    text_en=text_en,
                    kind=kind,
                    scale=scale,
                    options=list(options),
                    required=key == "overall",
                    show_if_key="overall" if condition else "",
                    show_if_answers=list(condition),
                    hint=SUGGESTION_HINT if kind == SurveyQuestion.Kind.TEXT else "",
                    max_length=200 if kind == SurveyQuestion.Kind.TEXT else None,
                )
            )
    SurveyQuestion.objects.bulk_create(rows)
    by_survey: dict[int, dict[str, SurveyQuestion]] = {}
    for question in rows:
        by_survey.setdefault(question.survey_id, {})[question.key] = question
    return by_survey


def _entered_result(survey, month, share, rng) -> SurveyResult:
    return SurveyResult(
        survey=survey,
        period=month,
        responses=rng.randint(40, 400),
        satisfied_share=Decimal(f"{share:.1f}"),
        mean_score=Decimal(f"{min(5.0, 1 + share / 100 * 4 + rng.uniform(-0.1, 0.1)):.2f}"),
        source=ENTERED_SOURCE,
        origin=SurveyResult.Origin.ENTERED,
    )


def _earlier_cases(surveys, first, live_from, rng) -> list[RectificationCase]:
    """Cases editors wrote up before the rating form, some still internal."""
    cases = []
    span = (live_from - first).days - 1
    for survey, own in surveys:
        for n in range(rng.choice((0, 0, 1, 1, 2, 3))):
            title, problem, measures, result = rng.choice(EARLIER_CASES)
            reported = first + datetime.timedelta(days=rng.randint(0, span))
            done = bool(result) and reported < live_from - datetime.timedelta(days=60)
            cases.append(
                RectificationCase(
                    department=survey.department,
                    survey=survey,
                    service=own[0],
                    title=f"{own[0].name}：{title}",
                    problem=problem,
                    measures=measures,
                    result=result if done else "",
                    status=RectificationCase.Status.DONE if done else RectificationCase.Status.OPEN,
                    reported_on=reported,
                    resolved_on=reported + datetime.timedelta(days=rng.randint(10, 50))
                    if done
                    else None,
                    public=n != 2,
                )
            )
    return cases

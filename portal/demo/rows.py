"""The demo city's rows in the domain tables, cycle by cycle: departments, the goal tree,
indicators, monthly measurements (a few corrected later), qualitative reviews and the home
page's introduction. Bulk inserts where the domain allows them; corrections go through
``record_measurement`` so their history and audit log are the real ones.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from decimal import Decimal

from portal import actions
from portal.factories import (
    DepartmentFactory,
    GoalFactory,
    IndicatorFactory,
    QualitativeReviewFactory,
)
from portal.models import Department, Goal, HomePage, Indicator, Measurement, QualitativeReview

from .catalogue import (
    CITY,
    CITY_GOALS,
    CORRECTION_REASONS,
    DISTRICTS,
    GOAL_SOURCES,
    HOME_INTRO,
    HOME_INTRO_EN,
    HOME_NOTICE,
    LAG_REASONS,
    REVIEW_STRENGTHS,
    REVIEW_WEAKNESSES,
    SERVICE_GOALS,
    STREETS,
    IndicatorTemplate,
)
from .generation import (
    as_decimal,
    choose_profile,
    cycle_targets,
    data_source_for,
    methodology_for,
    target_phrase,
    trajectory,
)

MEASUREMENT_BATCH = 5000
# Share of measurements re-reported through record_measurement so correction history exists.
CORRECTION_SHARE = 0.004


def create_departments(specs, rng) -> list[Department]:
    """One row per spec, with an invented phone number and street address."""
    objs = []
    for order, spec in enumerate(specs):
        district = spec.district or rng.choice(DISTRICTS)[0]
        objs.append(
            DepartmentFactory.build(
                name=spec.name,
                short_name=spec.short_name,
                slug=spec.slug,
                name_en=spec.name_en,
                category=spec.template.category,
                description=spec.template.description
                if not spec.district
                else spec.template.description.replace("全市", spec.district, 1),
                contact_phone=f"0839-{rng.randint(2000000, 8999999)}",
                contact_email=f"{spec.slug.replace('-', '.')}@qingchuan.example.gov.cn",
                address=f"{CITY}{district}{rng.choice(STREETS)}{rng.randint(1, 399)}号",
                sort_order=order,
            )
        )
    return Department.objects.bulk_create(objs)


def _source(year: int, part: int, rng: random.Random) -> str:
    plan = (
        "青川市国民经济和社会发展第十五个五年规划纲要"
        if year >= 2026
        else "青川市国民经济和社会发展第十四个五年规划纲要"
    )
    return rng.choice(GOAL_SOURCES).format(year=year, part=part, item=rng.randint(1, 12), plan=plan)


def create_goals(cycle, specs, departments, rng) -> dict[int, tuple[Goal, Goal, Goal, Goal]]:
    """City goals, then two goals per department (own duty, service), each with a key task."""
    year = cycle.year
    by_slug = {d.slug: d for d in departments}
    first = departments[0]
    city_goals = []
    co_rows = []
    for index, (_key, title, lead, _co, part) in enumerate(CITY_GOALS, start=1):
        owner = by_slug.get(lead, first)
        city_goals.append(
            GoalFactory.build(
                cycle=cycle,
                code=f"{year}-{index:02d}",
                title=title,
                description=f"{year}年全市重点目标：{title}。由{owner.short_name}牵头，"
                "相关部门按职责分工推进。",
                level=Goal.Level.CITY,
                owner=owner,
                source=f"{year}年政府工作报告 第{part}部分",
                deadline=datetime.date(year, 12, 31),
                measure="由分解到各部门的目标和指标完成情况综合衡量。",
                target_statement=f"年底前{title}各项分解任务全面完成。",
                sort_order=index,
            )
        )
    Goal.objects.bulk_create(city_goals)
    city_by_key = {CITY_GOALS[i][0]: g for i, g in enumerate(city_goals)}
    for goal, (_, _, _, co, _) in zip(city_goals, CITY_GOALS, strict=True):
        co_rows += [(goal, by_slug[s]) for s in co if s in by_slug]

    numbers = Counter()
    dept_goals, plan = [], []
    for spec, dept in zip(specs, departments, strict=True):
        service_title, service_task = rng.choice(SERVICE_GOALS)
        for key, title, task in (
            (spec.template.theme, spec.template.goal, spec.template.task),
            ("service", service_title, service_task),
        ):
            parent = city_by_key[key]
            numbers[key] += 1
            code = f"{parent.code}-{numbers[key]:02d}"
            part = next(p for k, *_, p in CITY_GOALS if k == key)
            source = _source(year, part, rng)
            goal = GoalFactory.build(
                cycle=cycle,
                code=code,
                title=f"{title}" if not spec.district else f"{spec.district}{title}",
                description=f"落实“{parent.title}”部署，{dept.short_name}{title}。",
                level=Goal.Level.DEPARTMENT,
                parent=parent,
                owner=dept,
                source=source,
                deadline=datetime.date(year, 12, 31),
                sort_order=numbers[key],
            )
            dept_goals.append(goal)
            plan.append((dept, goal, task, source))
    Goal.objects.bulk_create(dept_goals)

    tasks = []
    for dept, goal, task, source in plan:
        deadline = rng.choice([(9, 30), (11, 30), (12, 31), (12, 31)])
        tasks.append(
            GoalFactory.build(
                cycle=cycle,
                code=f"{goal.code}-K1",
                title=task,
                description=f"{goal.title}的年度重点任务，由{dept.short_name}组织实施。",
                level=Goal.Level.TASK,
                parent=goal,
                owner=dept,
                source=source,
                deadline=datetime.date(year, *deadline),
                measure="按月调度任务节点完成情况，以所属指标的完成进度衡量。",
                target_statement=f"{deadline[0]}月{deadline[1]}日前完成年度任务。",
                sort_order=1,
            )
        )
        # Cross-cutting work: most department goals name one or two partner departments.
        for partner in rng.sample(departments, k=min(2, len(departments))):
            if partner.pk != dept.pk and rng.random() < 0.6:
                co_rows.append((goal, partner))
    Goal.objects.bulk_create(tasks)
    through = Goal.co_departments.through
    through.objects.bulk_create(
        [through(goal_id=g.pk, department_id=d.pk) for g, d in dict.fromkeys(co_rows)],
        batch_size=MEASUREMENT_BATCH,
    )
    result = {}
    for i in range(0, len(plan), 2):
        dept = plan[i][0]
        result[dept.pk] = (dept_goals[i], tasks[i], dept_goals[i + 1], tasks[i + 1])
    return result


def create_indicators(
    cycle, specs, departments, goals_by_dept, catalogue, year_index, rng
) -> list[tuple[Indicator, IndicatorTemplate]]:
    """Own indicators under the department goal (last two on its task), service ones likewise."""
    built = []
    for spec, dept in zip(specs, departments, strict=True):
        own, generic = catalogue[spec.slug]
        goal, task, service_goal, service_task = goals_by_dept[dept.pk]
        for group, main, sub in ((own, goal, task), (generic, service_goal, service_task)):
            counters = Counter()
            for index, tpl in enumerate(group):
                # The last three of each group belong to the key task (目标分解).
                target_goal = sub if index >= len(group) - 3 else main
                counters[target_goal.code] += 1
                n = counters[target_goal.code]
                baseline, target = cycle_targets(tpl, year_index, spec.size, rng)
                goal_code = target_goal.code
                ind = IndicatorFactory.build(
                    goal=target_goal,
                    code=f"{goal_code}-{n:02d}",
                    name=tpl.name,
                    dimension=tpl.dimension,
                    unit=tpl.unit,
                    baseline=as_decimal(baseline),
                    target=as_decimal(target),
                    direction=tpl.direction,
                    weight=Decimal(rng.choice(["1", "1", "1.5", "2", "2", "3"]))
                    if tpl.dimension != Indicator.Dimension.SATISFACTION
                    else Decimal("1"),
                    frequency=Indicator.Frequency.QUARTERLY
                    if tpl.quarterly
                    else Indicator.Frequency.MONTHLY,
                    data_source=data_source_for(tpl, rng),
                    source_description=tpl.source or f"{dept.short_name}业务统计台账",
                    methodology=methodology_for(tpl),
                    sort_order=n,
                )
                built.append((ind, tpl))
    Indicator.objects.bulk_create([ind for ind, _ in built], batch_size=MEASUREMENT_BATCH)
    # SMART statements name the goal's own indicators and their numeric targets.
    by_goal: dict[int, list] = {}
    for ind, tpl in built:
        by_goal.setdefault(ind.goal_id, []).append((ind, tpl))
    goals = []
    for rows in by_goal.values():
        goal = rows[0][0].goal
        names = "、".join(ind.name for ind, _ in rows[:3])
        goal.measure = (
            f"以{names}等{len(rows)}项指标衡量，按月报送数据、按月亮灯预警，年底综合评价。"
        )
        phrases = "；".join(target_phrase(tpl, ind.target) for ind, tpl in rows[:3])
        # Indicator targets are for the year's end even when a task's own deadline is earlier.
        goal.target_statement = f"到{goal.cycle.year}年底，{phrases}。"
        goals.append(goal)
    Goal.objects.bulk_update(goals, ["measure", "target_statement"], batch_size=1000)
    return built


def create_measurements(indicators, months, current, quality, rng, editors, corrections) -> int:
    """Bulk-insert the monthly values; a few are first reported wrong and corrected later."""
    total = 0
    batch: list[Measurement] = []
    for ind, tpl in indicators:
        dept_id = ind.goal.owner_id
        profile = choose_profile(rng, quality[dept_id], current)
        report_months = [m for m in months if not tpl.quarterly or m % 3 == 0]
        values = trajectory(
            tpl.kind,
            float(ind.baseline),
            float(ind.target),
            tpl.unit,
            tpl.decimals,
            report_months,
            profile,
            rng,
        )
        latest = max(values) if values else None
        for month, value in values.items():
            period = datetime.date(ind.goal.cycle.year, month, 1)
            note = ""
            if month == latest and profile in ("yellow", "red"):
                note = rng.choice(LAG_REASONS)
            reported = value
            if month != latest and rng.random() < CORRECTION_SHARE:
                # First reported a few percent off; the true value arrives as a correction.
                reported = round(value * rng.choice([0.94, 0.97, 1.03, 1.06]), tpl.decimals)
                if tpl.unit == "%":
                    reported = min(reported, 100.0)
                if reported != value:
                    corrections.append((ind, period, value, rng.choice(CORRECTION_REASONS)))
            batch.append(
                Measurement(
                    indicator=ind,
                    period=period,
                    value=as_decimal(reported),
                    note=note,
                    source=ind.source_description,
                    entered_by=editors.get(dept_id),
                )
            )
        if len(batch) >= MEASUREMENT_BATCH:
            Measurement.objects.bulk_create(batch)
            total += len(batch)
            batch = []
    Measurement.objects.bulk_create(batch)
    return total + len(batch)


def create_reviews(cycle, departments, current, quality, rng) -> None:
    """Each department's qualitative review of the cycle (年中评议 while it is under way)."""
    reviews = []
    for dept in departments:
        # The review panel sees the same strengths and weaknesses the indicators show.
        score = round(min(98.0, 68 + 26 * quality[dept.pk] + rng.uniform(-3, 3)), 1)
        strength, weakness = rng.choice(REVIEW_STRENGTHS), rng.choice(REVIEW_WEAKNESSES)
        when = "年中评议" if current else "年度考核评议"
        reviews.append(
            QualitativeReviewFactory.build(
                department=dept,
                cycle=cycle,
                score=Decimal(str(score)),
                note=f"{when}：{strength}；{weakness}。评议组建议继续加强薄弱环节整改。",
            )
        )
    QualitativeReview.objects.bulk_create(reviews)


def set_home_page(user) -> None:
    """The home page introduces the city in both languages and says the data is invented."""
    home = HomePage.objects.order_by("depth", "path").first()
    if home is None:
        return
    home.intro, home.intro_en, home.site_notice = HOME_INTRO, HOME_INTRO_EN, HOME_NOTICE
    # Publishing through a revision keeps the admin's edit view in step with the live page.
    home.save_revision(user=user).publish(user=user)


def record_corrections(corrections, departments, editors_by_department, admin) -> None:
    """Report the true values of the measurements first reported wrong, as an editor would."""
    by_department = {d.pk: d for d in departments}
    for indicator, period, value, reason in corrections:
        owner = by_department[indicator.goal.owner_id]
        actions.record_measurement(
            indicator,
            period,
            as_decimal(value),
            user=editors_by_department.get(owner.pk, admin),
            reason=reason,
            note=f"{reason}（原数据已保留在更正记录中）",
        )

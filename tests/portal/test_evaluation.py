"""Persisting statuses and scores (portal.evaluation) against the database."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from portal import cache as portal_cache
from portal.evaluation import (
    city_status,
    department_status_counts,
    indicator_series,
    recompute_cycle,
)
from portal.factories import (
    CycleFactory,
    DepartmentFactory,
    GoalFactory,
    IndicatorFactory,
    MeasurementFactory,
    QualitativeReviewFactory,
)
from portal.models import Evaluation, Goal, Indicator
from portal.status import roll_up

pytestmark = pytest.mark.django_db

YEAR = 2025


def month(number: int) -> datetime.date:
    return datetime.date(YEAR, number, 1)


def build_city(departments: int, indicators_per_department: int, months: int = 6):
    """Departments with one goal each, indicators on the plan, satisfaction and reviews."""
    cycle = CycleFactory(year=YEAR)
    for d in range(departments):
        department = DepartmentFactory()
        goal = GoalFactory(cycle=cycle, owner=department)
        for i in range(indicators_per_department):
            indicator = IndicatorFactory(goal=goal, weight=Decimal(1 + i % 3))
            for m in range(1, months + 1):
                MeasurementFactory(
                    indicator=indicator, period=month(m), value=Decimal(m * (6 + d + i))
                )
        satisfaction = IndicatorFactory(
            goal=goal, dimension=Indicator.Dimension.SATISFACTION, target=Decimal("95")
        )
        MeasurementFactory(indicator=satisfaction, period=month(1), value=Decimal("90"))
        QualitativeReviewFactory(department=department, cycle=cycle, score=Decimal(80 + d))
    return cycle


def test_recompute_writes_indicator_snapshots():
    cycle = CycleFactory(year=YEAR)
    on_plan = IndicatorFactory(goal__cycle=cycle, target=Decimal("120"))
    stale = IndicatorFactory(goal__cycle=cycle, target=Decimal("120"))
    silent = IndicatorFactory(goal__cycle=cycle)
    for m in range(1, 5):
        MeasurementFactory(indicator=on_plan, period=month(m), value=Decimal(10 * m))
    MeasurementFactory(indicator=stale, period=month(1), value=Decimal("10"))

    result = recompute_cycle(cycle)

    assert result.as_of == month(4)
    on_plan.refresh_from_db()
    assert on_plan.latest_value == Decimal("40")
    assert on_plan.latest_period == month(4)
    assert on_plan.progress == pytest.approx(40 / 120)
    assert on_plan.status == "green"
    stale.refresh_from_db()
    # January's 10 carried to April, where 40 was planned: seriously lagging.
    assert stale.latest_period == month(1)
    assert stale.status == "red"
    silent.refresh_from_db()
    assert silent.status == "none" and silent.latest_value is None


def test_goal_light_rolls_up_its_own_and_its_sub_goals_indicators():
    cycle = CycleFactory(year=YEAR)
    city_goal = GoalFactory(cycle=cycle, level=Goal.Level.CITY)
    task_a = GoalFactory(cycle=cycle, parent=city_goal, level=Goal.Level.TASK)
    task_b = GoalFactory(cycle=cycle, parent=city_goal, level=Goal.Level.TASK)
    empty = GoalFactory(cycle=cycle)
    good = IndicatorFactory(goal=task_a, target=Decimal("12"))
    bad = IndicatorFactory(goal=task_b, target=Decimal("12"), weight=Decimal("3"))
    for m in range(1, 4):
        MeasurementFactory(indicator=good, period=month(m), value=Decimal(m))
        MeasurementFactory(indicator=bad, period=month(m), value=Decimal("0"))

    recompute_cycle(cycle)

    statuses = dict(Goal.objects.filter(cycle=cycle).values_list("pk", "status"))
    assert statuses[task_a.pk] == "green"
    assert statuses[task_b.pk] == "red"
    assert statuses[city_goal.pk] == "red"  # the heavier red indicator dominates (1 vs 3)
    assert statuses[empty.pk] == "none"


def test_evaluations_per_department_and_month_with_traceable_points():
    cycle = build_city(departments=3, indicators_per_department=2, months=3)

    recompute_cycle(cycle)

    evaluations = Evaluation.objects.filter(cycle=cycle)
    assert evaluations.count() == 3 * 3
    assert sorted(set(evaluations.values_list("period", flat=True))) == [
        month(1),
        month(2),
        month(3),
    ]
    for evaluation in evaluations:
        parts = evaluation.breakdown["parts"]
        points = sum(
            item["points"]
            for dimension in parts["goals"]["dimensions"].values()
            for item in dimension["indicators"]
        )
        points += sum(item["points"] for item in parts["satisfaction"]["indicators"])
        points += parts["qualitative"]["points"]
        assert points == pytest.approx(evaluation.total, abs=0.01)
        assert evaluation.grade
        assert evaluation.status in {"green", "yellow", "red"}
    ranks = sorted(evaluations.filter(period=month(3)).values_list("rank", flat=True))
    assert ranks == [1, 2, 3]
    # The department with the fastest growth and the best review ranks first.
    best = evaluations.filter(period=month(3)).order_by("-total").first()
    assert best.rank == 1
    # February uses January's satisfaction figure, carried forward.
    february = evaluations.filter(period=month(2)).first()
    satisfaction = february.breakdown["parts"]["satisfaction"]["indicators"][0]
    assert satisfaction["value"] == 90 and satisfaction["period"] == f"{YEAR}-01"


def test_recompute_replaces_evaluations_and_follows_corrections():
    cycle = CycleFactory(year=YEAR)
    indicator = IndicatorFactory(goal__cycle=cycle, target=Decimal("12"))
    measurement = MeasurementFactory(indicator=indicator, period=month(1), value=Decimal("1"))
    recompute_cycle(cycle)
    assert Evaluation.objects.get(cycle=cycle).total == 100

    measurement.value = Decimal("0.5")
    measurement.save()
    recompute_cycle(cycle)

    evaluation = Evaluation.objects.get(cycle=cycle)
    assert evaluation.total == 50
    assert evaluation.status == "red"


def test_cycle_without_figures_has_no_evaluations():
    future = CycleFactory(year=2099)
    indicator = IndicatorFactory(goal__cycle=future)
    recompute_cycle(future)
    indicator.refresh_from_db()
    assert indicator.status == "not_started"
    assert indicator.goal.status == "not_started"
    assert not Evaluation.objects.filter(cycle=future).exists()

    past = CycleFactory(year=2020)
    old = IndicatorFactory(goal__cycle=past)
    leftover = Evaluation.objects.create(department=old.goal.owner, cycle=past, period=month(1))
    recompute_cycle(past)
    old.refresh_from_db()
    assert old.status == "none"
    assert not Evaluation.objects.filter(pk=leftover.pk).exists()


def test_final_month_is_a_final_judgement():
    cycle = CycleFactory(year=YEAR)
    milestone = IndicatorFactory(goal__cycle=cycle, direction=Indicator.Direction.MILESTONE)
    MeasurementFactory(indicator=milestone, period=month(11), value=Decimal("95"))
    recompute_cycle(cycle)
    milestone.refresh_from_db()
    assert milestone.status == "green"  # 95 % done in November is on track

    MeasurementFactory(indicator=milestone, period=month(12), value=Decimal("95"))
    recompute_cycle(cycle)
    milestone.refresh_from_db()
    assert milestone.status == "red"  # the year is over and it is not complete


@pytest.mark.parametrize(("departments", "indicators", "months"), [(2, 2, 2), (10, 6, 6)])
def test_recompute_query_count_does_not_grow_with_the_data(
    django_assert_max_num_queries, departments, indicators, months
):
    cycle = build_city(departments, indicators, months)
    # The same bound for 2 × 2 × 2 and 10 × 6 × 6: no query per row (12 for the recompute,
    # 2 for the search app listing the cycle's goals and indicators to re-index).
    with django_assert_max_num_queries(14):
        recompute_cycle(cycle)
    assert Evaluation.objects.filter(cycle=cycle).count() == departments * months


def test_recompute_invalidates_the_page_cache(django_capture_on_commit_callbacks):
    cycle = CycleFactory(year=YEAR)
    MeasurementFactory(indicator__goal__cycle=cycle, period=month(1))
    before = portal_cache.data_version()
    with django_capture_on_commit_callbacks(execute=True):
        recompute_cycle(cycle)
    assert portal_cache.data_version() > before


def test_indicator_series_follows_the_cycle_as_of_month(django_assert_max_num_queries):
    cycle = CycleFactory(year=YEAR)
    indicator = IndicatorFactory(goal__cycle=cycle, target=Decimal("120"))
    other = IndicatorFactory(goal__cycle=cycle)
    MeasurementFactory(indicator=indicator, period=month(1), value=Decimal("10"))
    MeasurementFactory(indicator=indicator, period=month(2), value=Decimal("20"))
    MeasurementFactory(indicator=other, period=month(4), value=Decimal("40"))
    fresh = Indicator.objects.get(pk=indicator.pk)

    with django_assert_max_num_queries(3):
        series = indicator_series(fresh)

    assert list(series["period"]) == [month(1), month(2), month(3), month(4)]
    assert series["value"].isna().tolist() == [False, False, True, True]
    assert list(series["carried"]) == [False, False, True, True]
    assert list(series["planned"]) == pytest.approx([10, 20, 30, 40])
    assert list(series["status"]) == ["green", "green", "red", "red"]


def test_indicator_series_of_a_cycle_without_figures_is_empty():
    indicator = IndicatorFactory(goal__cycle=CycleFactory(year=YEAR))
    assert indicator_series(indicator).empty


def test_indicator_series_needs_no_cycle_query_when_loaded(django_assert_num_queries):
    cycle = CycleFactory(year=YEAR)
    indicator = IndicatorFactory(goal__cycle=cycle)
    MeasurementFactory(indicator=indicator, period=month(1))
    loaded = Indicator.objects.select_related("goal__cycle").get(pk=indicator.pk)
    with django_assert_num_queries(2):
        indicator_series(loaded)


def test_home_page_helpers():
    cycle = build_city(departments=2, indicators_per_department=1, months=2)
    recompute_cycle(cycle)
    counts = department_status_counts(cycle)
    assert list(counts) == ["green", "yellow", "red", "none", "not_started"]
    assert sum(counts.values()) == 2
    statuses = Indicator.objects.filter(goal__cycle=cycle).values_list("status", "weight")
    assert city_status(cycle) == roll_up([s for s, _ in statuses], [w for _, w in statuses])
    Indicator.objects.filter(goal__cycle=cycle).update(status="red")
    assert city_status(cycle) == "red"
    # Weights of zero: every light counts the same (roll_up's rule), one green of four → red,
    # three of four → 0.75 → yellow.
    indicators = list(Indicator.objects.filter(goal__cycle=cycle).order_by("pk")[:4])
    Indicator.objects.filter(goal__cycle=cycle).exclude(pk__in=[i.pk for i in indicators]).update(
        status="none"
    )
    Indicator.objects.filter(goal__cycle=cycle).update(weight=0)
    Indicator.objects.filter(pk__in=[i.pk for i in indicators[:3]]).update(status="green")
    assert city_status(cycle) == "yellow"
    Indicator.objects.filter(pk__in=[i.pk for i in indicators[:2]]).update(status="red")
    assert city_status(cycle) == "red"
    Indicator.objects.filter(goal__cycle=cycle).update(status="none")
    assert city_status(cycle) == "none"  # no data: no colour, rather than a guess
    assert department_status_counts(cycle, month(9)) == dict.fromkeys(counts, 0)


def test_recompute_scores_command(capsys):
    cycle = CycleFactory(year=YEAR)
    MeasurementFactory(indicator__goal__cycle=cycle, period=month(3))
    call_command("recompute_scores", "--year", str(YEAR))
    assert f"{YEAR}: as of {YEAR}-03" in capsys.readouterr().out
    assert Evaluation.objects.filter(cycle=cycle).count() == 3


def test_recompute_scores_command_refuses_a_year_without_a_cycle():
    CycleFactory(year=YEAR)
    with pytest.raises(CommandError, match=f"no evaluation cycle for {YEAR + 1}"):
        call_command("recompute_scores", "--year", str(YEAR + 1))

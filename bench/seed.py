"""Stand-in data for the benchmark while `manage.py load_demo_data` does not exist yet.

    python bench/seed.py --scale 10

Builds departments × goals × indicators × monthly measurements from the domain factories with
a fixed seed, then recomputes the cycle, so the pages have something to render. run.sh uses
it only when the demo loader is missing, and the results say so; once the loader exists the
stamp no longer matches and the bench database is rebuilt with the real demo city.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
from decimal import Decimal

from benchlib import RESULTS_DIR, setup_django

GOALS_PER_DEPARTMENT = 4
INDICATORS_PER_GOAL = 5


REPORT_SLUG = "bench-six-charts"
REPORT_CHARTS = 6


def ensure_chart_report() -> str:
    """The benchmark's report (BENCH_ONLY=reports): six chart blocks of the most-measured
    published indicators, with headings and text between them. Made once; returns its path."""
    from django.db.models import Count

    from disclosure.factories import chart, heading, make_report, paragraph, report_index
    from disclosure.models import ReportPage
    from portal.models import Indicator

    existing = ReportPage.objects.filter(slug=REPORT_SLUG).first()
    if existing is None:
        codes = list(
            Indicator.objects.filter(goal__cycle__published=True)
            .annotate(n=Count("measurements"))
            .order_by("-n", "code")
            .values_list("code", flat=True)[:REPORT_CHARTS]
        )
        body = []
        for n, code in enumerate(codes, start=1):
            body += [
                heading(f"{n}、指标完成情况"),
                paragraph("<p>本节给出该指标逐月完成情况、计划进度和目标值。</p>"),
                chart(code),
            ]
        existing = make_report(
            "基准测试：含六个图表的报告", body=body, slug=REPORT_SLUG, index=report_index()
        )
    return existing.url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument(
        "--report-only", action="store_true", help="Only make the six-chart report (on any data)."
    )
    args = parser.parse_args()
    setup_django()
    if args.report_only:
        path = ensure_chart_report()
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        (RESULTS_DIR / "report-target.json").write_text(json.dumps({"path": path}))
        print(f"bench report: {path}")
        return
    from django.db import transaction

    from portal.evaluation import recompute_cycle
    from portal.factories import (
        CycleFactory,
        DepartmentFactory,
        GoalFactory,
        IndicatorFactory,
        MeasurementFactory,
    )
    from portal.models import Goal, Indicator, Measurement

    rng = random.Random(2026)
    today = datetime.date.today()
    year = today.year
    departments_count = 3 * args.scale
    with transaction.atomic():
        cycle = CycleFactory(year=year)
        months = [m for m in cycle.months() if m <= today.replace(day=1)]
        departments = [
            DepartmentFactory(
                slug=f"bench-{n:03d}", name=f"市基准测试第{n}局", short_name=f"测试{n}局"
            )
            for n in range(1, departments_count + 1)
        ]
        goals = Goal.objects.bulk_create(
            GoalFactory.build(
                cycle=cycle,
                owner=department,
                code=f"{year}-{d:03d}-{g:02d}",
                sort_order=g,
            )
            for d, department in enumerate(departments, start=1)
            for g in range(1, GOALS_PER_DEPARTMENT + 1)
        )
        indicators = Indicator.objects.bulk_create(
            IndicatorFactory.build(
                goal=goal,
                code=f"{goal.code}-{i:02d}",
                baseline=Decimal("0"),
                target=Decimal(rng.choice([50, 100, 200, 1000])),
                sort_order=i,
            )
            for goal in goals
            for i in range(1, INDICATORS_PER_GOAL + 1)
        )
        measurements = []
        for indicator in indicators:
            pace = rng.uniform(0.5, 1.2)
            for n, month in enumerate(months, start=1):
                share = min(1.0, pace * n / 12)
                value = Decimal(f"{float(indicator.target) * share:.2f}")
                measurements.append(
                    MeasurementFactory.build(indicator=indicator, period=month, value=value)
                )
        Measurement.objects.bulk_create(measurements, batch_size=2000)
        recompute_cycle(cycle)
    ensure_chart_report()
    print(
        f"bench seed: {len(departments)} departments, {len(goals)} goals, "
        f"{len(indicators)} indicators, {len(measurements)} measurements"
    )


if __name__ == "__main__":
    main()

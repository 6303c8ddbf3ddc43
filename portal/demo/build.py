"""Building the demo city: ``build_demo_city`` empties the performance domain and fills it again
from the catalogue with a fixed seed, then lets the other apps add their part (reports,
surveys) through the ``portal_demo_data`` hook.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone
from faker import Faker

from portal import evaluation
from portal.actions import approve_adjustment, request_adjustment
from portal.cache import batched_bumps
from portal.factories import CycleFactory
from portal.models import (
    Department,
    Goal,
    Indicator,
    Measurement,
    MeasurementCorrection,
    SiteIdentity,
)

from .accounts import (
    DEFAULT_ADMIN_PASSWORD,
    DEFAULT_EDITOR_PASSWORD,
    ensure_admins,
    ensure_department_editors,
    ensure_groups,
)
from .catalogue import DEPARTMENTS
from .extensions import DemoContext, demo_extensions
from .flush import flush_domain_data
from .generation import (
    DEPARTMENTS_PER_SCALE,
    as_of_month,
    cycle_years,
    department_specs,
    indicator_templates_for,
)
from .rows import (
    create_departments,
    create_goals,
    create_indicators,
    create_measurements,
    create_reviews,
    record_corrections,
    set_home_page,
)

DEFAULT_SEED = 2026


@dataclass
class DemoResult:
    """What was built, for the command's summary and the tests."""

    scale: int
    seed: int
    as_of: datetime.date
    departments: int = 0
    goals_by_level: dict[str, int] = field(default_factory=dict)
    indicators_by_dimension: dict[str, int] = field(default_factory=dict)
    measurements: int = 0
    corrections: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    admin_password: str = ""
    editor_password: str = ""
    editors: list[str] = field(default_factory=list)


def name_demo_site() -> None:
    """The invented city's site name and its footer lines (a real site's administrator fills
    these in under Settings → Site identity). The record numbers are visibly not real ones."""
    identity = SiteIdentity.objects.first() or SiteIdentity()
    identity.name = "青川市政府绩效公开平台"
    identity.name_en = "Qingchuan Government Performance Portal"
    identity.organiser = "青川市人民政府办公室"
    identity.organiser_en = "General Office of Qingchuan Municipal People's Government"
    identity.contact = "0000-12345（演示）"
    identity.site_code = "0000000000"
    identity.icp_number = "演示ICP备00000000号"
    identity.police_number = "演示公网安备 00000000000000号"
    identity.save()


def build_demo_city(
    *,
    scale: int = 1,
    seed: int = DEFAULT_SEED,
    today: datetime.date | None = None,
    department_count: int | None = None,
    recompute: bool = True,
    log: Callable[[str], None] = lambda message: None,
) -> DemoResult:
    """Flush the performance domain and build 青川市 for ``scale`` (1 = 20+ departments).

    ``department_count`` overrides the size (tests use a small city); everything else follows
    from ``seed`` and ``today`` (which decides the cycles and the as-of month).
    """
    # The city's calendar decides which month's reports are in (Asia/Shanghai, not UTC).
    today = today or timezone.localdate()
    as_of = as_of_month(today)
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    count = department_count or max(len(DEPARTMENTS), DEPARTMENTS_PER_SCALE * scale)
    admin_password = os.environ.get("DEMO_ADMIN_PASSWORD") or DEFAULT_ADMIN_PASSWORD
    editor_password = os.environ.get("DEMO_EDITOR_PASSWORD") or DEFAULT_EDITOR_PASSWORD
    result = DemoResult(scale=scale, seed=seed, as_of=as_of)
    result.admin_password, result.editor_password = admin_password, editor_password
    extensions = demo_extensions()

    # One cache bump at the end, not one per saved row (see portal.cache.batched_bumps).
    with batched_bumps(), transaction.atomic():
        log("Removing previous data…")
        for extension in extensions:
            extension.flush()
        flush_domain_data()

        log("Site identity…")
        name_demo_site()

        log("Accounts and groups…")
        city_admins, editor_group = ensure_groups()
        editor_hash = make_password(editor_password)
        admin = ensure_admins(make_password(admin_password), editor_hash, city_admins, fake)

        log(f"Departments ({count})…")
        specs = department_specs(count)
        departments = create_departments(specs, rng)
        editors_by_department = ensure_department_editors(
            departments, editor_hash, editor_group, fake
        )
        result.editors = [user.username for user in editors_by_department.values()]

        # Each department keeps the same indicator set every year, as real schemes do.
        catalogue = {spec.slug: indicator_templates_for(spec.template, rng) for spec in specs}
        corrections: list[tuple[Indicator, datetime.date, float, str]] = []
        base_quality = {d.pk: rng.random() for d in departments}
        years = cycle_years(today)
        cycles = []
        for year_index, year in enumerate(years):
            # Earlier years are final: editors may no longer change them.
            cycle = CycleFactory(year=year, closed=year < today.year)
            cycles.append(cycle)
            current = year == as_of.year and as_of.month < 12
            months = [m for m in range(1, 13) if datetime.date(year, m, 1) <= as_of]
            log(f"{year}: goals…")
            goals_by_dept = create_goals(cycle, specs, departments, rng)
            log(f"{year}: indicators…")
            indicators = create_indicators(
                cycle, specs, departments, goals_by_dept, catalogue, year_index, rng
            )
            log(f"{year}: measurements for {len(indicators)} indicators…")
            # A department's strength persists from year to year, with some drift.
            quality = {
                d.pk: min(1.0, max(0.0, base_quality[d.pk] + rng.gauss(0, 0.08)))
                for d in departments
            }
            result.measurements += create_measurements(
                indicators, months, current, quality, rng, editors_by_department, corrections
            )
            create_reviews(cycle, departments, current, quality, rng)

        log(f"Corrections ({len(corrections)})…")
        record_corrections(corrections, departments, editors_by_department, admin)
        log("Target adjustments…")
        create_adjustments(cycles[-1], as_of, editors_by_department, admin)
        set_home_page(admin)
        analyze()

        if recompute:
            for cycle in cycles:
                log(f"{cycle.year}: recomputing statuses and evaluations…")
                evaluation.recompute_cycle(cycle)

        for extension in extensions:
            name = extension.name
            log(f"{name}…")
            fake_for = Faker("zh_CN")
            fake_for.seed_instance(f"{seed}-{name}")
            extension.build(
                DemoContext(
                    departments=departments,
                    cycles=cycles,
                    as_of=as_of,
                    admin=admin,
                    editors_by_department=editors_by_department,
                    rng=random.Random(f"{seed}-{name}"),
                    fake=fake_for,
                    log=log,
                    result=result,
                )
            )

    _summarise(result)
    return result


def analyze(*models) -> None:
    """Fresh planner statistics (PostgreSQL) for the tables of ``models``, or for every table:
    until autovacuum gets to tables just filled, PostgreSQL may plan joins over them as if they
    were empty (minutes, not ms: a test reading the demo's survey answers once took 252 s in a
    full run, 0.1 s alone). An extension that bulk-loads tables of its own analyzes them."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}".rstrip())


def create_adjustments(cycle, as_of: datetime.date, editors_by_department: dict, admin) -> None:
    """One approved target adjustment (shown on its indicator's page) and one still waiting
    for the city's decision, both in the newest cycle, asked for by a department editor."""
    indicators = list(
        Indicator.objects.filter(goal__cycle=cycle, direction=Indicator.Direction.HIGHER)
        .exclude(dimension=Indicator.Dimension.SATISFACTION)
        .select_related("goal__cycle", "goal__owner")
        .order_by("goal__owner__sort_order", "code")
    )
    with_editor = [i for i in indicators if i.goal.owner_id in editors_by_department]
    chosen = (with_editor + [i for i in indicators if i not in with_editor])[:2]
    if len(chosen) < 2:
        return
    effective = max(cycle.start_date, min(as_of, cycle.end_date)).replace(day=1)
    requests = [
        (chosen[0], "上级部门下达的年度任务量调整，按市政府常务会议决定相应调整目标值。"),
        (chosen[1], "受重大项目延期影响，申请下调年度目标值，待市级审核。"),
    ]
    made = []
    for indicator, reason in requests:
        requester = editors_by_department.get(indicator.goal.owner_id, admin)
        new_target = (indicator.target * Decimal("0.9")).quantize(Decimal("0.01"))
        made.append(
            request_adjustment(
                indicator,
                "target",
                str(new_target),
                reason=reason,
                effective_from=effective,
                user=requester,
            )
        )
    approve_adjustment(made[0], admin)


def _summarise(result: DemoResult) -> None:
    """Count what the database now holds (the extensions may have added corrections)."""
    result.departments = Department.objects.count()
    levels = dict(Goal.Level.choices)
    result.goals_by_level = {
        str(levels[row["level"]]): row["n"]
        for row in Goal.objects.values("level").annotate(n=models.Count("pk")).order_by("level")
    }
    result.indicators_by_dimension = {
        row["dimension"]: row["n"]
        for row in Indicator.objects.values("dimension")
        .annotate(n=models.Count("pk"))
        .order_by("dimension")
    }
    result.measurements = Measurement.objects.count()
    result.corrections = MeasurementCorrection.objects.count()
    result.statuses = {
        row["status"]: row["n"]
        for row in Indicator.objects.values("status")
        .annotate(n=models.Count("pk"))
        .order_by("status")
    }


def data_fingerprint() -> str:
    """A digest of the loaded departments and values: equal for equal seeds."""
    digest = hashlib.sha256()
    for row in Department.objects.order_by("slug").values_list("slug", "name", "address"):
        digest.update(repr(row).encode())
    # Sorted in Python: ordering the join in SQL let PostgreSQL pick a nested-loop plan on
    # freshly loaded (not yet analysed) tables that ran for minutes.
    codes = dict(Indicator.objects.values_list("pk", "code"))
    rows = sorted(
        (codes[indicator_id], period, value)
        for indicator_id, period, value in Measurement.objects.order_by().values_list(
            "indicator_id", "period", "value"
        )
    )
    for row in rows:
        digest.update(repr(row).encode())
    return digest.hexdigest()

"""The hand-written SQL of the domain's managers against its ORM equivalents, timed in-process.

    DJANGO_SETTINGS_MODULE=portal.settings.dev DATABASE_URL=... python bench/hand_written_sql.py

Run it on a database holding the demo city (``manage.py load_demo_data``), SQLite or
PostgreSQL. For each manager method of docs/decisions/0002-hand-written-sql.md it checks that
the ORM equivalent returns the same rows, then times both the way a page calls them (build the
query, run it, make the objects), alternating the two, and prints the best and the median of
the rounds in milliseconds. The writes of ``recompute_cycle`` (the rows a recompute of the
latest cycle writes when every snapshot has changed) are timed with the hand-written
statements and with bulk_update, bulk_create and a queryset delete(), each in a transaction
that is rolled back: nothing is written to the database. Re-run it after a Django upgrade:
where the ORM is no longer measurably slower, the hand-written statement can go.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from benchlib import setup_django


def timed(functions: dict[str, Callable], rounds: int) -> dict[str, list[float]]:
    """Milliseconds per call of each function, alternating them round by round."""
    for function in functions.values():  # warm up: SQL built once, statements prepared
        for _ in range(6):
            function()
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(rounds):
        for name, function in functions.items():
            started = time.perf_counter()
            function()
            times[name].append((time.perf_counter() - started) * 1000)
    return times


def run_sql(queryset) -> Callable:
    """The ORM's SQL for ``queryset``, compiled once, run through a cursor: what the database
    and the driver cost without the ORM's per-call compiling and object making."""
    from django.db import connection

    sql, params = queryset.query.sql_with_params()

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def report(title: str, times: dict[str, list[float]], queries: dict[str, int]) -> None:
    print(f"\n{title}")
    for name, values in times.items():
        print(
            f"  {name:<52} best {min(values):8.2f} ms   median {statistics.median(values):8.2f} ms"
            f"   {queries[name]} quer{'y' if queries[name] == 1 else 'ies'}"
        )


def count_queries(function: Callable) -> int:
    """Statements sent to the database (an executemany counts once)."""
    from django.db import connection

    sent = []

    def counter(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        function()
    return len(sent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--writes", type=int, default=10)
    args = parser.parse_args()
    setup_django()

    from django.db import connection
    from django.db.models import (
        Case,
        Count,
        F,
        JSONField,
        Max,
        OuterRef,
        Q,
        Subquery,
        Value,
        When,
    )
    from django.db.models.functions import Coalesce

    from portal.models import Cycle, Department, Evaluation, Goal, Measurement

    print(
        f"database: {connection.vendor}; {Goal.objects.count()} goals, "
        f"{Evaluation.objects.count()} evaluations, {Measurement.objects.count()} measurements"
    )

    # --- published cycles with their latest evaluated month (every public page) ---
    def published_queryset():
        latest = (
            Evaluation.objects.filter(cycle=OuterRef("pk")).order_by("-period").values("period")
        )[:1]
        return (
            Cycle.objects.filter(published=True)
            .annotate(latest_month=Subquery(latest))
            .order_by("-year")
        )

    def published_orm():
        return list(published_queryset())

    def published_key(cycles):
        return [(c.pk, c.latest_month) for c in cycles]

    assert published_key(Cycle.objects.published_with_latest_month()) == published_key(
        published_orm()
    )
    functions = {
        "Cycle.objects.published_with_latest_month": Cycle.objects.published_with_latest_month,
        "ORM: Subquery annotation": published_orm,
        "  (its SQL, compiled once)": run_sql(published_queryset()),
    }
    report(
        "Published cycles (every public page)",
        timed(functions, args.rounds),
        {name: count_queries(f) for name, f in functions.items()},
    )
    cycles = Cycle.objects.published_with_latest_month()
    cycle = next(c for c in cycles if c.latest_month)
    month = cycle.latest_month

    # --- a department's goal tree (department page); the department with the most goals ---
    department = (
        Department.objects.annotate(n=Count("goals", filter=Q(goals__cycle=cycle)))
        .order_by("-n", "pk")
        .first()
    )
    tree_joins = ("owner", "parent", "parent__owner", "parent__parent", "parent__parent__owner")
    goal_columns = ("code", "title", "level", "parent_id", "owner_id", "status", "sort_order")
    tree_fields = (
        *goal_columns,
        *(f"{g}__{c}" for g in ("parent", "parent__parent") for c in goal_columns),
        *(
            f"{g}owner__{c}"
            for g in ("", "parent__", "parent__parent__")
            for c in ("name", "short_name")
        ),
    )

    def co_goals():
        return Goal.co_departments.through.objects.filter(
            department=department, goal__cycle=cycle
        ).values_list("goal_id", flat=True)

    def tree_queryset(co_goal_ids):
        return (
            Goal.objects.filter(cycle=cycle)
            .filter(Q(owner=department) | Q(pk__in=co_goal_ids))
            .select_related(*tree_joins)
            .only(*tree_fields)
            .order_by("sort_order", "code")
        )

    def tree_orm():
        # What the department page ran before the hand-written statement (commit 1e03247).
        return list(tree_queryset(list(co_goals())))

    co_goals_sql, tree_sql = run_sql(co_goals()), run_sql(tree_queryset(list(co_goals())))

    def tree_ids_orm():
        ids = set()
        for goal in tree_orm():
            ids.add(goal.pk)
            if goal.parent_id:
                ids.add(goal.parent_id)
                if goal.parent.parent_id:
                    ids.add(goal.parent.parent_id)
        return ids

    assert {g.pk for g in Goal.objects.tree_for(department, cycle)} == tree_ids_orm()
    functions = {
        "Goal.objects.tree_for": lambda: Goal.objects.tree_for(department, cycle),
        "ORM: co-goal ids + 6-table join": tree_orm,
        "  (their SQL, compiled once)": lambda: (co_goals_sql(), tree_sql()),
    }
    report(
        f"Goal tree of {department.slug} ({len(tree_ids_orm())} goals) in {cycle.year}",
        timed(functions, args.rounds),
        {name: count_queries(f) for name, f in functions.items()},
    )

    # --- a department's evaluations across the published years (department page) ---
    def evaluations_queryset():
        final_month = (
            Evaluation.objects.filter(department=OuterRef("department"), cycle=OuterRef("cycle"))
            .order_by("-period")
            .values("period")
        )[:1]
        return (
            Evaluation.objects.filter(department=department, cycle__published=True)
            .filter(Q(cycle=cycle) | Q(period=Subquery(final_month)))
            .defer("breakdown")
            .annotate(
                shown_breakdown=Case(
                    When(cycle=cycle, period=month, then=F("breakdown")),
                    default=None,
                    output_field=JSONField(),
                )
            )
            .order_by("period", "pk")
        )

    def evaluations_orm():
        return list(evaluations_queryset())

    def evaluations_key(rows):
        return [(e.pk, e.shown_breakdown) for e in rows]

    assert evaluations_key(
        Evaluation.objects.for_department(department, cycle, month)
    ) == evaluations_key(evaluations_orm())
    functions = {
        "Evaluation.objects.for_department": lambda: Evaluation.objects.for_department(
            department, cycle, month
        ),
        "ORM: CASE annotation": evaluations_orm,
        "  (its SQL, compiled once)": run_sql(evaluations_queryset()),
    }
    report(
        f"Evaluations of {department.slug} across the published years",
        timed(functions, args.rounds),
        {name: count_queries(f) for name, f in functions.items()},
    )

    # --- a cycle's latest data month (indicator page, report chart blocks) ---
    months = cycle.months()

    def data_month_queryset():
        # What the indicator page ran before the hand-written statement (commit e500e30).
        evaluated = (
            Evaluation.objects.filter(cycle=OuterRef("pk")).order_by("-period").values("period")
        )[:1]
        measured = (
            Measurement.objects.filter(
                indicator__goal__cycle=cycle, period__gte=months[0], period__lte=months[-1]
            )
            .order_by()
            .annotate(one=Value(1))
            .values("one")
            .annotate(latest=Max("period"))
            .values("latest")
        )
        return (
            Cycle.objects.filter(pk=cycle.pk)
            .annotate(as_of=Coalesce(Subquery(evaluated), Subquery(measured)))
            .values_list("as_of", flat=True)
            .order_by()[:1]
        )

    def data_month_orm():
        return next(iter(data_month_queryset()), None)

    assert Cycle.objects.data_month(cycle) == data_month_orm()
    functions = {
        "Cycle.objects.data_month": lambda: Cycle.objects.data_month(cycle),
        "ORM: Coalesce of two subqueries": data_month_orm,
        "  (its SQL, compiled once)": run_sql(data_month_queryset()),
    }
    report(
        f"Data month of {cycle.year} (indicator page)",
        timed(functions, args.rounds),
        {name: count_queries(f) for name, f in functions.items()},
    )

    recompute_writes(cycle, args.writes)


def recompute_writes(cycle, rounds: int) -> None:
    """The writes of recompute_cycle, with the hand-written statements and with the ORM's
    bulk_update, bulk_create and queryset delete(), on the rows a recompute of ``cycle``
    writes when every snapshot has changed. Each write runs in a transaction rolled back."""
    from django.db import connection, transaction

    from portal.evaluation import recompute_cycle
    from portal.models import Evaluation, Goal, Indicator
    from portal.models.bulk import BulkWriteManager

    # Record the arguments of one recompute's writes (every snapshot changed), then undo it.
    writes = {}
    originals = (BulkWriteManager.update_rows, type(Evaluation.objects).replace_for_cycle)

    def spy_update_rows(self, fields, rows):
        writes[self.model.__name__] = (fields, rows)
        return originals[0](self, fields, rows)

    def spy_replace_for_cycle(self, cycle, evaluations):
        writes["Evaluation"] = evaluations
        return originals[1](self, cycle, evaluations)

    BulkWriteManager.update_rows = spy_update_rows
    type(Evaluation.objects).replace_for_cycle = spy_replace_for_cycle
    try:
        with transaction.atomic():
            Indicator.objects.filter(goal__cycle=cycle).update(
                status="none", progress=None, latest_value=None, latest_period=None
            )
            Goal.objects.filter(cycle=cycle).update(status="none")
            recompute_cycle(cycle)
            transaction.set_rollback(True)
    finally:
        BulkWriteManager.update_rows, type(Evaluation.objects).replace_for_cycle = originals

    def bulk_update(model):
        fields, rows = writes[model.__name__]
        objects = []
        for pk, *values in rows:
            instance = model(pk=pk)
            for name, value in zip(fields, values, strict=True):
                setattr(instance, name, value)
            objects.append(instance)
        model.objects.bulk_update(objects, fields)

    def fresh(evaluations):
        # Unsaved copies: bulk_create would otherwise see rows it has already inserted.
        fields = [f.attname for f in Evaluation._meta.concrete_fields if not f.primary_key]
        return [Evaluation(**{name: getattr(e, name) for name in fields}) for e in evaluations]

    def orm_replace():
        Evaluation.objects.filter(cycle=cycle).delete()
        Evaluation.objects.bulk_create(fresh(writes["Evaluation"]))

    variants = {
        f"Indicator.objects.update_rows ({len(writes['Indicator'][1])} rows)": (
            lambda: Indicator.objects.update_rows(*writes["Indicator"])
        ),
        "  ORM: bulk_update": lambda: bulk_update(Indicator),
        f"Goal.objects.update_rows ({len(writes['Goal'][1])} rows)": (
            lambda: Goal.objects.update_rows(*writes["Goal"])
        ),
        "  ORM: bulk_update ": lambda: bulk_update(Goal),
        f"Evaluation.objects.replace_for_cycle ({len(writes['Evaluation'])} rows)": (
            lambda: Evaluation.objects.replace_for_cycle(cycle, fresh(writes["Evaluation"]))
        ),
        "  ORM: delete() + bulk_create": orm_replace,
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    queries: dict[str, int] = {}
    callbacks: dict[str, int] = {}
    for _ in range(rounds):
        for name, write in variants.items():
            with transaction.atomic():
                started = time.perf_counter()
                sent = count_queries(write)
                times[name].append((time.perf_counter() - started) * 1000)
                queries[name] = sent
                # Each on_commit callback is a cache increment after the commit (a round trip
                # to the shared cache): a queryset delete() sends post_delete for every row.
                callbacks[name] = len(connection.run_on_commit)
                transaction.set_rollback(True)
    report(
        f"Writes of recompute_cycle({cycle.year}) (every snapshot changed)",
        times,
        queries,
    )
    for name, count in callbacks.items():
        if count:
            print(f"  {name.strip()} queues {count} page-cache bumps for after the commit")


if __name__ == "__main__":
    main()

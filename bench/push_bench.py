"""The push API under load: measurement rows accepted per second, in batches of 1,000.

    python bench/push_bench.py --base-url http://127.0.0.1:PORT

run.sh started gunicorn with a raised ``PORTAL_PUSH_RATE_LIMIT``. The run adds one department of
84 monthly indicators per client thread (``BENCH_PUSH_CLIENTS``) to the latest open cycle, each
with its API token: a department's system sends 1,000 of its indicator-months per batch (no two
threads touch the same rows, as separate departments' systems would not). Each round sends new values,
so every row is a real write (a correction with its history and audit entry). Afterwards the
values, corrections, audit entries and tokens of the run are removed, so the bench data stays as
loaded. Target: at least 20,000 rows per second on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
import urllib.error
import urllib.request

from benchlib import check, setup_django, write_section
from targets import PUSH_ROWS_PER_S

DURATION = float(os.environ.get("BENCH_DURATION", "10s").rstrip("s"))
CLIENTS = int(os.environ.get("BENCH_PUSH_CLIENTS", "4"))
BATCH = 1000


# A department's system sends its own indicators' months: 1,000 rows need a department with at
# least 84 monthly indicators in the open year. The scale-10 city's departments have 20 each
# (240 indicator-months), so the run adds CLIENTS such departments of its own (a large bureau's
# 84 indicators, 1,008 indicator-months each) and removes them afterwards.
BENCH_SLUG = "bench-push-"
INDICATORS_PER_DEPARTMENT = 84


def _bench_departments(cycle):
    """CLIENTS departments of 84 monthly indicators each in ``cycle``, written in bulk (no
    signals: nothing to index or rebuild for rows the run removes)."""
    from decimal import Decimal

    from portal.models import Department, Goal, Indicator

    _remove_bench_departments()
    departments = Department.objects.bulk_create(
        Department(
            name=f"压测推送局{n}",
            short_name=f"压测{n}",
            slug=f"{BENCH_SLUG}{n}",
            category=Department.Category.GENERAL,
        )
        for n in range(1, CLIENTS + 1)
    )
    goals = Goal.objects.bulk_create(
        Goal(
            cycle=cycle,
            code=f"BENCH-PUSH-{n}",
            title=f"压测推送目标{n}",
            level=Goal.Level.DEPARTMENT,
            owner=department,
            source="bench",
        )
        for n, department in enumerate(departments, start=1)
    )
    Indicator.objects.bulk_create(
        Indicator(
            goal=goal,
            code=f"BENCH-PUSH-{g}-{i:03d}",
            name=f"压测推送指标{g}-{i}",
            dimension=Indicator.Dimension.OUTPUT,
            unit="%",
            baseline=Decimal("0"),
            target=Decimal("100"),
            direction=Indicator.Direction.HIGHER,
            weight=Decimal("1"),
        )
        for g, goal in enumerate(goals, start=1)
        for i in range(1, INDICATORS_PER_DEPARTMENT + 1)
    )
    return departments


def _plan():
    """Tokens and batches of exactly 1,000 rows: [(secret, [(code, month), ...]), ...]."""
    from portal.models import Cycle, Indicator
    from portal.tokens import issue_token

    cycle = Cycle.objects.filter(closed=False).order_by("-year").first()
    departments = _bench_departments(cycle)
    months = [m.strftime("%Y-%m") for m in cycle.months()]
    batches = []
    for department in departments:
        codes = Indicator.objects.filter(goal__owner=department).order_by("code")
        pairs = [(code, month) for code in codes.values_list("code", flat=True) for month in months]
        _token, secret = issue_token("bench push", department)
        for start in range(0, len(pairs) - BATCH + 1, BATCH):
            batches.append((secret, pairs[start : start + BATCH]))
    return str(cycle.year), batches


def _client(base_url, batches, stop, totals, lock, number):
    accepted = sent = failed = 0
    latencies = []
    round_ = 0
    while not stop.is_set():
        round_ += 1
        for secret, pairs in batches:
            if stop.is_set():
                break
            # A value no earlier round wrote: a real write every time.
            value = 1_000_000 + number * 10_000 + round_
            body = json.dumps(
                [{"indicator_code": c, "period": m, "value": value} for c, m in pairs]
            ).encode()
            request = urllib.request.Request(
                f"{base_url}/api/v1/push/measurements",
                data=body,
                headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
            )
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    answer = json.load(response)
                accepted += answer["created"] + answer["corrected"] + answer["updated"]
            except (urllib.error.URLError, OSError, ValueError, KeyError):
                failed += 1
            latencies.append(time.perf_counter() - started)
            sent += 1
    with lock:
        totals["accepted"] += accepted
        totals["sent"] += sent
        totals["failed"] += failed
        totals["latencies"] += latencies


# The tables a run writes, vacuumed before the load and after the clean-up: a run must not pay
# for the dead rows of the previous run's clean-up (autovacuum catching up during the load
# cost about 15 % of the rate: 18,600–19,000 rows/s against 22,200–22,500 after a VACUUM).
WRITTEN_TABLES = (
    "portal_measurement",
    "portal_measurementcorrection",
    "wagtailcore_modellogentry",
    "portal_indicator",
    "portal_goal",
    "portal_department",
    "portal_apitoken",
    "django_tasks_database_dbtaskresult",
)


def _vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(WRITTEN_TABLES)}")


def _clean_up(marks) -> None:
    """Undo the run: values back to what they were, its rows, tokens and queued tasks gone
    (no worker runs here; the tasks name rows that no longer exist)."""
    from django.db import connection, transaction
    from django_tasks_db.models import DBTaskResult
    from wagtail.models import ModelLogEntry

    from portal.models import ApiToken, Measurement, MeasurementCorrection

    with transaction.atomic(), connection.cursor() as cursor:
        # Each corrected measurement gets the value of its first correction of the run.
        cursor.execute(
            "UPDATE portal_measurement AS m SET value = c.old_value, note = c.old_note, "
            "source = c.old_source FROM (SELECT DISTINCT ON (measurement_id) measurement_id, "
            "old_value, old_note, old_source FROM portal_measurementcorrection WHERE id > %s "
            "ORDER BY measurement_id, id) AS c WHERE m.id = c.measurement_id",
            [marks["correction"]],
        )
        MeasurementCorrection.objects.filter(pk__gt=marks["correction"]).delete()
        Measurement.objects.filter(pk__gt=marks["measurement"]).delete()
        ModelLogEntry.objects.filter(pk__gt=marks["log"]).delete()
        ApiToken.objects.filter(name="bench push").delete()
        DBTaskResult.objects.filter(enqueued_at__gte=marks["started"]).delete()
        _remove_bench_departments()
    _vacuum()


def _remove_bench_departments() -> None:
    """The run's departments with their goals, indicators and figures (also what a run that
    stopped half-way left)."""
    from portal.models import Department, Goal, Indicator, Measurement

    bench = Department.objects.filter(slug__startswith=BENCH_SLUG)
    Measurement.objects.filter(indicator__goal__owner__in=bench).delete()
    Indicator.objects.filter(goal__owner__in=bench).delete()
    Goal.objects.filter(owner__in=bench).delete()
    bench.delete()


def _load(base_url, batches):
    """CLIENTS threads sending their batches for DURATION seconds: (totals, elapsed)."""
    totals = {"accepted": 0, "sent": 0, "failed": 0, "latencies": []}
    stop, lock = threading.Event(), threading.Lock()
    threads = [
        threading.Thread(
            target=_client,
            args=(base_url, batches[n::CLIENTS], stop, totals, lock, n),
            daemon=True,
        )
        for n in range(CLIENTS)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(DURATION)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return totals, elapsed


def run(base_url: str) -> None:
    setup_django()
    from django.db.models import Max
    from django.utils import timezone
    from wagtail.models import ModelLogEntry

    from portal.models import Measurement, MeasurementCorrection

    marks = {
        "measurement": Measurement.objects.aggregate(m=Max("pk"))["m"] or 0,
        "correction": MeasurementCorrection.objects.aggregate(m=Max("pk"))["m"] or 0,
        "log": ModelLogEntry.objects.aggregate(m=Max("pk"))["m"] or 0,
        "started": timezone.now(),
    }
    try:
        cycle, batches = _plan()
        _vacuum()
        totals, elapsed = _load(base_url, batches)
    finally:
        _clean_up(marks)
    rate = totals["accepted"] / elapsed
    latencies = sorted(totals["latencies"]) or [0.0]
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    checks = [
        check(
            "push API rows accepted/s (batches of 1,000)",
            f"{rate:,.0f}/s",
            f"≥ {PUSH_ROWS_PER_S:,}/s",
            rate >= PUSH_ROWS_PER_S if totals["accepted"] else None,
        )
    ]
    rows = [
        [
            cycle,
            len(batches),
            CLIENTS,
            totals["sent"],
            totals["failed"],
            f"{rate:,.0f}",
            f"{p95 * 1000:.0f}",
        ]
    ]
    sizes = [len(pairs) for _secret, pairs in batches] or [0]
    notes = [
        f"Rows per batch: {min(sizes)}–{max(sizes)}, each from one of {CLIENTS} departments of "
        f"{INDICATORS_PER_DEPARTMENT} monthly indicators added for the run.",
        "Every row a real write (new values each round); the run's writes are undone afterwards.",
        "The tables the run writes are vacuumed before the load and after the clean-up, so a run "
        "does not pay for the dead rows of the one before.",
        "Statuses and scores are recomputed by the background worker (not running here).",
    ]
    write_section(
        "push",
        "Push API: rows accepted per second",
        ["cycles", "batches", "clients", "requests", "failed", "rows/s", "p95 ms"],
        rows,
        checks,
        notes,
        70,
    )
    print(
        f"push: {totals['accepted']} rows in {elapsed:.1f} s = {rate:,.0f} rows/s, p95 {p95:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    run(parser.parse_args().base_url)


if __name__ == "__main__":
    main()

"""PostgreSQL restarted under load, and a backup restored — with real processes.

While the database is down every request answers at once with a 503 asking to retry (never a
500, never a hang); once it is back the same gunicorn workers serve again without a restart.
A ``pg_dump`` of the live database restores into a new one that serves the same city.
"""

from __future__ import annotations

import subprocess
import threading
import time

from tests.deploy.processes import get, pg_bin

PAGES = ["/", "/rankings/", "/departments/"]


def test_a_database_restart_under_load_fails_cleanly_and_recovers(cluster, server):
    log: list[tuple[float, int, float]] = []  # (sent at, status, seconds)
    stop = threading.Event()

    def visitor(offset: int) -> None:
        n = offset
        while not stop.is_set():
            started = time.monotonic()
            status, _headers = get(server + PAGES[n % len(PAGES)])
            log.append((started, status, time.monotonic() - started))
            n += 1

    visitors = [threading.Thread(target=visitor, args=(k,)) for k in range(3)]
    for thread in visitors:
        thread.start()
    try:
        time.sleep(1)
        stopping_at = time.monotonic()
        cluster.pg("stop")
        down_at = time.monotonic()
        time.sleep(1)
        status, headers = get(server + "/rankings/")
        assert status == 503 and headers.get("Retry-After") == "30"
        cluster.pg("start")
        up_at = time.monotonic()
        time.sleep(3)
    finally:
        stop.set()
        for thread in visitors:
            thread.join(timeout=30)

    statuses = {status for _at, status, _took in log}
    assert statuses <= {200, 503}, f"unexpected answers: {statuses}"
    assert max(took for _at, _status, took in log) < 5, "a request hung"
    assert any(status == 503 for at, status, _took in log if at >= down_at)
    after = [status for at, status, _took in log if at >= up_at + 1]
    assert after and set(after) == {200}, "the workers did not recover on their own"
    assert all(status == 200 for at, status, took in log if at + took < stopping_at)


def test_a_backup_restores_into_a_database_that_serves_the_same_city(cluster, app, tmp_path):
    dump = tmp_path / "portal.dump"
    connect = ["-h", "127.0.0.1", "-p", str(cluster.port), "-U", "portal"]
    subprocess.run([pg_bin("pg_dump"), *connect, "-Fc", "-f", str(dump), "portal"], check=True)
    subprocess.run([pg_bin("createdb"), *connect, "restored"], check=True)
    subprocess.run(
        [pg_bin("pg_restore"), *connect, "--no-owner", "-d", "restored", str(dump)], check=True
    )
    census = (
        "from portal.models import Department, Indicator, Measurement, Evaluation; "
        "from wagtail.models import Page; from django.test import Client; "
        "print([m.objects.count() for m in (Department, Indicator, Measurement, Evaluation, Page)]); "
        "page = Client().get('/'); print(page.status_code); "
        "print(sorted(d.name for d in Department.objects.all()))"
    )
    original = app.manage("shell", "-c", census)
    restored = app.manage("shell", "-c", census, database="restored")
    assert restored.splitlines()[-3:] == original.splitlines()[-3:], original
    counts, status, _names = original.splitlines()[-3:]
    assert status == "200" and "0" not in counts.strip("[]").split(", ")

"""SQL queries per public page, counted with Django's test client against the bench database.

For each page: its first request (per-process caches such as Wagtail's site root paths and
content types fill on the very first page of the run), the repeat ("warm": what a
long-running worker does for every page not in the page cache — the figure the target is
about), and a page-cache hit. Heaviest and lightest department/indicator are both measured:
a count that grows with the data is an N+1 query.
"""

from __future__ import annotations

import logging
import os
import statistics
import time

# Count the uncached work; the cache-hit column turns the cache back on explicitly.
os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = "0"

from benchlib import RESULTS_DIR, check, read_json, setup_django, write_section  # noqa: E402

MAX_QUERIES = 15


def count_queries(client, path: str, errors: dict | None = None) -> tuple[int, int]:
    """(status, number of SQL queries) for one anonymous GET of ``path``.

    A server error's exception goes into ``errors`` (path → one line) for the report notes.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    exc_info = getattr(response, "exc_info", None)
    if errors is not None and exc_info:
        errors[path] = f"{exc_info[0].__name__}: {str(exc_info[1])[:200]}"
    return response.status_code, len(queries)


def main() -> None:
    setup_django()
    # A failing page is summarised in the notes; its traceback would drown the run's output.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    from django.test import Client
    from django.test.utils import override_settings

    targets = read_json(RESULTS_DIR / "targets.json", {})
    pages = [
        ("home", targets.get("home", "/"), False),
        ("department (heaviest)", targets.get("department"), True),
        ("department (lightest)", targets.get("department_light"), False),
        ("indicator (most data)", targets.get("indicator"), True),
        ("indicator (least data)", targets.get("indicator_light"), False),
        ("rankings", targets.get("rankings", "/rankings/"), False),
    ]
    # The Site's hostname; the test client's default "testserver" is not an allowed host
    # under production settings.
    client = Client(SERVER_NAME="localhost", raise_request_exception=False)
    rows, checks, errors = [], [], {}
    for name, path, has_target in pages:
        if not path:
            rows.append([name, "–", "–", "–", "–", "–", "–"])
            if has_target:
                checks.append(check(f"SQL queries, {name}", "no data", f"≤ {MAX_QUERIES}", None))
            continue
        status, first = count_queries(client, path, errors)
        _, warm = count_queries(client, path)
        # Single-visitor render time without the page cache (median of 3): the floor under
        # the loaded p95, free of queueing.
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        render_ms = round(statistics.median(timings), 1)
        with override_settings(PUBLIC_PAGE_CACHE_SECONDS=600):
            client.get(path)  # fill the page cache
            _, hit = count_queries(client, path)
        rows.append([name, path, status, first, warm, hit, render_ms])
        if has_target:
            checks.append(
                check(
                    f"SQL queries, {name.split(' ')[0]} page (uncached, warm)",
                    f"{warm}" if status == 200 else f"{warm} (HTTP {status})",
                    f"≤ {MAX_QUERIES}",
                    warm <= MAX_QUERIES if status == 200 else None,
                )
            )
    write_section(
        "queries",
        "SQL queries per page",
        ["page", "URL", "status", "1st request", "warm (uncached)", "cache hit", "render ms"],
        rows,
        checks,
        [
            "Django test client + CaptureQueriesContext, anonymous GET, production settings "
            "and the bench database; the cache-hit count includes the shared cache's own "
            "queries when it is the database cache. render ms: median of 3 uncached requests "
            "from one client, in this process (no HTTP, no queueing)."
        ]
        + [f"{path} failed: {error}" for path, error in errors.items()],
        order=30,
    )
    for page_row in rows:
        print("  " + " | ".join(str(cell) for cell in page_row))


if __name__ == "__main__":
    main()

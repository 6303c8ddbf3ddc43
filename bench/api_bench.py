"""The public read API under load (``BENCH_ONLY=api``): list endpoints' req/s and p95 at 16
connections on the scale-10 city, and the cost of a conditional GET answered 304.

    python bench/api_bench.py --base-url http://127.0.0.1:PORT

run.sh starts gunicorn (production settings) with the rate limit raised and writes the paths
first (``bench/targets.py --api``): every department's figures of every published year and
every department's indicators, first page (100 rows), in a fixed shuffled order.
"""

from __future__ import annotations

import argparse

from benchlib import RESULTS_DIR, check, http_get, write_section
from load import COLUMNS, CONNECTIONS, DURATION, THREADS, clean, problems, row, run_wrk
from targets import API_P95_MS

RUNS = [
    ("measurements", "api-measurements"),
    ("indicators", "api-indicators"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", required=True)
    base_url = parser.parse_args().base_url
    rows, checks, notes = [], [], []
    for name, file_name in RUNS:
        paths_file = RESULTS_DIR / f"{file_name}.txt"
        paths = paths_file.read_text().split() if paths_file.exists() else []
        target = f"< {API_P95_MS:.0f} ms"
        if not paths:
            rows.append([f"API {name}", "–", "–", "–", "–", "–", 0, "no paths"])
            checks.append(check(f"API {name} p95", "no data", target, None))
            continue
        status, _headers, body = http_get(base_url + paths[0], timeout=120)
        summary = run_wrk(f"api-{name}", base_url, paths[0], paths_file)
        pattern = paths[0].split("?")[0]
        rows.append(
            row(f"API {name} (first page, 100 rows)", f"{pattern} ({len(paths)} URLs)", summary)
        )
        if status != 200 or not clean(summary):
            value = f"HTTP {status}" if status != 200 else problems(summary)
            checks.append(check(f"API {name} p95", value, target, None))
            continue
        checks.append(
            check(
                f"API {name} p95 at {CONNECTIONS} connections",
                f"{summary['p95_ms']:.0f} ms ({summary['rps']:.0f} req/s)",
                target,
                summary["p95_ms"] < API_P95_MS,
            )
        )
    # A client whose copy is current: If-None-Match answered 304 before any query.
    first = (RESULTS_DIR / "api-measurements.txt").read_text().split()[:1]
    if first:
        _status, headers, _body = http_get(base_url + first[0], timeout=120)
        etag = headers.get("ETag") or headers.get("Etag")
        if etag:
            summary = run_wrk(
                "api-not-modified", base_url, first[0], headers=(f"If-None-Match: {etag}",)
            )
            only_304 = not summary.get("failed") and summary.get("first_bad_status") in (0, 304)
            cells = row("API measurements, If-None-Match (304)", first[0], summary)
            if only_304:
                cells[-1] = "0 (every answer 304)"
            rows.append(cells)
    notes.append(
        f"wrk -t{THREADS} -c{CONNECTIONS} -d{DURATION}; gunicorn with API_RATE_LIMIT raised; "
        "each run cycles through its URL list (every department, every published year)."
    )
    write_section("api", "Read API: list endpoints", COLUMNS, rows, checks, notes, order=65)


if __name__ == "__main__":
    main()

"""The report benchmark (BENCH_ONLY=reports): a report page with six chart blocks, served
uncached and from the page cache (req/s, p95), and the time to make its PDF.

    python bench/reports_bench.py load cached   --base-url http://127.0.0.1:PORT
    python bench/reports_bench.py load uncached --base-url http://127.0.0.1:PORT
    python bench/reports_bench.py pdf

Targets: the cached report at the rate of other cached pages (at least a quarter of the
static file's, as bench/load.py asks of them); its PDF made in under 5 s. The report is made
by ``bench/seed.py --report-only`` (run.sh), on the demo city or the stand-in data alike.
"""

from __future__ import annotations

import argparse
import statistics
import time

from benchlib import RESULTS_DIR, check, read_json, setup_django, write_section
from load import (
    CACHED_SHARE_OF_STATIC,
    COLUMNS,
    UNCACHED_P95_MS,
    clean,
    problems,
    row,
    run_wrk,
    site_stylesheet,
    warm,
)

PDF_SECONDS = 5.0
PDF_RUNS = 3


def report_path() -> str | None:
    return read_json(RESULTS_DIR / "report-target.json", {}).get("path")


def load(mode: str, base_url: str) -> None:
    path = report_path()
    rows, checks = [], []
    if not path:
        write_section(
            f"reports_{mode}",
            f"Reports: {mode}",
            COLUMNS,
            [],
            [check(f"{mode} report", "no report", "—", None)],
        )
        return
    status = warm(base_url, path)
    summary = run_wrk(f"report-{mode}", base_url, path)
    rows.append(row(f"report, six charts ({mode})", path, summary))
    if mode == "cached":
        targets = read_json(RESULTS_DIR / "targets.json", {})
        static_path = site_stylesheet(base_url, targets.get("static_candidates", []))
        static = run_wrk("report-static", base_url, static_path) if static_path else None
        if static:
            rows.append(row("static file (site CSS)", static_path, static))
        if clean(summary) and static and clean(static):
            share = summary["rps"] / static["rps"]
            checks.append(
                check(
                    "cached report ≥ ¼ static req/s",
                    f"{summary['rps']:.0f} req/s = {share:.0%} of {static['rps']:.0f}",
                    f"≥ {CACHED_SHARE_OF_STATIC:.0%}",
                    share >= CACHED_SHARE_OF_STATIC,
                )
            )
        else:
            value = f"HTTP {status}" if status != 200 else problems(summary)
            checks.append(check("cached report ≥ ¼ static req/s", value, "≥ 25%", None))
    else:
        ok = clean(summary)
        checks.append(
            check(
                "uncached report p95 (six charts)",
                f"{summary['p95_ms']:.0f} ms" if ok else problems(summary),
                f"< {UNCACHED_P95_MS:.0f} ms (pages' target; indicative)",
                summary["p95_ms"] < UNCACHED_P95_MS if ok else None,
            )
        )
    write_section(
        f"reports_{mode}",
        f"Reports: the six-chart report, {mode}",
        COLUMNS,
        rows,
        checks,
        order=14 if mode == "cached" else 15,
    )


def pdf() -> None:
    setup_django()
    from django.test import RequestFactory

    from disclosure.models import ReportPage
    from disclosure.pdf import pdf_available, render_report_pdf

    path = report_path()
    page = ReportPage.objects.filter(url_path__endswith="/bench-six-charts/").first()
    columns = ["run", "seconds", "bytes", "pages"]
    if page is None or not pdf_available():
        reason = "no report" if page is None else "WeasyPrint unavailable"
        write_section(
            "reports_pdf",
            "Reports: PDF",
            columns,
            [],
            [check("report PDF < 5 s", reason, f"< {PDF_SECONDS:.0f} s", None)],
            order=16,
        )
        return
    request = RequestFactory().get(path or "/", SERVER_NAME="127.0.0.1")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    rows, times = [], []
    for n in range(1, PDF_RUNS + 1):
        started = time.perf_counter()
        data = render_report_pdf(page.specific, request)
        elapsed = time.perf_counter() - started
        times.append(elapsed)
        rows.append([f"PDF #{n}", f"{elapsed:.2f}", len(data), data.count(b"/Type /Page\n")])
    worst = max(times)
    write_section(
        "reports_pdf",
        "Reports: the six-chart report as PDF (in process, not cached)",
        columns,
        rows,
        [
            check(
                "report PDF < 5 s (slowest of 3)",
                f"{worst:.2f} s",
                f"< {PDF_SECONDS:.0f} s",
                worst < PDF_SECONDS,
            )
        ],
        [
            f"median {statistics.median(times):.2f} s; a served PDF is cached per revision and "
            "data version, so only the first request pays this."
        ],
        order=16,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("load")
    run.add_argument("mode", choices=["cached", "uncached"])
    run.add_argument("--base-url", required=True)
    sub.add_parser("pdf")
    args = parser.parse_args()
    if args.command == "load":
        load(args.mode, args.base_url)
    else:
        pdf()


if __name__ == "__main__":
    main()

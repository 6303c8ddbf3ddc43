"""HTTP load runs with wrk against the gunicorn that run.sh started.

    python bench/load.py cached   --base-url http://127.0.0.1:PORT
    python bench/load.py uncached --base-url http://127.0.0.1:PORT

``cached``: one URL per run (home, the heaviest department, the most-measured indicator, the
site stylesheet), each warmed first so that the shared page cache answers; the static file
is the yardstick (target: every cached page at least a quarter of its rate).
``uncached``: run.sh started gunicorn with PUBLIC_PAGE_CACHE_SECONDS=0 and every request
walks to the next department/indicator in a shuffled list of all of them (target: p95 below
150 ms at 16 connections), after a few seconds of department pages that warm the new workers.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

from benchlib import (
    BENCH_DIR,
    RESULTS_DIR,
    ROOT,
    check,
    fmt_ms,
    http_get,
    read_json,
    write_section,
)

DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
# Longer than wrk's 2 s default: a slow page must show in the percentiles, not vanish as
# a timeout error.
TIMEOUT = os.environ.get("BENCH_TIMEOUT", "10s")
SINGLE_DURATION = os.environ.get("BENCH_SINGLE_DURATION", "5s")
WARMUP_DURATION = os.environ.get("BENCH_WARMUP_DURATION", "3s")
CACHED_SHARE_OF_STATIC = 0.25
UNCACHED_P95_MS = 150.0

COLUMNS = ["run", "URL", "req/s", "p50 ms", "p95 ms", "p99 ms", "requests", "errors / non-2xx"]


class StylesheetFinder(HTMLParser):
    """Collects the href of every <link rel="stylesheet"> in a page."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split() and attrs.get("href"):
            self.hrefs.append(attrs["href"])


def site_stylesheet(base_url: str, candidates: list[str]) -> str | None:
    """The stylesheet the home page links (the site CSS), else the first candidate served."""
    status, _, body = http_get(base_url + "/")
    if status == 200:
        finder = StylesheetFinder()
        finder.feed(body.decode("utf-8", "replace"))
        for href in finder.hrefs:
            url = urlparse(urljoin(base_url + "/", href))
            if url.netloc == urlparse(base_url).netloc:
                return url.path
    for path in candidates:
        if http_get(base_url + path)[0] == 200:
            return path
    return None


def run_wrk(
    name: str,
    base_url: str,
    path: str,
    paths_file=None,
    connections: int = CONNECTIONS,
    threads: int = THREADS,
    duration: str = DURATION,
    headers: tuple[str, ...] = (),
) -> dict:
    """Run wrk once and return the summary the Lua script wrote (plus the first status seen)."""
    wrk_dir = RESULTS_DIR / "wrk"
    wrk_dir.mkdir(parents=True, exist_ok=True)
    out = wrk_dir / f"{name}.json"
    out.unlink(missing_ok=True)
    env = dict(os.environ, BENCH_WRK_OUT=str(out), BENCH_PATHS_FILE=str(paths_file or ""))
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}",
        f"--timeout={TIMEOUT}",
        "--latency",
        *(argument for header in headers for argument in ("-H", header)),
        "-s",
        str(BENCH_DIR / "wrk_report.lua"),
        base_url + path,
    ]
    print(f"  wrk {name}: {path}" + (f" (+ list {paths_file.name})" if paths_file else ""))
    completed = subprocess.run(command, env=env, capture_output=True, text=True)
    (wrk_dir / f"{name}.txt").write_text(completed.stdout + completed.stderr)
    summary = read_json(out)
    if completed.returncode != 0 or summary is None:
        print(completed.stdout + completed.stderr, file=sys.stderr)
        return {"failed": True}
    return summary


def problems(summary: dict) -> str:
    """Socket errors and non-2xx responses, as a short cell ('0' when clean)."""
    if summary.get("failed"):
        return "wrk failed"
    errors = summary["errors"]
    socket_errors = errors["connect"] + errors["read"] + errors["write"] + errors["timeout"]
    parts = []
    if socket_errors:
        parts.append(f"{socket_errors} socket")
    if summary["non_2xx"]:
        parts.append(f"{summary['non_2xx']} × HTTP {summary['first_bad_status']}…")
    return ", ".join(parts) or "0"


def clean(summary: dict) -> bool:
    """True when every response was a 2xx (otherwise the figures measure an error page)."""
    return not summary.get("failed") and summary["non_2xx"] == 0 and summary["requests"] > 0


def row(run: str, url: str, summary: dict) -> list:
    if summary.get("failed"):
        return [run, url, "–", "–", "–", "–", 0, problems(summary)]
    return [
        run,
        url,
        round(summary["rps"], 1),
        fmt_ms(summary["p50_ms"]),
        fmt_ms(summary["p95_ms"]),
        fmt_ms(summary["p99_ms"]),
        summary["requests"],
        problems(summary),
    ]


def warm(base_url: str, path: str) -> int:
    """Request a page twice so the shared page cache holds it; returns the last status."""
    status = 0
    for _ in range(2):
        status = http_get(base_url + path, timeout=120)[0]
    return status


def cached(base_url: str, targets: dict) -> None:
    static_path = site_stylesheet(base_url, targets.get("static_candidates", []))
    pages = [
        ("home", targets.get("home")),
        ("department", targets.get("department")),
        ("indicator", targets.get("indicator")),
    ]
    rows, checks, notes = [], [], []
    static = None
    if static_path:
        warm(base_url, static_path)
        static = run_wrk("cached-static", base_url, static_path)
        rows.append(row("static file (site CSS)", static_path, static))
    else:
        notes.append("No stylesheet found to serve as the static-file yardstick.")
    static_rps = static["rps"] if static and clean(static) else None
    for name, path in pages:
        if not path:
            rows.append([f"{name} (cached)", "–", "–", "–", "–", "–", 0, "no such page in data"])
            checks.append(
                check(
                    f"cached {name} ≥ ¼ static req/s",
                    "no data",
                    f"≥ {CACHED_SHARE_OF_STATIC:.0%}",
                    None,
                )
            )
            continue
        status = warm(base_url, path)
        summary = run_wrk(f"cached-{name}", base_url, path)
        rows.append(row(f"{name} (cached)", path, summary))
        if not clean(summary) or static_rps is None:
            value = f"HTTP {status}" if status != 200 else problems(summary)
            checks.append(
                check(
                    f"cached {name} ≥ ¼ static req/s",
                    value,
                    f"≥ {CACHED_SHARE_OF_STATIC:.0%}",
                    None,
                )
            )
            continue
        share = summary["rps"] / static_rps
        checks.append(
            check(
                f"cached {name} ≥ ¼ static req/s",
                f"{summary['rps']:.0f} req/s = {share:.0%} of {static_rps:.0f}",
                f"≥ {CACHED_SHARE_OF_STATIC:.0%}",
                share >= CACHED_SHARE_OF_STATIC,
            )
        )
    notes.append(
        f"wrk -t{THREADS} -c{CONNECTIONS} -d{DURATION}; each page warmed first, "
        "so these are shared-cache hits."
    )
    write_section("load_cached", "Load: cached pages", COLUMNS, rows, checks, notes, order=10)


def cold_charts_then_draw(base_url: str, paths_file, first: str, rows: list, notes: list) -> None:
    """Charts are drawn when the data changes (the open-data build after every change, or
    `manage.py draw_charts`), not per request. First the indicator pages as a fresh cache finds
    them, each page drawing its own chart (not the target's case: a visitor meets it only in
    the minutes after a change), then the charts are drawn as production draws them."""
    cold = run_wrk("uncached-indicators-cold", base_url, first, paths_file)
    rows.append(row("indicators (uncached, charts not drawn yet)", "/indicators/…/", cold))
    drawn = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "draw_charts"],
        capture_output=True,
        text=True,
        check=False,
    )
    notes.append(
        "Before the indicator runs, `manage.py draw_charts`, as the open-data build after a "
        "data change does: " + (drawn.stdout.strip() or f"failed: {drawn.stderr.strip()[-300:]}")
    )


def uncached(base_url: str, targets: dict) -> None:
    rows, checks, notes = [], [], []
    runs = [
        ("departments", RESULTS_DIR / "departments.txt", targets.get("department")),
        ("indicators", RESULTS_DIR / "indicators.txt", targets.get("indicator")),
    ]
    # The workers were just started: their first requests compile the templates, load what a
    # worker holds under the data version and prepare the pages' statements, as a server that
    # has run for a while has long done. Three seconds of department pages first (pages that
    # cache nothing of their own), not counted, so the runs measure the pages and not that.
    warmup = runs[0]
    if warmup[2] and warmup[1].exists():
        run_wrk("uncached-warmup", base_url, warmup[2], warmup[1], duration=WARMUP_DURATION)
    for name, paths_file, first in runs:
        label = f"{name} (uncached, all)"
        count = len(paths_file.read_text().split()) if paths_file.exists() else 0
        if not first or count == 0:
            rows.append([label, "–", "–", "–", "–", "–", 0, "no such pages in data"])
            checks.append(check(f"uncached {name} p95", "no data", "< 150 ms", None))
            continue
        if name == "indicators":
            cold_charts_then_draw(base_url, paths_file, first, rows, notes)
        status = http_get(base_url + first, timeout=120)[0]
        summary = run_wrk(f"uncached-{name}", base_url, first, paths_file)
        pattern = re.sub(r"[^/]+/$", "…/", first)
        rows.append(row(label, f"{pattern} ({count} URLs)", summary))
        # One connection: the service time without queueing, to tell a slow page from a
        # saturated server when the p95 misses.
        single = run_wrk(
            f"uncached-{name}-1conn", base_url, first, paths_file, 1, 1, SINGLE_DURATION
        )
        rows.append(row(f"{name} (uncached, 1 connection)", f"{pattern} ({count} URLs)", single))
        if not clean(summary):
            value = f"HTTP {status}" if status != 200 else problems(summary)
            checks.append(check(f"uncached {name} p95", value, "< 150 ms", None))
            continue
        checks.append(
            check(
                f"uncached {name} p95 at {CONNECTIONS} connections",
                f"{summary['p95_ms']:.0f} ms",
                f"< {UNCACHED_P95_MS:.0f} ms",
                summary["p95_ms"] < UNCACHED_P95_MS,
            )
        )
    # The home page uncached: no target, but it is the page most visitors hit first.
    home = run_wrk("uncached-home", base_url, "/")
    rows.append(row("home (uncached)", "/", home))
    notes.append(
        "gunicorn started with PUBLIC_PAGE_CACHE_SECONDS=0 (no page cache); department and "
        "indicator runs cycle through every page in a fixed shuffled order, after "
        f"{WARMUP_DURATION} of department pages (not counted) that warm the fresh workers."
    )
    write_section("load_uncached", "Load: uncached pages", COLUMNS, rows, checks, notes, order=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=["cached", "uncached"])
    parser.add_argument("--base-url", required=True)
    args = parser.parse_args()
    targets = read_json(RESULTS_DIR / "targets.json", {})
    base_url = args.base_url.rstrip("/")
    if args.mode == "cached":
        cached(base_url, targets)
    else:
        uncached(base_url, targets)


if __name__ == "__main__":
    main()

"""The open-data catalogue: how long a build of every file takes, and a served file's req/s.

    python bench/opendata_bench.py build
    python bench/opendata_bench.py serve --base-url http://127.0.0.1:PORT

``build``: the build of ``manage.py build_open_data`` (``opendata.building``) on the bench
data, twice: from nothing (every record removed first, so every file of every dataset in every
language is written) and again with nothing changed (every dataset read and compared, no file
written), which is what a data change elsewhere costs. Per dataset: rows and seconds (both
languages). Target: the whole build from nothing under 300 s on 2 cores at scale 10 (it runs
in the worker, never in a request; the figure says how soon after a change the files follow).

``serve``: wrk against the largest CSV (the latest year's figures) and the /data/ page, as a
visitor gets them: streamed from storage, no build. Target: the CSV at least 10 req/s.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict

from benchlib import check, fmt_ms, setup_django, write_section

BUILD_S = 300.0
# The largest file is several MB at scale 10: this is ~100 MB/s streamed by gunicorn.
FILE_RPS = 10.0


def build() -> None:
    setup_django()
    from opendata import building
    from opendata.models import DatasetFile

    for record in DatasetFile.objects.all():
        building._remove(record.files, keep=set())
    DatasetFile.objects.all().delete()
    runs = {}
    for run in ("from nothing", "nothing changed"):
        print(f"  build ({run})")
        started = time.monotonic()
        report = building.build_catalogue(
            progress=lambda o: print(f"    {o.key:<28} {o.language:<8} {o.result:<10} "
                                     f"{o.rows:>8} rows {o.seconds:7.2f}s", flush=True)
        )  # fmt: skip
        if report.busy:
            print("a build was running already (lock held): not measured", file=sys.stderr)
            sys.exit(1)
        runs[run] = (time.monotonic() - started, report)
    per_dataset = defaultdict(lambda: {"rows": 0, "first": 0.0, "again": 0.0})
    for run, (_seconds, report) in runs.items():
        for o in report.outcomes:
            entry = per_dataset[o.key]
            entry["rows"] = max(entry["rows"], o.rows)
            entry["first" if run == "from nothing" else "again"] += o.seconds
    rows = [
        [key, v["rows"], f"{v['first']:.2f}", f"{v['again']:.2f}"] for key, v in per_dataset.items()
    ]
    first, again = runs["from nothing"][0], runs["nothing changed"][0]
    rows.append(["whole catalogue", "", f"{first:.1f}", f"{again:.1f}"])
    failed = [f"{o.key} ({o.language})" for _s, r in runs.values() for o in r.failed]
    write_section(
        "opendata-build",
        "Open data: building the files (both languages)",
        ["dataset", "rows", "from nothing (s)", "nothing changed (s)"],
        rows,
        checks=[
            check(
                "open-data build from nothing",
                f"{first:.1f} s" + (f", failed: {', '.join(failed)}" if failed else ""),
                f"< {BUILD_S:.0f} s",
                first < BUILD_S and not failed,
            )
        ],
        notes=[
            "In the worker (manage.py db_worker), never in a request; seconds per dataset are "
            "the sum over the site's languages."
        ],
        order=80,
    )


def serve(base_url: str) -> None:
    from load import clean, problems, run_wrk

    setup_django()
    from opendata import datasets

    key = datasets.catalogue()[0].key  # the latest year's figures: the largest file
    checks, rows = [], []
    for name, path in (("opendata-csv", f"/data/{key}.csv"), ("opendata-page", "/data/")):
        summary = run_wrk(name, base_url, path)
        ok = clean(summary)
        rps = summary.get("rps") if ok else None
        rows.append(
            [
                path,
                "–" if rps is None else round(rps, 1),
                fmt_ms(summary.get("p95_ms")) if ok else "–",
                problems(summary),
            ]
        )
        if name == "opendata-csv":
            checks.append(
                check(
                    "open-data CSV req/s",
                    "–" if rps is None else f"{rps:.1f}",
                    f"≥ {FILE_RPS:.0f}",
                    None if rps is None else rps >= FILE_RPS,
                )
            )
    write_section(
        "opendata-serve",
        "Open data: served files",
        ["path", "req/s", "p95 ms", "errors"],
        rows,
        checks=checks,
        order=81,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["build", "serve"])
    parser.add_argument("--base-url")
    args = parser.parse_args()
    if args.what == "build":
        build()
    else:
        serve(args.base_url)


if __name__ == "__main__":
    main()

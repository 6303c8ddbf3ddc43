"""Pick the URLs to benchmark from the bench database and write them to bench/results/.

The single-URL runs and the SQL counts use the *heaviest* department (most indicators) and
the indicator with the most measurements, because a page that is fast only for small
departments is not fast. The uncached runs cycle through every department and indicator so
that no page is served twice from a warm per-URL cache.

Writes bench/results/targets.json and the path lists departments.txt / indicators.txt.
"""

from __future__ import annotations

import json
import random
import sys

from benchlib import RESULTS_DIR, setup_django

# The push API (bench/push_bench.py): measurement rows accepted per second on 2 cores.
PUSH_ROWS_PER_S = 20_000
# More paths than a 10-second run at uncached speed can visit, few enough to load quickly.
MAX_PATHS = 5000


def static_css_candidates() -> list[str]:
    """Static URLs of stylesheets, the site's own first, through the manifest storage."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    names = []
    manifest = getattr(staticfiles_storage, "hashed_files", {}) or {}
    own = sorted(n for n in manifest if n.startswith("portal/") and n.endswith(".css"))
    names.extend(own)
    # Wagtail's admin stylesheet always exists: a fallback while the site CSS is being written.
    names.append("wagtailadmin/css/core.css")
    urls = []
    for name in names:
        try:
            urls.append(staticfiles_storage.url(name))
        except ValueError:
            continue
    return urls


# The read API's list endpoints (BENCH_ONLY=api, bench/api_bench.py): p95 at 16 connections.
API_P95_MS = 100.0


def api_targets() -> None:
    """Paths for the API's runs: every department's measurements and indicators (first page,
    100 rows; a department's whole year when it has fewer), in a fixed shuffled order, so no
    run keeps asking one set of warm rows. Writes api-measurements.txt, api-indicators.txt."""
    setup_django()
    from portal.models import Cycle, Department

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    slugs = list(
        Department.objects.filter(active=True).order_by("slug").values_list("slug", flat=True)
    )
    years = list(Cycle.objects.filter(published=True).values_list("year", flat=True))
    rng = random.Random(2026)
    runs = {
        "api-measurements": [
            f"/api/v1/measurements/?department={slug}&cycle={year}"
            for slug in slugs
            for year in years
        ],
        "api-indicators": [f"/api/v1/indicators/?department={slug}" for slug in slugs],
    }
    for name, paths in runs.items():
        rng.shuffle(paths)
        (RESULTS_DIR / f"{name}.txt").write_text("\n".join(paths[:MAX_PATHS]) + "\n")
    print(f"api targets: {len(slugs)} departments, {len(years)} published cycles")


def main() -> None:
    if "--api" in sys.argv[1:]:
        api_targets()
        return
    setup_django()
    from django.db.models import Count

    from portal.models import Department, Indicator

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    departments = list(
        Department.objects.filter(active=True)
        .annotate(n_indicators=Count("goals__indicators"))
        .order_by("-n_indicators", "slug")
        .values_list("slug", "n_indicators")
    )
    indicators = list(
        Indicator.objects.annotate(n_measurements=Count("measurements"))
        .order_by("-n_measurements", "code")
        .values_list("code", "n_measurements")
    )
    department_paths = [f"/departments/{slug}/" for slug, _ in departments]
    indicator_paths = [f"/indicators/{code}/" for code, _ in indicators]

    targets = {
        "home": "/",
        "department": department_paths[0] if department_paths else None,
        "department_indicators": departments[0][1] if departments else 0,
        "indicator": indicator_paths[0] if indicator_paths else None,
        "indicator_measurements": indicators[0][1] if indicators else 0,
        # The lightest pages too: a query count that grows with the data is an N+1.
        "department_light": department_paths[-1] if department_paths else None,
        "indicator_light": indicator_paths[-1] if indicator_paths else None,
        "rankings": "/rankings/",
        "static_candidates": static_css_candidates(),
        "counts": {"departments": len(departments), "indicators": len(indicators)},
    }
    # A fixed shuffle: every run visits the same pages in the same order, spread over the
    # table rather than in primary-key order.
    rng = random.Random(2026)
    for name, paths in (("departments", department_paths), ("indicators", indicator_paths)):
        paths = list(paths)
        rng.shuffle(paths)
        (RESULTS_DIR / f"{name}.txt").write_text("\n".join(paths[:MAX_PATHS]) + "\n")
    (RESULTS_DIR / "targets.json").write_text(json.dumps(targets, indent=2, ensure_ascii=False))
    print(
        f"targets: {len(departments)} departments, {len(indicators)} indicators; "
        f"department {targets['department']} ({targets['department_indicators']} indicators), "
        f"indicator {targets['indicator']} ({targets['indicator_measurements']} measurements)"
    )


if __name__ == "__main__":
    main()

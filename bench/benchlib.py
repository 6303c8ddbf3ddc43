"""Helpers shared by the benchmark scripts: paths, Django setup and the result-section format.

Every benchmark script writes one *section* (a JSON file in bench/results/sections/) and
bench/report.py renders all sections into one table, so a new benchmark (e.g. the search
latency benchmarks, bench/search_bench.py) only has to call :func:`write_section`.

Section format::

    {"title": "...", "order": 30,
     "columns": ["page", "req/s", ...], "rows": [["home", 812.3, ...], ...],
     "checks": [{"name": "...", "value": "...", "target": "...", "ok": true|false|null}],
     "notes": ["..."]}

``ok`` is null when a check could not be judged (e.g. the page is not built yet).
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = Path(os.environ.get("BENCH_RESULTS_DIR", BENCH_DIR / "results"))
SECTIONS_DIR = RESULTS_DIR / "sections"


def setup_django() -> None:
    """Configure Django from the environment run.sh exported (production settings, bench DB)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    # An empty DJANGO_SETTINGS_MODULE counts as unset (setdefault would keep it).
    os.environ["DJANGO_SETTINGS_MODULE"] = (
        os.environ.get("DJANGO_SETTINGS_MODULE") or "bench.settings"
    )
    import django

    django.setup()


def write_section(
    name: str,
    title: str,
    columns: list[str],
    rows: list[list],
    checks: list[dict] | None = None,
    notes: list[str] | None = None,
    order: int = 50,
) -> Path:
    """Write one result section for bench/report.py; returns the file written."""
    SECTIONS_DIR.mkdir(parents=True, exist_ok=True)
    path = SECTIONS_DIR / f"{name}.json"
    payload = {
        "title": title,
        "order": order,
        "columns": columns,
        "rows": rows,
        "checks": checks or [],
        "notes": notes or [],
    }
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def check(name: str, value: str, target: str, ok: bool | None) -> dict:
    """One target comparison row for the summary table."""
    return {"name": name, "value": value, "target": target, "ok": ok}


def read_json(path: Path, default=None):
    """Load a JSON file written by an earlier step, or ``default`` if it is missing."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return default


def http_get(url: str, timeout: float = 30.0) -> tuple[int, dict, bytes]:
    """GET ``url`` without compression; returns (status, headers, body), also for 4xx/5xx."""
    # No Accept-Encoding: we want the raw bytes so that we gzip them ourselves, identically
    # for every file (the served .gz/.br variants depend on the storage's settings).
    request = urllib.request.Request(url, headers={"User-Agent": "portal-bench"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def fmt_ms(value: float | None) -> str:
    """Milliseconds with one decimal, or an en dash when not measured."""
    return "–" if value is None else f"{value:.1f}"

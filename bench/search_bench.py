"""Search benchmark: index the scale-10 city into both backends, then time 200 fixed queries.

    python bench/search_bench.py [--backends embedded,engine] [--rounds 3]
                                 [--engine-url http://127.0.0.1:9250] [--profile]

run.sh calls it after the load benchmark with the bench database in ``DATABASE_URL`` and
``DJANGO_SETTINGS_MODULE=bench.settings`` (it starts the OpenSearch node of
``scripts/opensearch.sh`` first if none runs). For each backend:

1. **Rebuild** every public document (``search.documents``: departments, goals, indicators and
   one result per monthly figure) the way ``manage.py search_index rebuild`` does: a fresh
   index filled beside the live one, then swapped in (the engine's alias swap included). The
   embedded index is a file of its own, ``bench/results/search-embedded.sqlite3``; the engine
   index lives under a bench-only prefix (``benchsearch``), dropped at the end. Reported: the
   rebuild's wall time, the documents per second it indexed overall, and the *bulk indexing*
   rate: documents per second of the time spent in the backend (the time spent reading the
   database and building documents, measured on the document iterator, taken out).
2. **Queries**: ``bench/search_queries.txt`` (200 Chinese and pinyin queries from the demo's
   vocabulary, some with facets, a year range or sort by date; written by
   ``bench/search_queries.py``), each through the backend's own ``search(SearchQuery(...))``
   in this process, one at a time: one untimed warm-up pass, then ``--rounds`` timed passes.
   Reported: p50/p95/p99/max latency and the share of queries with at least one hit.

Targets: engine p95 < 50 ms, embedded p95 < 100 ms, rebuild of 100k documents < 120 s.
``--profile`` writes a cProfile of each backend's timed queries to bench/results/.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

from benchlib import BENCH_DIR, RESULTS_DIR, check, fmt_ms, setup_django, write_section

QUERIES_FILE = BENCH_DIR / "search_queries.txt"
EMBEDDED_PATH = RESULTS_DIR / "search-embedded.sqlite3"
ENGINE_PREFIX = "benchsearch"
TARGET_P95_MS = {"engine": 50.0, "embedded": 100.0}
TARGET_REBUILD_S = 120.0  # per 100k documents
MIN_DOCUMENTS = 100_000
COLUMNS = [
    "backend",
    "documents",
    "rebuild s",
    "docs/s (rebuild)",
    "bulk docs/s",
    "timed queries",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "max ms",
    "hits > 0",
    "errors",
]
CATEGORY_COLUMNS = ["category", "queries", "backend", "p50 ms", "p95 ms", "max ms", "hits > 0"]


# ---- queries ---------------------------------------------------------------------------


def load_queries(path: Path = QUERIES_FILE) -> list[tuple[str, str, dict[str, str]]]:
    """(category, text, options) per line of the committed list."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        category, text, *rest = line.split("\t")
        options = dict(part.split("=", 1) for part in " ".join(rest).split())
        rows.append((category, text, options))
    return rows


def search_query(text: str, options: dict[str, str], departments: dict[str, int]):
    """The SearchQuery a visitor's page would send for this line."""
    from search.backends.base import SearchQuery

    kwargs: dict = {"text": text}
    if "type" in options:
        kwargs["types"] = (options["type"],)
    if "dept" in options:
        kwargs["departments"] = (departments[options["dept"]],)
    if "year" in options:
        kwargs["years"] = (int(options["year"]),)
    if "dim" in options:
        kwargs["dimensions"] = (options["dim"],)
    if "status" in options:
        kwargs["statuses"] = (options["status"],)
    if "from" in options:
        kwargs["year_from"] = int(options["from"])
    if "to" in options:
        kwargs["year_to"] = int(options["to"])
    if "sort" in options:
        kwargs["sort"] = options["sort"]
    return SearchQuery(**kwargs)


def percentile(values: list[float], share: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# ---- indexing ----------------------------------------------------------------------------


class TimedIterator:
    """Wraps the document iterator and adds up the time spent producing documents
    (database reads, building SearchDocuments, pinyin), so the backend's share can be told."""

    def __init__(self, iterable):
        self._it = iter(iterable)
        self.seconds = 0.0
        self.count = 0

    def __iter__(self):
        return self

    def __next__(self):
        started = time.perf_counter()
        try:
            item = next(self._it)
        finally:
            self.seconds += time.perf_counter() - started
        self.count += 1
        return item


def clear_text_caches() -> None:
    """Forget memoised jieba cuts and pinyin, so each rebuild pays what a fresh
    ``manage.py search_index rebuild`` process pays (not what the previous backend warmed)."""
    from search import text

    for name in ("_run_words", "query_words", "_run_tokens", "pinyin_forms", "full_pinyin"):
        fn = getattr(text, name, None)
        if hasattr(fn, "cache_clear"):
            fn.cache_clear()


def rebuild(backend) -> dict:
    """What ``search.indexing.rebuild`` does (count, rebuild and swap), timed in parts."""
    from search import documents

    clear_text_caches()
    started = time.perf_counter()
    total = documents.total_documents()
    source = TimedIterator(documents.all_documents())
    last = [0.0]

    def progress(done: int) -> None:
        now = time.perf_counter()
        if now - last[0] >= 10 or (total and done >= total):
            last[0] = now
            rate = done / (now - started)
            print(f"  {backend.name}: {done}/{total} documents ({rate:.0f} docs/s)", flush=True)

    written = backend.rebuild(source, total=total, progress=progress)
    seconds = time.perf_counter() - started
    backend_seconds = max(seconds - source.seconds, 1e-9)
    return {
        "documents": written,
        "expected": total,
        "seconds": seconds,
        "source_seconds": source.seconds,
        "rate": written / seconds,
        "bulk_rate": written / backend_seconds,
        "indexed": backend.count(),
    }


# ---- querying ----------------------------------------------------------------------------


def run_queries(backend, queries, rounds: int, profile_to: Path | None = None) -> dict:
    from search.backends.base import SearchUnavailable

    def one(query):
        started = time.perf_counter()
        try:
            results = backend.search(query)
        except SearchUnavailable as exc:
            return (time.perf_counter() - started) * 1000, None, str(exc), ""
        return (time.perf_counter() - started) * 1000, results.total, "", results.suggestion

    for _category, _text, query in queries:  # warm-up: caches, connections, page cache
        one(query)
    profiler = cProfile.Profile() if profile_to else None
    samples: list[tuple[str, str, float, int | None, str, str]] = []
    if profiler:
        profiler.enable()
    for _ in range(rounds):
        for category, text, query in queries:
            ms, total, error, suggestion = one(query)
            samples.append((category, text, ms, total, error, suggestion))
    if profiler:
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(25)
        profile_to.write_text(out.getvalue(), encoding="utf-8")
        print(f"  profile written to {profile_to}")
    return summarise(samples)


def summarise(samples) -> dict:
    latencies = [s[2] for s in samples]
    # hits > 0 per distinct query (every round asks the same questions)
    hit = {(s[0], s[1]): (s[3] or 0) > 0 for s in samples}
    suggested = {s[1] for s in samples if not s[3] and s[5]}
    by_category = defaultdict(list)
    for category, text, ms, total, _error, _suggestion in samples:
        by_category[category].append((ms, (total or 0) > 0, text))
    slowest: dict[str, float] = {}
    for _category, text, ms, *_rest in samples:
        slowest[text] = max(slowest.get(text, 0.0), ms)
    return {
        "queries": len(hit),
        "samples": len(samples),
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
        "max": max(latencies) if latencies else None,
        "mean": statistics.fmean(latencies) if latencies else None,
        "hit_ratio": sum(hit.values()) / len(hit) if hit else 0.0,
        "no_hits": sorted(text for (_c, text), ok in hit.items() if not ok),
        "suggested": suggested,
        "errors": sorted({s[4] for s in samples if s[4]}),
        "error_count": sum(1 for s in samples if s[4]),
        "categories": {
            c: {
                "queries": len({t for _ms, _ok, t in rows}),
                "p50": percentile([r[0] for r in rows], 0.5),
                "p95": percentile([r[0] for r in rows], 0.95),
                "max": max(r[0] for r in rows),
                "hit_ratio": len({t for _ms, ok, t in rows if ok}) / len({t for *_, t in rows}),
            }
            for c, rows in by_category.items()
        },
        "slowest": sorted(slowest.items(), key=lambda kv: -kv[1])[:5],
    }


# ---- backends ----------------------------------------------------------------------------


def engine_reachable(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as reply:
            return reply.status == 200
    except OSError:
        return False


def make_backend(name: str, engine_url: str):
    if name == "embedded":
        from search.backends.embedded import EmbeddedBackend

        for suffix in ("", "-wal", "-shm"):
            Path(f"{EMBEDDED_PATH}{suffix}").unlink(missing_ok=True)
        return EmbeddedBackend(path=str(EMBEDDED_PATH))
    from search.backends.engine import EngineBackend

    # A visitor's timeout is 2 s; here a slow query must show in the percentiles, not fail.
    backend = EngineBackend(engine_url, engine="opensearch", prefix=ENGINE_PREFIX, timeout=30)
    backend.drop_all()  # left by an interrupted run
    return backend


def fmt(value, digits=0) -> str | float:
    if value is None:
        return "–"
    return round(value, digits) if digits else int(round(value))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", help="ignored (the harness passes it to every step)")
    parser.add_argument(
        "--backends", default=os.environ.get("BENCH_SEARCH_BACKENDS", "embedded,engine")
    )
    parser.add_argument(
        "--rounds", type=int, default=int(os.environ.get("BENCH_SEARCH_ROUNDS", "3"))
    )
    parser.add_argument(
        "--engine-url", default=os.environ.get("BENCH_SEARCH_URL", "http://127.0.0.1:9250")
    )
    parser.add_argument(
        "--profile", action="store_true", default=os.environ.get("BENCH_SEARCH_PROFILE") == "1"
    )
    args = parser.parse_args()
    setup_django()

    from portal.models import Department
    from search import documents

    counts = {s.type: s.count() for s in documents.sources() if s.count}
    total = sum(counts.values())
    print(
        "Searchable documents: "
        + ", ".join(f"{t} {n}" for t, n in counts.items())
        + f"; {total} in all"
    )
    departments = dict(Department.objects.values_list("short_name", "pk"))
    lines = load_queries()
    queries = [(c, t, search_query(t, o, departments)) for c, t, o in lines]
    print(f"{len(queries)} queries from {QUERIES_FILE.name}, {args.rounds} timed round(s)")

    rows, category_rows, checks = [], [], []
    notes = [
        f"{total} documents ({', '.join(f'{t} {n}' for t, n in counts.items())}); queries: "
        f"{QUERIES_FILE.relative_to(BENCH_DIR.parent)}, {len(queries)} of them, one warm-up pass "
        f"then {args.rounds} timed pass(es), one at a time, in process through "
        "`backend.search(SearchQuery(...))`.",
        "rebuild s: the whole `search_index rebuild` (count, read and build every document, "
        "index into a fresh index, swap it in); bulk docs/s leaves out the time spent reading "
        "the database and building documents.",
    ]
    checks.append(
        check(
            "search: documents indexed (scale 10)",
            f"{total:,}",
            f">= {MIN_DOCUMENTS:,}",
            total >= MIN_DOCUMENTS,
        )
    )
    for name in [b.strip() for b in args.backends.split(",") if b.strip()]:
        print(f"\n== {name} backend")
        if name == "engine" and not engine_reachable(args.engine_url):
            print(f"  no engine answers at {args.engine_url}: skipped")
            notes.append(f"engine: nothing answered at {args.engine_url}; not measured.")
            rows.append([name, *["–"] * (len(COLUMNS) - 1)])
            checks.append(check(f"search p95, {name}", "–", "< 50 ms", None))
            checks.append(check(f"search rebuild per 100k docs, {name}", "–", "< 120 s", None))
            continue
        backend = make_backend(name, args.engine_url)
        try:
            built = rebuild(backend)
            print(
                f"  rebuilt {built['documents']} documents in {built['seconds']:.1f} s "
                f"({built['rate']:.0f} docs/s; bulk indexing {built['bulk_rate']:.0f} docs/s; "
                f"reading and building documents took {built['source_seconds']:.1f} s); "
                f"index holds {built['indexed']}"
            )
            profile_to = RESULTS_DIR / f"search-profile-{name}.txt" if args.profile else None
            result = run_queries(backend, queries, args.rounds, profile_to)
        finally:
            if name == "engine":
                backend.drop_all()
        print(
            f"  queries: p50 {fmt_ms(result['p50'])} ms, p95 {fmt_ms(result['p95'])} ms, "
            f"p99 {fmt_ms(result['p99'])} ms, max {fmt_ms(result['max'])} ms; "
            f"hits > 0 for {result['hit_ratio']:.0%} of {result['queries']} queries"
            + (f"; {result['error_count']} errors" if result["error_count"] else "")
        )
        for text, ms in result["slowest"]:
            print(f"    slowest: {ms:7.1f} ms  {text}")
        rows.append(
            [
                name,
                built["indexed"],
                round(built["seconds"], 1),
                fmt(built["rate"]),
                fmt(built["bulk_rate"]),
                result["samples"],
                fmt(result["p50"], 1),
                fmt(result["p95"], 1),
                fmt(result["p99"], 1),
                fmt(result["max"], 1),
                f"{result['hit_ratio']:.0%}",
                result["error_count"],
            ]
        )
        for category, stats in result["categories"].items():
            category_rows.append(
                [
                    category,
                    stats["queries"],
                    name,
                    fmt(stats["p50"], 1),
                    fmt(stats["p95"], 1),
                    fmt(stats["max"], 1),
                    f"{stats['hit_ratio']:.0%}",
                ]
            )
        target = TARGET_P95_MS[name]
        checks.append(
            check(
                f"search p95, {name} ({built['indexed']:,} docs)",
                f"{fmt_ms(result['p95'])} ms",
                f"< {target:.0f} ms",
                None if result["error_count"] else result["p95"] < target,
            )
        )
        per_100k = built["seconds"] * 100_000 / max(built["documents"], 1)
        checks.append(
            check(
                f"search rebuild per 100k docs, {name}",
                f"{per_100k:.1f} s ({built['seconds']:.1f} s for {built['documents']:,})",
                f"< {TARGET_REBUILD_S:.0f} s",
                per_100k < TARGET_REBUILD_S,
            )
        )
        if built["indexed"] != built["expected"]:
            notes.append(
                f"{name}: the index holds {built['indexed']} documents, the database "
                f"{built['expected']}."
            )
        if result["no_hits"]:
            notes.append(
                f"{name}: no hits for {len(result['no_hits'])} queries, "
                f"{len(result['suggested'])} of them with a suggestion: "
                + "、".join(result["no_hits"][:12])
                + ("…" if len(result["no_hits"]) > 12 else "")
            )
        if result["errors"]:
            notes.append(f"{name}: errors: {'; '.join(result['errors'][:3])}")
        notes.append(
            f"{name}: slowest queries: "
            + "; ".join(f"{text} {ms:.0f} ms" for text, ms in result["slowest"])
        )

    write_section(
        "search", "Search: indexing and query latency", COLUMNS, rows, checks, notes, order=60
    )
    write_section(
        "search-categories",
        "Search: latency by kind of query",
        CATEGORY_COLUMNS,
        sorted(category_rows, key=lambda r: (r[0], r[2])),
        order=61,
    )


if __name__ == "__main__":
    main()

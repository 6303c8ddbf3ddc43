#!/usr/bin/env bash
# The load benchmark (`make bench`): serve the scale-10 demo city with gunicorn under production
# settings, load it with wrk on 127.0.0.1 only, count SQL queries per page and weigh the chart
# page's JavaScript, then compare with the targets. See bench/README.md.
#
# Knobs (environment): BENCH_DB=auto|postgres|sqlite, BENCH_SCALE=10, BENCH_RELOAD=1, BENCH_KEEP_DATA=1,
# BENCH_DURATION=10s, BENCH_CONNECTIONS=16, BENCH_THREADS=2, BENCH_WORKERS=2, BENCH_STRICT=1,
# BENCH_REDIS=1 (default: a private redis-server as the shared cache, as in production; 0 = database cache),
# BENCH_SEARCH=1 (default: the search benchmark after the load benchmark; 0 skips it),
# BENCH_SURVEYS=1 (default: the rating-form and aggregation benchmarks; 0 skips them),
# BENCH_ONLY=pages,reports,search,surveys,push,api,opendata (run only these parts, e.g. BENCH_ONLY=surveys;
# surveys is ratings + aggregation; push is the push API; api is the read API's list endpoints; opendata is
# the open-data build and its served files),
# BENCH_RATING_WORKERS (gunicorn workers for the rating form's run;
# default BENCH_WORKERS).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PY="$ROOT/.venv/bin/python"
GUNICORN="$ROOT/.venv/bin/gunicorn"
RESULTS="$ROOT/bench/results"
SCALE="${BENCH_SCALE:-10}"
WORKERS="${BENCH_WORKERS:-2}"
BENCH_DB="${BENCH_DB:-auto}"
PG_URL="${BENCH_PG_URL:-postgres://portal:portal@127.0.0.1:54329/portal_bench}"
SQLITE_FILE="$RESULTS/bench.sqlite3"

mkdir -p "$RESULTS"
# Results of earlier runs must not pass for this one's.
rm -rf "$RESULTS/sections" "$RESULTS/wrk" "$RESULTS/latest.md"

log() { printf '\n==> [%4ds] %s\n' "$SECONDS" "$*"; }
# wanted PART: is this part of the benchmark to run (BENCH_ONLY unset: every part)?
wanted() { [ -z "${BENCH_ONLY:-}" ] || [[ ",$BENCH_ONLY," == *",$1,"* ]]; }

# Whatever happens, stop the servers this script started (by their pid).
GUNICORN_PID=""
BASE_URL=""
stop_server() {
  if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
    kill -TERM "$GUNICORN_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$GUNICORN_PID" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$GUNICORN_PID" 2>/dev/null || true
    wait "$GUNICORN_PID" 2>/dev/null || true
  fi
  GUNICORN_PID=""
}
trap 'stop_server; stop_redis; stop_opensearch' EXIT
trap 'stop_server; stop_redis; stop_opensearch; exit 130' INT TERM
REDIS_PID=""
stop_redis() {
  if [ -n "$REDIS_PID" ]; then
    kill -TERM "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
    REDIS_PID=""
  fi
}
# The OpenSearch node of scripts/opensearch.sh, stopped only if this script started it.
OPENSEARCH_STARTED=0
stop_opensearch() {
  if [ "$OPENSEARCH_STARTED" = 1 ]; then
    OPENSEARCH_STARTED=0
    scripts/opensearch.sh stop || true
  fi
}

# ---- tools ------------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
  log "Installing wrk (Debian package)"
  SUDO=()
  [ "$(id -u)" = "0" ] || SUDO=(sudo)
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 || {
    "${SUDO[@]}" apt-get update -qq
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  }
fi

# ---- settings: production, plus a static root of its own (bench/settings.py says why) ----
export DJANGO_SETTINGS_MODULE=bench.settings
export DJANGO_SECRET_KEY="${BENCH_SECRET_KEY:-bench-only-not-a-secret-$(hostname)}"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_SECURE_COOKIES=0
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONUNBUFFERED=1
unset PUBLIC_PAGE_CACHE_SECONDS
# The site's embedded search index (written by the indexing signals while the data loads) gets
# a file of its own: the demo's search.sqlite3 in the same working tree must not be touched.
export SEARCH_EMBEDDED_PATH="$RESULTS/search-site.sqlite3"
MANAGE=("$PY" manage.py)

# ---- database: PostgreSQL (as in production) when it runs or can be started, else SQLite --
DB_KIND=sqlite
if [ "$BENCH_DB" != sqlite ]; then
  if scripts/pg.sh status >/dev/null 2>&1 || scripts/pg.sh start >/dev/null 2>&1; then
    DB_KIND=postgresql
  elif [ "$BENCH_DB" = postgres ]; then
    echo "BENCH_DB=postgres but PostgreSQL could not be started (scripts/pg.sh start)" >&2
    exit 1
  fi
fi
if [ "$DB_KIND" = postgresql ]; then
  export DATABASE_URL="$PG_URL"
else
  export DATABASE_URL="sqlite:///$SQLITE_FILE"
fi

drop_database() {
  if [ "$DB_KIND" = postgresql ]; then "$PY" bench/pgdb.py drop "$DATABASE_URL"; else
    rm -f "$SQLITE_FILE" "$SQLITE_FILE-wal" "$SQLITE_FILE-shm"
  fi
}
ensure_database() {
  [ "$DB_KIND" = postgresql ] && "$PY" bench/pgdb.py ensure "$DATABASE_URL"
  return 0
}

# The data is reused between runs; the stamp names the loader and its source, so a changed
# demo loader (or the stand-in seed giving way to the real loader) rebuilds the database.
if "${MANAGE[@]}" help load_demo_data >/dev/null 2>&1; then
  LOADER=demo
  # The other apps' parts of the demo (reports, surveys) are part of the data too.
  LOADER_FILES=$(find portal disclosure surveys -path '*management/commands/load_demo_data.py' \
    -o -path '*demo*.py' | grep -v __pycache__ | sort)
else
  LOADER=stand-in
  LOADER_FILES=bench/seed.py
fi
# shellcheck disable=SC2086
STAMP_WANT="$LOADER scale=$SCALE $(cat $LOADER_FILES | sha256sum | cut -c1-16)"
STAMP_FILE="$RESULTS/data-$DB_KIND.stamp"
STAMP_HAVE="$(cat "$STAMP_FILE" 2>/dev/null || true)"

log "Database: $DB_KIND ($DATABASE_URL); data: $STAMP_WANT"
if [ "${BENCH_RELOAD:-0}" = 1 ] || { [ "$STAMP_HAVE" != "$STAMP_WANT" ] \
  && ! { [ "${BENCH_KEEP_DATA:-0}" = 1 ] && [ -n "$STAMP_HAVE" ]; }; }; then
  [ -n "$STAMP_HAVE" ] && echo "Data stamp changed ('$STAMP_HAVE'): rebuilding the bench database"
  drop_database
  rm -f "$STAMP_FILE"
fi
ensure_database

log "migrate, createcachetable, collectstatic"
if ! "${MANAGE[@]}" migrate --noinput -v0; then
  # Migrations are still being rewritten while the site is built: start from scratch once.
  echo "migrate failed on the existing bench database; rebuilding it"
  drop_database
  rm -f "$STAMP_FILE"
  ensure_database
  "${MANAGE[@]}" migrate --noinput -v0
fi
"${MANAGE[@]}" createcachetable
# Compressing every file again takes half a minute: skip it when no static source changed
# (the apps' static/ trees and the installed packages' versions).
STATIC_STAMP="$RESULTS/staticfiles.stamp"
STATIC_WANT=$( (find . -path ./.venv -prune -o -path ./bench/results -prune -o -path ./node_modules -prune \
  -o -path './*/static/*' -type f -printf '%p %s %T@\n'; ls .venv/lib/python*/site-packages) \
  | sha256sum | cut -c1-16)
if [ "$(cat "$STATIC_STAMP" 2>/dev/null || true)" != "$STATIC_WANT" ] \
  || [ ! -f "$RESULTS/staticfiles/staticfiles.json" ]; then
  "${MANAGE[@]}" collectstatic --noinput -v0
  echo "$STATIC_WANT" >"$STATIC_STAMP"
else
  echo "static files unchanged since the last collectstatic"
fi

has_data() {
  "${MANAGE[@]}" shell -v0 -c "import sys; from portal.models import Indicator; \
sys.exit(0 if Indicator.objects.exists() else 1)" 2>/dev/null
}
if [ "${BENCH_KEEP_DATA:-0}" = 1 ] && [ -n "$STAMP_HAVE" ] && [ "$STAMP_HAVE" != "$STAMP_WANT" ]; then
  echo "BENCH_KEEP_DATA=1: keeping the data loaded by '$STAMP_HAVE'"
fi
if [ ! -f "$STAMP_FILE" ] || ! has_data; then
  log "Loading data ($LOADER, scale $SCALE); done once, then reused"
  started=$(date +%s)
  if [ "$LOADER" = demo ]; then
    "${MANAGE[@]}" load_demo_data --scale "$SCALE" 2>&1 | tee "$RESULTS/load-data.log"
  else
    echo "manage.py load_demo_data does not exist yet: using the stand-in bench/seed.py"
    "$PY" bench/seed.py --scale "$SCALE" 2>&1 | tee "$RESULTS/load-data.log"
  fi
  echo "$STAMP_WANT" >"$STAMP_FILE"
  echo "Loaded in $(($(date +%s) - started)) s"
fi

# ---- Redis as the shared cache, as in production (BENCH_REDIS=0: the database cache) -------
if [ "${BENCH_REDIS:-1}" = 1 ] && [ -z "${REDIS_URL:-}" ]; then
  if ! command -v redis-server >/dev/null; then
    log "Installing redis-server (Debian package)"
    SUDO=()
    [ "$(id -u)" = "0" ] || SUDO=(sudo)
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null 2>&1 || {
      "${SUDO[@]}" apt-get update -qq
      "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
    }
  fi
  redis_port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # A private, memory-only server on loopback; stopped with gunicorn by the exit trap.
  redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
    --dir "$RESULTS" >"$RESULTS/redis.log" 2>&1 &
  REDIS_PID=$!
  export REDIS_URL="redis://127.0.0.1:$redis_port/0"
  for _ in $(seq 1 50); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "redis-server up at $REDIS_URL, pid $REDIS_PID"
fi

# ---- run info for the report -----------------------------------------------------------
CACHE_BACKEND=$([ -n "${REDIS_URL:-}" ] && echo redis || echo database)
"$PY" - "$DB_KIND" "$LOADER" "$SCALE" "$WORKERS" "$CACHE_BACKEND" <<'EOF'
import datetime, json, os, subprocess, sys
db, loader, scale, workers, cache = sys.argv[1:]
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
info = {
    "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
    "commit": commit.stdout.strip() or "?",
    "database": db,
    "data": f"{loader}, scale {scale}",
    "gunicorn workers": workers,
    "cache": cache,
    "wrk": "-t{} -c{} -d{}".format(
        os.environ.get("BENCH_THREADS", "2"),
        os.environ.get("BENCH_CONNECTIONS", "16"),
        os.environ.get("BENCH_DURATION", "10s"),
    ),
    "CPUs": os.cpu_count(),
    # Other work on the machine skews every figure: keep the load next to them.
    "load avg at start": "{:.1f}".format(os.getloadavg()[0]),
}
with open(os.path.join("bench", "results", "run-info.json"), "w") as f:
    json.dump(info, f, ensure_ascii=False)
EOF

# ---- steps -------------------------------------------------------------------------------
FAILED=()
step() {
  local name="$1"
  shift
  if ! "$@"; then
    echo "!! step '$name' failed" >&2
    FAILED+=("$name")
  fi
}


# start_server LABEL [VAR=value ...]: gunicorn on a free loopback port, waits until it answers.
start_server() {
  local label="$1"
  shift
  local port
  : >"$RESULTS/gunicorn-$label.log"
  port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  env "$@" "$GUNICORN" portal.wsgi:application --workers "${SERVER_WORKERS:-$WORKERS}" \
    --bind "127.0.0.1:$port" \
    --log-level warning --error-logfile "$RESULTS/gunicorn-$label.log" \
    >>"$RESULTS/gunicorn-$label.log" 2>&1 &
  GUNICORN_PID=$!
  BASE_URL="http://127.0.0.1:$port"
  for _ in $(seq 1 150); do
    if curl -s -o /dev/null "$BASE_URL/"; then
      echo "gunicorn ($label) up at $BASE_URL, pid $GUNICORN_PID"
      return 0
    fi
    kill -0 "$GUNICORN_PID" 2>/dev/null || break
    sleep 0.2
  done
  echo "gunicorn ($label) did not start; see $RESULTS/gunicorn-$label.log" >&2
  tail -n 20 "$RESULTS/gunicorn-$label.log" >&2 || true
  stop_server
  return 1
}

if wanted pages; then
  log "Choosing pages"
  step targets "$PY" bench/targets.py

  log "SQL queries per page"
  step queries "$PY" bench/queries.py

  log "Load, page cache on"
  if start_server cached; then
    step load-cached "$PY" bench/load.py cached --base-url "$BASE_URL"
    step js-size "$PY" bench/jssize.py --base-url "$BASE_URL"
    step chart-visible "$PY" bench/chart_visible.py --base-url "$BASE_URL"
    stop_server
  else
    FAILED+=(server-cached)
  fi

  log "Load, page cache off"
  if start_server uncached PUBLIC_PAGE_CACHE_SECONDS=0; then
    step load-uncached "$PY" bench/load.py uncached --base-url "$BASE_URL"
    stop_server
  else
    FAILED+=(server-uncached)
  fi
fi

# ---- reports: a report with six charts, uncached and cached, and its PDF ------------------
if wanted reports; then
  log "Reports: the six-chart report (made once by bench/seed.py --report-only)"
  step report-seed "$PY" bench/seed.py --report-only
  [ -f "$RESULTS/targets.json" ] || step targets "$PY" bench/targets.py
  if start_server report-cached; then
    step report-cached "$PY" bench/reports_bench.py load cached --base-url "$BASE_URL"
    stop_server
  else
    FAILED+=(server-report-cached)
  fi
  if start_server report-uncached PUBLIC_PAGE_CACHE_SECONDS=0; then
    step report-uncached "$PY" bench/reports_bench.py load uncached --base-url "$BASE_URL"
    stop_server
  else
    FAILED+=(server-report-uncached)
  fi
  step report-pdf "$PY" bench/reports_bench.py pdf
fi

# ---- search: both backends on the same data, in process (bench/search_bench.py) ----------
if [ "${BENCH_SEARCH:-1}" = 1 ] && wanted search; then
  log "Search: rebuild and 200 queries on the embedded and the engine backend"
  if scripts/opensearch.sh status >/dev/null 2>&1; then
    echo "OpenSearch already running: used, and left running"
  elif scripts/opensearch.sh start; then
    OPENSEARCH_STARTED=1
  else
    echo "OpenSearch could not be started: the engine backend is not measured" >&2
  fi
  step search "$PY" bench/search_bench.py
  stop_opensearch
fi

# ---- residents' ratings: the form under load, a month of a million ratings aggregated ------
if [ "${BENCH_SURVEYS:-1}" = 1 ] && { wanted surveys || wanted ratings; }; then
  log "Ratings: submissions through the form (captcha in test mode, rate limit raised)"
  # Never outside a benchmark: the captcha's test mode accepts the answer "PASSED".
  # The page runs' worker count: on 2 cores, 4 workers measured 15-20 % fewer ratings/s than 2
  # (the form is CPU-bound; gunicorn, PostgreSQL and wrk share the cores).
  export BENCH_RATING_WORKERS="${BENCH_RATING_WORKERS:-$WORKERS}"
  if SERVER_WORKERS="$BENCH_RATING_WORKERS" start_server ratings \
    SURVEYS_CAPTCHA_TEST_MODE=1 SURVEYS_RATE_LIMIT=1000000/60; then
    step surveys-submit "$PY" bench/surveys_bench.py submit --base-url "$BASE_URL"
    stop_server
  else
    FAILED+=(server-ratings)
  fi
fi
if [ "${BENCH_SURVEYS:-1}" = 1 ] && { wanted surveys || wanted aggregation; }; then
  if [ "$DB_KIND" = postgresql ]; then
    log "Ratings: aggregating a month of ${BENCH_AGGREGATE_RESPONSES:-1000000} ratings"
    step surveys-aggregate "$PY" bench/surveys_bench.py aggregate \
      --responses "${BENCH_AGGREGATE_RESPONSES:-1000000}"
  else
    echo "The aggregation benchmark needs PostgreSQL (INSERT … SELECT generate_series): skipped"
  fi
fi

# ---- departments' systems: the push API, batches of 1,000 rows (bench/push_bench.py) ------
if wanted push; then
  log "Push API: rows accepted per second in batches of 1,000"
  if start_server push PORTAL_PUSH_RATE_LIMIT=1000000/60; then
    step push "$PY" bench/push_bench.py --base-url "$BASE_URL"
    stop_server
  else
    FAILED+=(server-push)
  fi
fi

# ---- the public read API: list endpoints under load (bench/api_bench.py) ------------------
if wanted api; then
  log "Read API: list endpoints at ${BENCH_CONNECTIONS:-16} connections"
  step api-targets "$PY" bench/targets.py --api
  # The per-client rate limit raised: wrk is one client asking thousands of times a second.
  if start_server api API_RATE_LIMIT=1000000000/60; then
    step api "$PY" bench/api_bench.py --base-url "$BASE_URL"
    stop_server
  else
    FAILED+=(server-api)
  fi
fi

# ---- open data: the whole catalogue built, and its largest file served ------------------
if wanted opendata; then
  log "Open data: building every file (twice: from nothing, then nothing changed)"
  step opendata-build "$PY" bench/opendata_bench.py build
  if start_server opendata; then
    step opendata-serve "$PY" bench/opendata_bench.py serve --base-url "$BASE_URL"
    stop_server
  else
    FAILED+=(server-opendata)
  fi
fi

log "Report"
STRICT=()
[ "${BENCH_STRICT:-0}" = 1 ] && STRICT=(--strict)
status=0
"$PY" bench/report.py "${STRICT[@]}" || status=$?
if [ "${#FAILED[@]}" -gt 0 ]; then
  echo "Steps that failed: ${FAILED[*]}" >&2
  status=1
fi
exit "$status"

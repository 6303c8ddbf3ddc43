#!/usr/bin/env bash
# Start/stop a throwaway PostgreSQL cluster for the test suite on 127.0.0.1:54329.
#   scripts/pg.sh start|stop|status
# Installs Debian's postgresql package when no server binaries are found. The cluster is
# tuned for tests (no fsync): it holds nothing worth keeping.
set -euo pipefail
cmd="${1:-start}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PGDATA="${PGDATA_DIR:-/tmp/portal-pgdata}"
PORT="${PGPORT_TEST:-54329}"

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  return 1
}

as_pg() {
  # PostgreSQL refuses to run as root; CI runs as root.
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

is_running() {
  local bin
  bin="$(find_bin)" || return 1
  [ -s "$PGDATA/PG_VERSION" ] || return 1
  as_pg "$bin/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1
}

case "$cmd" in
  start)
    "$ROOT/scripts/system-deps.sh" postgresql
    BIN="$(find_bin)"
    if [ ! -s "$PGDATA/PG_VERSION" ]; then
      mkdir -p "$PGDATA"
      [ "$(id -u)" = "0" ] && chown postgres:postgres "$PGDATA"
      as_pg "$BIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! is_running; then
      # A cluster left by a killed session keeps its postmaster.pid; pg_ctl checks that the
      # pid is dead before reusing the directory, so a stale file is harmless.
      if ! as_pg "$BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
        -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null; then
        echo "PostgreSQL failed to start; last lines of $PGDATA/server.log:" >&2
        tail -n 20 "$PGDATA/server.log" >&2 || true
        exit 1
      fi
    fi
    psql_cmd=("$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -q)
    "${psql_cmd[@]}" -tc "SELECT 1 FROM pg_roles WHERE rolname='portal'" | grep -q 1 \
      || "${psql_cmd[@]}" -c "CREATE ROLE portal LOGIN SUPERUSER PASSWORD 'portal'"
    "${psql_cmd[@]}" -tc "SELECT 1 FROM pg_database WHERE datname='portal'" | grep -q 1 \
      || "${psql_cmd[@]}" -c "CREATE DATABASE portal OWNER portal"
    echo "PostgreSQL ready on 127.0.0.1:$PORT"
    ;;
  stop)
    if is_running; then
      as_pg "$(find_bin)/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
      echo "PostgreSQL stopped"
    fi
    ;;
  status)
    if is_running; then echo "PostgreSQL running on 127.0.0.1:$PORT"; else
      echo "PostgreSQL not running"; exit 3
    fi
    ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac

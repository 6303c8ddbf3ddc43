#!/usr/bin/env bash
# Start/stop a throwaway PostgreSQL cluster for the test suite on 127.0.0.1:54329.
# Installs Debian's postgresql package when no server binaries are found.
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

ensure_installed() {
  if ! find_bin >/dev/null; then
    echo "Installing PostgreSQL from Debian's packages..."
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
  fi
}

as_pg() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    ensure_installed
    BIN="$(find_bin)"
    if [ ! -s "$PGDATA/PG_VERSION" ]; then
      mkdir -p "$PGDATA"
      [ "$(id -u)" = "0" ] && chown postgres:postgres "$PGDATA"
      as_pg "$BIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_pg "$BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
      as_pg "$BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
        -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
    fi
    psql_cmd=("$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -q)
    "${psql_cmd[@]}" -tc "SELECT 1 FROM pg_roles WHERE rolname='portal'" | grep -q 1 \
      || "${psql_cmd[@]}" -c "CREATE ROLE portal LOGIN SUPERUSER PASSWORD 'portal'"
    "${psql_cmd[@]}" -tc "SELECT 1 FROM pg_database WHERE datname='portal'" | grep -q 1 \
      || "${psql_cmd[@]}" -c "CREATE DATABASE portal OWNER portal"
    echo "PostgreSQL ready on 127.0.0.1:$PORT"
    ;;
  stop)
    if BIN="$(find_bin)" && [ -d "$PGDATA" ]; then
      as_pg "$BIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
    fi
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac

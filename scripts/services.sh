#!/usr/bin/env bash
# Start/stop every server the test suite needs (PostgreSQL and the OpenSearch node).
#   scripts/services.sh start|stop|status [service...]
# With SERVICES_STARTED_FILE set, `start` appends the services it actually started to that
# file, so a caller can stop only those and leave alone servers that were already running
# (someone else's test run on a shared development machine).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ALL_SERVICES=(postgresql opensearch)

script_for() {
  case "$1" in
    postgresql) echo "$HERE/pg.sh" ;;
    opensearch) echo "$HERE/opensearch.sh" ;;
    *) echo "services: unknown service '$1'" >&2; return 2 ;;
  esac
}

cmd="${1:-}"
shift || true
services=("$@")
[ "${#services[@]}" -eq 0 ] && services=("${ALL_SERVICES[@]}")

case "$cmd" in
  start)
    for s in "${services[@]}"; do
      script="$(script_for "$s")"
      if "$script" status >/dev/null 2>&1; then was_running=1; else was_running=0; fi
      # start is idempotent and also makes sure roles/databases exist on a running server.
      "$script" start
      if [ "$was_running" = 1 ]; then
        echo "$s: was already running; it will be left running"
      elif [ -n "${SERVICES_STARTED_FILE:-}" ]; then
        echo "$s" >>"$SERVICES_STARTED_FILE"
      fi
    done
    ;;
  stop)
    # Reverse order: later services may depend on earlier ones.
    for ((i = ${#services[@]} - 1; i >= 0; i--)); do
      "$(script_for "${services[$i]}")" stop || true
    done
    ;;
  status)
    rc=0
    for s in "${services[@]}"; do "$(script_for "$s")" status || rc=$?; done
    exit "$rc"
    ;;
  *) echo "usage: $0 start|stop|status [service...]" >&2; exit 2 ;;
esac

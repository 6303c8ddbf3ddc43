#!/usr/bin/env bash
# The body of `make test`: start the servers, run every check and the whole suite, stop the
# servers this run started (always, even on failure or Ctrl-C). Exit code = the result.
#   scripts/run-tests.sh [pytest args...]
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
BIN="${VENV_BIN:-$ROOT/.venv/bin}"

export DJANGO_SETTINGS_MODULE=portal.settings.test
export DATABASE_URL="${DATABASE_URL:-postgres://portal:portal@127.0.0.1:54329/portal}"
export PYTHONDONTWRITEBYTECODE=1

started_file="$(mktemp -t portal-services.XXXXXX)"
stop_services() {
  # Stop what this run started; servers that were already up belong to someone else.
  if [ -s "$started_file" ]; then
    # shellcheck disable=SC2046
    "$ROOT/scripts/services.sh" stop $(cat "$started_file")
  fi
  rm -f "$started_file"
}
trap stop_services EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

SERVICES_STARTED_FILE="$started_file" "$ROOT/scripts/services.sh" start || exit 1
# The OpenSearch node is up: engine tests must run against it, never skip (tests/search).
export SEARCH_ENGINE_REQUIRED=1

failed=()
step() {
  local name="$1"
  shift
  echo "==> $name"
  "$@"
  local rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "!!! $name failed (exit $rc)"
    failed+=("$name")
  fi
  return "$rc"
}

# A broken project configuration makes everything after it meaningless: stop early.
step "manage.py check" "$BIN/python" manage.py check || exit 1
step "makemigrations --check" "$BIN/python" manage.py makemigrations --check --dry-run
step "ruff check" "$BIN/ruff" check .
step "ruff format --check" "$BIN/ruff" format --check .
# The layers of DESIGN.md and no import cycle inside an app ([tool.importlinter]).
step "lint-imports" "$BIN/lint-imports"

echo "==> pytest"
"$BIN/pytest" -q "$@"
test_rc=$?
case "$test_rc" in
  0) ;;
  5) echo "!!! pytest collected no tests: that is a failure, not a pass"; failed+=(pytest) ;;
  *) echo "!!! pytest failed (exit $test_rc)"; failed+=(pytest) ;;
esac

if [ "${#failed[@]}" -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  [ "$test_rc" -ne 0 ] && exit "$test_rc"
  exit 1
fi
echo "All checks and tests passed."

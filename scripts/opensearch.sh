#!/usr/bin/env bash
# Start/stop a single-node OpenSearch 2.19 for the test suite on 127.0.0.1:9250 (HTTP).
#   scripts/opensearch.sh start|stop|status|build
# Another node beside it: OPENSEARCH_HOME_DIR, OPENSEARCH_PORT, OPENSEARCH_TRANSPORT_PORT,
# OPENSEARCH_HEAP; OPENSEARCH_KEEP_DATA=1 keeps its indices across a stop and start.
# The node is built from Maven Central artifacts by search/engine_node (a small launcher over
# org.opensearch:opensearch + transport-netty4-client + analysis-common on Java 17): no
# distribution download, no security plugin. Data and logs live in /tmp/portal-opensearch and
# hold nothing worth keeping: each start begins with no index. The first build fetches the jars
# into ~/.m2; later builds are offline.
set -euo pipefail
cmd="${1:-start}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
NODE_SRC="$ROOT/search/engine_node"
HOME_DIR="${OPENSEARCH_HOME_DIR:-/tmp/portal-opensearch}"
PORT="${OPENSEARCH_PORT:-9250}"
TRANSPORT_PORT="${OPENSEARCH_TRANSPORT_PORT:-9350}"
HEAP="${OPENSEARCH_HEAP:-1g}"
START_TIMEOUT="${OPENSEARCH_START_TIMEOUT:-180}"
PID_FILE="$HOME_DIR/node.pid"
LOG_FILE="$HOME_DIR/node.log"
URL="http://127.0.0.1:$PORT"
# The build output lives outside the work tree so that a clean clone and a dirty one behave
# the same and `git status` stays quiet.
BUILD_DIR="${OPENSEARCH_BUILD_DIR:-$HOME/.cache/portal-engine-node}"
JAR="$BUILD_DIR/engine-node-1.0.jar"
CLASSPATH_FILE="$BUILD_DIR/classpath.txt"

# GET a path of the node and print the body; fails when the node does not answer 2xx.
http_get() {
  if command -v curl >/dev/null; then
    curl -fsS --max-time "${2:-2}" "$URL$1" 2>/dev/null
  else
    python3 - "$URL$1" "${2:-2}" 2>/dev/null <<'PY'
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=float(sys.argv[2])) as reply:
    sys.stdout.write(reply.read().decode())
PY
  fi
}

pid_alive() {
  [ -s "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null
}

is_running() { pid_alive && http_get / >/dev/null; }

# True when the built launcher is newer than its sources and every jar it names still exists.
build_is_current() {
  [ -s "$JAR" ] && [ -s "$CLASSPATH_FILE" ] || return 1
  [ -z "$(find "$NODE_SRC/pom.xml" "$NODE_SRC/src" -newer "$JAR" -type f -print -quit)" ] || return 1
  local jar
  while IFS= read -r jar; do [ -f "$jar" ] || return 1; done < <(tr ':' '\n' <"$CLASSPATH_FILE")
}

build() {
  "$ROOT/scripts/system-deps.sh" java maven
  build_is_current && return 0
  echo "Building the OpenSearch node launcher (search/engine_node) with Maven..."
  mkdir -p "$BUILD_DIR"
  local mvn_args=(-q -B -f "$NODE_SRC/pom.xml" -DskipTests -Dnode.build.dir="$BUILD_DIR" package)
  # Offline first: after one successful build everything is in ~/.m2.
  if ! mvn -o "${mvn_args[@]}" >"$BUILD_DIR/build.log" 2>&1; then
    if ! mvn "${mvn_args[@]}" >"$BUILD_DIR/build.log" 2>&1; then
      echo "Maven could not build the OpenSearch node; last lines of $BUILD_DIR/build.log:" >&2
      tail -n 30 "$BUILD_DIR/build.log" >&2
      exit 1
    fi
  fi
  touch "$JAR"
}

start() {
  if is_running; then
    echo "OpenSearch already running on $URL"
    return 0
  fi
  if http_get / >/dev/null; then
    echo "Port $PORT answers but not with the node started from $PID_FILE; refusing to start" \
      "a second one. Stop it or set OPENSEARCH_PORT." >&2
    exit 1
  fi
  build
  # A fresh node every time: indices left by a killed test run must not pile up. A node killed
  # hard leaves a pid file; a dead pid is harmless, a live one was handled above.
  # OPENSEARCH_KEEP_DATA=1 restarts a node on its data instead, as a real restart does (the
  # deploy checks stop and start their own node: tests/deploy/test_search_faults.py).
  if [ "${OPENSEARCH_KEEP_DATA:-0}" = 1 ]; then rm -f "$PID_FILE"; else rm -rf "$HOME_DIR/data" "$PID_FILE"; fi
  mkdir -p "$HOME_DIR"
  local started_at=$SECONDS
  # setsid: the node must not die with the shell that started it (make, a CI step).
  setsid java -Xms512m -Xmx"$HEAP" -XX:+UseG1GC -Djava.awt.headless=true \
    -Dfile.encoding=UTF-8 -Dlog4j2.disable.jmx=true \
    -cp "$JAR:$(cat "$CLASSPATH_FILE")" portal.search.node.Launcher \
    "path.home=$HOME_DIR" "http.port=$PORT" "transport.port=$TRANSPORT_PORT" \
    >"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  while :; do
    if ! pid_alive; then
      echo "OpenSearch exited while starting; last lines of $LOG_FILE:" >&2
      tail -n 30 "$LOG_FILE" >&2
      rm -f "$PID_FILE"
      exit 1
    fi
    if http_get "/_cluster/health?wait_for_status=yellow&timeout=1s" 3 | grep -qE '"status":"(yellow|green)"'; then
      break
    fi
    if [ $((SECONDS - started_at)) -ge "$START_TIMEOUT" ]; then
      echo "OpenSearch did not reach yellow health within ${START_TIMEOUT}s" \
        "(OPENSEARCH_START_TIMEOUT); last lines of $LOG_FILE:" >&2
      tail -n 30 "$LOG_FILE" >&2
      stop >/dev/null
      exit 1
    fi
    sleep 1
  done
  echo "OpenSearch ready on $URL (started in $((SECONDS - started_at))s)"
}

stop() {
  pid_alive || { rm -f "$PID_FILE"; return 0; }
  local pid
  pid="$(cat "$PID_FILE")"
  # SIGTERM runs the launcher's shutdown hook: the node closes its shards and releases its lock.
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "OpenSearch did not stop in 30s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
  echo "OpenSearch stopped"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  build) build ;;
  status)
    if is_running; then echo "OpenSearch running on $URL"; else
      echo "OpenSearch not running"; exit 3
    fi
    ;;
  *) echo "usage: $0 start|stop|status|build" >&2; exit 2 ;;
esac

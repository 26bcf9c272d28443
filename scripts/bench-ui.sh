#!/usr/bin/env bash
# bench-ui.sh: how fast the web UI shows "when did this value change" on a trace of more than ten
# million memory writes, and how smoothly it scrolls a list of a million rows.
#
# Usage: scripts/bench-ui.sh [--iterations I] [--opens N] [--rows R] [--seconds S]
#        scripts/bench-ui.sh --url URL --trace ID   (an already indexed loop100m on a running server)
#        (defaults 11500000 iterations, 10 opens, 1000000 rows, 10 s of scrolling;
#         docs/performance.md, "Web UI")
#
# 1. Records native/build/tests/loop100m I (one store to `sink` per iteration: about 11.5 million
#    memory writes), packs it, starts `omni serve` (embedded PostgreSQL, a fresh OMNI_HOME),
#    uploads and waits until it is indexed (a few minutes).
# 2. Runs web-ui/bench/ui-bench.mjs in Debian's Chromium: N fresh pages open
#    /t/ID/step/RANDOM?symbol=sink and time navigation start to the first history entry on
#    screen; then the history list is paged to R rows and scrolled top to bottom in S seconds,
#    timing every animation frame.
#
# Needs: a build (`mvn -B -ntp -q -DskipTests package`: server/target/omni.jar, web-ui/node_modules,
# native/build/tests/loop100m), java 17, node 20, curl, python3, /usr/bin/chromium. Installs nothing.
# Everything it writes goes under one temporary directory (OMNI_HOME too), removed at the end.
set -euo pipefail

ITERATIONS=11500000
OPENS=10
ROWS=1000000
SCROLL=10
URL=
ID=
while [ $# -gt 0 ]; do
  case "$1" in
    --iterations) ITERATIONS="$2"; shift 2 ;;
    --opens) OPENS="$2"; shift 2 ;;
    --rows) ROWS="$2"; shift 2 ;;
    --seconds) SCROLL="$2"; shift 2 ;;
    --url) URL="$2"; shift 2 ;;
    --trace) ID="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-ui: unknown argument '$1' (see $0 --help)" >&2; exit 2 ;;
  esac
done

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
JAR="$ROOT/server/target/omni.jar"
PROGRAM="$ROOT/native/build/tests/loop100m"
if [ -z "$URL" ] && { [ ! -f "$JAR" ] || [ ! -x "$PROGRAM" ]; } || [ ! -d "$ROOT/web-ui/node_modules" ]; then
  echo "bench-ui: needs a build first: cd $ROOT && mvn -B -ntp -q -DskipTests package" >&2
  exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/omni-bench-ui.XXXXXX")"
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

echo "# bench-ui $(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "# machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"

if [ -z "$URL" ]; then
  export OMNI_HOME="$WORK/omni-home"
  omni() { java --add-opens=java.base/java.nio=ALL-UNNAMED ${OMNI_JAVA_OPTS:-} -jar "$JAR" "$@"; }
  echo "## recording loop100m $ITERATIONS" >&2
  omni record -o "$WORK/trace" -- "$PROGRAM" "$ITERATIONS" >"$WORK/record.log" 2>&1
  omni pack "$WORK/trace" -o "$WORK/trace.omnitrace" >>"$WORK/record.log" 2>&1
  echo "## starting omni serve" >&2
  java --add-opens=java.base/java.nio=ALL-UNNAMED ${OMNI_JAVA_OPTS:-} -jar "$JAR" serve --port 0 >"$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 180); do
    URL=$(grep -o 'is serving at http://[^ ]*' "$WORK/serve.log" | head -1 | sed 's/is serving at //') || true
    [ -n "$URL" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
    sleep 1
  done
  [ -n "$URL" ] || { echo "bench-ui: omni serve did not start" >&2; exit 1; }
  echo "## uploading and indexing (a few minutes)" >&2
  ID=$(curl -sf -F "file=@$WORK/trace.omnitrace" "$URL/api/traces" | json "d['id']")
fi
while true; do
  STATUS=$(curl -sf "$URL/api/traces/$ID" | json "d['status']")
  [ "$STATUS" = indexed ] && break
  if [ "$STATUS" = failed ]; then curl -s "$URL/api/traces/$ID" >&2; exit 1; fi
  sleep 2
done

cd "$ROOT/web-ui"
node bench/ui-bench.mjs "$URL" "$ID" sink "$OPENS" "$ROWS" "$SCROLL"

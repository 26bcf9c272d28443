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
# Needs: a build (`mvn -B -ntp -q -DskipTests package`: cli/target/omni.jar, web-ui/node_modules,
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
JAR="$ROOT/cli/target/omni.jar"
PROGRAM="$ROOT/native/build/tests/loop100m"
if [ -z "$URL" ] && { [ ! -f "$JAR" ] || [ ! -x "$PROGRAM" ]; } || [ ! -d "$ROOT/web-ui/node_modules" ]; then
  echo "bench-ui: needs a build first: cd $ROOT && mvn -B -ntp -q -DskipTests package" >&2
  exit 1
fi

. "$ROOT/scripts/lib/bench-loop100m.sh"
bench_workdir bench-ui

echo "# bench-ui $(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "# machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); load before: $(cut -d' ' -f1-3 /proc/loadavg); $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"

if [ -z "$URL" ]; then
  bench_start bench-ui "$ITERATIONS"
else
  bench_wait_indexed
fi

cd "$ROOT/web-ui"
node bench/ui-bench.mjs "$URL" "$ID" sink "$OPENS" "$ROWS" "$SCROLL"

#!/usr/bin/env bash
# bench-values.sh: how fast the server answers source-level values (issue 12) on a trace of about
# 10^8 instructions: a frame's variables, an expression's value, the call stack, and the
# executions of a line that runs 11.5 million times, a page at a time.
#
# Usage: scripts/bench-values.sh [--clients N[,N...]] [--seconds S] [--iterations I] [--jar JAR]
#        (defaults 1,32 clients, 30 s per run, 11500000 iterations; docs/performance.md,
#        "Source-level values")
#
# Records native/build/tests/loop100m I (-O1: main's loop; about 103 million instructions by
# default), uploads it to a fresh `omni serve` (embedded PostgreSQL) and waits for the index
# (scripts/lib/bench-loop100m.sh), then runs wrk with scripts/lib/random-step.lua (N closed-loop
# clients, each request at a random step R) on:
#   variables   /steps/R/variables            main's arguments and locals at R (frame 0)
#   print       /steps/R/print?expr=sum+i*2   an expression over locals
#   frames      /steps/R/frames               the call stack with typed arguments
#   executions  /executions?line=loop100m.c:19&limit=100&from=R   a page of a line run 11.5M times
# and prints requests per second and latency p50/p95/p99 (ms).
#
# Needs: a build (mvn -B -ntp -q -DskipTests package), java 17, curl, wrk, python3. Installs
# nothing; everything goes under one temporary directory removed at the end.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$ROOT/scripts/lib/bench-args.sh"
bench_args bench-values "$@"
JAR="${JAR_ARG:-$ROOT/cli/target/omni.jar}"
PROGRAM="$ROOT/native/build/tests/loop100m"
for c in java curl python3 wrk; do
  command -v "$c" >/dev/null 2>&1 || { echo "bench-values: missing $c (Debian: apt-get install $c)" >&2; exit 1; }
done
if [ ! -f "$JAR" ] || [ ! -x "$PROGRAM" ]; then echo "bench-values: build first: cd $ROOT && mvn -B -ntp -q -DskipTests package" >&2; exit 1; fi

. "$ROOT/scripts/lib/bench-loop100m.sh"
bench_workdir bench-values

echo "# bench-values $(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), jar $JAR"
echo "# machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
bench_start bench-values "$ITERATIONS"
STEPS=$(curl -sf "$URL/api/traces/$ID" | json "d['index']['instructions']")
echo "trace: $STEPS instructions"
T="/api/traces/$ID"
LINE=$(grep -n 'sink = sum;' "$ROOT/native/testprogs/loop100m.c" | cut -d: -f1)
echo "one answer of each, at step $((STEPS / 2)):"
for path in "$T/steps/$((STEPS / 2))/variables" "$T/steps/$((STEPS / 2))/print?expr=sum%2Bi*2" \
            "$T/executions?line=loop100m.c:$LINE&limit=3&from=$((STEPS / 2))&print=i"; do
  echo "  $path"
  curl -s "$URL$path" | head -c 600
  echo
done

load() {
  local threads=$(( $2 < $(nproc) ? $2 : $(nproc) ))
  wrk -t"$threads" -c"$2" -d"$3"s --timeout 60s -s "$ROOT/scripts/lib/random-step.lua" "$URL" -- "$1" "$STEPS" | sed -n '/^requests /,$p'
}
run() {
  local clients
  for clients in ${CLIENTS//,/ }; do
    echo
    echo "### $1 ($clients clients, ${SECONDS_PER_RUN} s)"
    echo
    load "$2" "$clients" "${3:-20}" >/dev/null # warm-up
    load "$2" "$clients" "$SECONDS_PER_RUN"
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  done
}
echo
echo "## Source-level values"
run "variables: /steps/R/variables" "$T/steps/%FROM%/variables" 60
run "print: /steps/R/print?expr=sum+i*2" "$T/steps/%FROM%/print?expr=sum%2Bi*2"
run "frames: /steps/R/frames" "$T/steps/%FROM%/frames"
run "executions: ?line=loop100m.c:$LINE&limit=100&from=R" "$T/executions?line=loop100m.c:$LINE&limit=100&from=%FROM%"

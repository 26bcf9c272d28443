#!/usr/bin/env bash
# bench-dataflow.sh: how fast the server answers data flow (issue 13) on a trace of about 10^8
# instructions: an origin tree of depth 20, and "where it went" over a span of 10^7 steps.
#
# Usage: scripts/bench-dataflow.sh [--clients N[,N...]] [--seconds S] [--iterations I] [--jar JAR]
#        (defaults 1,32 clients, 30 s per run, 11500000 iterations; docs/performance.md, "Data flow")
#
# Records native/build/tests/loop100m I (about 103 million instructions by default), uploads it to
# a fresh `omni serve` (embedded PostgreSQL) and waits for the index (scripts/lib/bench-loop100m.sh),
# then runs wrk with scripts/lib/random-step.lua (N closed-loop clients, each request at a random
# step R) on:
#   origin  /origin?step=R&expr=sink&depth=20      where the loop's running checksum came from:
#           20 levels of computations back through the loop (at most 400 nodes an answer)
#   uses    /uses?step=R&addr=SLOT&len=8&span=10000000   the instructions reading a stack slot of
#           main's that nothing reads during the loop: a walk over 10^7 steps that finds none
#   uses of a register  /uses?step=R&reg=rbp&span=10000000   rbp, which the loop neither reads
#           nor writes: the same walk for a register
# and prints requests per second and latency p50/p95/p99 (ms).
#
# Needs: a build (mvn -B -ntp -q -DskipTests package), java 17, curl, wrk, python3. Installs
# nothing; everything goes under one temporary directory removed at the end.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$ROOT/scripts/lib/bench-args.sh"
bench_args bench-dataflow "$@"
JAR="${JAR_ARG:-$ROOT/cli/target/omni.jar}"
PROGRAM="$ROOT/native/build/tests/loop100m"
for c in java curl python3 wrk; do
  command -v "$c" >/dev/null 2>&1 || { echo "bench-dataflow: missing $c (Debian: apt-get install $c)" >&2; exit 1; }
done
if [ ! -f "$JAR" ] || [ ! -x "$PROGRAM" ]; then echo "bench-dataflow: build first: cd $ROOT && mvn -B -ntp -q -DskipTests package" >&2; exit 1; fi

. "$ROOT/scripts/lib/bench-loop100m.sh"
bench_workdir bench-dataflow

echo "# bench-dataflow $(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), jar $JAR"
echo "# machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
bench_start bench-dataflow "$ITERATIONS"
STEPS=$(curl -sf "$URL/api/traces/$ID" | json "d['index']['instructions']")
echo "trace: $STEPS instructions"
T="/api/traces/$ID"
MID=$((STEPS / 2))
# the highest stack slot main's loop leaves alone: the word at rsp in the middle of the loop, plus 8 (main's saved registers)
RSP=$(curl -sf "$URL$T/registers?step=$MID" | json "d['registers']['rsp']")
SLOT=$(python3 -c "print(hex(int('$RSP', 16) + 8))")
SPAN=10000000
echo "one answer of each, at step $MID:"
curl -s "$URL$T/origin?step=$MID&expr=sink&depth=20" | python3 -c "
import json, sys
d = json.load(sys.stdin)
def count(n): return 1 + sum(count(c) for c in n['inputs']) + sum(count(c) for c in n['via'])
def depth(n): return 1 + max([depth(c) for c in n['inputs']] or [0])
print('  origin of sink: %d nodes, %d levels of computations, root %s %s' % (count(d), depth(d), d['kind'], d.get('disassembly')))"
curl -s "$URL$T/uses?step=$MID&addr=$SLOT&len=8&span=$SPAN" | python3 -c "
import json, sys
d = json.load(sys.stdin)
print('  uses of %s: %d uses, scanned to step %d (%d steps)' % (d['location'], len(d['uses']), d['scannedTo'], d['scannedTo'] - d['from']))"

load() {
  local threads=$(( $2 < $(nproc) ? $2 : $(nproc) ))
  wrk -t"$threads" -c"$2" -d"$3"s --timeout 120s -s "$ROOT/scripts/lib/random-step.lua" "$URL" -- "$1" "$4" | sed -n '/^requests /,$p'
}
run() {
  local clients
  for clients in ${CLIENTS//,/ }; do
    echo
    echo "### $1 ($clients clients, ${SECONDS_PER_RUN} s)"
    echo
    load "$2" "$clients" 20 "$3" >/dev/null # warm-up
    load "$2" "$clients" "$SECONDS_PER_RUN" "$3"
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  done
}
echo
echo "## Data flow"
# the loop runs from about step 127,000 to the end: random steps below STEPS - SPAN keep the uses walk inside it
run "origin: /origin?step=R&expr=sink&depth=20" "$T/origin?step=%FROM%&expr=sink&depth=20" "$STEPS"
run "uses: /uses?step=R&addr=$SLOT&len=8&span=$SPAN" "$T/uses?step=%FROM%&addr=$SLOT&len=8&span=$SPAN" "$((STEPS - SPAN))"
run "uses of a register: /uses?step=R&reg=rbp&span=$SPAN" "$T/uses?step=%FROM%&reg=rbp&span=$SPAN" "$((STEPS - SPAN))"

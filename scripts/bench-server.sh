#!/usr/bin/env bash
# bench-server.sh: how fast the server loads an index into PostgreSQL, and how fast it answers
# "when did this value change" on a trace of more than ten million memory writes.
#
# Usage: scripts/bench-server.sh [--clients N[,N...]] [--seconds S] [--iterations I] [--jar JAR]
#        (defaults 1,32 clients: each workload alone, then under 32 concurrent clients; 30 s per
#        run, 11500000 iterations; the checkout's cli/target/omni.jar, or another build's jar to
#        compare builds side by side; docs/performance.md, "Server")
#
# 1. Records native/build/tests/loop100m I (one store to the global `sink` per iteration: about
#    11.5 million memory writes and 100 million instructions by default) and packs it.
# 2. Starts `omni serve` (embedded PostgreSQL, a fresh OMNI_HOME), uploads the trace with curl and
#    waits until it is indexed: the job replays it into Arrow tables and loads them (COPY into
#    fresh tables, indexes, attach). Prints the replay and load times, the rows and the rates, and
#    the per-table load times from the server's log.
# 3. Runs wrk (a C load generator, so that the clients take little of the machine's CPU) with
#    scripts/lib/random-step.lua, for each client count N: N connections, each a closed-loop client
#    (it sends its next request when the last is answered), 30 s of warm-up (60 s for the first: the
#    JIT and PostgreSQL's cache) then S s measured, for each workload below; prints requests per
#    second and latency p50/p95/p99 (ms):
#      sink-100   history of `sink`, 100 entries from a random step (?symbol=sink&limit=100&from=R)
#      sink-1000  the same, 1000 entries (the default page)
#      range-64   64 bytes around sink (several (addr, size) pairs merged), 100 entries from R
#      memory     memory at a random step: 256 bytes around sink (?addr=&len=256&step=R)
#
# Needs: a build (`mvn -B -ntp -q -DskipTests package`: cli/target/omni.jar and
# native/build/tests/loop100m), java 17, curl, wrk, python3 (reads JSON), GNU date. Installs nothing.
# Everything it writes goes under one temporary directory (OMNI_HOME too), removed at the end:
# the embedded database needs about 4.5 GB there for the default trace (TMPDIR moves it).
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$ROOT/scripts/lib/bench-args.sh"
bench_args bench-server "$@"
JAR="${JAR_ARG:-$ROOT/cli/target/omni.jar}"
PROGRAM="$ROOT/native/build/tests/loop100m"
problems=()
command -v java >/dev/null 2>&1 || problems+=("java (Debian: apt-get install openjdk-17-jdk-headless)")
command -v curl >/dev/null 2>&1 || problems+=("curl (Debian: apt-get install curl)")
command -v python3 >/dev/null 2>&1 || problems+=("python3 (Debian: apt-get install python3)")
command -v wrk >/dev/null 2>&1 || problems+=("wrk (Debian: apt-get install wrk)")
if [ ! -f "$JAR" ] || [ ! -x "$PROGRAM" ]; then problems+=("a build: cd $ROOT && mvn -B -ntp -q -DskipTests package"); fi
if [ ${#problems[@]} -gt 0 ]; then
  echo "bench-server: missing:" >&2
  printf '  %s\n' "${problems[@]}" >&2
  exit 1
fi

. "$ROOT/scripts/lib/bench-loop100m.sh"
bench_workdir bench-server

echo "# bench-server $(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), jar $JAR"
echo "# machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); load before: $(cut -d' ' -f1-3 /proc/loadavg)"

bench_start bench-server "$ITERATIONS"
DOC=$(curl -sf "$URL/api/traces/$ID")
INSTRUCTIONS=$(echo "$DOC" | json "d['index']['instructions']")
WRITES=$(echo "$DOC" | json "d['index']['rows']['mem_writes']")
INDEX_ROWS=$(echo "$DOC" | json "sum(d['index']['rows'].values())")
REPLAY_MS=$(echo "$DOC" | json "d['index']['indexMillis']")
LOAD_MS=$(echo "$DOC" | json "d['index']['loadMillis']")
LOADED=$(grep -o 'loaded the index of trace [^ ]*: [0-9]* rows' "$WORK/serve.log" | grep -o '[0-9]* rows' | cut -d' ' -f1)
echo
echo "## Loading"
echo
echo "trace: $INSTRUCTIONS instructions, $WRITES memory writes, $INDEX_ROWS rows in the index's tables"
echo "replay into Arrow: $REPLAY_MS ms; load into PostgreSQL: $LOAD_MS ms"
python3 - "$INDEX_ROWS" "$LOADED" "$LOAD_MS" "$WRITES" <<'EOF'
import sys
index_rows, pg_rows, ms, writes = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print(f"PostgreSQL rows: {pg_rows:,} (reg_changes packed into runs); "
      f"{pg_rows / ms * 1000:,.0f} rows/s loaded, {index_rows / ms * 1000:,.0f} index rows/s")
EOF
grep -o 'loaded the index of trace .*' "$WORK/serve.log" | sed 's/^/server log: /'

ADDR=$(curl -sf "$URL/api/traces/$ID/symbols?q=sink" | json "d['symbols'][0]['addr']")
STEPS=$((INSTRUCTIONS))
H="/api/traces/$ID/memory/history" # paths: wrk is given $URL
# load PATH CLIENTS SECONDS: wrk's closed-loop clients on PATH (%FROM%: a random step)
load() {
  local threads=$(( $2 < $(nproc) ? $2 : $(nproc) ))
  wrk -t"$threads" -c"$2" -d"$3"s --timeout 60s -s "$ROOT/scripts/lib/random-step.lua" "$URL" -- "$1" "$STEPS" | sed -n '/^requests /,$p'
}
# cpu PID...: their CPU time (user + system) in clock ticks, summed
cpu() {
  local total=0 pid
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] || continue
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}
# the embedded PostgreSQL: its postmaster and every process it started (backends, writers)
postgres_pids() {
  local master
  master=$(head -1 "$OMNI_HOME"/db/pg*/postmaster.pid 2>/dev/null) || return 0
  echo "$master $(pgrep -P "$master" | tr '\n' ' ')"
}
run() {
  local clients out s0 g0 s1 g1 requests tick
  tick=$(getconf CLK_TCK)
  for clients in ${CLIENTS//,/ }; do
    echo
    echo "### $1 ($clients clients, ${SECONDS_PER_RUN} s)"
    echo
    load "$2" "$clients" "${3:-30}" >/dev/null # warm-up
    # CPU per answer is steadier than throughput on a shared machine: the server's JVM, and every
    # PostgreSQL process (its backends serve the pool's connections)
    s0=$(cpu "$SERVER_PID"); g0=$(cpu $(postgres_pids))
    out=$(load "$2" "$clients" "$SECONDS_PER_RUN")
    s1=$(cpu "$SERVER_PID"); g1=$(cpu $(postgres_pids))
    echo "$out"
    requests=$(echo "$out" | sed -n 's/^requests \([0-9]*\) .*/\1/p')
    python3 -c "r=max(1,$requests); print(f'CPU per answer: server {($s1-$s0)*1000/$tick/r:.2f} ms, PostgreSQL {($g1-$g0)*1000/$tick/r:.2f} ms')"
    echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  done
}
echo
echo "## History queries"
run "sink-100: ?symbol=sink&limit=100&from=R" "$H?symbol=sink&limit=100&from=%FROM%" 60
run "sink-1000: ?symbol=sink&limit=1000&from=R" "$H?symbol=sink&limit=1000&from=%FROM%"
LOW=$(python3 -c "print(hex(int('$ADDR', 16) - 32))")
run "range-64: ?addr=$LOW&len=64&limit=100&from=R" "$H?addr=$LOW&len=64&limit=100&from=%FROM%"
run "memory: /memory?addr=$LOW&len=256&step=R" "/api/traces/$ID/memory?addr=$LOW&len=256&step=%FROM%"
echo
echo "# database size: $(du -sh "$OMNI_HOME/db" | cut -f1)"

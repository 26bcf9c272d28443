#!/usr/bin/env bash
# bench-index.sh: index throughput of omni against gdb's `record full`, side by side, on the
# same program (native/build/tests/compute, an integer loop of 17 instructions per iteration).
#
#   scripts/bench-index.sh [--gdb-iterations N] [--omni-iterations N] [--jar JAR] [--no-gdb]
#
# --jar: another build's omni.jar (default: the checkout's, built when stale), to compare builds
# side by side; --no-gdb: omni's runs only.
#
# gdb single-steps and logs every instruction (about 12-14k instructions/s here), so it gets a
# small run; omni gets the same small run (to compare like with like) and a large one (its steady
# state). Reports instructions per second, the ratio to gdb, omni's peak RSS and index bytes per
# instruction. Needs gdb and GNU time (/usr/bin/time); builds omni if needed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GDB_ITER=20000
OMNI_ITER=6000000
JAR=
GDB=yes
while [ $# -gt 0 ]; do
  case $1 in
    --gdb-iterations) GDB_ITER=$2; shift 2 ;;
    --omni-iterations) OMNI_ITER=$2; shift 2 ;;
    --jar) JAR=$(readlink -f "$2"); shift 2 ;;
    --no-gdb) GDB=no; shift ;;
    *) echo "usage: $0 [--gdb-iterations N] [--omni-iterations N] [--jar JAR] [--no-gdb]" >&2; exit 2 ;;
  esac
done
for tool in gdb /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "bench-index: $tool is needed (apt-get install gdb time python3)" >&2; exit 1; }
done

if [ -z "$JAR" ]; then
  "$ROOT/omni" --version >/dev/null   # builds when stale
  JAR="$ROOT/cli/target/omni.jar"
fi
PROG="$ROOT/native/build/tests/compute"
WORK=$(mktemp -d /tmp/omni-bench-index.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export OMNI_HOME="$WORK/home"
omni() { java --add-opens=java.base/java.nio=ALL-UNNAMED -jar "$JAR" "$@"; }
now() { date +%s.%N; }

# --- omni: record, then index (timed), for each size
declare -A INSNS SECS RSS BYTES
for size in small large; do
  iter=$GDB_ITER; [ $size = large ] && iter=$OMNI_ITER
  omni record -o "$WORK/$size" -- "$PROG" "$iter" >/dev/null 2>"$WORK/$size.record.log"
  /usr/bin/time -v -o "$WORK/$size.time" java --add-opens=java.base/java.nio=ALL-UNNAMED -jar "$JAR" \
      index --quiet "$WORK/$size" 2>"$WORK/$size.index.log"
  INSNS[$size]=$(python3 -c "import json;print(json.load(open('$WORK/$size/index/summary.json'))['instructions'])")
  SECS[$size]=$(python3 -c "import json;print(json.load(open('$WORK/$size/index/summary.json'))['durationMillis']/1000)")
  RSS[$size]=$(awk -F: '/Maximum resident set size/ {gsub(/ /,"",$2); print $2}' "$WORK/$size.time")
  BYTES[$size]=$(du -sb "$WORK/$size/index" | cut -f1)
done

if [ $GDB = no ]; then
  for size in small large; do
    it=$GDB_ITER; [ $size = large ] && it=$OMNI_ITER
    python3 -c "i,s,r,b=${INSNS[$size]},${SECS[$size]},${RSS[$size]},${BYTES[$size]}; print(f'| omni index, compute $it ($JAR) | {i:,} | {s:.1f} | {i/s:,.0f} | {r/1024:,.0f} MiB | {b/i:.1f} |')"
  done
  exit 0
fi

# --- gdb: record full from main to the end, with the same CPU feature masking omni applies
TUNABLES=$(python3 -c "import json;print(json.load(open('$WORK/small/trace.json'))['environmentChanges']['set']['GLIBC_TUNABLES'])")
cat > "$WORK/record.gdb" <<GDB
set pagination off
set confirm off
set startup-with-shell off
set record full insn-number-max unlimited
break main
run
record full
python import time; t0 = time.time()
continue
python print("GDB_SECONDS=%f" % (time.time() - t0))
info record
GDB
GLIBC_TUNABLES="$TUNABLES" gdb -nx -batch -x "$WORK/record.gdb" --args "$PROG" "$GDB_ITER" >"$WORK/gdb.log" 2>&1 || true
GDB_INSNS=$(grep -o 'Log contains [0-9]* instructions' "$WORK/gdb.log" | grep -o '[0-9]*' | tail -1)
GDB_SECS=$(grep -o 'GDB_SECONDS=[0-9.]*' "$WORK/gdb.log" | cut -d= -f2)
if [ -z "$GDB_INSNS" ] || [ -z "$GDB_SECS" ]; then
  echo "bench-index: gdb did not record (see below)" >&2; tail -20 "$WORK/gdb.log" >&2; exit 1
fi

python3 - "$GDB_INSNS" "$GDB_SECS" "${INSNS[small]}" "${SECS[small]}" "${RSS[small]}" "${BYTES[small]}" \
         "${INSNS[large]}" "${SECS[large]}" "${RSS[large]}" "${BYTES[large]}" "$GDB_ITER" "$OMNI_ITER" <<'PY'
import sys
g_i, g_s, s_i, s_s, s_r, s_b, l_i, l_s, l_r, l_b = map(float, sys.argv[1:11])
gi, oi = sys.argv[11], sys.argv[12]
g_rate = g_i / g_s
print("| run | instructions | seconds | instructions/s | vs gdb record full | peak RSS | index bytes/instruction |")
print("|---|---:|---:|---:|---:|---:|---:|")
print(f"| gdb record full, compute {gi} (from main) | {g_i:,.0f} | {g_s:.1f} | {g_rate:,.0f} | 1x | | |")
for name, i, s, r, b, it in (("omni index, compute " + gi, s_i, s_s, s_r, s_b, gi), ("omni index, compute " + oi, l_i, l_s, l_r, l_b, oi)):
    rate = i / s
    print(f"| {name} (whole run, with ld.so) | {i:,.0f} | {s:.1f} | {rate:,.0f} | {rate / g_rate:,.0f}x | {r / 1024:,.0f} MiB | {b / i:.1f} |")
PY
echo
echo "(omni's seconds are the index run's own time from summary.json, JVM start-up excluded; $(date -u +%Y-%m-%dT%H:%MZ), load: $(cut -d' ' -f1-3 /proc/loadavg))"

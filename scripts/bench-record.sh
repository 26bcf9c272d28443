#!/usr/bin/env bash
# bench-record.sh: how much slower programs run under `omni record`, and how big their traces are.
#
# Usage: scripts/bench-record.sh [--runs N]      (N defaults to 5; docs/performance.md, "Recording")
#
# Workloads, each timed natively and under `omni record -o DIR -- ...`:
#   startup  /bin/true: what `omni record` costs before the program does anything (JVM start,
#            native library loading, spawning the tracee, the snapshot at exec, closing the trace)
#   compute  native/build/tests/compute 1000000000 (a loop without system calls, about 2 s natively)
#   copy_io  native/build/tests/copy_io SRC DST: a 64 MiB file copied by 4 KiB read/write calls
#            (SRC is generated once: Python's random.randbytes with seed 1, the same bytes every time)
#   python   /usr/bin/python3 -c pass (interpreter start-up: loads, mmaps, stats)
# and two references, timed in the same rounds:
#   `omni --version`: the JVM and the jar's launcher alone, nothing recorded
#   copy_io under scripts/ptrace-floor.c (built here with cc): the same PTRACE_SYSCALL stops,
#            register reads and memory reads as omni, nothing recorded: the floor under any
#            ptrace recorder
#
# Method: one untimed warm-up of each (native and recorded: page cache, the jar; the warm-up's
# trace gives the sizes and the system call count), then N rounds; in every round each workload
# runs natively and then recorded, so that noise from other work on the machine hits both. Wall
# time by `date +%s%N` around the command, CPU time (user + sys of the JVM and the program) by
# bash's `time`; medians of the N runs, a table for each. The "minus start-up" ratio is
# (recorded - S) / native with S = median(recorded /bin/true) - median(native /bin/true): the
# fixed cost of starting omni, taken off to show the cost per unit of the program's own work.
# Progress and every run's figures go to stderr, the Markdown tables to stdout.
#
# Needs: a build (`mvn -B -ntp -q -Dmaven.test.skip=true package`: cli/target/omni.jar and
# native/build/tests/*), java 17, /usr/bin/python3 (a workload; also parses `omni info --json`),
# GNU date, cc (for the floor; without it that row is left out). Installs nothing. Everything
# it writes goes under one temporary directory, removed at the end (OMNI_HOME points there too).
# OMNI_JAVA_OPTS adds JVM options to every omni run; BENCH_COMPUTE_ITERATIONS changes compute's
# argument.
set -euo pipefail

RUNS=5
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) [ $# -ge 2 ] || { echo "bench-record: --runs needs a number" >&2; exit 2; }; RUNS="$2"; shift 2 ;;
    --runs=*) RUNS="${1#--runs=}"; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-record: unknown argument '$1' (usage: $0 [--runs N])" >&2; exit 2 ;;
  esac
done
case "$RUNS" in ''|*[!0-9]*|0) echo "bench-record: --runs takes a positive integer, not '$RUNS'" >&2; exit 2 ;; esac

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
JAR="$ROOT/cli/target/omni.jar"
TESTS="$ROOT/native/build/tests"
PY=/usr/bin/python3
COMPUTE_ITERATIONS="${BENCH_COMPUTE_ITERATIONS:-1000000000}"

# ---- what it needs
problems=()
command -v java >/dev/null 2>&1 || problems+=("java (Debian: apt-get install openjdk-17-jdk-headless)")
[ -x "$PY" ] || problems+=("$PY (Debian: apt-get install python3)")
[ "$(date +%N)" != "N" ] || problems+=("GNU date with %N (Debian: coreutils)")
if [ ! -f "$JAR" ] || [ ! -x "$TESTS/compute" ] || [ ! -x "$TESTS/copy_io" ]; then
  problems+=("a build: cd $ROOT && mvn -B -ntp -q -Dmaven.test.skip=true package")
fi
if [ ${#problems[@]} -gt 0 ]; then
  echo "bench-record: missing:" >&2
  printf '  %s\n' "${problems[@]}" >&2
  exit 1
fi

WORK="$(mktemp -d /tmp/omni-bench-record.XXXXXX)"
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
export OMNI_HOME="$WORK/omni-home"
LOG="$WORK/log"

omni() {
  # shellcheck disable=SC2086
  java --add-opens=java.base/java.nio=ALL-UNNAMED ${OMNI_JAVA_OPTS:-} -jar "$JAR" "$@"
}

FLOOR="$WORK/ptrace-floor"
if command -v cc >/dev/null 2>&1 && cc -O2 -o "$FLOOR" "$ROOT/scripts/ptrace-floor.c" 2>"$LOG"; then
  HAVE_FLOOR=1
else
  HAVE_FLOOR=0
  echo "bench-record: cannot build scripts/ptrace-floor.c (cc missing or failing; Debian: apt-get install gcc): no floor row" >&2
fi

# ---- the workloads
SRC="$WORK/source.bin"
DST="$WORK/copy.bin"
"$PY" -c 'import random, sys; random.seed(1); sys.stdout.buffer.write(random.randbytes(64 << 20))' >"$SRC"

NAMES=(startup compute copy_io python)
CMD_startup=(/bin/true)
CMD_compute=("$TESTS/compute" "$COMPUTE_ITERATIONS")
CMD_copy_io=("$TESTS/copy_io" "$SRC" "$DST")
CMD_python=("$PY" -c pass)

show() { # the command as the table shows it
  case "$1" in
    startup) echo "/bin/true" ;;
    compute) echo "compute $COMPUTE_ITERATIONS" ;;
    copy_io) echo "copy_io (64 MiB, 4 KiB calls)" ;;
    python) echo "python3 -c pass" ;;
  esac
}

now() { date +%s%N; }

fail() {
  echo "bench-record: $1 failed; its output:" >&2
  tail -n 30 "$LOG" >&2
  exit 1
}

run_cmd() { # $1: native|recorded|floor|version, $2: workload
  local -n cmd="CMD_$2"
  case "$1" in
    native) "${cmd[@]}" ;;
    recorded) omni record -o "$WORK/trace" -- "${cmd[@]}" ;;
    floor) "$FLOOR" "${cmd[@]}" ;;
    version) omni --version ;;
  esac
}

# One run: prints its wall time and its CPU time (user + sys of every process it waited for:
# the JVM's threads and the recorded program), in nanoseconds. $1: mode, $2: workload.
run_once() {
  local start end cpu
  rm -rf "$WORK/trace" "$DST"
  : >"$LOG"
  TIMEFORMAT='%3U %3S'
  start=$(now)
  if ! { time run_cmd "$1" "$2" >/dev/null 2>>"$LOG"; } 2>"$WORK/time"; then fail "$1 $2"; fi
  end=$(now)
  cpu=$(awk '{ printf "%.0f", ($1 + $2) * 1e9 }' "$WORK/time")
  echo "$((end - start)) $cpu"
}

median() { # of the arguments (integers); the mean of the middle two for an even count
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "bench-record: $RUNS rounds; $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg) at the start" >&2

# ---- warm-up, and the trace sizes
declare -A TOTAL EVENTS SYSCALLS
for name in "${NAMES[@]}"; do
  run_once native "$name" >/dev/null
  run_once recorded "$name" >/dev/null
  if [ "$name" = copy_io ] && ! cmp -s "$SRC" "$DST"; then
    echo "bench-record: the recorded copy_io did not copy its input faithfully" >&2
    exit 1
  fi
  omni info --json "$WORK/trace" >"$WORK/info.json" 2>>"$LOG" || fail "omni info of $name"
  sizes=$("$PY" -c '
import json, sys
s = json.load(open(sys.argv[1]))
if not s["complete"]: sys.exit("incomplete trace: %s" % s["incompleteReason"])
print(s["totalBytes"], s["eventStreamBytes"], s["eventCounts"].get("syscall_enter", 0))' "$WORK/info.json") \
    || fail "reading the trace summary of $name"
  read -r "TOTAL[$name]" "EVENTS[$name]" "SYSCALLS[$name]" <<<"$sizes"
  echo "bench-record: warm-up $name: trace $((TOTAL[$name])) bytes, events $((EVENTS[$name])) bytes, ${SYSCALLS[$name]} system calls" >&2
done
run_once version startup >/dev/null
[ "$HAVE_FLOOR" = 0 ] || run_once floor copy_io >/dev/null

# ---- the measured rounds, interleaved
declare -A WALL CPU # "mode:workload" -> the runs' values, space-separated
LINE=""
measure() { # $1: mode, $2: workload; appends to WALL, CPU and the progress LINE
  local w c
  read -r w c < <(run_once "$1" "$2")
  WALL[$1:$2]+="$w "
  CPU[$1:$2]+="$c "
  LINE+=$(awk -v what="$3" -v w="$w" -v c="$c" 'BEGIN { printf "  %s %7.3f s (CPU %7.3f s)", what, w / 1e9, c / 1e9 }')
}
for ((round = 1; round <= RUNS; round++)); do
  for name in "${NAMES[@]}"; do
    LINE="round $round/$RUNS $(printf '%-8s' "$name")"
    measure native "$name" native
    measure recorded "$name" recorded
    if [ "$name" = startup ]; then
      measure version startup "omni --version"
    elif [ "$name" = copy_io ] && [ "$HAVE_FLOOR" = 1 ]; then
      measure floor copy_io ptrace-floor
    fi
    echo "bench-record: $LINE" >&2
  done
done
rm -rf "$WORK/trace" "$DST"
echo "bench-record: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end" >&2

# ---- the tables
med() { # $1: WALL|CPU, $2: mode:workload
  local -n values="$1"
  # shellcheck disable=SC2086
  median ${values[$2]}
}
human() { # bytes, as KiB/MiB/GiB with one decimal
  awk -v b="$1" 'BEGIN { if (b < 1024) printf "%d B", b; else if (b < 1048576) printf "%.1f KiB", b / 1024;
                         else if (b < 1073741824) printf "%.1f MiB", b / 1048576; else printf "%.2f GiB", b / 1073741824 }'
}
table() { # $1: WALL|CPU
  local kind="$1" s n r name
  s=$(( $(med "$kind" recorded:startup) - $(med "$kind" native:startup) ))
  echo
  if [ "$kind" = WALL ]; then
    echo "Wall time, medians of $RUNS interleaved runs:"
    echo
    echo "| workload | native | \`omni record\` | ratio, raw | ratio minus start-up | whole trace | events stream | system calls |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  else
    echo "CPU time (user + sys of the recorder's JVM and the program together), medians of the same runs:"
    echo
    echo "| workload | native | \`omni record\` | ratio, raw | ratio minus start-up |"
    echo "|---|---:|---:|---:|---:|"
  fi
  for name in "${NAMES[@]}"; do
    n=$(med "$kind" "native:$name")
    r=$(med "$kind" "recorded:$name")
    awk -v cmd="$(show "$name")" -v n="$n" -v r="$r" -v s="$s" -v startup="$([ "$name" = startup ] && echo 1 || echo 0)" \
        -v sizes="$([ "$kind" = WALL ] && echo " $(human "${TOTAL[$name]}") | $(human "${EVENTS[$name]}") | ${SYSCALLS[$name]} |")" '
      BEGIN {
        adjusted = startup ? sprintf("(S = %.3f s)", s / 1e9) : sprintf("%.2fx", (r - s) / n)
        printf "| %s | %.3f s | %.3f s | %.1fx | %s |%s\n", cmd, n / 1e9, r / 1e9, r / n, adjusted, sizes
      }'
  done
  awk -v v="$(med "$kind" version:startup)" -v pad="$([ "$kind" = WALL ] && echo " | | |")" \
    'BEGIN { printf "| reference: `omni --version` (JVM start, nothing recorded) | | %.3f s | | |%s\n", v / 1e9, pad }'
  if [ "$HAVE_FLOOR" = 1 ]; then
    awk -v f="$(med "$kind" floor:copy_io)" -v n="$(med "$kind" native:copy_io)" -v pad="$([ "$kind" = WALL ] && echo " | | ${SYSCALLS[copy_io]} |")" \
      'BEGIN { printf "| reference: copy_io under ptrace-floor (nothing recorded) | %.3f s | %.3f s | %.1fx | |%s\n", n / 1e9, f / 1e9, f / n, pad }'
  fi
}
table WALL
table CPU
echo
echo "Ratio, raw: recorded / native. Ratio minus start-up: (recorded - S) / native, where S is the recorded /bin/true median minus the native one (in each table its own S): the fixed cost of starting omni and the recorder. Trace sizes from the warm-up recording (\`omni info --json\`: totalBytes, eventStreamBytes); system calls: its syscall_enter events. ptrace-floor: scripts/ptrace-floor.c."

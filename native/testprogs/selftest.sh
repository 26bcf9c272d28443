#!/usr/bin/env bash
# selftest.sh [BUILD_TESTS_DIR]: checks the programs in build/tests against their contract in
# README.md: each program runs twice with its documented arguments and must print exactly
# expected/NAME.stdout (or, for copy_io, a computed line) and exit with its documented status; then
# check-watch.sh must report the documented value sequences. Prints one line per check and
# "N passed, N failed" at the end; exits 1 if anything failed.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=${1:-$here/../build/tests}
bin=$(cd "$bin" && pwd)
passed=0 failed=0
tmp=$(mktemp -d /tmp/testprogs-selftest.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

ok()   { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# run NAME EXPECTED_STATUS [ARGS...]: twice, stdout compared with expected/NAME.stdout.
run() {
  local name=$1 want=$2; shift 2
  local i status
  for i in 1 2; do
    (cd "$tmp" && "$bin/$name" "$@") >"$tmp/out" 2>"$tmp/err"
    status=$?
    if [ "$status" -ne "$want" ]; then
      fail "$name $* (run $i): exit status $status, expected $want"; sed 's/^/     /' "$tmp/err"; return
    fi
    if ! diff -u "$here/expected/$name.stdout" "$tmp/out" >"$tmp/diff"; then
      fail "$name $* (run $i): stdout differs"; sed 's/^/     /' "$tmp/diff"; return
    fi
  done
  ok "$name $*"
}

# watch NAME VAR 'V1 V2 ...' [ARGS...]: the new values check-watch.sh reports, space-separated.
watch() {
  local name=$1 var=$2 want=$3; shift 3
  local got
  got=$("$here/check-watch.sh" "$bin/$name" "$var" "$@" 2>"$tmp/err" | tr '\n' ' ' | sed 's/ $//')
  if [ "$got" = "$want" ]; then ok "watch $name $var: $(echo "$want" | cut -c1-100)"
  else fail "watch $name $var: got '$got', expected '$want'"; sed 's/^/     /' "$tmp/err" | tail -n 10; fi
}

# oracle NAME 'MARK=HITS ...': values-oracle.sh's breakpoint hit counts, a stop for every hit, each
# stop with its frame 0's arguments and locals, the program exiting 0.
oracle() {
  local name=$1 want=$2 got
  got=$("$here/values-oracle.sh" "$bin/$name" 2>"$tmp/err" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["exit_code"] == 0, "exit code %r" % d["exit_code"]
for m in d["marks"]:
    stops = [s for s in d["stops"] if s["mark"] == m["name"]]
    assert len(stops) == m["breakpoint"]["hits"], m["name"]
    for s in stops:
        f = s["frames"][0]
        assert f["args"] is not None and f["locals"] is not None, m["name"]
        assert all(p.get("value") or p.get("error") for p in f["prints"]), m["name"]
print(" ".join("%s=%d" % (m["name"], m["breakpoint"]["hits"]) for m in d["marks"]))
' 2>>"$tmp/err")
  if [ "$got" = "$want" ]; then ok "values-oracle $name: $want"
  else fail "values-oracle $name: got '$got', expected '$want'"; sed 's/^/     /' "$tmp/err" | tail -n 10; fi
}

run hello_static 0 a b
run hello_dynamic 3 one two
run counter 0
run cxx_exceptions 0
run threads_mutex 0
run fork_exec_wait 0
run signals 0
run memory_maps 0
run pipes_sockets 0
run time_random 0
run compute 0 1000000
run loop100m 0
run calls 0
run demo_bug 0
run spawns 0
run isa_probe 0 SSE4_2 AES
run cpu_dispatch 0
run many_mappings 0
run values_c_O0 0
run values_c_O2 0
run values_cxx 0
run values_threads 0
run values_opt_O2 0
run values_opt_Og 0
run values_cpp2_O0 0
run values_cpp2_O2 0
run dataflow_file 0 "$here/dataflow_input.bin" 7
run dataflow_fork_pipe 0
DATAFLOW_SECRET=1234 run dataflow_sources 0
run dataflow_cxx 0 5
run crash_segv 139

# dataflow_*: the facts README.md's "Data flow" section rests on. The input file's numbers at their
# offsets; dataflow_sources without its variable; glibc's memcpy really called (memcpy@plt, not
# inlined moves); bonus loaded from .rodata, not folded into an immediate.
if [ "$(od -A n -t d4 -j 16 -N 12 "$here/dataflow_input.bin" | tr -s ' ')" = " 1234 56 287454020" ] &&
   [ "$(wc -c <"$here/dataflow_input.bin")" -eq 32 ]; then
  ok "dataflow_input.bin: 32 bytes, int32 1234 56 287454020 at offsets 16 20 24"
else
  fail "dataflow_input.bin: not the documented 32 bytes"
fi
if (unset DATAFLOW_SECRET; "$bin/dataflow_sources") >/dev/null 2>&1; [ $? -eq 2 ]; then
  ok "dataflow_sources without DATAFLOW_SECRET: exit 2"
else
  fail "dataflow_sources without DATAFLOW_SECRET: exit status not 2"
fi
if command -v objdump >/dev/null 2>&1; then
  if objdump -d --no-show-raw-insn "$bin/dataflow_file" | sed -n '/^[0-9a-f]* <main>:/,/^$/p' | grep -q 'call.*<memcpy@plt>'; then
    ok "dataflow_file: main calls memcpy@plt"
  else
    fail "dataflow_file: main does not call memcpy@plt"
  fi
  if objdump -d --no-show-raw-insn "$bin/dataflow_cxx" | sed -n '/^[0-9a-f]* <_Z9add_bonusRK4Base>:/,/^$/p' | grep -q 'lea.*<bonus>' &&
     nm "$bin/dataflow_cxx" | grep -q ' R bonus$'; then
    ok "dataflow_cxx: add_bonus loads bonus from .rodata"
  else
    fail "dataflow_cxx: add_bonus does not load bonus from .rodata"
  fi
else
  echo "skip objdump checks: no objdump"
fi

# alarm_loop: how many iterations run before the SIGALRM depends on the machine.
if out=$("$bin/alarm_loop") && [ "$(echo "$out" | sed -n 2p)" = "stopped by SIGALRM" ] &&
   echo "$out" | head -1 | grep -q -E '^iterations=[1-9][0-9]*$'; then
  ok "alarm_loop"
else
  fail "alarm_loop: printed '$out'"
fi

# copy_io: a 1 MiB + 123 byte file, copied byte for byte.
head -c $((1024 * 1024 + 123)) /dev/urandom >"$tmp/in"
if out=$("$bin/copy_io" "$tmp/in" "$tmp/copy") && [ "$out" = "copied 1048699 bytes" ] && cmp -s "$tmp/in" "$tmp/copy"; then
  ok "copy_io"
else
  fail "copy_io: printed '$out' or the copy differs"
fi

# time_random with a file argument: the same stdout, and the raw values in key=value lines.
if out=$("$bin/time_random" "$tmp/raw") && [ "$out" = "$(cat "$here/expected/time_random.stdout")" ] &&
   [ "$(cut -d= -f1 "$tmp/raw" | tr '\n' ' ')" = "monotonic1 monotonic2 realtime gettimeofday time rdtsc1 rdtsc2 rdtscp rdtscp_aux getrandom " ] &&
   grep -q -E '^getrandom=[0-9a-f]{32}$' "$tmp/raw"; then
  ok "time_random FILE"
else
  fail "time_random FILE: stdout or the raw-values file is not as documented"
fi

if command -v gdb >/dev/null 2>&1; then
  watch counter counter '1 2 3 4 5 6 7 8 9 10'
  watch counter values '{0, -1, -1, -1, -1, -1, -1, -1} {0, 1, -1, -1, -1, -1, -1, -1} {0, 1, 4, -1, -1, -1, -1, -1} {0, 1, 4, 9, -1, -1, -1, -1} {0, 1, 4, 9, 16, -1, -1, -1} {0, 1, 4, 9, 16, 25, -1, -1} {0, 1, 4, 9, 16, 25, 36, -1} {0, 1, 4, 9, 16, 25, 36, 49}'
  watch counter 'values[5]' '25'
  watch cxx_exceptions caught '1 2 3'
  watch cxx_exceptions rethrows '1'
  watch threads_mutex threads_done '1 2 3 4'
  watch threads_mutex shared_total "$(seq -s ' ' 1 4000)"
  watch fork_exec_wait stage '1 3'
  watch signals ticks '1 2 3'
  watch signals usr1_seen '1'
  watch memory_maps phase '1 2 3 4 5'
  watch pipes_sockets round_trips '1 2 3'
  watch loop100m sink '7 21 42 70' 5
  watch calls depth '1 2 3 4 5 4 3 2 1 0'
  watch calls depth_max '1 2 3 4 5'
  watch calls jumps '1'
  watch demo_bug balance '500 750 630 670 512 612 567'
  watch demo_bug tx_count '1 2 3 4 5 6 7 8'
  watch values_threads finished '1 2 3'
  watch dataflow_file total '69111' "$here/dataflow_input.bin" 7
  watch dataflow_fork_pipe inherited '607'
  watch dataflow_fork_pipe received '42'
  watch dataflow_fork_pipe received_inherited '607'
  DATAFLOW_SECRET=1234 watch dataflow_sources env_value '1234'
  watch dataflow_cxx cxx_result '115' 5

  # The values oracle: gdb's hit count of every marked line, and values at every stop.
  oracle values_c_O0 'inspect=2 blocks_inner=1 blocks_middle=1 descend=4 counted=3 main_end=1'
  oracle values_c_O2 'inspect=2 blocks_inner=1 blocks_middle=1 descend=4 counted=3 main_end=1'
  oracle values_cxx 'area=3 twice=2 largest=2 shift=2 measure=2 main_end=1'
  oracle values_threads 'work=9 joined=1'
  oracle values_opt_O2 'inlined=6 by_value=1 minmax=1 loop=3 shape=3 many=1 across=1 tail=1 long_double=1 main_end=1'
  oracle values_opt_Og 'inlined=6 by_value=1 minmax=1 loop=3 shape=3 many=1 across=1 tail=1 long_double=1 main_end=1'
  oracle values_cpp2_O0 'weight=1 lookup=2 adjust=1 lambda=2 main_end=1'
  oracle values_cpp2_O2 'weight=1 lookup=1 adjust=1 lambda=2 main_end=1'
else
  echo "skip watch and values-oracle checks: no gdb"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

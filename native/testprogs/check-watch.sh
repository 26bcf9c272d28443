#!/usr/bin/env bash
# check-watch.sh PROGRAM VAR [ARGS...]
#
# The oracle for "when did VAR change": runs PROGRAM ARGS under gdb in batch mode, stops at main,
# sets a hardware watchpoint with `watch -l VAR` and prints the new value at every change, one per
# line, until the program ends. VAR is any expression gdb can take the address of (counter,
# values, values[3], owner). The initial value is not printed.
#
# gdb reports a change only when a store changes the value (a store of the value already there is
# not reported). Threads are all watched; forked children are not (gdb stays with the parent and
# detaches the child). The program's own output and gdb's messages go to a log, shown on failure
# or with CHECK_WATCH_VERBOSE=1 (on stderr). CHECK_WATCH_TIMEOUT (seconds, default 300) bounds
# the run.
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 PROGRAM VAR [ARGS...]" >&2
  exit 2
fi
prog=$1 var=$2
shift 2
if [ ! -x "$prog" ]; then
  echo "check-watch: not an executable: $prog" >&2
  exit 2
fi
case $prog in */*) ;; *) prog=./$prog ;; esac

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tmp=$(mktemp -d /tmp/check-watch.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

status=0
CHECK_WATCH_VAR=$var CHECK_WATCH_OUT=$tmp/values \
  timeout "${CHECK_WATCH_TIMEOUT:-300}" \
  gdb -nx -nh -batch -x "$here/check-watch.py" --args "$prog" "$@" </dev/null >"$tmp/log" 2>&1 \
  || status=$?

if [ "${CHECK_WATCH_VERBOSE:-0}" = 1 ]; then
  cat "$tmp/log" >&2
fi
# gdb -batch exits 0 even when the script fails: only the script's own marker says it finished.
if [ $status -ne 0 ] || [ ! -f "$tmp/values.done" ]; then
  [ "${CHECK_WATCH_VERBOSE:-0}" = 1 ] || tail -n 30 "$tmp/log" >&2
  echo "check-watch: gdb failed (status $status) watching $var in $prog" >&2
  exit 1
fi
cat "$tmp/values"

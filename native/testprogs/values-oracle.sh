#!/usr/bin/env bash
# values-oracle.sh PROGRAM [ARGS...]
#
# The oracle of source-level values (issue 12): runs PROGRAM natively under gdb in batch mode
# (values_oracle.py), with a `break FILE:LINE` on every line of its source marked `MARK name`, and
# prints one JSON document on stdout: at every stop, the thread, `info args`, `info locals` and the
# marked `print EXPR`s (in frame 0, and in frames 1..N for marks that say `up N`); each
# breakpoint's hit count and addresses; the exit code. The source is the file of `main` (or
# $VALUES_ORACLE_SOURCE). gdb's log and the program's output go to stderr with
# VALUES_ORACLE_VERBOSE=1, and on failure; VALUES_ORACLE_TIMEOUT (seconds, default 300) bounds the run.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 PROGRAM [ARGS...]" >&2
  exit 2
fi
prog=$1
shift
if [ ! -x "$prog" ]; then
  echo "values-oracle: not an executable: $prog" >&2
  exit 2
fi
case $prog in */*) ;; *) prog=./$prog ;; esac

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tmp=$(mktemp -d /tmp/values-oracle.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

status=0
VALUES_ORACLE_OUT=$tmp/oracle.json \
  timeout "${VALUES_ORACLE_TIMEOUT:-300}" \
  gdb -nx -nh -batch -x "$here/values_oracle.py" --args "$prog" "$@" </dev/null >"$tmp/log" 2>&1 \
  || status=$?

if [ "${VALUES_ORACLE_VERBOSE:-0}" = 1 ]; then
  cat "$tmp/log" >&2
fi
# gdb -batch exits 0 even when the script fails: only the script's own marker says it finished.
if [ $status -ne 0 ] || [ ! -f "$tmp/oracle.json.done" ]; then
  [ "${VALUES_ORACLE_VERBOSE:-0}" = 1 ] || tail -n 30 "$tmp/log" >&2
  echo "values-oracle: gdb failed (status $status) on $prog" >&2
  exit 1
fi
cat "$tmp/oracle.json"

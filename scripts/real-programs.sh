#!/usr/bin/env bash
# real-programs.sh: records real programs too long to replay in ./omni test, replays each with
# --verify and prints one line per program: instructions, replay seconds, OK or the problem.
# The quick ones (git, make, sh, xz, Go, Rust, node, java -version) are RealProgramsTest's.
#
#   scripts/real-programs.sh [--full] [--keep DIR]
#
# --full: also `openssl speed -seconds 1 sha256` over all six block sizes (about 60 billion
# instructions here; the replay takes the better part of an hour) besides the one-size run.
# --keep DIR: keep the traces in DIR (default: a temporary directory, removed at the end).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FULL=no
KEEP=
while [ $# -gt 0 ]; do
  case $1 in
    --full) FULL=yes; shift ;;
    --keep) KEEP=$2; shift 2 ;;
    *) echo "usage: $0 [--full] [--keep DIR]" >&2; exit 2 ;;
  esac
done
work=${KEEP:-$(mktemp -d /tmp/omni-real.XXXXXX)}
mkdir -p "$work"
[ -n "$KEEP" ] || trap 'rm -rf "$work"' EXIT

# A make project that compiles three C files (cc1, as and ld: about 290 million instructions).
mkdir -p "$work/make-project"
for f in a b c; do printf 'int %s(int x) { return x + 1; }\n' $f >"$work/make-project/$f.c"; done
printf 'int a(int);int b(int);int c(int);\n#include <stdio.h>\nint main(void){printf("%%d\\n", a(b(c(0))));return 0;}\n' >"$work/make-project/main.c"
printf 'prog: a.o b.o c.o main.o\n\t$(CC) -o $@ $^\n' >"$work/make-project/Makefile"

programs=(
  "openssl-speed-16|openssl speed -seconds 1 -bytes 16 sha256"
  "make-c|make -s -C $work/make-project"
  "aes-gcm|openssl speed -seconds 1 -bytes 16 -evp aes-128-gcm"
)
[ "$FULL" = yes ] && programs+=("openssl-speed|openssl speed -seconds 1 sha256")

for entry in "${programs[@]}"; do
  name=${entry%%|*}
  command=${entry#*|}
  trace="$work/$name"
  rm -rf "$trace"
  if ! "$ROOT/omni" record -o "$trace" -- sh -c "$command" >"$work/$name.out" 2>"$work/$name.err"; then
    echo "$name: recording failed: $(tail -1 "$work/$name.err")"
    continue
  fi
  start=$(date +%s)
  result=$("$ROOT/omni" replay --verify "$trace" 2>&1 | head -1 || true)
  echo "$name: $(( $(date +%s) - start )) s: $result"
done

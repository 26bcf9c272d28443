# Sourced by scripts/bench-server.sh and scripts/bench-ui.sh: loop100m recorded, packed, uploaded
# to a fresh `omni serve` and indexed, everything under one temporary directory removed at exit.
# The caller sets ROOT, JAR and PROGRAM; bench_start NAME ITERATIONS leaves WORK, URL, ID and
# SERVER_PID (the server, stopped at exit) set, and OMNI_HOME exported.

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

bench_cleanup() {
  if [ -n "${SERVER_PID:-}" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  [ -z "${WORK:-}" ] || rm -rf "$WORK"
}

# bench_workdir NAME: the temporary directory, removed (and the server stopped) at exit
bench_workdir() {
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/omni-$1.XXXXXX")"
  SERVER_PID=
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  export OMNI_HOME="$WORK/omni-home"
}

# bench_start NAME ITERATIONS
bench_start() {
  local name=$1 iterations=$2
  omni() { java --add-opens=java.base/java.nio=ALL-UNNAMED ${OMNI_JAVA_OPTS:-} -jar "$JAR" "$@"; }
  echo "## recording loop100m $iterations" >&2
  omni record -o "$WORK/trace" -- "$PROGRAM" "$iterations" >"$WORK/record.log" 2>&1
  omni pack "$WORK/trace" -o "$WORK/trace.omnitrace" >>"$WORK/record.log" 2>&1

  echo "## starting omni serve" >&2
  : >"$WORK/serve.log"
  # java itself in the background (not through the function), so that $! is the server's pid
  java --add-opens=java.base/java.nio=ALL-UNNAMED ${OMNI_JAVA_OPTS:-} -jar "$JAR" serve --port 0 >"$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  URL=
  for _ in $(seq 1 180); do
    URL=$(grep -o 'is serving at http://[^ ]*' "$WORK/serve.log" | head -1 | sed 's/is serving at //') || true
    [ -n "$URL" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
    sleep 1
  done
  [ -n "$URL" ] || { echo "$name: omni serve did not start" >&2; cat "$WORK/serve.log" >&2; exit 1; }

  echo "## uploading and indexing" >&2
  ID=$(curl -sf -F "file=@$WORK/trace.omnitrace" "$URL/api/traces" | json "d['id']")
  bench_wait_indexed
}

# bench_wait_indexed: until trace ID on URL is indexed (exits if it failed)
bench_wait_indexed() {
  local status
  while true; do
    status=$(curl -sf "$URL/api/traces/$ID" | json "d['status']")
    [ "$status" = indexed ] && break
    if [ "$status" = failed ]; then curl -s "$URL/api/traces/$ID" >&2; exit 1; fi
    sleep 2
  done
}

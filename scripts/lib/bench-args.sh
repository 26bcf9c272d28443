# Sourced by the server benchmarks (bench-server.sh, bench-values.sh, bench-dataflow.sh): their shared
# options. bench_args NAME "$@" sets CLIENTS (1,32), SECONDS_PER_RUN (30), ITERATIONS (11500000)
# and JAR_ARG (empty) from --clients, --seconds, --iterations and --jar, prints the calling
# script's header comment for --help, and exits 2 on anything else or on a number that is not a
# positive integer.
bench_args() {
  local name=$1
  shift
  CLIENTS=1,32
  SECONDS_PER_RUN=30
  ITERATIONS=11500000
  JAR_ARG=
  while [ $# -gt 0 ]; do
    case "$1" in
      --clients) CLIENTS="$2"; shift 2 ;;
      --seconds) SECONDS_PER_RUN="$2"; shift 2 ;;
      --iterations) ITERATIONS="$2"; shift 2 ;;
      --jar) JAR_ARG="$2"; shift 2 ;;
      -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
      *) echo "$name: unknown argument '$1' (see $0 --help)" >&2; exit 2 ;;
    esac
  done
  local v
  for v in ${CLIENTS//,/ } "$SECONDS_PER_RUN" "$ITERATIONS"; do
    case "$v" in ''|*[!0-9]*|0) echo "$name: numbers must be positive integers, not '$v'" >&2; exit 2 ;; esac
  done
}

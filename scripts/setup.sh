#!/usr/bin/env bash
# Checks this machine for what Omniscope needs to build, run and test, and installs what is
# missing with apt on Debian/Ubuntu when running as root. Otherwise prints the exact command and
# fails. Silent when nothing is missing. Used by ./omni before every command.
set -euo pipefail

missing=()      # Debian packages to install
problems=()     # things apt cannot fix

need_command() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need_file()    { [ -e "$1" ] || missing+=("$2"); }

need_command gcc      gcc
need_command g++      g++
need_command make     make
need_command java     openjdk-17-jdk-headless
need_command javac    openjdk-17-jdk-headless
need_command mvn      maven
need_command node     nodejs
need_command npm      npm
need_command gdb      gdb          # the oracle of the history tests
need_file /usr/lib/debug/.build-id libc6-dbg  # libc's symbols, carried in traces to name its functions
need_command sqlite3  sqlite3      # recorded by the recorder's tests
need_command python3  python3      # recorded by the recorder's tests
need_command unshare  util-linux   # the embedded PostgreSQL runs under unshare -U as root
# Real programs the indexer's tests record (RealProgramsTest): tools that spawn, and runtimes that
# ask the CPU for its features themselves.
need_command git      git
need_command xz       xz-utils
need_command openssl  openssl
need_command go       golang-go
if ! command -v rustc >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/rustc" ]; then missing+=(rustc); fi
need_file /usr/include/unicorn/unicorn.h   libunicorn-dev
need_file /usr/include/capstone/capstone.h libcapstone-dev
need_file /usr/include/elfutils/libdw.h    libdw-dev
need_file /usr/include/gelf.h              libelf-dev
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi

# De-duplicate, keeping order.
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++')
fi

if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "omni: this machine lacks what Omniscope needs to build; on Debian/Ubuntu these packages provide it:" >&2
    echo "  ${missing[*]}" >&2
    exit 1
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "omni: missing system packages: ${missing[*]}" >&2
    echo "Install them, then run ./omni again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "omni: installing system packages: ${missing[*]} ..." >&2
  log=$(mktemp /tmp/omni-apt.XXXXXX.log)
  if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    echo "omni: apt-get failed; full log: $log" >&2
    exit 1
  fi
  rm -f "$log"
fi

# Versions, once the commands exist.
java_major=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
if [ -z "$java_major" ] || [ "${java_major%%.*}" -lt 17 ]; then
  problems+=("Java 17 or later is needed (java on PATH is ${java_major:-unknown}); install openjdk-17-jdk-headless or set PATH")
fi
node_version=$(node --version 2>/dev/null | sed 's/^v//')
node_major=${node_version%%.*}
node_minor=$(echo "$node_version" | cut -d. -f2)
if [ -z "$node_version" ] || [ "$node_major" -lt 20 ] || { [ "$node_major" -eq 20 ] && [ "$node_minor" -lt 19 ]; }; then
  problems+=("Node.js 20.19 or later is needed to build the web UI (node is ${node_version:-missing}); see https://github.com/nodesource/distributions")
fi

if [ ${#problems[@]} -gt 0 ]; then
  for p in "${problems[@]}"; do echo "omni: $p" >&2; done
  exit 1
fi

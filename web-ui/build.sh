#!/usr/bin/env bash
# Builds the web UI into web-ui/dist, which the server module bundles and serves at /.
# Called by the Maven build; does nothing when dist is newer than every source.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ -f dist/index.html ] && [ -z "$(find src index.html package.json package-lock.json tsconfig.json vite.config.ts -newer dist/index.html -print -quit)" ]; then
  exit 0
fi
npm run --silent build

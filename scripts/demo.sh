#!/usr/bin/env bash
# One command for the demo: sets everything up, then serves Lifeline on an SQLite file with a
# seeded synthetic Wuhan scenario. Ctrl-C stops it; running it again keeps the same data.
#   PORT=8080 HOST=127.0.0.1 DATA=lifeline-data ./scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
data="${DATA:-lifeline-data}"
mkdir -p "$data"
exec build/src/cli/lifeline demo --db "$data/demo.db" --host "${HOST:-127.0.0.1}" \
  --port "${PORT:-8080}"

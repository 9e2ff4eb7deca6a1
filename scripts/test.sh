#!/usr/bin/env bash
# One command for the tests: sets everything up (including the browser test's npm packages)
# and runs every test through CTest: unit and API tests on SQLite and on a throw-away
# PostgreSQL server, the kill -9 durability test, and the browser test in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
echo "test: installing the browser test's npm packages"
npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
cd build
ctest --output-on-failure --timeout 600 -j "$(nproc)"

#!/usr/bin/env bash
# The companion engine at the issue's scale (issue 5): 200 million cell-tower records of a
# synthetic city (1,000,000 phones, 14 days, 1,000 cases) from CSV, then the same query from the
# binary columnar store, with wall time and peak memory of each, and a check that both outputs are
# the same bytes.
#
#   bench/companions_scale.sh [BUILD_DIR [DATA_DIR [PHONES]]]
#
# BUILD_DIR defaults to build/, DATA_DIR to /tmp/lifeline-city (generated there with
# `lifeline gen-mobility` unless cells.csv, records.csv and cases.csv already exist; about 6 GB,
# never committed), PHONES to 1000000 (records scale with it: about 200 per phone).
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:-build}
data=${2:-/tmp/lifeline-city}
phones=${3:-1000000}
lifeline="$build/src/cli/lifeline"
[[ -x $lifeline ]] || { echo "no $lifeline: build first (scripts/setup.sh)" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (Debian package time)" >&2; exit 1; }

if [[ ! -f $data/records.csv ]]; then
  echo "== generating the city in $data"
  /usr/bin/time -f "gen-mobility: %e s wall, %M KB peak" \
    "$lifeline" gen-mobility --out "$data" --phones "$phones" --days 14 --cases 1000 --seed 1
fi
records_bytes=$(stat -c %s "$data/records.csv")
echo "== records.csv: $((records_bytes / 1048576)) MB"

# Reads the file once so the first timed run does not pay for the disk alone (both runs below
# then read from the page cache, as a repeated query on a tracer's machine would).
cat "$data/records.csv" > /dev/null

run() {  # LABEL ARGS... : runs lifeline with /usr/bin/time, prints wall and peak
  local label=$1
  shift
  # English progress, which the summaries below pick lines from.
  LIFELINE_LANG=en /usr/bin/time -o "$data/time.$label" -f "%e %M" "$lifeline" "$@" \
    2> "$data/stderr.$label"
  read -r wall peak_kb < "$data/time.$label"
  printf '%-28s %8.1f s  %8.2f GB peak\n' "$label" "$wall" "$(echo "$peak_kb / 1048576" | bc -l)"
}

echo "== from CSV (threads: all cores)"
run csv companions --cells "$data/cells.csv" --records "$data/records.csv" \
  --cases "$data/cases.csv" --out "$data/pairs.csv"
{ grep -E "records read|Read |Sorted|Built|Found" "$data/stderr.csv" || true; } | sed 's/^/   /'
echo "== ingest into the columnar store"
run ingest companions ingest --cells "$data/cells.csv" --records "$data/records.csv" \
  --store "$data/city.runs"
echo "== repeated query from the store"
run store companions --store "$data/city.runs" --cases "$data/cases.csv" \
  --out "$data/pairs_store.csv"
{ grep -E "Read the store|Built|Found" "$data/stderr.store" || true; } | sed 's/^/   /'
if cmp -s "$data/pairs.csv" "$data/pairs_store.csv"; then
  echo "== outputs identical: $(($(wc -l < "$data/pairs.csv") - 1)) pairs"
else
  echo "== OUTPUTS DIFFER" >&2
  exit 1
fi
echo "targets: from CSV <= 60 s (aim 30 s) and <= 8 GB; from the store <= 10 s"

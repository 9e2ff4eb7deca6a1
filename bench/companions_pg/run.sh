#!/usr/bin/env bash
# Issue 5's side-by-side benchmark: the companion rule in PostgreSQL 15 (schema.sql, rule.sql)
# and in `lifeline companions`, on the same files, in one run. Checks that both outputs are
# byte-identical and prints both times and their ratio against the target (>= 50x end to end).
#
#   bench/companions_pg/run.sh BUILD_DIR [DATA_DIR]
#
# DATA_DIR holds cells.csv, records.csv and cases.csv (times as Unix seconds); without it the
# script generates a city of about 5 million records with `lifeline gen-mobility`. PostgreSQL runs
# as a private, throw-away server (tests/postgres/start.sh; installed with apt-get if missing)
# that is stopped and deleted on exit, like every other temporary file.
#
# PostgreSQL end to end = load (CREATE TABLE, COPY of the three files, ANALYZE) + query
# (rule.sql: grid, stays, indexes, the join, the output CSV written by COPY TO STDOUT).
# Lifeline end to end = one `lifeline companions ... --threads 2` process, CSV in to CSV out (the
# median of three runs, each with its inputs just read again).
# The input files are read once beforehand so that neither side pays for a cold page cache.
set -euo pipefail

readonly kPhones=25000
readonly kDays=14
readonly kCases=1000
readonly kThreads=2
readonly kTargetRatio=50
readonly kLifelineRuns=3

say() { echo "companions_pg: $*"; }
die() {
  echo "companions_pg: ERROR: $*" >&2
  exit 1
}

[[ $# -ge 1 && $# -le 2 ]] || die "usage: $0 BUILD_DIR [DATA_DIR]"
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=$(cd "$1" && pwd) || die "no build directory $1"
lifeline=$build/src/cli/lifeline
[[ -x $lifeline ]] || die "$lifeline is missing; build the lifeline target first"

work=$(mktemp -d "${TMPDIR:-/tmp}/companions_pg.XXXXXX") || die "mktemp failed"
cleanup() {
  [[ -f $work/server/server.env ]] && bash "$repo/tests/postgres/stop.sh" "$work/server" >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
# rule.sql hands the output path to psql's \o, which splits at blanks.
[[ $work != *[[:space:]]* ]] || die "TMPDIR must not contain blanks: $work"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

if [[ $# -eq 2 ]]; then
  data=$(cd "$2" && pwd) || die "no data directory $2"
else
  data=$work/data
  say "generating $kPhones phones x $kDays days, $kCases cases with lifeline gen-mobility"
  "$lifeline" gen-mobility --out "$data" --phones "$kPhones" --days "$kDays" --cases "$kCases" \
    >"$work/gen.log" 2>&1 || {
    cat "$work/gen.log" >&2
    die "gen-mobility failed"
  }
fi
for file in cells records cases; do
  [[ -r $data/$file.csv ]] || die "$data/$file.csv is missing"
done
records=$(($(wc -l <"$data/records.csv") - 1))
say "data: $data ($records records, $(($(wc -l <"$data/cells.csv") - 1)) towers," \
  "$(($(wc -l <"$data/cases.csv") - 1)) cases, $(du -sh "$data/records.csv" | cut -f1) of records)"
cat "$data/cells.csv" "$data/records.csv" "$data/cases.csv" >/dev/null

# --- The server -------------------------------------------------------------------------------
bash "$repo/tests/postgres/start.sh" "$work/server" >"$work/start.log" 2>&1 || {
  cat "$work/start.log" >&2
  die "could not start PostgreSQL"
}
url=$(cat "$work/server/url")
# shellcheck source=/dev/null
source "$work/server/server.env"
psql_() { psql "$url" -X -q -v ON_ERROR_STOP=1 "$@"; }

# Settings for a one-off analytical job on this machine (2 cores, 24 GB): no durability (the
# data is thrown away), memory for in-memory sorts and hashes, both cores for parallel plans.
# shared_buffers needs a restart; the rest would take a reload.
psql_ <<'EOF'
ALTER SYSTEM SET fsync = off;
ALTER SYSTEM SET synchronous_commit = off;
ALTER SYSTEM SET full_page_writes = off;
ALTER SYSTEM SET wal_level = minimal;
ALTER SYSTEM SET max_wal_senders = 0;
ALTER SYSTEM SET max_wal_size = '20GB';
ALTER SYSTEM SET checkpoint_timeout = '1h';
ALTER SYSTEM SET shared_buffers = '4GB';
ALTER SYSTEM SET work_mem = '1GB';
ALTER SYSTEM SET maintenance_work_mem = '2GB';
ALTER SYSTEM SET effective_cache_size = '16GB';
ALTER SYSTEM SET random_page_cost = 1.1;
ALTER SYSTEM SET max_worker_processes = 8;
ALTER SYSTEM SET max_parallel_workers = 2;
ALTER SYSTEM SET max_parallel_workers_per_gather = 2;
ALTER SYSTEM SET max_parallel_maintenance_workers = 2;
ALTER SYSTEM SET parallel_setup_cost = 100;
ALTER SYSTEM SET parallel_tuple_cost = 0.01;
ALTER SYSTEM SET jit = off;
EOF
as_server_user() {
  if [[ $(id -u) -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}
as_server_user "$PG_BINDIR/pg_ctl" -D "$PG_DATA" -w -t 60 -m fast restart >/dev/null ||
  die "could not restart PostgreSQL with the benchmark settings"
say "PostgreSQL $(psql_ -Atc 'SHOW server_version') at $url"

# --- PostgreSQL: load -------------------------------------------------------------------------
pg_out=$work/postgres.csv
start=$(now)
psql_ -f "$here/schema.sql"
for table in cells records cases; do
  psql_ -c "COPY $table FROM STDIN WITH (FORMAT csv, HEADER true)" <"$data/$table.csv"
done
psql_ -c "ANALYZE cells, records, cases"
loaded=$(now)

# --- PostgreSQL: the rule ---------------------------------------------------------------------
psql_ -v out="$pg_out" -c '\timing on' -f "$here/rule.sql" >"$work/rule.log" 2>&1 || {
  cat "$work/rule.log" >&2
  die "rule.sql failed"
}
queried=$(now)
pg_load=$(elapsed "$start" "$loaded")
pg_query=$(elapsed "$loaded" "$queried")
pg_total=$(elapsed "$start" "$queried")
say "PostgreSQL: load $pg_load s, query $pg_query s; by step:"
awk '/^step: / { step = substr($0, 7); next }
     /^Time: / { seconds[step] += $2 / 1000; if (!(step in seen)) { seen[step] = 1; order[++n] = step } }
     END { for (i = 1; i <= n; ++i) printf "  %-40s %7.2f s\n", order[i], seconds[order[i]] }' \
  "$work/rule.log"

# --- Lifeline ---------------------------------------------------------------------------------
# A run of a second or two feels this shared machine's moments (other tenants, page reclaim)
# far more than PostgreSQL's minute does, so Lifeline runs kLifelineRuns times, each with its
# inputs just read again (as COPY has them), and its median time counts. Every run must write
# the same bytes.
lifeline_out=$work/lifeline.csv
times=()
for run in $(seq "$kLifelineRuns"); do
  cat "$data/cells.csv" "$data/records.csv" "$data/cases.csv" >/dev/null
  out=$work/lifeline.$run.csv
  start=$(now)
  status=0
  "$lifeline" companions --cells "$data/cells.csv" --records "$data/records.csv" \
    --cases "$data/cases.csv" --out "$out" --threads "$kThreads" 2>"$work/lifeline.log" ||
    status=$?
  finished=$(now)
  if [[ $status -ne 0 ]]; then
    cat "$work/lifeline.log" >&2
    # 3 = some rows were skipped as bad; PostgreSQL would have refused the same files.
    die "lifeline companions exited with $status"
  fi
  times+=("$(elapsed "$start" "$finished")")
  if [[ $run -eq 1 ]]; then
    mv "$out" "$lifeline_out"
    say "Lifeline, first run, by step (from its progress output):"
    grep -E '(took|用时) [0-9.]+ (s|秒)' "$work/lifeline.log" | sed 's/^/  /'
  else
    cmp -s "$out" "$lifeline_out" || die "Lifeline's run $run wrote other bytes than its first"
    rm -f "$out"
  fi
done
lifeline_total=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }')
say "Lifeline runs: ${times[*]} s; median $lifeline_total s"

# --- Same answer? -----------------------------------------------------------------------------
if ! cmp -s "$pg_out" "$lifeline_out"; then
  echo "companions_pg: MISMATCH between PostgreSQL and Lifeline (< postgres, > lifeline):" >&2
  diff "$pg_out" "$lifeline_out" | head -n 20 >&2 || true
  echo "companions_pg: lines: PostgreSQL $(wc -l <"$pg_out"), Lifeline $(wc -l <"$lifeline_out")" >&2
  exit 1
fi
pairs=$(($(wc -l <"$lifeline_out") - 1))
say "outputs are byte-identical: $pairs (case, companion) pairs, $(cksum <"$lifeline_out" | cut -d' ' -f1) cksum"

# --- The table --------------------------------------------------------------------------------
ratio=$(awk -v a="$pg_total" -v b="$lifeline_total" 'BEGIN { printf "%.1f", a / b }')
query_ratio=$(awk -v a="$pg_query" -v b="$lifeline_total" 'BEGIN { printf "%.1f", a / b }')
verdict=$(awk -v r="$ratio" -v t="$kTargetRatio" 'BEGIN { print (r >= t ? "met" : "NOT met") }')
echo
printf '| %-44s | %10s |\n' "$records records, $kThreads cores" "seconds"
printf '| %-44s | %10s |\n' "--------------------------------------------" "----------"
printf '| %-44s | %10s |\n' "PostgreSQL 15: load (COPY + ANALYZE)" "$pg_load"
printf '| %-44s | %10s |\n' "PostgreSQL 15: query (rule.sql, CSV out)" "$pg_query"
printf '| %-44s | %10s |\n' "PostgreSQL 15: end to end" "$pg_total"
printf '| %-44s | %10s |\n' "lifeline companions --threads $kThreads: end to end" "$lifeline_total"
printf '| %-44s | %10s |\n' "  (median of $kLifelineRuns runs)" ""
printf '| %-44s | %9sx |\n' "ratio, end to end (target >= ${kTargetRatio}x: $verdict)" "$ratio"
printf '| %-44s | %9sx |\n' "ratio, PostgreSQL query only" "$query_ratio"

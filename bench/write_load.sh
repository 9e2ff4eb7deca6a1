#!/usr/bin/env bash
# Sustained acknowledged writes through the whole HTTP stack on SQLite, measured from a
# separate load process (bench/http_load.cc). Prints throughput and latency percentiles and
# compares them with the target (default: issue 3's public intake, >= 2,000/s with p99 < 50 ms).
#
#   bench/write_load.sh [intake|hospitals] [--connections 16] [--seconds 10]
#
# Needs a Release build in build/ (./scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:-intake}"
shift || true
binary=build/src/cli/lifeline
load=build/bench/http_load
[ -x "$binary" ] && [ -x "$load" ] || { echo "build first: ./scripts/setup.sh" >&2; exit 2; }

work=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

port=$((20000 + RANDOM % 20000))
"$binary" demo --db "$work/bench.db" --port "$port" --residents 500 --public-rate 100000000 \
  >"$work/server.out" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

token=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/auth/login" \
  -d '{"username":"coordinator","password":"wuhan2020"}' | sed -E 's/.*"token":"([0-9a-f]+)".*/\1/')

bodies="$work/bodies.jsonl"
case "$kind" in
  hospitals)
    path=/api/v1/hospitals
    for i in $(seq 1 100000); do
      printf '{"name_zh":"压测医院%d","name_en":"Load test %d","district_code":"420106","kind":"general","beds":%d,"lat":30.55,"lon":114.31}\n' "$i" "$i" "$i"
    done >"$bodies"
    ;;
  intake)
    # Public help requests from distinct families (distinct phones, so none is linked as a
    # duplicate): varied ages, districts and vital signs, every one triaged on the way in.
    path=/api/v1/clinic/requests
    awk 'BEGIN {
      split("420102 420103 420104 420105 420106 420107 420111 420112 420113 420114 420115 420116 420117", d, " ");
      for (i = 1; i <= 100000; i++) {
        printf "{\"consent\":true,\"age_years\":%d,\"sex\":\"%s\",\"district_code\":\"%s\",", 18 + i % 70, (i % 2 ? "female" : "male"), d[1 + i % 13];
        printf "\"street\":\"Bench street %d\",\"phone\":\"139%08d\",\"onset_date\":\"2020-01-2%d\",", i % 50, i, i % 9;
        printf "\"spo2\":%d,\"on_oxygen\":false,\"resp_rate\":%d,\"heart_rate\":%d,\"temperature_c\":%.1f,", 85 + i % 14, 14 + i % 20, 70 + i % 60, 36.5 + (i % 30) / 10.0;
        printf "\"systolic_bp\":%d,\"consciousness\":\"A\",\"symptoms\":[\"cough\",\"fever\"],\"needs\":[\"advice\",\"oxygen\"]}\n", 95 + i % 50;
      }
    }' >"$bodies"
    ;;
  *) echo "unknown kind $kind (hospitals or intake)" >&2; exit 2 ;;
esac

echo "write_load: $kind on SQLite (WAL, synchronous=FULL), $(nproc) cores, server and load on this machine"
"$load" --port "$port" --path "$path" --bodies "$bodies" --token "$token" "$@" | tee "$work/result"
throughput=$(sed -nE 's/.*throughput_per_s=([0-9.]+).*/\1/p' "$work/result")
p99=$(sed -nE 's/.*p99_ms=([0-9.]+).*/\1/p' "$work/result")
awk -v t="$throughput" -v p="$p99" 'BEGIN {
  printf "target: >= 2000 writes/s and p99 < 50 ms -> %.2fx the throughput target, p99 %.1f ms (%s)\n",
    t / 2000, p, (t >= 2000 && p < 50) ? "met" : "NOT met" }'

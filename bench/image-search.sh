#!/usr/bin/env bash
# End-to-end search by an uploaded photo (issue 8; goal p99 under 1.5 s): one node with the demo district and
# CAPTURES demo captures (vectors from the real models); once the demo-captures job has finished, clients upload the
# packaged group photos (@vladmandic/face-api demo/sample1-6.jpg) to POST /api/search/image with type=face. Each
# request detects the faces, computes the largest one's vector, searches the vector index and joins the captures.
#   bench/image-search.sh [--runs N] [--seconds S] [--concurrency C] [--captures N] [--port P]
# Prints each run and the medians of p50 and p99.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

runs=3
seconds=30
concurrency=1
captures=20000
port=5190
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --captures) captures=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    *) die "unknown argument $1" ;;
  esac
done
command -v node >/dev/null || die "node is required"
photos=("$BENCH_ROOT"/vision/model-service/node_modules/@vladmandic/face-api/demo/sample{1,2,3,4,5,6}.jpg)
[[ -f "${photos[0]}" ]] || die "the sample photos are missing: (cd vision/model-service && npm ci)"
require_free_port "$port"
if [[ "$BENCH_LAUNCHER" == run.sh ]]; then build_once; fi
log "launcher: $(launcher_description); $(nproc) cores; $captures demo captures; $runs runs of $seconds s at $concurrency concurrent"

data="$BENCH_TMP/data"
START_NS=$(date +%s%N)
start_server_with "$port" "$data" --CityEye:DemoAuditUsers=0 "--CityEye:DemoCaptures=$captures"
wait_ready "$port" 300 >/dev/null
cookies="$BENCH_TMP/cookies"
curl -s -c "$cookies" -H 'Content-Type: application/json' -H 'X-CityEye-Request: 1' \
  -d '{"username":"admin","password":"Admin#2026"}' "http://$BENCH_HOST:$port/api/auth/login" >/dev/null
waited=0
while true; do
  job=$(curl -s -b "$cookies" "http://$BENCH_HOST:$port/api/jobs?kind=demo-captures&pageSize=1")
  status=$(sed -E 's/.*"status":"([a-z]+)".*/\1/' <<<"$job")
  [[ "$status" == succeeded ]] && break
  [[ "$status" == failed ]] && die "the demo-captures job failed: $job"
  (( waited % 60 == 0 )) && log "demo captures: $(sed -E 's/.*"message":"([^"]*)".*/\1/' <<<"$job")"
  sleep 5; waited=$((waited + 5))
  (( waited < 3600 )) || die "the demo captures did not finish in an hour"
done
log "demo captures ready after ${waited} s: $(sed -E 's/.*"result":"([^"]*)".*/\1/' <<<"$job")"
# One warm-up search (opens the ONNX sessions, warms the model service).
node "$BENCH_ROOT/bench/image-search-load.mjs" "http://$BENCH_HOST:$port" 3 1 "${photos[0]}" >/dev/null
p50s=()
p99s=()
for run in $(seq 1 "$runs"); do
  line=$(node "$BENCH_ROOT/bench/image-search-load.mjs" "http://$BENCH_HOST:$port" "$seconds" "$concurrency" "${photos[@]}")
  log "run $run: $line"
  p50s+=("$(sed -E 's/.*"p50":([0-9]+).*/\1/' <<<"$line")")
  p99s+=("$(sed -E 's/.*"p99":([0-9]+).*/\1/' <<<"$line")")
done
echo "image search by upload ($captures captures, $concurrency concurrent, $runs runs of $seconds s): p50 median $(median "${p50s[@]}") ms, p99 median $(median "${p99s[@]}") ms"
stop_server

#!/usr/bin/env bash
# Capture ingest into the embedded stores (journal -> DuckDB + USearch), vectors supplied by the source system (the
# issue's goal: at least 5,000 captures/s sustained). One node with the demo district; each run sends COUNT new
# captures of each type from 2 senders in batches of 1,000 and waits until the analytics store holds them.
#   bench/captures.sh [--runs N] [--count 20000] [--types "vehicle face"] [--port P]
# Prints each run and the medians of acknowledged/s and stored/s.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

runs=3
count=20000
types="vehicle face"
port=5189
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    --types) types=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    *) die "unknown argument $1" ;;
  esac
done
command -v node >/dev/null || die "node is required"
require_free_port "$port"
if [[ "$BENCH_LAUNCHER" == run.sh ]]; then build_once; fi
log "launcher: $(launcher_description); $(nproc) cores; $runs runs of $count captures per type ($types)"

data="$BENCH_TMP/data"
START_NS=$(date +%s%N)
start_server_with "$port" "$data" --CityEye:DemoAuditUsers=0
wait_ready "$port" 300 >/dev/null
for type in $types; do
  acks=()
  stores=()
  for run in $(seq 1 "$runs"); do
    line=$(node "$BENCH_ROOT/bench/captures-load.mjs" "http://$BENCH_HOST:$port" "$type" "$count" 1000 2)
    log "run $run: $line"
    acks+=("$(sed -E 's/.*"acknowledgedPerSecond":([0-9]+).*/\1/' <<<"$line")")
    stores+=("$(sed -E 's/.*"storedPerSecond":([0-9]+).*/\1/' <<<"$line")")
  done
  echo "ingest $type ($count per run, $runs runs): acknowledged/s median $(median "${acks[@]}"), stored/s median $(median "${stores[@]}")"
done
stop_server

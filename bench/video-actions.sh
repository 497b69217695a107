#!/usr/bin/env bash
# Video actions of issue 9: the five frames around a moment of recorded video (VC-16) and the time from a wall
# console command to the wall page's state event (server-sent events). One node with the demo district per run.
#   bench/video-actions.sh [--runs N] [--port P]
# Prints each run and the medians.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

runs=3
port=5192
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    *) die "unknown argument $1" ;;
  esac
done
command -v node >/dev/null || die "node is required"
command -v ffmpeg >/dev/null || die "ffmpeg is required (apt-get install ffmpeg)"
require_free_port "$port"
if [[ "$BENCH_LAUNCHER" == run.sh ]]; then build_once; fi
log "launcher: $(launcher_description); $(nproc) cores; $runs runs"

frames=()
push=()
for run in $(seq 1 "$runs"); do
  START_NS=$(date +%s%N)
  start_server_with "$port" "$BENCH_TMP/data-$run" --CityEye:DemoAuditUsers=0 --CityEye:DemoCaptures=0 --Vision:Enabled=false
  wait_ready "$port" 300 >/dev/null
  line=$(node "$BENCH_ROOT/bench/video-actions.mjs" "http://$BENCH_HOST:$port")
  log "run $run: $line"
  frames+=("$(sed -E 's/.*"framesP50":([0-9]+).*/\1/' <<<"$line")")
  push+=("$(sed -E 's/.*"wallPushP50":([0-9.]+).*/\1/' <<<"$line")")
  stop_server
done
echo "five frames around a moment, p50 (median of runs): $(median "${frames[@]}") ms"
echo "wall console command to the wall page's event, p50 (median of runs): $(median "${push[@]}") ms"

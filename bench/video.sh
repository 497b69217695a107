#!/usr/bin/env bash
# Video figures (issue 9) through the SPA in Debian's headless chromium: time from click to first frame, cold (the
# camera's encoder starts) and warm (it runs), nine simultaneous live streams on this machine (stalls and the CPU of
# the encoders), snapshot latency and the download of 60 s of recording. One node with the demo district.
#   bench/video.sh [--runs N] [--devices N] [--seconds S] [--port P]
# Each run uses a fresh node; prints each run and the medians.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

runs=3
devices=5
seconds=30
port=5191
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --devices) devices=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    *) die "unknown argument $1" ;;
  esac
done
command -v node >/dev/null || die "node is required"
command -v ffmpeg >/dev/null || die "ffmpeg is required (apt-get install ffmpeg)"
[[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]] || die "chromium is required (apt-get install chromium)"
[[ -d "$BENCH_ROOT/frontend/node_modules/playwright-core" ]] || die "run npm ci in frontend/ first"
[[ -f "$BENCH_ROOT/frontend/dist/index.html" ]] || die "build the SPA first (cd frontend && npm run build)"
require_free_port "$port"
if [[ "$BENCH_LAUNCHER" == run.sh ]]; then build_once; fi
log "launcher: $(launcher_description); $(nproc) cores; $runs runs; $devices cameras cold and warm; nine at once for $seconds s"

cold=()
warm=()
cpu=()
snap=()
for run in $(seq 1 "$runs"); do
  START_NS=$(date +%s%N)
  start_server_with "$port" "$BENCH_TMP/data-$run" --CityEye:DemoAuditUsers=0 --CityEye:StatusSimulationSeconds=0 \
    "--CityEye:SpaRoot=$BENCH_ROOT/frontend/dist"
  wait_ready "$port" 300 >/dev/null
  line=$(node "$BENCH_ROOT/bench/video-load.mjs" "http://$BENCH_HOST:$port" "$devices" "$seconds")
  log "run $run: $line"
  cold+=("$(sed -E 's/.*"coldP50":([0-9]+).*/\1/' <<<"$line")")
  warm+=("$(sed -E 's/.*"warmP50":([0-9]+).*/\1/' <<<"$line")")
  cpu+=("$(sed -E 's/.*"ffmpegCorePerStream":([0-9.]+).*/\1/' <<<"$line")")
  snap+=("$(sed -E 's/.*"snapshotP50":([0-9]+).*/\1/' <<<"$line")")
  stop_server
done
echo "first frame cold p50 (median of runs): $(median "${cold[@]}") ms"
echo "first frame warm p50 (median of runs): $(median "${warm[@]}") ms"
echo "ffmpeg CPU per live stream, nine at once (median of runs): $(median "${cpu[@]}") of a core"
echo "snapshot p50 (median of runs): $(median "${snap[@]}") ms"

#!/usr/bin/env bash
# Sign-in under load, on a fresh node per run (no demo district; one administrator; production PBKDF2 rounds):
#   10 concurrent good sign-ins x 5 rounds -> latency p50/p99 (ms);
#   GET /api/auth/me of a signed-in user, back to back, during a burst of 60 parallel bad sign-ins -> p50/p99/max.
# Prints each run's figures and the medians over the runs.
#   bench/signin.sh [--runs N] [--port P]
#   CITYEYE_DLL=/other/tree/artifacts/bin/CityEye.Api/release/CityEye.Api.dll bench/signin.sh   (another build, e.g.
#   the commit before the spine issue, for a before/after comparison on the same machine)
# The sign-in rate limit is raised for the run (--Auth:SignInPermitsPerMinute=100000): the 51 good sign-ins from one
# address would otherwise meet it; the figures measure hashing and throttling, not the limiter.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

runs=3
port=5187
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    *) die "unknown argument $1" ;;
  esac
done
command -v node >/dev/null || die "node is required"
require_free_port "$port"
if [[ "$BENCH_LAUNCHER" == run.sh ]]; then build_once; fi
log "launcher: $(launcher_description); $runs runs; $(nproc) cores"

password='Bench#Admin2026'
results=()
for ((run = 1; run <= runs; run++)); do
  data="$BENCH_TMP/data-$run"
  START_NS=$(date +%s%N)
  start_server_with "$port" "$data" --CityEye:SeedDemo=false "--CityEye:AdminPassword=$password" \
    --Auth:SignInPermitsPerMinute=100000 --Logging:LogLevel:Default=Warning
  wait_ready "$port" 120 >/dev/null
  line=$(node "$BENCH_ROOT/bench/signin-burst.mjs" "http://$BENCH_HOST:$port" admin "$password")
  stop_server
  echo "run $run: $line"
  results+=("$line")
done

field() { printf '%s\n' "${results[@]}" | sed -E "s/.*\"$1\":([0-9.]+).*/\1/"; }
echo "median of $runs runs: sign-in p50 $(median $(field signInP50)) ms, p99 $(median $(field signInP99)) ms;" \
  "/api/auth/me during 60 bad sign-ins p50 $(median $(field meP50)) ms, p99 $(median $(field meP99)) ms, max $(median $(field meMax)) ms"

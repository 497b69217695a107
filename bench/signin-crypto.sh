#!/usr/bin/env bash
# Added latency of the national-cryptography sign-ins (issue 11) over a password sent in clear, on a fresh node per
# run (no demo district, production PBKDF2 rounds): N sequential sign-ins of each kind, interleaved, as the client
# sees them (client-side SM2 included): password in clear, password SM2-encrypted with the site key, certificate.
#   bench/signin-crypto.sh [--runs N] [--count N] [--port P]
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

runs=3
count=30
port=5189
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    *) die "unknown argument $1" ;;
  esac
done
command -v node >/dev/null || die "node is required"
[[ -d "$BENCH_ROOT/frontend/node_modules/sm-crypto-v2" ]] || die "run npm ci in frontend/ first (sm-crypto-v2)"
require_free_port "$port"
if [[ "$BENCH_LAUNCHER" == run.sh ]]; then build_once; fi
log "launcher: $(launcher_description); $runs runs of $count sign-ins of each kind; $(nproc) cores"

password='Bench#Admin2026'
results=()
for ((run = 1; run <= runs; run++)); do
  data="$BENCH_TMP/data-$run"
  START_NS=$(date +%s%N)
  start_server_with "$port" "$data" --CityEye:SeedDemo=false "--CityEye:AdminPassword=$password" \
    --Auth:SignInPermitsPerMinute=100000 --Logging:LogLevel:Default=Warning
  wait_ready "$port" 120 >/dev/null
  line=$(node "$BENCH_ROOT/bench/signin-crypto.mjs" "http://$BENCH_HOST:$port" admin "$password" "$count")
  stop_server
  echo "run $run: $line"
  results+=("$line")
done

field() { printf '%s\n' "${results[@]}" | sed -E "s/.*\"$1\":([0-9.]+).*/\1/"; }
plain=$(median $(field plainP50)) encrypted=$(median $(field encryptedP50)) certificate=$(median $(field certificateP50))
echo "median of $runs runs (p50 ms): password in clear $plain, SM2-encrypted password $encrypted" \
  "(+$(awk -v a="$encrypted" -v b="$plain" 'BEGIN { printf "%.1f", a - b }')), certificate $certificate" \
  "($(awk -v a="$certificate" -v b="$plain" 'BEGIN { printf "%+.1f", a - b }')); p99: $(median $(field plainP99)) / $(median $(field encryptedP99)) / $(median $(field certificateP99))"

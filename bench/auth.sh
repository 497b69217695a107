#!/usr/bin/env bash
# Authentication path on one node (fresh data folder, demo district seeded):
#   (a) sign-in latency: 20 sequential POST /api/auth/login as admin, curl's time_total -> median and p90 (ms);
#   (b) GET /api/auth/me throughput with a session cookie: wrk, 2 threads, 50 connections, 15 s, 3 times ->
#       requests/s and latency p50/p99 per run, median requests/s; every response must be 200.
#
#   bench/auth.sh [--port PORT] [--logins N] [--duration SECONDS] [--connections N] [--wrk-runs N]
#
# Needs curl and wrk (Debian package `wrk`; installed with apt-get when missing and running as root).
# Everything runs on 127.0.0.1; the node it starts is stopped (process group) before it exits.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

port=5092
logins=20
duration=15
connections=50
threads=2
wrk_runs=3
ready_timeout=600
user=admin
password='Admin#2026'
while (($#)); do
  case $1 in
    --port) port=$2; shift 2 ;;
    --logins) logins=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --wrk-runs) wrk_runs=$2; shift 2 ;;
    -h | --help) sed -n '2,10p' "$0"; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
[[ "$logins" =~ ^[1-9][0-9]{0,2}$ ]] || die "--logins must be 1..999"
[[ "$duration" =~ ^[1-9][0-9]{0,2}$ ]] || die "--duration must be 1..999 seconds"
[[ "$connections" =~ ^[1-9][0-9]{0,3}$ ]] || die "--connections must be 1..9999"
[[ "$wrk_runs" =~ ^[1-9]$ ]] || die "--wrk-runs must be 1..9"
[[ "$port" =~ ^[0-9]+$ ]] || die "--port must be a number"

command -v curl >/dev/null || die "curl is required"
if ! command -v wrk >/dev/null; then
  [[ $(id -u) == 0 ]] || die "wrk is missing: apt-get install wrk"
  log "installing wrk (apt-get)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; } >"$BENCH_TMP/apt.log" 2>&1 \
    || { tail -n 20 "$BENCH_TMP/apt.log" >&2; die "apt-get install wrk failed"; }
fi

base="http://$BENCH_HOST:$port"
login_body=$(printf '{"username":"%s","password":"%s"}' "$user" "$password")

# wrk prints latencies as 850.00us, 1.23ms, 1.02s, 2.00m: to milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.2f\n", n }'
}

require_free_port "$port"
log "launcher: $(launcher_description); port $port"
mkdir -p "$BENCH_TMP/data"
START_NS=$(date +%s%N)
start_server "$port" "$BENCH_TMP/data"
ready_s=$(wait_ready "$port" "$ready_timeout")
log "ready after ${ready_s} s"

# (a) sign-in latency ------------------------------------------------------------------------------------------
login_ms=()
for ((i = 1; i <= logins; i++)); do
  out=$(curl -s -o /dev/null --max-time 10 -w '%{http_code} %{time_total}' \
    -H 'Content-Type: application/json' -H 'X-CityEye-Request: 1' -d "$login_body" "$base/api/auth/login")
  code=${out%% *}
  [[ "$code" == 200 ]] || die "login $i answered HTTP $code"
  login_ms+=("$(awk -v t="${out#* }" 'BEGIN { printf "%.2f", t * 1000 }')")
done
login_median=$(median "${login_ms[@]}")
login_p90=$(percentile 90 "${login_ms[@]}")
echo "login_ms each=[$(IFS=,; echo "${login_ms[*]}" | sed 's/,/, /g')]"
echo "login_latency_ms median=$login_median p90=$login_p90 n=$logins"

# (b) /api/auth/me throughput -------------------------------------------------------------------------------------
sid=$(curl -s -D - -o /dev/null --max-time 10 -H 'Content-Type: application/json' -H 'X-CityEye-Request: 1' -d "$login_body" "$base/api/auth/login" \
  | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: cityeye\.sid=\([^;]*\).*/\1/p' | head -n 1)
[[ -n "$sid" ]] || die "no cityeye.sid cookie in the login response"
me_code=$(curl -s -o /dev/null --max-time 10 -w '%{http_code}' -H "Cookie: cityeye.sid=$sid" "$base/api/auth/me")
[[ "$me_code" == 200 ]] || die "/api/auth/me with the session cookie answered HTTP $me_code"

rps_all=()
all_ok=yes
for ((run = 1; run <= wrk_runs; run++)); do
  wrk_out="$BENCH_TMP/wrk-$run.txt"
  timeout $((duration + 30)) wrk -t"$threads" -c"$connections" -d"${duration}s" --timeout 10s --latency \
    -H "Cookie: cityeye.sid=$sid" "$base/api/auth/me" >"$wrk_out"
  require_server_alive
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$wrk_out")
  requests=$(awk '/requests in/ { print $1 }' "$wrk_out")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$wrk_out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$wrk_out")")
  non2xx=$(awk -F': *' '/Non-2xx or 3xx responses/ { print $2 }' "$wrk_out")
  errors=$(sed -n 's/^ *Socket errors: *//p' "$wrk_out")
  [[ -n "$rps" ]] || { cat "$wrk_out" >&2; die "cannot read wrk's output"; }
  status="all 200"
  if [[ -n "$non2xx" || -n "$errors" ]]; then
    all_ok=no
    status="non-2xx=${non2xx:-0} socket errors: ${errors:-none}"
  fi
  echo "me run $run: requests_per_s=$rps requests=$requests latency_ms p50=$p50 p99=$p99 ($status)"
  rps_all+=("$rps")
done
me_rps_median=$(median "${rps_all[@]}")
stop_server

cat <<SUMMARY

== CityEye auth benchmark ==
launcher            $(launcher_description)
host                $(nproc) CPUs, $(uname -sr)
ready after         ${ready_s} s (fresh data folder, demo seeded)
login latency       median ${login_median} ms, p90 ${login_p90} ms  (${logins} sequential POST /api/auth/login)
/api/auth/me        median ${me_rps_median} requests/s  (wrk -t${threads} -c${connections} -d${duration}s, ${wrk_runs} runs: ${rps_all[*]})
all responses 200   ${all_ok}
SUMMARY
[[ "$all_ok" == yes ]] || exit 2

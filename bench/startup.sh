#!/usr/bin/env bash
# Start-up time: seconds from launching the node on a fresh (empty) data folder until GET /readyz answers 200,
# i.e. process start + store migrations + built-in roles + seeding the Qingpu demo district.
#
#   bench/startup.sh [--runs N] [--port PORT] [--timeout SECONDS]
#
# Builds once first (./run.sh --build-only, when run.sh has it), then starts and stops the node N times.
# Everything runs on 127.0.0.1; every node it starts is stopped (process group) before it exits.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

runs=3
port=5091
timeout_s=600
while (($#)); do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    -h | --help) sed -n '2,9p' "$0"; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]?$ ]] || die "--runs must be 1..99"
[[ "$port" =~ ^[0-9]+$ ]] || die "--port must be a number"

command -v curl >/dev/null || die "curl is required"
build_once
require_free_port "$port"
log "launcher: $(launcher_description); port $port; $runs runs"

results=()
for ((run = 1; run <= runs; run++)); do
  data_dir="$BENCH_TMP/data-$run"
  mkdir -p "$data_dir"
  START_NS=$(date +%s%N)
  start_server "$port" "$data_dir"
  seconds=$(wait_ready "$port" "$timeout_s")
  stop_server
  rm -rf "$data_dir"
  results+=("$seconds")
  echo "run $run: startup_to_ready_seconds=$seconds"
done

list=$(IFS=,; echo "${results[*]}" | sed 's/,/, /g')
echo "startup_to_ready_seconds median=$(median "${results[@]}") runs=[$list]"

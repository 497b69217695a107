#!/usr/bin/env bash
# Device search over the 16,231-device demo district (Lucene, embedded), against the peer on the same data and the
# same Chinese substrings: PostgreSQL ILIKE '%…%' over name/address (what open GB28181 platforms do), then with a
# pg_trgm GIN index. Also pinyin recall checked with an independent pinyin library (npm pinyin-pro, MIT); imports of
# 20,000 generated rows end to end; a full reindex; and, with --devices N, the same search load over N devices
# (the ledger grown through the import path, 50,000 rows per file) with the reindex at that size.
#   bench/search.sh [--runs N] [--seconds S] [--concurrency C] [--port P] [--devices 300000] [--skip-peer]
#   bench/search.sh --peer-only     only the Chinese-substring load on CityEye and on PostgreSQL, and their ratio
# Prints each run and the medians; needs node, Debian's postgresql (a throw-away cluster, like ./test.sh) and the
# npm registry (pinyin-pro and pg are installed into a temp folder).
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

runs=3
seconds=10
concurrency=50
port=5188
pg_port=55488
devices=0
skip_peer=0
peer_only=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --devices) devices=$2; shift 2 ;;
    --skip-peer) skip_peer=1; shift ;;
    --peer-only) peer_only=1; shift ;;
    *) die "unknown argument $1" ;;
  esac
done
command -v node >/dev/null || die "node is required"
require_free_port "$port"
if [[ "$BENCH_LAUNCHER" == run.sh ]]; then build_once; fi
log "launcher: $(launcher_description); $(nproc) cores; $runs runs of $seconds s at $concurrency concurrent"

log "installing pinyin-pro and pg into $BENCH_TMP/npm"
(cd "$BENCH_TMP" && mkdir -p npm && cd npm && npm init -y >/dev/null && npm install --silent --no-audit --no-fund pinyin-pro@3.29.4 pg@8.23.1 >/dev/null)
export NODE_PATH="$BENCH_TMP/npm/node_modules"
load="$BENCH_ROOT/bench/search-load.mjs"
# The cluster runs as the postgres user, which cannot enter the private temp folder: it gets its own.
pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/cityeye-bench-pg.XXXXXX")
chmod 755 "$pg_dir"
trap 'stop_server; "$BENCH_ROOT/scripts/pg-throwaway.sh" stop "$pg_dir/cluster" >/dev/null 2>&1 || true; rm -rf "$BENCH_TMP" "$pg_dir"' EXIT

admin_cookie() {
  curl -s -i -H 'Content-Type: application/json' -H 'X-CityEye-Request: 1' \
    -d '{"username":"admin","password":"Admin#2026"}' "$1/api/auth/login" | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -n 1
}

# wait_index BASE: until the index holds every ledger device and no change is pending; prints the device count.
wait_index() {
  local base=$1 cookie state
  cookie=$(admin_cookie "$base")
  for ((i = 0; i < 3600; i++)); do
    state=$(curl -s -H "Cookie: $cookie" "$base/api/search/index")
    if [[ $state =~ \"documents\":([0-9]+),.*\"ledgerDevices\":([0-9]+),\"pendingChanges\":0 ]] && [[ ${BASH_REMATCH[1]} == "${BASH_REMATCH[2]}" ]]; then
      echo "${BASH_REMATCH[1]}"
      return 0
    fi
    sleep 0.5
  done
  die "the search index did not catch up: $state"
}

# reindex BASE: runs the reindex job; prints its result line.
reindex() {
  local base=$1 cookie job status
  cookie=$(admin_cookie "$base")
  job=$(curl -s -X POST -H "Cookie: $cookie" -H 'X-CityEye-Request: 1' "$base/api/search/reindex" | sed -E 's/.*"id":"([^"]+)".*/\1/')
  for ((i = 0; i < 7200; i++)); do
    status=$(curl -s -H "Cookie: $cookie" "$base/api/jobs/$job")
    if [[ $status != *'"status":"queued"'* && $status != *'"status":"running"'* ]]; then
      sed -E 's/.*"result":"([^"]*)".*/\1/' <<<"$status"
      return 0
    fi
    sleep 0.5
  done
  die "the reindex did not finish"
}

base="http://$BENCH_HOST:$port"
START_NS=$(date +%s%N)
start_server_with "$port" "$BENCH_TMP/data-lucene" --Logging:LogLevel:Default=Warning --Auth:SignInPermitsPerMinute=100000
log "node ready after $(wait_ready "$port" 300) s; waiting for the index"
wait_index "$base" >/dev/null
node "$load" prepare "$base" "$BENCH_TMP/queries.json" >/dev/null
log "queries prepared"

declare -A p50 p99 rps
kinds=(initials chinese full code)
((peer_only)) && kinds=(chinese)
for kind in "${kinds[@]}"; do
  for ((run = 1; run <= runs; run++)); do
    line=$(node "$load" load "$base" "$BENCH_TMP/queries.json" "$kind" "$concurrency" "$seconds")
    echo "cityeye $kind run $run: $line"
    p50[$kind]+=" $(sed -E 's/.*"p50":([0-9.]+).*/\1/' <<<"$line")"
    p99[$kind]+=" $(sed -E 's/.*"p99":([0-9.]+).*/\1/' <<<"$line")"
    rps[$kind]+=" $(sed -E 's/.*"rps":([0-9.]+).*/\1/' <<<"$line")"
  done
done
if ((!peer_only)); then
recall=$(node "$load" recall "$base" "$BENCH_TMP/queries.json")
echo "recall (top 10, pinyin from pinyin-pro): $recall"
index_size=$(du -sk "$BENCH_TMP/data-lucene/search/devices" | cut -f1)
reindex_16k=$(reindex "$base")
echo "reindex of the demo district: $reindex_16k"

import_seconds=()
for ((run = 1; run <= runs; run++)); do
  line=$(node "$BENCH_ROOT/bench/ledger-load.mjs" "$base" 20000 $((100000 + run * 20000)) 20000)
  echo "import run $run (20,000 new rows, one file): $line"
  import_seconds+=("$(sed -E 's/.*"seconds":([0-9.]+).*/\1/' <<<"$line")")
done
ledger=$(wait_index "$base")

large=""
if ((devices > ledger)); then
  log "growing the ledger from $ledger to $devices devices through imports"
  node "$BENCH_ROOT/bench/ledger-load.mjs" "$base" $((devices - ledger)) 200000 50000 | sed 's/^/  import: /'
  ledger=$(wait_index "$base")
  large_reindex=$(reindex "$base")
  echo "reindex at $ledger devices: $large_reindex"
  wait_index "$base" >/dev/null
  node "$load" prepare "$base" "$BENCH_TMP/queries-large.json" >/dev/null
  for kind in initials chinese; do
    for ((run = 1; run <= runs; run++)); do
      line=$(node "$load" load "$base" "$BENCH_TMP/queries-large.json" "$kind" "$concurrency" "$seconds")
      echo "cityeye at $ledger devices, $kind run $run: $line"
      p99[large_$kind]+=" $(sed -E 's/.*"p99":([0-9.]+).*/\1/' <<<"$line")"
      p50[large_$kind]+=" $(sed -E 's/.*"p50":([0-9.]+).*/\1/' <<<"$line")"
      rps[large_$kind]+=" $(sed -E 's/.*"rps":([0-9.]+).*/\1/' <<<"$line")"
    done
  done
  large="$ledger devices: index $(($(du -sk "$BENCH_TMP/data-lucene/search/devices" | cut -f1) / 1024)) MiB; $large_reindex"
fi
fi
stop_server
if ((skip_peer)); then
  runs_peer=0
else
  runs_peer=$runs
fi

if ((runs_peer > 0)); then
log "peer: the same district seeded into a throw-away PostgreSQL"
conn=$("$BENCH_ROOT/scripts/pg-throwaway.sh" start "$pg_dir/cluster" "$pg_port")
psql_cmd() { psql "host=127.0.0.1 port=$pg_port user=postgres dbname=postgres" -v ON_ERROR_STOP=1 -qAt "$@"; }
START_NS=$(date +%s%N)
start_server_with "$port" "$BENCH_TMP/data-pg" --Storage:Provider=Postgres "--Storage:ConnectionString=$conn" --Logging:LogLevel:Default=Warning
log "PostgreSQL node ready after $(wait_ready "$port" 600) s"
stop_server
[[ $(psql_cmd -c "SELECT count(*) FROM devices") == 16231 ]] || die "PostgreSQL does not hold the 16,231 devices"
pg_url="postgresql://postgres@127.0.0.1:$pg_port/postgres"
for mode in ilike trgm; do
  if [[ $mode == trgm ]]; then
    psql_cmd -c "CREATE EXTENSION IF NOT EXISTS pg_trgm" \
      -c "CREATE INDEX devices_name_trgm ON devices USING gin (name gin_trgm_ops)" \
      -c "CREATE INDEX devices_address_trgm ON devices USING gin (address gin_trgm_ops)" -c "ANALYZE devices"
  fi
  for ((run = 1; run <= runs; run++)); do
    line=$(node "$load" pg "$pg_url" "$BENCH_TMP/queries.json" "$mode" "$concurrency" "$seconds")
    echo "postgres $mode run $run: $line"
    p50[pg_$mode]+=" $(sed -E 's/.*"p50":([0-9.]+).*/\1/' <<<"$line")"
    p99[pg_$mode]+=" $(sed -E 's/.*"p99":([0-9.]+).*/\1/' <<<"$line")"
    rps[pg_$mode]+=" $(sed -E 's/.*"rps":([0-9.]+).*/\1/' <<<"$line")"
  done
done
fi

echo
echo "medians of $runs runs, $concurrency concurrent clients, 16,231 devices, $(nproc) cores:"
for kind in initials full chinese code pg_ilike pg_trgm large_initials large_chinese; do
  [[ -n "${p99[$kind]:-}" ]] || continue
  # shellcheck disable=SC2086
  printf '  %-9s p50 %7s ms  p99 %7s ms  %6s req/s\n' "$kind" "$(median ${p50[$kind]})" "$(median ${p99[$kind]})" "$(median ${rps[$kind]})"
done
if ((runs_peer > 0)); then
  # shellcheck disable=SC2086
  cityeye_p99=$(median ${p99[chinese]})
  # shellcheck disable=SC2086
  awk -v c="$cityeye_p99" -v i="$(median ${p99[pg_ilike]})" -v t="$(median ${p99[pg_trgm]})" \
    'BEGIN { printf "  same Chinese substrings: p99 ratio PostgreSQL ILIKE / CityEye = %.1f, pg_trgm / CityEye = %.1f (CityEye over HTTP with facets and highlights; PostgreSQL queried directly)\n", i / c, t / c }'
fi
if ((!peer_only)); then
  echo "  Lucene index on disk at 16,231 devices: $((index_size / 1024)) MiB; $reindex_16k"
  echo "  import of 20,000 rows end to end (upload to finished job, median of $runs): $(median "${import_seconds[@]}") s"
  [[ -z "$large" ]] || echo "  at $large"
fi

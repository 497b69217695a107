#!/usr/bin/env bash
# Tags of issue 10 on a node with the demo district (16,231 devices), one node per run:
#   - merge of a tag on 10,000 labelled devices into one on 6,000 (4,000 shared), and recycle of the result
#     (12,000 devices), each timed from the request until the search index shows it (goal: under 5 s);
#   - labelling statistics of every unit over 90 days of label history (50,000 manual labels by 60 labellers,
#     written into the store before the node starts), 40 requests in a row, p50/p99 (goal: p99 under 200 ms);
#   - device search filtered by three tags at 50 concurrent clients (wrk, 15 s), p50/p99 and requests/s, and the
#     same search without a tag filter in the same run (goal: p99 under 20 ms, as for plain search).
#   bench/tags.sh [--runs N] [--port P]
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

runs=3
port=5193
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    *) die "unknown argument $1" ;;
  esac
done
command -v node >/dev/null || die "node is required"
command -v wrk >/dev/null || die "wrk is required (apt-get install wrk)"
command -v python3 >/dev/null || die "python3 is required"
require_free_port "$port"
if [[ "$BENCH_LAUNCHER" == run.sh ]]; then build_once; fi
log "launcher: $(launcher_description); $(nproc) cores; $runs runs"

# 90 days of label history: 50,000 manual labels of five place types on random devices by 60 labellers, at random
# times of the last 90 days (written straight into the store of a stopped node: the API labels "now").
write_history() {
  python3 - "$1/cityeye.db" <<'PY'
import random, sqlite3, sys, datetime
db = sqlite3.connect(sys.argv[1], timeout=60)
now = datetime.datetime.now(datetime.timezone.utc)
devices = [r[0] for r in db.execute("SELECT id FROM devices")]
stamp = now.strftime("%Y-%m-%dT%H:%M:%S.0000000Z")
tags = []
for name in ("历史学校", "历史医院", "历史菜场", "历史车站", "历史商场"):
    db.execute("INSERT INTO tags (category, kind, name, name_key, origin, state, search_count, created_by, created_at, updated_at) VALUES ('scene','placeType',?,?, 'manual','active',0,'bench',?,?)", (name, name, stamp, stamp))
    tags.append(db.execute("SELECT last_insert_rowid()").fetchone()[0])
random.seed(10)
rows = set()
while len(rows) < 50_000:
    rows.add((random.choice(devices), random.choice(tags)))
db.executemany(
    "INSERT INTO device_labels (device_id, tag_id, origin, labelled_by, labelled_at) VALUES (?, ?, 'manual', ?, ?)",
    [(d, t, f"labeller{random.randrange(60)}", (now - datetime.timedelta(seconds=random.randrange(90 * 86400))).strftime("%Y-%m-%dT%H:%M:%S.0000000Z")) for d, t in rows])
# The search index learns the labels through the outbox, like any label change.
db.executemany("INSERT INTO outbox (topic, entity_type, entity_key, payload, created_at, attempts) VALUES ('tags.labels','device',?,NULL,?,0)",
               [(str(d), stamp) for d in sorted({d for d, _ in rows})])
db.commit()
PY
}

merge=(); recycle=(); stats50=(); stats99=(); tag50=(); tag99=(); tagrps=(); plain50=(); plain99=(); plainrps=()
wrk_run() { # URL COOKIE → "p50 p99 rps" (ms)
  local out
  out=$(wrk -t2 -c50 -d15s --latency -H "Cookie: $2" "$1")
  local p50 p99 rps
  p50=$(awk '/^ +50%/ {print $2}' <<<"$out"); p99=$(awk '/^ +99%/ {print $2}' <<<"$out"); rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  echo "$(to_ms "$p50") $(to_ms "$p99") $rps"
}
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) printf "%.2f", v/1000; else if (v ~ /ms$/) printf "%.2f", v+0; else printf "%.2f", v*1000 }'; }

for run in $(seq 1 "$runs"); do
  data="$BENCH_TMP/data-$run"
  START_NS=$(date +%s%N)
  start_server_with "$port" "$data" --CityEye:DemoAuditUsers=0 --Vision:Enabled=false
  wait_ready "$port" 300 >/dev/null
  stop_server
  write_history "$data"
  START_NS=$(date +%s%N)
  start_server_with "$port" "$data" --CityEye:DemoAuditUsers=0 --Vision:Enabled=false
  wait_ready "$port" 300 >/dev/null
  line=$(node "$BENCH_ROOT/bench/tags.mjs" "http://$BENCH_HOST:$port")
  log "run $run: $(sed -E 's/,"cookie":"[^"]*"//' <<<"$line")"
  merge+=("$(sed -E 's/.*"mergeMs":([0-9]+).*/\1/' <<<"$line")")
  recycle+=("$(sed -E 's/.*"recycleMs":([0-9]+).*/\1/' <<<"$line")")
  stats50+=("$(sed -E 's/.*"statsP50":([0-9]+).*/\1/' <<<"$line")")
  stats99+=("$(sed -E 's/.*"statsP99":([0-9]+).*/\1/' <<<"$line")")
  cookie=$(sed -E 's/.*"cookie":"([^"]*)".*/\1/' <<<"$line")
  read -r a b c < <(sed -E 's/.*"tags":\[([0-9]+),([0-9]+),([0-9]+)\].*/\1 \2 \3/' <<<"$line")
  read -r p50 p99 rps < <(wrk_run "http://$BENCH_HOST:$port/api/devices/search?tag=$a&tag=$b&tag=$c&pageSize=20" "$cookie")
  log "run $run: 3-tag search at 50 clients: p50 $p50 ms, p99 $p99 ms, $rps req/s"
  tag50+=("$p50"); tag99+=("$p99"); tagrps+=("$rps")
  read -r p50 p99 rps < <(wrk_run "http://$BENCH_HOST:$port/api/devices/search?pageSize=20" "$cookie")
  log "run $run: unfiltered search at 50 clients: p50 $p50 ms, p99 $p99 ms, $rps req/s"
  plain50+=("$p50"); plain99+=("$p99"); plainrps+=("$rps")
  stop_server
done
echo "merge of a tag on 10,000 devices into one on 6,000, until the index shows it (median): $(median "${merge[@]}") ms"
echo "recycle of a tag on 12,000 devices, until the index shows it (median): $(median "${recycle[@]}") ms"
echo "statistics of every unit, 90 days, 50,000 labels: p50 $(median "${stats50[@]}") ms, p99 $(median "${stats99[@]}") ms (medians of runs)"
echo "device search by three tags, 50 clients: p50 $(median "${tag50[@]}") ms, p99 $(median "${tag99[@]}") ms, $(median "${tagrps[@]}") req/s"
echo "device search without a filter, same runs: p50 $(median "${plain50[@]}") ms, p99 $(median "${plain99[@]}") ms, $(median "${plainrps[@]}") req/s"

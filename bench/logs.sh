#!/usr/bin/env bash
# Log pipeline figures (issue 7): journal append latency, journal → DuckDB / ClickHouse drain throughput, and log
# search (one user, 2-day range) and per-day/unit/module aggregation on both engines over the same entries.
#   bench/logs.sh [--entries N] [--users N] [--days N] [--no-clickhouse]
# Starts a throw-away ClickHouse server (Debian's clickhouse-server) in a temp folder and stops it on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
args=()
use_ch=1
while [ $# -gt 0 ]; do
  case "$1" in
    --no-clickhouse) use_ch=0 ;;
    *) args+=("$1") ;;
  esac
  shift
done
work=$(mktemp -d /tmp/cityeye-logbench.XXXXXX)
chmod 755 "$work"
trap 'scripts/clickhouse-throwaway.sh stop "$work/ch" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
if [ "$use_ch" = 1 ]; then
  port=$(node -e 'const s=require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close() })')
  conn=$(scripts/clickhouse-throwaway.sh start "$work/ch" "$port")
  echo "ClickHouse $(curl -s "http://127.0.0.1:$port/?query=SELECT%20version()") on 127.0.0.1:$port"
  args+=(--clickhouse "$conn")
fi
dotnet run -c Release --project bench/LogBench -- "${args[@]}"

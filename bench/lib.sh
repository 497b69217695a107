# shellcheck shell=bash
# Shared helpers of the bench/ scripts: start one CityEye node on 127.0.0.1 with a fresh data folder, wait for
# /readyz, stop it (its whole process group), and small statistics. Sourced, not run.

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_HOST=127.0.0.1

# How the node is started:
#   ./run.sh                 when it exists (the repository's one command; it checks the build on every start), or
#   dotnet $CITYEYE_DLL      when CITYEYE_DLL is set (e.g. artifacts/bin/CityEye.Api/release/CityEye.Api.dll to
#                            leave run.sh's build check out of the figures) or ./run.sh is missing (default: the
#                            debug build in artifacts/).
CITYEYE_DLL=${CITYEYE_DLL:-}
DEFAULT_DLL="$BENCH_ROOT/artifacts/bin/CityEye.Api/debug/CityEye.Api.dll"

SERVER_PID=""
SERVER_LOG=""
BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/cityeye-bench.XXXXXX")

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The launcher, decided once when the script starts: "run.sh" or "dll".
if [[ -z "$CITYEYE_DLL" && -x "$BENCH_ROOT/run.sh" ]]; then
  BENCH_LAUNCHER=run.sh
else
  BENCH_LAUNCHER=dll
  CITYEYE_DLL=${CITYEYE_DLL:-$DEFAULT_DLL}
fi

# The dll launcher checks the shipped files against the manifest ./run.sh signed (./run.sh passes the same signer).
RELEASE_SIGNER="${CITYEYE_RELEASE_SIGNING:-$HOME/.config/cityeye/release-signing}/release.crt"

# Which launcher start_server uses, for the report.
launcher_description() {
  if [[ "$BENCH_LAUNCHER" == run.sh ]]; then
    echo "./run.sh"
  else
    echo "dotnet $CITYEYE_DLL"
  fi
}

# Builds once before measuring, when ./run.sh can build without starting.
build_once() {
  if [[ "$BENCH_LAUNCHER" == run.sh ]] && grep -q -- '--build-only' "$BENCH_ROOT/run.sh"; then
    log "building once: ./run.sh --build-only"
    (cd "$BENCH_ROOT" && ./run.sh --build-only) >"$BENCH_TMP/build.log" 2>&1 \
      || { tail -n 40 "$BENCH_TMP/build.log" >&2; die "./run.sh --build-only failed"; }
  else
    log "no ./run.sh --build-only: using the existing build"
  fi
}

# start_server PORT DATA_DIR: starts the node in its own process group (setsid), in the background.
start_server() { start_server_with "$1" "$2"; }

# start_server_with PORT DATA_DIR ARGS...: like start_server, with extra configuration arguments for the node.
start_server_with() {
  local port=$1 data_dir=$2
  shift 2
  SERVER_LOG="$BENCH_TMP/server-$port-$(date +%s%N).log"
  if [[ "$BENCH_LAUNCHER" == run.sh ]]; then
    (cd "$BENCH_ROOT" && exec setsid ./run.sh --urls "http://$BENCH_HOST:$port" "--CityEye:DataDir=$data_dir" --CityEye:DemoCaptures=0 "$@") \
      >"$SERVER_LOG" 2>&1 </dev/null &
  else
    [[ -f "$CITYEYE_DLL" ]] || die "$CITYEYE_DLL is missing: build first (./run.sh --build-only), or set CITYEYE_DLL"
    local content_root
    content_root=$(dirname "$CITYEYE_DLL")
    (cd "$content_root" && exec setsid dotnet "$CITYEYE_DLL" --contentRoot "$content_root" \
      --urls "http://$BENCH_HOST:$port" "--CityEye:DataDir=$data_dir" --CityEye:DemoCaptures=0 \
      "--Crypto:Executables:Signer=$RELEASE_SIGNER" "$@") \
      >"$SERVER_LOG" 2>&1 </dev/null &
  fi
  SERVER_PID=$!
}

# Fails (with the end of the node's log) when the node started by start_server is no longer running.
require_server_alive() {
  if [[ -z "$SERVER_PID" ]] || ! kill -0 "$SERVER_PID" 2>/dev/null; then
    tail -n 40 "$SERVER_LOG" >&2 || true
    SERVER_PID=""
    die "the node is no longer running (end of its log above)"
  fi
}

# Stops the node started by start_server: SIGTERM to its process group, SIGKILL after 15 s.
stop_server() {
  [[ -n "$SERVER_PID" ]] || return 0
  local pid=$SERVER_PID
  SERVER_PID=""
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 150; i++)); do
    kill -0 -- "-$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 -- "-$pid" 2>/dev/null; then
    log "node (process group $pid) ignored SIGTERM for 15 s: SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# Fails when something already listens on PORT (another node would answer instead of ours).
require_free_port() {
  local port=$1
  if curl -s -o /dev/null --max-time 1 "http://$BENCH_HOST:$port/healthz"; then
    die "port $port is in use; choose another with --port"
  fi
}

# wait_ready PORT TIMEOUT_S: polls /readyz every 100 ms until 200; prints the seconds since START_NS.
wait_ready() {
  local port=$1 timeout_s=$2 code
  local deadline=$(($(date +%s) + timeout_s))
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$BENCH_HOST:$port/readyz" || true)
    if [[ "$code" == 200 ]]; then
      awk -v s="$START_NS" -v e="$(date +%s%N)" 'BEGIN { printf "%.2f\n", (e - s) / 1e9 }'
      return 0
    fi
    if [[ -n "$SERVER_PID" ]] && ! kill -0 "$SERVER_PID" 2>/dev/null; then
      tail -n 40 "$SERVER_LOG" >&2
      die "the node exited before it was ready (log above)"
    fi
    if (($(date +%s) >= deadline)); then
      tail -n 20 "$SERVER_LOG" >&2
      curl -s --max-time 2 "http://$BENCH_HOST:$port/readyz" >&2 || true
      echo >&2
      die "not ready after ${timeout_s} s"
    fi
    sleep 0.1
  done
}

# Median of the numbers given as arguments (mean of the two middle ones for an even count).
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# percentile P numbers...: nearest-rank percentile.
percentile() {
  local p=$1
  shift
  printf '%s\n' "$@" | sort -g | awk -v p="$p" '{ v[NR] = $1 } END { r = int((p / 100) * NR); if (r < (p / 100) * NR) r++; if (r < 1) r = 1; print v[r] }'
}

bench_cleanup() {
  stop_server
  rm -rf "$BENCH_TMP"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

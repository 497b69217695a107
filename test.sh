#!/usr/bin/env bash
# Runs every suite: .NET unit + integration (SQLite, a throw-away PostgreSQL and ClickHouse), front-end lint, type-check and
# unit tests, SPA build, and browser end-to-end tests against a real server in headless Chromium.
# Ends with one line "N passed, N failed[, N skipped]"; exits non-zero when anything failed.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$root"

results="$root/test-results"
rm -rf "$results"
mkdir -p "$results"
work=$(mktemp -d /tmp/cityeye-test.XXXXXX)
chmod 755 "$work"
passed=0
failed=0
skipped=0
server_pid=""

say() { printf '\n=== %s\n' "$*"; }
problem() { printf '!!! %s\n' "$*"; failed=$((failed + 1)); }

cleanup() {
  if [ -n "$server_pid" ]; then kill -- "-$server_pid" 2>/dev/null || kill "$server_pid" 2>/dev/null || true; fi
  scripts/pg-throwaway.sh stop "$work/pg" >/dev/null 2>&1 || true
  scripts/clickhouse-throwaway.sh stop "$work/ch" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close() })'; }

# --- PostgreSQL: a throw-away cluster, so the repository suite's PostgreSQL rows really run.
say "starting a throw-away PostgreSQL cluster"
pg_port=$(free_port)
if pg_conn=$(scripts/pg-throwaway.sh start "$work/pg" "$pg_port"); then
  export CITYEYE_TEST_POSTGRES="$pg_conn"
  echo "PostgreSQL on 127.0.0.1:$pg_port"
else
  problem "could not start PostgreSQL (apt-get install postgresql); its test rows will be skipped"
fi

# --- ClickHouse: a throw-away server, so the analytics conformance suite runs on a real ClickHouse too.
say "starting a throw-away ClickHouse server"
ch_port=$(free_port)
if ch_conn=$(scripts/clickhouse-throwaway.sh start "$work/ch" "$ch_port"); then
  export CITYEYE_TEST_CLICKHOUSE="$ch_conn"
  echo "ClickHouse $(curl -s "http://127.0.0.1:$ch_port/?query=SELECT%20version()") on 127.0.0.1:$ch_port"
else
  problem "could not start ClickHouse (apt-get install clickhouse-server); its conformance tests will be skipped"
fi

# --- The model service's packages (its models are what the detection tests run) and test photos of npm.
if [ ! -d vision/model-service/node_modules ] || [ vision/model-service/package-lock.json -nt vision/model-service/node_modules/.package-lock.json ]; then
  (cd vision/model-service && npm ci --no-audit --no-fund --loglevel=error) || problem "npm ci in vision/model-service failed"
fi

# --- .NET: build with warnings as errors, then every test project.
say ".NET build (Release)"
if dotnet build CityEye.slnx -c Release --nologo -v quiet -clp:ErrorsOnly > "$results/dotnet-build.log" 2>&1; then
  say ".NET tests"
  dotnet test --solution CityEye.slnx -c Release --no-build 2>&1 | tee "$results/dotnet-test.log" | grep -E '^(failed|skipped) |Test run summary|total:|failed:|succeeded:|skipped:' || true
  summary=$(sed -n '/Test run summary/,$p' "$results/dotnet-test.log")
  n_ok=$(printf '%s\n' "$summary" | awk '/succeeded:/ {print $2; exit}')
  n_bad=$(printf '%s\n' "$summary" | awk '/  failed:/ {print $2; exit}')
  n_skip=$(printf '%s\n' "$summary" | awk '/skipped:/ {print $2; exit}')
  if [ -z "$n_ok" ]; then
    problem ".NET tests produced no summary (see test-results/dotnet-test.log)"
  else
    passed=$((passed + n_ok)); failed=$((failed + ${n_bad:-0})); skipped=$((skipped + ${n_skip:-0}))
    # A test process that crashes ("Zero tests ran", exit code 134) fails no test but fails the run: count it.
    if printf '%s\n' "$summary" | grep -q 'Test run summary: Failed!' && [ "${n_bad:-0}" = 0 ]; then
      grep -E 'Zero tests ran|Exit code|Unhandled exception' "$results/dotnet-test.log" | head -n 10
      problem ".NET test run failed without a failing test (a test process crashed; see test-results/dotnet-test.log)"
    fi
  fi
else
  cat "$results/dotnet-build.log"
  problem ".NET build failed"
fi

say ".NET code style (dotnet format --verify-no-changes)"
dotnet format CityEye.slnx --verify-no-changes > "$results/dotnet-format.log" 2>&1 || { head -n 30 "$results/dotnet-format.log"; problem "dotnet format found code-style problems (run: dotnet format CityEye.slnx)"; }

# --- Front end: packages, lint, type-check, unit tests, build.
say "front end"
if [ ! -d frontend/node_modules ] || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then
  (cd frontend && npm ci --no-audit --no-fund --loglevel=error) || problem "npm ci failed"
fi
(cd frontend && npm run --silent lint) > "$results/frontend-lint.log" 2>&1 || { cat "$results/frontend-lint.log"; problem "front-end lint failed"; }
(cd frontend && npm run --silent type-check) > "$results/frontend-type-check.log" 2>&1 || { cat "$results/frontend-type-check.log"; problem "front-end type-check failed"; }
(cd frontend && npm run --silent test:unit) > "$results/frontend-unit.log" 2>&1
line=$(grep -E '^vitest: [0-9]+ passed, [0-9]+ failed' "$results/frontend-unit.log" | tail -n 1)
if [ -z "$line" ]; then
  cat "$results/frontend-unit.log"
  problem "front-end unit tests produced no summary"
else
  echo "$line"
  passed=$((passed + $(sed -E 's/^vitest: ([0-9]+) passed.*/\1/' <<<"$line")))
  failed=$((failed + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")))
  if grep -q skipped <<<"$line"; then skipped=$((skipped + $(sed -E 's/.* ([0-9]+) skipped.*/\1/' <<<"$line"))); fi
  grep -q ' 0 failed' <<<"$line" || cat "$results/frontend-unit.log"
fi

# --- Browser end-to-end: the real server (./run.sh) on a fresh data folder, headless Debian Chromium.
say "browser end-to-end"
e2e_port=$(free_port)
setsid ./run.sh --urls "http://127.0.0.1:$e2e_port" --CityEye:DataDir="$work/e2e-data" --CityEye:DemoCaptures=3000 > "$results/e2e-server.log" 2>&1 &
server_pid=$!
export E2E_BASE_URL="http://127.0.0.1:$e2e_port"
export E2E_ARTIFACTS="$results/e2e"
export E2E_DATA_DIR="$work/e2e-data"
(cd frontend && npm run --silent test:e2e) > "$results/frontend-e2e.log" 2>&1
e2e_pass=$(awk '/^# pass / {print $3}' "$results/frontend-e2e.log" | tail -n 1)
e2e_fail=$(awk '/^# fail / {print $3}' "$results/frontend-e2e.log" | tail -n 1)
e2e_skip=$(awk '/^# skipped / {print $3}' "$results/frontend-e2e.log" | tail -n 1)
e2e_cancel=$(awk '/^# cancelled / {print $3}' "$results/frontend-e2e.log" | tail -n 1)
if [ -z "$e2e_pass" ]; then
  cat "$results/frontend-e2e.log"; tail -n 30 "$results/e2e-server.log"
  problem "end-to-end tests produced no summary"
else
  echo "e2e: $e2e_pass passed, $((e2e_fail + ${e2e_cancel:-0})) failed (screenshots in test-results/e2e)"
  passed=$((passed + e2e_pass)); failed=$((failed + e2e_fail + ${e2e_cancel:-0})); skipped=$((skipped + ${e2e_skip:-0}))
  if [ "$e2e_fail" != 0 ] || [ "${e2e_cancel:-0}" != 0 ]; then cat "$results/frontend-e2e.log"; tail -n 30 "$results/e2e-server.log"; fi
fi
# --- The SPA's API types are generated from the OpenAPI document: fail when the committed ones are stale.
say "API contract (frontend/src/api/schema.ts against the served /openapi/v1.json)"
if (cd frontend && node scripts/api-types.mjs --check "$E2E_BASE_URL") > "$results/api-contract.log" 2>&1; then
  cat "$results/api-contract.log"; passed=$((passed + 1))
else
  cat "$results/api-contract.log"; problem "the SPA's generated API types are stale"
fi

kill -- "-$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null
server_pid=""

echo
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]

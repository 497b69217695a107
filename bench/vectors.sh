#!/usr/bin/env bash
# Vector search figures (issue 8): the embedded USearch index of CityEye (USearchVectorIndex, one HNSW segment per
# --segment-days UTC days, 7 by default as in VectorOptions) against FAISS IndexHNSWFlat (Debian's python3-faiss) over the same generated vectors:
# build rate, memory, index bytes on disk, start-up over the saved index, recall@10 against a brute-force scan,
# p50/p99 at 16 concurrent queries with and without a time + device filter, and q/s at equal recall.
#   bench/vectors.sh [--count N] [--runs N] [--queries N] [--skip-peer] [--keep]
#                    [--ef N] [--ef-sweep 16,32,64,128,256,512] [--connectivity N] [--expansion-add N]
#                    [--quantisation f16|i8|f32] [--segment-days N] [--concurrency N] [--passes N] [--batch N] [--lanes N]
#                    [--seed N] [--targets 0.9,0.95,0.99]
#                    [--clusters N] [--days N] [--devices N] [--filter-devices N] [--filter-days D]
# Data: --count (1,000,000) clustered unit vectors of 512 dimensions over 10 UTC days and 2,000 devices, --queries
# (200) noisy copies of members, each with a 5-day range (--filter-days) and 200 devices (--filter-devices), written
# once to the temp folder and read by both sides. Index options default to VectorOptions (ef 64, M 16,
# efConstruction 128, f16; --connectivity and --expansion-add apply to FAISS too); the adds go in batches of 2,000
# (CaptureDrain.BatchSize), one AddAsync at a time (--lanes N adds N segments in parallel).
# Temp files (about 4 KiB per vector: vectors, both indexes) go to $TMPDIR and are deleted on exit unless --keep.
# Takes long: 54 min at --count 200000 --runs 1 on 2 busy cores, 46 of them FAISS's build (Debian builds FAISS without
# SIMD: OPTIMIZE GENERIC); at 1,000,000 the USearch build alone should take about 30 min and FAISS's several hours, so
# --skip-peer (or a smaller --count for the comparison) is the practical choice there.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

count=1000000
runs=3
queries=200
skip_peer=0
keep=0
ef_sweep=16,32,64,128,256,512
passes=5
faiss_args=()
bench_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --count) count=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --queries) queries=$2; shift 2 ;;
    --skip-peer) skip_peer=1; shift ;;
    --keep) keep=1; shift ;;
    --ef-sweep) ef_sweep=$2; shift 2 ;;
    --passes) passes=$2; shift 2 ;;
    --connectivity) bench_args+=("$1" "$2"); faiss_args+=(--m "$2"); shift 2 ;;
    --expansion-add) bench_args+=("$1" "$2"); faiss_args+=(--ef-construction "$2"); shift 2 ;;
    --ef | --quantisation | --segment-days | --concurrency | --batch | --lanes | --seed | --targets | --clusters | --days | --devices | \
      --filter-devices | --filter-days)
      bench_args+=("$1" "$2"); shift 2 ;;
    *) die "unknown argument $1" ;;
  esac
done

cleanup() {
  if [[ "$keep" == 1 ]]; then
    log "kept $BENCH_TMP"
  else
    rm -rf "$BENCH_TMP"
  fi
}
trap cleanup EXIT

# Debian's FAISS and numpy are for /usr/bin/python3 (a python3 earlier in PATH, e.g. pyenv's, does not see them).
python=/usr/bin/python3
if [[ "$skip_peer" == 0 ]] && ! "$python" -c 'import faiss, numpy' 2>/dev/null; then
  if [[ $(id -u) == 0 ]]; then
    log "installing python3-faiss and python3-numpy (apt-get)"
    { apt-get install -y python3-faiss python3-numpy || { apt-get update && apt-get install -y python3-faiss python3-numpy; }; } \
      >"$BENCH_TMP/apt.log" 2>&1 || { tail -n 20 "$BENCH_TMP/apt.log" >&2; die "apt-get install failed"; }
  else
    echo "FAISS is missing: run 'sudo apt-get install -y python3-faiss python3-numpy' (or use --skip-peer)" >&2
    exit 1
  fi
fi

log "building bench/VectorBench (Release)"
(cd "$BENCH_ROOT" && dotnet build -c Release bench/VectorBench) >"$BENCH_TMP/build.log" 2>&1 \
  || { tail -n 40 "$BENCH_TMP/build.log" >&2; die "dotnet build failed"; }
dll="$BENCH_ROOT/artifacts/bin/VectorBench/release/VectorBench.dll"
bench() { dotnet "$dll" "$@"; }

data="$BENCH_TMP/data"
index="$BENCH_TMP/usearch"
log "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $count vectors, $queries queries, $runs runs; temp folder $BENCH_TMP"
bench generate --data "$data" --count "$count" --queries "$queries" "${bench_args[@]}"
log "building the USearch index (progress every 30 s)"
bench build --data "$data" --index "$index" --json "$BENCH_TMP/build.json" "${bench_args[@]}"
log "searching the USearch index"
bench search --data "$data" --index "$index" --json "$BENCH_TMP/search.json" --runs "$runs" --passes "$passes" \
  --ef-sweep "$ef_sweep" "${bench_args[@]}"
report_args=(--data "$data" --build "$BENCH_TMP/build.json" --search "$BENCH_TMP/search.json")
if [[ "$skip_peer" == 0 ]]; then
  [[ "$keep" == 1 ]] || rm -rf "$index" # the USearch files are not needed any more; FAISS needs the room
  log "FAISS IndexHNSWFlat on the same vectors"
  "$python" "$(dirname "${BASH_SOURCE[0]}")/faiss_peer.py" --data "$data" --out "$BENCH_TMP/faiss.json" --runs "$runs" \
    --passes "$passes" --ef-sweep "$ef_sweep" "${faiss_args[@]}"
  report_args+=(--faiss "$BENCH_TMP/faiss.json")
fi
log "done; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
bench report "${report_args[@]}" "${bench_args[@]}"

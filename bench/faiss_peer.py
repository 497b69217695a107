#!/usr/bin/python3
"""FAISS peer of bench/vectors.sh: IndexHNSWFlat over the same files as VectorBench (see VectorBench/DataSet.cs).

Builds IndexHNSWFlat (inner product on the unit vectors = cosine, float32), then measures recall@K against the same
exact answers (truth.i64) and queries per second at each efSearch, without filters (the queries as one batch search
on all threads) and with each query's time range and device set (IDSelectorBitmap, one query per call from as many
Python threads as cores). Also checks the exact answers with numpy. Writes a JSON file that VectorBench's report reads.

    faiss_peer.py --data DIR --out FILE [--runs 3] [--passes 5] [--ef-sweep 16,32,64,128,256,512] [--m 16]
                  [--ef-construction 128] [--threads N] [--no-filtered]

Uses Debian's python3-faiss and python3-numpy (run it with /usr/bin/python3).
"""
import os

# Idle OpenMP threads sleep instead of spinning, so that process CPU time counts work only (set before faiss loads).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402

import faiss  # noqa: E402
import numpy as np  # noqa: E402


def log(message):
    print(f"[faiss] {message}", file=sys.stderr, flush=True)


def rss_mib():
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def recall(found, exact):
    """Mean over queries of |found ∩ exact| / |exact| (ids; -1 and 0 ignored)."""
    total, n = 0.0, 0
    for got, want in zip(found, exact):
        want = {int(i) for i in want if i > 0}
        if not want:
            continue
        total += len(want & {int(i) for i in got if i > 0}) / len(want)
        n += 1
    return total / n if n else float("nan")


def exact_top(x, queries, k, chunk=65536):
    """Exact top k ids (row + 1) of each query by inner product, in float32, scanning the rows in chunks."""
    best_scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
    best_ids = np.zeros((len(queries), k), dtype=np.int64)
    for start in range(0, len(x), chunk):
        scores = queries @ x[start:start + chunk].T
        ids = np.broadcast_to(np.arange(start, start + scores.shape[1]) + 1, scores.shape)
        scores = np.concatenate([best_scores, scores], axis=1)
        ids = np.concatenate([best_ids, ids], axis=1)
        keep = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        best_scores = np.take_along_axis(scores, keep, axis=1)
        best_ids = np.take_along_axis(ids, keep, axis=1)
    return best_ids


def timed(action):
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--ef-sweep", default="16,32,64,128,256,512")
    parser.add_argument("--m", type=int, default=16)
    parser.add_argument("--ef-construction", type=int, default=128)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--no-filtered", action="store_true")
    args = parser.parse_args()

    with open(os.path.join(args.data, "meta.json"), encoding="utf-8") as file:
        meta = json.load(file)
    n, d, nq, k = meta["count"], meta["dimensions"], meta["queries"], meta["k"]
    width = 2 + meta["filterDevices"]

    def read(name, dtype, shape):
        return np.fromfile(os.path.join(args.data, name), dtype=dtype).reshape(shape)

    x = read("vectors.f32", "<f4", (n, d))
    queries = read("queries.f32", "<f4", (nq, d))
    filters = read("filters.i64", "<i8", (nq, width))
    truth = read("truth.i64", "<i8", (2, nq, k))
    entries = read("entries.i64", "<i8", (n, 2))
    faiss.omp_set_num_threads(args.threads)

    # The exact answers again, with numpy (BLAS): both sides must see the same vectors and the same answers.
    numpy_top, seconds, _ = timed(lambda: exact_top(x, queries, k))
    agreement = recall(numpy_top, truth[0])
    log(f"numpy exact top {k} in {seconds:.1f} s agrees with truth.i64 at {agreement:.4f}")
    if agreement < 0.99:
        raise SystemExit(f"the exact answers of numpy and of VectorBench differ (agreement {agreement:.4f})")

    index = faiss.IndexHNSWFlat(d, args.m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = args.ef_construction
    if hasattr(faiss, "get_compile_options"):
        log(f"FAISS {faiss.__version__}, compile options: {faiss.get_compile_options().strip()}")
    log(f"building IndexHNSWFlat M={args.m} efConstruction={args.ef_construction} on {args.threads} threads over {n:,} vectors")

    def build():
        # In chunks only to show progress: HNSW adds are incremental (FAISS inserts a call's vectors by level, so the
        # order within a chunk differs from one call; the graph is equivalent).
        shown = time.perf_counter()
        for start in range(0, n, 20000):
            index.add(x[start:start + 20000])
            if time.perf_counter() - shown > 30 and start + 20000 < n:
                shown = time.perf_counter()
                log(f"  added {start + 20000:,} of {n:,}")

    _, build_seconds, build_cpu = timed(build)
    log(f"built in {build_seconds:.1f} s = {n / build_seconds:,.0f} vectors/s ({n / build_cpu:,.0f} per CPU-second)")
    del x
    gc.collect()
    rss = rss_mib()

    with tempfile.TemporaryDirectory(dir=args.data) as folder:
        path = os.path.join(folder, "hnsw.faiss")
        faiss.write_index(index, path)
        index_bytes = os.path.getsize(path)
        loads = []
        for _ in range(max(args.runs, 1)):
            loaded, seconds, _ = timed(lambda: faiss.read_index(path))
            loads.append(seconds)
            del loaded
    log(f"index file {index_bytes / 2**20:,.0f} MiB, read_index {statistics.median(loads):.2f} s; RSS after build {rss:,.0f} MiB")

    # Bitmaps of the rows each query's filter lets through (bit i = row i = id i + 1).
    selectors = []
    if not args.no_filtered:
        times, devices = entries[:, 0], entries[:, 1]
        allowed = np.zeros(int(devices.max()) + 1, dtype=bool)
        for row in filters:
            allowed[:] = False
            allowed[row[2:]] = True
            mask = (times >= row[0]) & (times < row[1]) & allowed[devices]
            bits = np.packbits(mask, bitorder="little")
            selectors.append((bits, faiss.IDSelectorBitmap(n, faiss.swig_ptr(bits))))

    def filtered_pass(ef):
        params = [faiss.SearchParametersHNSW(sel=selector, efSearch=ef) for _, selector in selectors]

        def one(q):
            _, labels = index.search(queries[q:q + 1], k, params=params[q])
            return labels[0] + 1

        with ThreadPoolExecutor(max_workers=args.threads) as pool:
            return list(pool.map(one, range(nq)))

    sweep = []
    for ef in [int(v) for v in args.ef_sweep.split(",") if v.strip()]:
        index.hnsw.efSearch = ef
        labels = index.search(queries, k)[1] + 1
        walls, cpus = [], []
        for _ in range(max(args.runs, 1)):
            _, wall, cpu = timed(lambda: [index.search(queries, k) for _ in range(args.passes)])
            walls.append(nq * args.passes / wall)
            cpus.append(nq * args.passes / cpu)
        point = {"ef": ef, "recall": recall(labels, truth[0]), "qps": statistics.median(walls), "qpsCpu": statistics.median(cpus),
                 "filteredRecall": None, "filteredQps": None, "filteredQpsCpu": None}
        if selectors:
            found = filtered_pass(ef)
            outside = sum(int(not (selectors[q][0][(i - 1) >> 3] >> ((i - 1) & 7) & 1)) for q, ids in enumerate(found) for i in ids if i > 0)
            if outside:
                raise SystemExit(f"FAISS returned {outside} ids outside the filters at efSearch {ef}")
            walls, cpus = [], []
            for _ in range(max(args.runs, 1)):
                _, wall, cpu = timed(lambda: filtered_pass(ef))
                walls.append(nq / wall)
                cpus.append(nq / cpu)
            point.update(filteredRecall=recall(found, truth[1]), filteredQps=statistics.median(walls), filteredQpsCpu=statistics.median(cpus))
        sweep.append(point)
        log(f"efSearch {ef}: recall@{k} {point['recall']:.4f}, {point['qps']:,.0f} q/s ({point['qpsCpu']:,.0f} per CPU-second)"
            + (f"; filtered recall {point['filteredRecall']:.4f}, {point['filteredQps']:,.0f} q/s" if selectors else ""))

    result = {
        "version": faiss.__version__,
        "compileOptions": faiss.get_compile_options().strip() if hasattr(faiss, "get_compile_options") else "",
        "threads": args.threads,
        "m": args.m,
        "efConstruction": args.ef_construction,
        "buildSeconds": build_seconds,
        "vectorsPerSecond": n / build_seconds,
        "vectorsPerCpuSecond": n / build_cpu,
        "rssMiB": rss,
        "indexBytes": index_bytes,
        "loadSeconds": statistics.median(loads),
        "truthAgreement": agreement,
        "sweep": sweep,
    }
    with open(args.out, "w", encoding="utf-8") as file:
        json.dump(result, file, indent=2)


if __name__ == "__main__":
    main()

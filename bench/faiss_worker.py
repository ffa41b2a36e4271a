#!/usr/bin/env python3
"""FAISS side of the NegHash benchmark harness (bench/run starts it, one process per method).

Modes:
  info    print the FAISS version, the BLAS library loaded and the process's peak RSS after import
  binary  IndexBinaryFlat over NegHash's packed codes (uint8, N x b/8): k+1 nearest per anchor
  flat    IndexFlatIP over the unit float vectors (float32, N x d): k+1 nearest per anchor
  hnsw    IndexHNSWFlat (inner product) over the unit float vectors: k nearest per anchor among
          the items of another label (--labels), found by over-fetching (see below)

FAISS cannot exclude labels or the query itself, so flat and binary are asked for k+1 neighbours
(the anchor finds itself) and the harness drops one entry. Results: PREFIX.ids.npy (int32,
flattened anchors x (k+1); anchors x k for hnsw, -1 padded), PREFIX.dist.npy for binary (int32),
and a key=value file with the timings and the peak RSS (VmHWM), written through a temporary file
and a rename.

hnsw excludes labels by over-fetching: every anchor is searched for k' = 2k neighbours (efSearch =
max(ef, k')), the items of its own label (itself included) are dropped, and the anchors left with
fewer than k admissible items are searched again with k' doubled, until k remain or k' reaches N.
The search time covers all rounds and the filtering.
"""
import argparse
import os
import sys
import time

import numpy as np
import faiss


def peak_rss_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return -1


def blas_library():
    names = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            base = os.path.basename(path)
            if "blas" in base or "mkl" in base:
                names.add(path)
    return ",".join(sorted(names)) or "unknown"


def write_props(path, props):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        for key, value in props.items():
            f.write(f"{key}={value}\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def save_npy(path, array):
    tmp = path + ".tmp.npy"
    with open(tmp, "wb") as f:
        np.save(f, array)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["info", "binary", "flat", "hnsw"])
    p.add_argument("--data", help="codes (binary) or vectors (flat) .npy")
    p.add_argument("--anchors", help="int32 .npy of anchor ids (sorted)")
    p.add_argument("--k", type=int)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--repeat", type=int, default=1, help="run the search up to this many times, report the fastest")
    p.add_argument("--repeat-seconds", type=float, default=0.0,
                   help="stop repeating once this much search time has been spent")
    p.add_argument("--labels", help="hnsw: int32 .npy of item labels")
    p.add_argument("--m", type=int, default=16, help="hnsw: links per node (M)")
    p.add_argument("--ef-construction", type=int, default=100, help="hnsw: efConstruction")
    p.add_argument("--ef", type=int, default=0, help="hnsw: efSearch floor (efSearch = max(ef, k'))")
    p.add_argument("--out", help="prefix of the result files")
    p.add_argument("--props", help="key=value result file")
    a = p.parse_args()

    if a.threads > 0:
        faiss.omp_set_num_threads(a.threads)
    props = {
        "faiss_version": faiss.__version__,
        "numpy_version": np.__version__,
        "blas": blas_library(),
        "omp_threads": faiss.omp_get_max_threads(),
    }
    if a.mode == "info":
        props["rss_bytes"] = peak_rss_bytes()
        write_props(a.props, props)
        return 0

    t0 = time.perf_counter()
    data = np.load(a.data)
    anchors = np.load(a.anchors).astype(np.int64)
    queries = np.ascontiguousarray(data[anchors])
    props["load_s"] = time.perf_counter() - t0
    k1 = a.k + 1

    if a.mode == "hnsw":
        return hnsw(a, data, anchors, queries, props)
    if a.mode == "binary":
        if data.dtype != np.uint8 or data.ndim != 2:
            raise SystemExit(f"binary mode needs uint8 codes (N, b/8), got {data.dtype} {data.shape}")
        index = faiss.IndexBinaryFlat(data.shape[1] * 8)
    else:
        if data.dtype != np.float32 or data.ndim != 2:
            raise SystemExit(f"flat mode needs float32 vectors (N, d), got {data.dtype} {data.shape}")
        index = faiss.IndexFlatIP(data.shape[1])
    t1 = time.perf_counter()
    index.add(data)
    props["build_s"] = time.perf_counter() - t1

    (dist, ids), props["search_s"] = timed(a, lambda: index.search(queries, k1))
    props["search_anchors"] = len(anchors)
    props["bytes_per_item"] = data.shape[1] * data.dtype.itemsize

    save_npy(a.out + ".ids.npy", ids.astype(np.int32).ravel())
    if a.mode == "binary":
        save_npy(a.out + ".dist.npy", dist.astype(np.int32).ravel())
    props["rss_bytes"] = peak_rss_bytes()
    write_props(a.props, props)
    return 0


def timed(a, search):
    """Runs search up to --repeat times (results are deterministic), no more once --repeat-seconds
    are spent; returns its result and the fastest time."""
    best = float("inf")
    spent = 0.0
    for i in range(max(1, a.repeat)):
        if i > 0 and spent >= a.repeat_seconds:
            break
        t = time.perf_counter()
        result = search()
        took = time.perf_counter() - t
        best = min(best, took)
        spent += took
    return result, best


def first_admissible(ids, bad, k):
    """The first k admissible ids of each row (in the row's order), -1 padded."""
    ok = (ids >= 0) & ~bad
    order = np.argsort(~ok, axis=1, kind="stable")[:, :k]
    picked = np.take_along_axis(ids, order, axis=1)
    picked[~np.take_along_axis(ok, order, axis=1)] = -1
    return picked, ok.sum(axis=1)


def mine_hnsw(index, queries, anchor_labels, labels, k, ef):
    """Over-fetch and filter: returns (ids m x k, final k' per anchor, rounds)."""
    n = index.ntotal
    m = len(queries)
    out = np.full((m, k), -1, dtype=np.int64)
    final = np.zeros(m, dtype=np.int64)
    pending = np.arange(m)
    kq = min(n, 2 * k)
    rounds = 0
    while pending.size:
        rounds += 1
        index.hnsw.efSearch = max(ef, kq)
        _, ids = index.search(queries[pending], kq)
        bad = labels[np.maximum(ids, 0)] == anchor_labels[pending][:, None]
        picked, count = first_admissible(ids, bad, k)
        done = (count >= k) | (kq >= n)
        out[pending[done]] = picked[done]
        final[pending[done]] = kq
        pending = pending[~done]
        kq = min(n, kq * 2)
    return out, final, rounds


def hnsw(a, data, anchors, queries, props):
    if data.dtype != np.float32 or data.ndim != 2:
        raise SystemExit(f"hnsw mode needs float32 vectors (N, d), got {data.dtype} {data.shape}")
    labels = np.load(a.labels).astype(np.int64)
    index = faiss.IndexHNSWFlat(data.shape[1], a.m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = a.ef_construction
    t1 = time.perf_counter()
    index.add(data)
    props["build_s"] = time.perf_counter() - t1
    anchor_labels = labels[anchors]
    (ids, final, rounds), props["search_s"] = timed(
        a, lambda: mine_hnsw(index, queries, anchor_labels, labels, a.k, a.ef))
    props["search_anchors"] = len(anchors)
    props["rounds"] = rounds
    props["mean_fetched"] = float(final.mean())
    props["max_fetched"] = int(final.max())
    links = index.hnsw.neighbors.size() * 4 + index.hnsw.offsets.size() * 8 + index.hnsw.levels.size() * 4
    props["bytes_per_item"] = data.shape[1] * 4 + links / data.shape[0]
    save_npy(a.out + ".ids.npy", ids.astype(np.int32).ravel())
    props["rss_bytes"] = peak_rss_bytes()
    write_props(a.props, props)
    return 0


if __name__ == "__main__":
    sys.exit(main())

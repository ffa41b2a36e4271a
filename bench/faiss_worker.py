#!/usr/bin/env python3
"""FAISS side of the NegHash benchmark harness (bench/run starts it, one process per method).

Modes:
  info    print the FAISS version, the BLAS library loaded and the process's peak RSS after import
  binary  IndexBinaryFlat over NegHash's packed codes (uint8, N x b/8): k+1 nearest per anchor
  flat    IndexFlatIP over the unit float vectors (float32, N x d): k+1 nearest per anchor

FAISS cannot exclude labels or the query itself, so it is asked for k+1 neighbours (the anchor
finds itself) and the harness drops one entry. Results: PREFIX.ids.npy (int32, flattened
anchors x (k+1)), PREFIX.dist.npy for binary (int32), and a key=value file with the timings and
the peak RSS (VmHWM), written through a temporary file and a rename.
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
    p.add_argument("mode", choices=["info", "binary", "flat"])
    p.add_argument("--data", help="codes (binary) or vectors (flat) .npy")
    p.add_argument("--anchors", help="int32 .npy of anchor ids (sorted)")
    p.add_argument("--k", type=int)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--repeat", type=int, default=1, help="run the search up to this many times, report the fastest")
    p.add_argument("--repeat-seconds", type=float, default=0.0,
                   help="stop repeating once this much search time has been spent")
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

    best = float("inf")
    spent = 0.0
    for i in range(max(1, a.repeat)):
        if i > 0 and spent >= a.repeat_seconds:
            break
        t2 = time.perf_counter()
        dist, ids = index.search(queries, k1)
        took = time.perf_counter() - t2
        best = min(best, took)
        spent += took
    props["search_s"] = best
    props["search_anchors"] = len(anchors)
    props["bytes_per_item"] = data.shape[1] * data.dtype.itemsize

    save_npy(a.out + ".ids.npy", ids.astype(np.int32).ravel())
    if a.mode == "binary":
        save_npy(a.out + ".dist.npy", dist.astype(np.int32).ravel())
    props["rss_bytes"] = peak_rss_bytes()
    write_props(a.props, props)
    return 0


if __name__ == "__main__":
    sys.exit(main())

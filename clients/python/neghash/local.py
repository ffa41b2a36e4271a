"""Local mode: the client's calls on one machine, without a service.

:class:`LocalClient` keeps datasets, snapshots (as ``.npy`` files) and job results in a folder and
runs the ``neghash`` command line (``negatives``, ``batches``, ``encode``) for each job. Its
methods have the same names, parameters and results as :class:`neghash.Client`, and refusals raise
the same :class:`~neghash.NegHashError` (type, status and detail as the service would answer), so
a training script can switch between the two by constructing one or the other.

Encoding and mining run the same engine as the service, so the same embeddings, settings and job
parameters give the same negatives, distances, hard positives and batches. The command line offers
no query/reference search, positive pairs or quality report: jobs that need them raise
:class:`NotImplementedError`. It also uses one seed for the hyperplanes and the random choices, so
a job with the ``random`` strategy or batches must use the dataset's seed (the default 42 of both
does).

About 800 lines: it mirrors every call of :class:`neghash.Client` (datasets, side files, snapshots,
jobs, results), with the service's checks and problem details, over one folder and the command
line; splitting it would separate each call from the refusal it must give.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np

from . import _npy
from ._handles import FINAL_STATES, Dataset, Job
from ._progress import JobProgress
from ._jobs import JobLauncher
from .client import is_path
from .errors import PROBLEM_PREFIX, JobFailedError, NegHashError

MAX_K = 65536


def _now() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


def _problem(status: int, code: str, detail: str) -> NegHashError:
    return NegHashError(PROBLEM_PREFIX + code, status, detail)


def _invalid(detail: str) -> NegHashError:
    return _problem(400, "invalid-input", detail)


def _not_found(what: str, ident: str) -> NegHashError:
    return _problem(404, "not-found", f"no {what} with id '{ident}'")


def _new_id(prefix: str) -> str:
    return prefix + secrets.token_hex(8)


_HARDNESS = re.compile(r"hardness ([0-9.]+|NaN) \(random batches ([0-9.]+|NaN)\)")


def check_batches(batch_size: int, items_per_label: int | None, random_share: float | None,
                  labels: np.ndarray | None, n: int) -> None:
    """Refuses batch settings the labels cannot meet, with the service's reasons."""
    k = int(items_per_label or 0)
    if k and batch_size % k != 0:
        raise _invalid(f"batch size {batch_size} is not a multiple of itemsPerLabel {k} "
                       f"(P x K batches hold P labels with K items each)")
    if k and k > batch_size:
        raise _invalid(f"itemsPerLabel must be 0 (no label twice in a batch) or between 2 and the batch size "
                       f"({batch_size}), got {k}")
    if not k and random_share:
        raise _invalid("randomShare needs itemsPerLabel (it applies to P x K batches)")
    if not k:
        if labels is None:
            return
        distinct = len(np.unique(labels))
        if distinct < batch_size:
            raise _invalid(f"batch size {batch_size} needs at least {batch_size} distinct labels for batches "
                           f"without repeated labels; the labels have {distinct} — use itemsPerLabel (P x K batches)")
        return
    if labels is None:
        raise _invalid("itemsPerLabel (P x K batches) needs labels")
    p = batch_size // k
    _, counts = np.unique(labels, return_counts=True)
    eligible = int(np.count_nonzero(counts >= k))
    if eligible < p:
        hint = f" — use a batch size of at most {eligible * k} or more items per label" if eligible else ""
        raise _invalid(f"batch size {batch_size} with itemsPerLabel {k} needs {p} labels with at least {k} items "
                       f"each; the labels have {eligible} such (of {len(counts)} distinct){hint}")


def find_command() -> list[str]:
    """The ``neghash`` command: ``$NEGHASH_COMMAND`` (split like a shell line), else ``neghash`` on PATH."""
    env = os.environ.get("NEGHASH_COMMAND")
    if env:
        return shlex.split(env)
    found = shutil.which("neghash")
    if found:
        return [found]
    raise FileNotFoundError(
        "the neghash command line was not found: pass command= (e.g. the repository's ./neghash launcher) "
        "or set NEGHASH_COMMAND")


class LocalClient(JobLauncher):
    """The client's calls on one machine, by running the ``neghash`` command line.

    Args:
        data_dir: where datasets, snapshots and results are kept (default: a new temporary
            folder). A folder used before is read again: its datasets, snapshots and finished
            jobs are there.
        command: the command line program, a path or an argument list (for example
            ``["java", "--add-modules=jdk.incubator.vector", "-jar", "neghash.jar"]``); default
            ``$NEGHASH_COMMAND`` or ``neghash`` on PATH.
        threads: worker threads of each command (0 = all cores).
        poll_interval: seconds between two looks at a running job in :meth:`wait_job`.
    """

    def __init__(self, data_dir: str | os.PathLike[str] | None = None,
                 command: str | os.PathLike[str] | Sequence[str] | None = None, *,
                 threads: int = 0, poll_interval: float = 0.1) -> None:
        if command is None:
            self.command = find_command()
        elif isinstance(command, (str, os.PathLike)):
            self.command = [os.fspath(command)]
        else:
            self.command = [os.fspath(c) for c in command]
        self.data_dir = Path(data_dir) if data_dir is not None else Path(tempfile.mkdtemp(prefix="neghash-local-"))
        self.threads = int(threads)
        self.poll_interval = poll_interval
        self._lock = threading.RLock()
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="neghash-local")
        self._procs: dict[str, subprocess.Popen[str]] = {}
        (self.data_dir / "datasets").mkdir(parents=True, exist_ok=True)
        (self.data_dir / "jobs").mkdir(parents=True, exist_ok=True)
        (self.data_dir / "tmp").mkdir(parents=True, exist_ok=True)
        self._datasets: dict[str, dict[str, Any]] = {}
        self._snapshots: dict[str, list[dict[str, Any]]] = {}
        self._jobs: dict[str, dict[str, Any]] = {}
        self._load()

    def __repr__(self) -> str:
        return f"LocalClient({str(self.data_dir)!r})"

    def close(self) -> None:
        """Cancels unfinished jobs and stops the worker."""
        for j in list(self._jobs.values()):
            if j["state"] not in FINAL_STATES:
                self.cancel_job(j["id"])
        self._executor.shutdown(wait=True)

    # ------------------------------------------------------------------ storage

    def _ds_dir(self, dataset_id: str) -> Path:
        return self.data_dir / "datasets" / dataset_id

    def _job_dir(self, job_id: str) -> Path:
        return self.data_dir / "jobs" / job_id

    @staticmethod
    def _write_json(path: Path, value: Any) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(value, indent=1))
        os.replace(tmp, path)

    def _load(self) -> None:
        for d in sorted((self.data_dir / "datasets").glob("*/dataset.json")):
            view = json.loads(d.read_text())
            self._datasets[view["id"]] = view
            snaps = [json.loads(s.read_text()) for s in d.parent.glob("snapshots/*/snapshot.json")]
            self._snapshots[view["id"]] = sorted(snaps, key=lambda s: s["seq"])
        for j in (self.data_dir / "jobs").glob("*/job.json"):
            view = json.loads(j.read_text())
            if view["state"] not in FINAL_STATES:
                view.update(state="FAILED", phase="done", error="interrupted: the process that ran it ended",
                            finishedAt=_now())
                self._write_json(j, view)
            self._jobs[view["id"]] = view

    def _save_dataset(self, view: dict[str, Any]) -> None:
        snaps = self._snapshots.get(view["id"], [])
        view["snapshots"] = len(snaps)
        view["latestSnapshotId"] = snaps[-1]["id"] if snaps else None
        self._write_json(self._ds_dir(view["id"]) / "dataset.json", view)

    def _require(self, dataset_id: str) -> dict[str, Any]:
        view = self._datasets.get(dataset_id)
        if view is None:
            raise _not_found("dataset", dataset_id)
        return view

    # ------------------------------------------------------------------ datasets

    def create_dataset(self, dims: int, *, name: str = "", bits: int = 512, seed: int = 42,
                       center: bool = True, normalize: bool = True) -> Dataset:
        """Creates a dataset with its encoding settings."""
        if not 1 <= int(dims) <= 1 << 20:
            raise _problem(400, "invalid-request", f"dims must be between 1 and {1 << 20}, got {dims}")
        if int(bits) % 64 != 0 or not 64 <= int(bits) <= 4096:
            raise _problem(400, "invalid-request", f"bits must be a multiple of 64 between 64 and 4096, got {bits}")
        ident = _new_id("ds_")
        view = {"id": ident, "name": name, "dims": int(dims), "bits": int(bits), "seed": int(seed),
                "center": bool(center), "normalize": bool(normalize), "createdAt": _now(), "items": None,
                "labels": False, "queries": None, "references": None, "positivePairs": None,
                "snapshots": 0, "latestSnapshotId": None, "bytesPerItem": int(bits) // 8}
        with self._lock:
            (self._ds_dir(ident) / "snapshots").mkdir(parents=True)
            self._datasets[ident] = view
            self._snapshots[ident] = []
            self._save_dataset(view)
        return Dataset(self, dict(view))

    def dataset(self, dataset_id: str) -> Dataset:
        """A handle on an existing dataset."""
        return Dataset(self, self.get_dataset(dataset_id))

    def datasets(self) -> list[Dataset]:
        """All datasets."""
        return [Dataset(self, dict(v)) for v in sorted(self._datasets.values(), key=lambda v: v["createdAt"])]

    def get_dataset(self, dataset_id: str) -> dict[str, Any]:
        """A dataset's view."""
        return dict(self._require(dataset_id))

    def delete_dataset(self, dataset_id: str) -> None:
        """Deletes a dataset and its snapshots (refused while jobs on it are unfinished)."""
        with self._lock:
            self._require(dataset_id)
            if any(j["datasetId"] == dataset_id and j["state"] not in FINAL_STATES for j in self._jobs.values()):
                raise _problem(409, "in-use", f"dataset {dataset_id} has unfinished jobs")
            del self._datasets[dataset_id]
            self._snapshots.pop(dataset_id, None)
            shutil.rmtree(self._ds_dir(dataset_id), ignore_errors=True)

    def _ints(self, values: Any, cols: int, what: str) -> np.ndarray:
        if is_path(values):
            try:
                array = np.load(values, mmap_mode="r", allow_pickle=False)
            except ValueError as e:
                raise _invalid(f"the {what} file is not a readable .npy: {e}") from None
        else:
            array = np.asarray(values)
        if array.dtype.kind not in "iub":
            raise _invalid(f"{what} dtype '{array.dtype.str}' is not supported; use an integer type such as int32 or int64")
        expected = (array.shape[0],) if cols == 1 else (array.shape[0] if array.ndim else 0, cols)
        if array.ndim != len(expected) or array.shape != expected:
            raise _invalid(f"{what} must have shape {'(N,)' if cols == 1 else f'(P, {cols})'}, got {array.shape}")
        return np.asarray(array, dtype=np.int64)

    def _check_count(self, view: dict[str, Any], count: int, what: str) -> None:
        n = view["items"]
        if n is not None and count != n:
            raise _invalid(f"{what} {count} differs from the dataset's number of items N = {n}")
        if count < 2:
            raise _invalid(f"a dataset needs at least 2 items, got {count}")

    def put_labels(self, dataset_id: str, labels: Any) -> dict[str, Any]:
        """Stores a dataset's labels, once."""
        with self._lock:
            view = self._require(dataset_id)
            values = self._ints(labels, 1, "labels")
            if values.size and (values.min() < -(2 ** 31) or values.max() >= 2 ** 31):
                raise _invalid("labels must fit in 32 bits")
            if view["labels"]:
                raise _problem(409, "already-set", f"dataset {dataset_id} already has labels; they cannot be replaced (create a new dataset)")
            self._check_count(view, len(values), "label count")
            np.save(self._ds_dir(dataset_id) / "labels.npy", values.astype(np.int32))
            view.update(labels=True, items=len(values))
            self._save_dataset(view)
            return dict(view)

    def get_labels(self, dataset_id: str) -> np.ndarray:
        """A dataset's labels, int32 (N,)."""
        view = self._require(dataset_id)
        if not view["labels"]:
            raise _problem(404, "not-found", f"dataset {dataset_id} has no labels")
        return np.load(self._ds_dir(dataset_id) / "labels.npy")

    def put_split(self, dataset_id: str, split: Any) -> dict[str, Any]:
        """Stores the query/reference split, once (kept; jobs in mode ``queries`` are not available locally)."""
        with self._lock:
            view = self._require(dataset_id)
            values = self._ints(split, 1, "split")
            bad = np.flatnonzero((values != 0) & (values != 1))
            if bad.size:
                raise _invalid(f"split entry {bad[0]} is {values[bad[0]]}; use 1 for a query item and 0 for a reference item")
            q = int(values.sum())
            if q == 0 or q == len(values):
                raise _invalid("the split needs at least one query (1) and one reference (0) item")
            if view["queries"] is not None:
                raise _problem(409, "already-set", f"dataset {dataset_id} already has a split; it cannot be replaced")
            self._check_count(view, len(values), "split length")
            np.save(self._ds_dir(dataset_id) / "split.npy", values.astype(np.int32))
            view.update(items=len(values), queries=q, references=len(values) - q)
            self._save_dataset(view)
            return dict(view)

    def put_positives(self, dataset_id: str, pairs: Any) -> dict[str, Any]:
        """Stores explicit positive pairs, once (kept; jobs that use them are not available locally)."""
        with self._lock:
            view = self._require(dataset_id)
            values = self._ints(pairs, 2, "positive pairs")
            if view["positivePairs"] is not None:
                raise _problem(409, "already-set", f"dataset {dataset_id} already has positive pairs; they cannot be replaced")
            n = view["items"]
            if n is None:
                raise _problem(409, "size-unknown", "store labels, a split or a snapshot before positive pairs, so that N is known")
            if values.size and (values.min() < 0 or values.max() >= n):
                raise _invalid(f"positive pair ids must be between 0 and {n - 1}")
            np.save(self._ds_dir(dataset_id) / "positives.npy", values.astype(np.int32))
            view["positivePairs"] = len(values)
            self._save_dataset(view)
            return dict(view)

    # ------------------------------------------------------------------ snapshots

    def upload_snapshot(self, dataset_id: str, embeddings: Any, *, keep_floats: bool = False) -> dict[str, Any]:
        """Stores one epoch's embeddings (an (N, d) array or an ``.npy`` path) as a new snapshot.

        The rows are checked (shape, dtype, finite values) and written a block at a time; the
        floats are always kept locally, since the command line reads them.
        """
        view = self._require(dataset_id)
        if is_path(embeddings):
            try:
                with open(embeddings, "rb") as f:
                    shape, fortran, dtype = _npy.read_header(f)
            except (OSError, ValueError) as e:
                raise _invalid(f"not a readable .npy file: {e}") from None
            if fortran:
                raise _invalid("Fortran-ordered .npy arrays are not supported; save with np.ascontiguousarray")
            array = np.load(embeddings, mmap_mode="r", allow_pickle=False)
            fmt = "npy"
        else:
            array = np.asarray(embeddings)
            fmt = "array"
        if array.ndim != 2:
            raise _invalid(f"embeddings must have shape (N, d), got {array.shape}")
        if array.dtype.kind != "f" and fmt == "npy":
            raise _invalid(f"dtype '{array.dtype.str}' is not supported; use float16, float32 or float64")
        n, d = array.shape
        if d != view["dims"]:
            raise _invalid(f"the embeddings have d = {d}, the dataset d = {view['dims']}")
        self._check_count(view, n, "row count")
        dtype = _npy.upload_dtype(array.dtype)
        sid = _new_id("sn_")
        tmp = self.data_dir / "tmp" / f"{sid}.npy"
        t0 = time.monotonic()
        row = 0
        try:
            with open(tmp, "wb") as out:
                out.write(_npy.header(dtype, array.shape))
                for block in _npy.stream_rows(array, dtype):
                    values = np.frombuffer(block, dtype=dtype).reshape(-1, d)
                    finite = np.isfinite(values)
                    if not finite.all():
                        r, c = np.argwhere(~finite)[0]
                        raise NegHashError(PROBLEM_PREFIX + "non-finite", 400,
                                           f"row {row + r}, column {c} is {values[r, c]}; embeddings must be finite",
                                           problem={"row": int(row + r), "column": int(c)})
                    out.write(block)
                    row += len(values)
                out.flush()
                os.fsync(out.fileno())
            with self._lock:
                if dataset_id not in self._datasets:
                    raise _not_found("dataset", dataset_id)
                snaps = self._snapshots[dataset_id]
                sdir = self._ds_dir(dataset_id) / "snapshots" / sid
                sdir.mkdir(parents=True)
                os.replace(tmp, sdir / "embeddings.npy")
                snap = {"id": sid, "datasetId": dataset_id, "seq": (snaps[-1]["seq"] + 1) if snaps else 1,
                        "items": n, "dims": d, "bits": view["bits"], "floatsKept": True, "format": fmt,
                        "dtype": dtype.str, "bytesReceived": (sdir / "embeddings.npy").stat().st_size,
                        "storedBytes": (sdir / "embeddings.npy").stat().st_size,
                        "encodeSeconds": time.monotonic() - t0, "createdAt": _now()}
                self._write_json(sdir / "snapshot.json", snap)
                snaps.append(snap)
                view["items"] = n
                self._save_dataset(view)
                return dict(snap)
        finally:
            tmp.unlink(missing_ok=True)

    def list_snapshots(self, dataset_id: str) -> list[dict[str, Any]]:
        """A dataset's snapshots, oldest first."""
        self._require(dataset_id)
        return [dict(s) for s in self._snapshots[dataset_id]]

    def get_snapshot(self, dataset_id: str, snapshot_id: str = "latest") -> dict[str, Any]:
        """One snapshot (``latest``: the newest)."""
        return dict(self._snapshot(dataset_id, snapshot_id))

    def _snapshot(self, dataset_id: str, snapshot_id: str) -> dict[str, Any]:
        self._require(dataset_id)
        snaps = self._snapshots[dataset_id]
        if snapshot_id == "latest":
            if not snaps:
                raise _problem(404, "not-found", f"dataset {dataset_id} has no snapshots yet")
            return snaps[-1]
        for s in snaps:
            if s["id"] == snapshot_id:
                return s
        raise _not_found("snapshot", snapshot_id)

    def delete_snapshot(self, dataset_id: str, snapshot_id: str) -> None:
        """Deletes a snapshot (refused while unfinished jobs use it)."""
        with self._lock:
            s = self._snapshot(dataset_id, snapshot_id)
            if any(j["snapshotId"] == s["id"] and j["state"] not in FINAL_STATES for j in self._jobs.values()):
                raise _problem(409, "in-use", f"snapshot {s['id']} is used by unfinished jobs")
            self._snapshots[dataset_id].remove(s)
            shutil.rmtree(self._ds_dir(dataset_id) / "snapshots" / s["id"], ignore_errors=True)
            self._save_dataset(self._datasets[dataset_id])

    def get_codes(self, dataset_id: str, snapshot_id: str = "latest") -> np.ndarray:
        """A snapshot's packed codes, uint8 (N, bits/8), computed by ``neghash encode``."""
        view = self._require(dataset_id)
        s = self._snapshot(dataset_id, snapshot_id)
        sdir = self._ds_dir(dataset_id) / "snapshots" / s["id"]
        codes = sdir / "codes.npy"
        if not codes.exists():
            args = ["encode", "--embeddings", str(sdir / "embeddings.npy"), *self._encoding_args(view),
                    "--out", str(sdir / "codes.tmp.npy")]
            result = subprocess.run(self.command + args, capture_output=True, text=True)
            if result.returncode != 0:
                raise RuntimeError(f"neghash encode failed: {_error_line(result.stderr)}")
            os.replace(sdir / "codes.tmp.npy", codes)
        return np.load(codes)

    def _encoding_args(self, view: dict[str, Any]) -> list[str]:
        args = ["--bits", str(view["bits"]), "--seed", str(view["seed"]), "--threads", str(self.threads),
                "--spill-dir", str(self.data_dir / "tmp")]
        if not view["center"]:
            args.append("--no-center")
        if not view["normalize"]:
            args.append("--no-normalize")
        return args

    # ------------------------------------------------------------------ jobs

    def _launch_job(self, dataset_id: str, params: dict[str, Any]) -> Job:
        """The service's checks and defaults; mode ``queries``, quality reports and positive pairs need the service."""
        k, negatives, strategy, seed = params["k"], params["negatives"], params["strategy"], params["seed"]
        rank_min, rank_max, max_cosine = params["rank_min"], params["rank_max"], params["max_cosine"]
        batch_size, items_per_label, random_share = params["batch_size"], params["items_per_label"], params["random_share"]
        batch_rank_from = params["batch_rank_from"]
        with self._lock:
            view = self._require(dataset_id)
            snap = self._snapshot(dataset_id, params["snapshot_id"] or "latest")
            if params["mode"] not in (None, "all", "queries"):
                raise _problem(400, "invalid-request", "mode must be all or queries")
            if strategy not in (None, "top", "random"):
                raise _problem(400, "invalid-request", "strategy must be top or random")
            if params["mode"] == "queries":
                raise NotImplementedError("mode 'queries' needs the NegHash service; the local mode mines all items against all")
            if params["quality_sample"] is not None:
                raise NotImplementedError("quality reports need the NegHash service")
            if view["positivePairs"] is not None:
                raise NotImplementedError("this dataset has positive pairs, which only the NegHash service excludes")
            for name, value, low, high in (("k", k, 1, MAX_K), ("negatives", negatives, 1, MAX_K),
                                           ("rankMin", rank_min, 0, None), ("rankMax", rank_max, 1, None),
                                           ("batchSize", batch_size, 2, 1 << 20),
                                           ("batchNeighbours", params["batch_neighbours"], 0, 1 << 20),
                                           ("itemsPerLabel", items_per_label, 2, 1 << 20),
                                           ("randomShare", random_share, 0.0, 1.0),
                                           ("batchRankFrom", batch_rank_from, 0, MAX_K),
                                           ("maxCosine", max_cosine, -1.0, 1.0)):
                if value is not None and (value < low or (high is not None and value > high)):
                    bound = f"between {low} and {high}" if high is not None else f"at least {low}"
                    raise _problem(400, "invalid-request", f"{name} must be {bound}, got {value}")
            n = snap["items"]
            k = min(128, n - 1) if k is None else int(k)
            if k < 1 or k > n - 1 or k > MAX_K:
                raise _invalid(f"k must be between 1 and {n - 1} (N - 1), got {k}")
            negatives = min(8, k) if negatives is None else int(negatives)
            if negatives > k:
                raise _invalid(f"negatives ({negatives}) must not exceed k ({k})")
            rank_min = 0 if rank_min is None else int(rank_min)
            rank_max = k if rank_max is None else int(rank_max)
            if rank_min >= min(rank_max, k):
                raise _invalid(f"the rank window [rankMin, rankMax) = [{rank_min}, {rank_max}) must hold at least one rank below k = {k}")
            if params["hard_positives"] and not view["labels"]:
                raise _problem(400, "invalid-request", "hardPositives needs the dataset's labels (PUT .../labels)")
            if batch_size is not None and int(batch_size) > n:
                raise _invalid(f"batchSize ({batch_size}) exceeds the number of items ({n})")
            if batch_size is not None:
                labels = np.load(self._ds_dir(dataset_id) / "labels.npy") if view["labels"] else None
                check_batches(int(batch_size), items_per_label, random_share, labels, n)
                if batch_rank_from and batch_rank_from >= k:
                    raise _invalid(f"batchRankFrom {batch_rank_from} must be below the neighbour list length k ({k}): "
                                   f"anchors draw from ranks [batchRankFrom, k)")
            elif items_per_label is not None or random_share is not None or batch_rank_from is not None:
                raise _invalid("itemsPerLabel, randomShare and batchRankFrom shape batches: set batchSize too")
            seed = 42 if seed is None else int(seed)
            strategy = strategy or "top"
            if seed != view["seed"] and (strategy == "random" or batch_size is not None):
                raise NotImplementedError(
                    f"the command line uses one seed for the hyperplanes and the random choices: pass seed={view['seed']} "
                    f"(the dataset's seed) for a job with the random strategy or batches")
            ident = _new_id("job_")
            job_params = {"snapshotId": snap["id"], "k": k, "strategy": strategy, "negatives": negatives,
                          "rankMin": rank_min, "rankMax": rank_max, "maxCosine": max_cosine,
                          "hardPositives": bool(params["hard_positives"]), "batchSize": batch_size,
                          "batchNeighbours": params["batch_neighbours"], "seed": seed, "mode": "all",
                          "qualitySample": None, "itemsPerLabel": items_per_label, "randomShare": random_share,
                          "batchRankFrom": batch_rank_from}
            job = {"id": ident, "datasetId": dataset_id, "snapshotId": snap["id"], "state": "QUEUED",
                   "phase": "queued", "progress": 0.0, "itemsPerSecond": None, "etaSeconds": None,
                   "cancelRequested": False, "params": job_params, "createdAt": _now(), "startedAt": None,
                   "finishedAt": None, "error": None, "result": None}
            self._job_dir(ident).mkdir(parents=True)
            self._jobs[ident] = job
            self._save_job(job)
            self._executor.submit(self._run, ident)
            return Job(self, dict(job))

    def _save_job(self, job: dict[str, Any]) -> None:
        self._write_json(self._job_dir(job["id"]) / "job.json", job)

    def _run(self, job_id: str) -> None:
        with self._lock:
            job = self._jobs[job_id]
            if job["state"] != "QUEUED":
                return
            job.update(state="RUNNING", phase="searching", progress=0.02, startedAt=_now())
            self._save_job(job)
            view = dict(self._datasets[job["datasetId"]])
        t0 = time.monotonic()
        p = job["params"]
        out = self._job_dir(job_id)
        emb = self._ds_dir(job["datasetId"]) / "snapshots" / job["snapshotId"] / "embeddings.npy"
        common = ["--embeddings", str(emb), *self._encoding_args(view)]
        if view["labels"]:
            common += ["--labels", str(self._ds_dir(job["datasetId"]) / "labels.npy")]
        try:
            neg_args = ["negatives", *common, "--k", str(p["k"]), "--count", str(p["negatives"]),
                        "--strategy", p["strategy"], "--range-min", str(p["rankMin"]),
                        "--range-max", str(p["rankMax"]), "--format", "jsonl", "--out", str(out / "run")]
            if p["maxCosine"] is not None:
                neg_args += ["--max-cosine", repr(float(p["maxCosine"]))]
            if p["hardPositives"]:
                neg_args.append("--hard-positives")
            self._exec(job_id, neg_args)
            self._phase(job_id, "mining", 0.5 if p["batchSize"] is not None else 0.9)
            if p["batchSize"] is not None:
                batch_args = ["batches", *common, "--k", str(p["k"]), "--batch-size", str(p["batchSize"]),
                              "--out", str(out / "run")]
                if p["batchNeighbours"] is not None:
                    batch_args += ["--neighbours", str(p["batchNeighbours"])]
                if p.get("itemsPerLabel") is not None:
                    batch_args += ["--items-per-label", str(p["itemsPerLabel"])]
                if p.get("randomShare") is not None:
                    batch_args += ["--random-share", repr(float(p["randomShare"]))]
                if p.get("batchRankFrom") is not None:
                    batch_args += ["--rank-from", str(p["batchRankFrom"])]
                summary = self._exec(job_id, batch_args)
                found = _HARDNESS.search(summary)
                if found:
                    (out / "run.hardness.json").write_text(json.dumps(
                        {"mined": float(found.group(1)), "random": float(found.group(2))}))
            self._phase(job_id, "writing", 0.95)
            result = self._collect(job, view, out, time.monotonic() - t0)
        except _Cancelled:
            self._finish(job_id, "CANCELLED", "cancelled", None)
        except Exception as e:  # noqa: BLE001 - the job records why it failed
            self._finish(job_id, "FAILED", str(e), None)
        else:
            self._finish(job_id, "SUCCEEDED", None, result)

    def _phase(self, job_id: str, phase: str, progress: float) -> None:
        with self._lock:
            job = self._jobs[job_id]
            if job["cancelRequested"]:
                raise _Cancelled()
            job.update(phase=phase, progress=progress)

    def _finish(self, job_id: str, state: str, error: str | None, result: dict[str, Any] | None) -> None:
        with self._lock:
            job = self._jobs[job_id]
            job.update(state=state, phase="done", progress=1.0 if state == "SUCCEEDED" else job["progress"],
                       error=error, result=result, finishedAt=_now())
            self._save_job(job)

    def _exec(self, job_id: str, args: list[str]) -> str:
        with self._lock:
            if self._jobs[job_id]["cancelRequested"]:
                raise _Cancelled()
            proc = subprocess.Popen(self.command + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)
            self._procs[job_id] = proc
        try:
            stdout, err = proc.communicate()
        finally:
            with self._lock:
                self._procs.pop(job_id, None)
        if self._jobs[job_id]["cancelRequested"]:
            raise _Cancelled()
        if proc.returncode != 0:
            raise RuntimeError(_error_line(err) or f"neghash {args[0]} exited with code {proc.returncode}")
        return stdout or ""

    def _collect(self, job: dict[str, Any], view: dict[str, Any], out: Path, seconds: float) -> dict[str, Any]:
        p = job["params"]
        count = p["negatives"]
        rows = []
        with open(out / "run.negatives.jsonl", encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
        n = len(rows)
        neg = np.full((n, count), -1, dtype=np.int32)
        ham = np.full((n, count), -1, dtype=np.int32)
        hard = np.full(n, -1, dtype=np.int32)
        for i, r in enumerate(rows):
            m = len(r["negatives"])
            neg[i, :m] = r["negatives"]
            ham[i, :m] = r["hamming"]
            if "hard_positive" in r:
                hard[i] = r["hard_positive"]
        cos = np.where(ham >= 0, np.cos(np.pi * ham / view["bits"]), np.nan).astype(np.float32)
        np.save(out / "negatives.npy", neg)
        np.save(out / "hamming.npy", ham)
        np.save(out / "cosine.npy", cos)
        np.save(out / "anchors.npy", np.arange(n, dtype=np.int32))
        if p["hardPositives"]:
            np.save(out / "hard_positives.npy", hard)
        (out / "run.negatives.jsonl").unlink()
        batches = left_out = hardness = None
        if (out / "run.hardness.json").exists():
            hardness = json.loads((out / "run.hardness.json").read_text())
            (out / "run.hardness.json").unlink()
        if p["batchSize"] is not None:
            b = np.load(out / "run.batches.npy").astype(np.int32, copy=False).reshape(-1, p["batchSize"])
            np.save(out / "batches.npy", b)
            (out / "run.batches.npy").unlink()
            batches, left_out = int(b.shape[0]), int(n - b.size)
            if hardness is not None:
                hardness["items"] = int(b.size) if np.isfinite(hardness["mined"]) else 0
        return {"anchors": n, "candidates": n, "negativesPerAnchor": count,
                "shortAnchors": int(np.count_nonzero(neg[:, -1] < 0)) if count else 0,
                "labelsUsed": bool(view["labels"]), "positivePairsUsed": False,
                "hardPositives": bool(p["hardPositives"]), "batches": batches, "batchLeftOut": left_out,
                "quality": None, "searchSeconds": None, "totalSeconds": seconds, "anchorsPerSecond": None,
                "batchHardness": hardness}

    def job(self, job_id: str) -> Job:
        """A handle on an existing job."""
        return Job(self, self.get_job(job_id))

    def jobs(self, dataset_id: str | None = None, state: str | None = None) -> list[Job]:
        """Jobs, newest first, optionally of one dataset and in one state."""
        views = [j for j in self._jobs.values()
                 if (dataset_id is None or j["datasetId"] == dataset_id) and (state is None or j["state"] == state)]
        return [Job(self, dict(j)) for j in sorted(views, key=lambda j: j["createdAt"], reverse=True)]

    def get_job(self, job_id: str) -> dict[str, Any]:
        """A job's view."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise _not_found("job", job_id)
            return json.loads(json.dumps(job))

    def cancel_job(self, job_id: str) -> dict[str, Any]:
        """Cancels a job: a queued one at once, a running one by stopping its command."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise _not_found("job", job_id)
            if job["state"] in FINAL_STATES:
                raise _problem(409, "illegal-transition", f"a {job['state']} job cannot move to CANCELLED")
            job["cancelRequested"] = True
            if job["state"] == "QUEUED":
                job.update(state="CANCELLED", phase="done", error="cancelled", finishedAt=_now())
                self._save_job(job)
            else:
                proc = self._procs.get(job_id)
                if proc is not None:
                    proc.kill()
            return json.loads(json.dumps(job))

    def delete_job(self, job_id: str) -> None:
        """Deletes a final job and its results."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise _not_found("job", job_id)
            if job["state"] not in FINAL_STATES:
                raise _problem(409, "job-unfinished", f"job {job_id} is {job['state']}; cancel it before deleting it")
            del self._jobs[job_id]
            shutil.rmtree(self._job_dir(job_id), ignore_errors=True)

    def wait_job(self, job_id: str, *, progress: bool = True, timeout: float | None = None,
                 raise_on_failure: bool = True) -> dict[str, Any]:
        """Waits until the job is final, showing its progress; returns its final view."""
        deadline = None if timeout is None else time.monotonic() + timeout
        bar = JobProgress(job_id, enabled=progress)
        try:
            while True:
                view = self.get_job(job_id)
                bar.update(view)
                if view["state"] in FINAL_STATES:
                    break
                if deadline is not None and time.monotonic() >= deadline:
                    raise TimeoutError(f"job {job_id} is still {view['state']} after {timeout} s")
                time.sleep(self.poll_interval)
        finally:
            bar.close()
        if raise_on_failure and view["state"] != "SUCCEEDED":
            raise JobFailedError(view)
        return view

    # ------------------------------------------------------------------ results

    def _result_file(self, job_id: str, name: str, what: str | None = None) -> Path:
        job = self.get_job(job_id)
        if job["state"] != "SUCCEEDED":
            raise _problem(409, "no-results", f"job {job_id} is {job['state']}; results exist once it has SUCCEEDED")
        f = self._job_dir(job_id) / name
        if not f.is_file():
            raise _problem(404, "not-found", f"job {job_id} has no {what or name}")
        return f

    def get_negatives(self, job_id: str) -> np.ndarray:
        """Negatives, int32 (anchors, negatives), item ids, -1 padding."""
        return np.load(self._result_file(job_id, "negatives.npy"))

    def get_hamming(self, job_id: str) -> np.ndarray:
        """Hamming distances of the negatives, int32, -1 padding."""
        return np.load(self._result_file(job_id, "hamming.npy"))

    def get_cosine(self, job_id: str) -> np.ndarray:
        """Estimated cosines cos(pi h / b) of the negatives, float32, NaN padding."""
        return np.load(self._result_file(job_id, "cosine.npy"))

    def get_anchors(self, job_id: str) -> np.ndarray:
        """Item id of each result row, int32."""
        return np.load(self._result_file(job_id, "anchors.npy"))

    def get_hard_positives(self, job_id: str) -> np.ndarray:
        """Farthest same-label item per anchor, int32, -1 when none."""
        return np.load(self._result_file(job_id, "hard_positives.npy", "hard positives (set hardPositives)"))

    def get_batches(self, job_id: str) -> np.ndarray:
        """The next epoch's batches, int32 (batches, batch size)."""
        return np.load(self._result_file(job_id, "batches.npy", "batches (set batchSize)"))

    def _rows(self, job_id: str, start: int, stop: int, jsonl: bool = False) -> list[dict[str, Any]]:
        neg = self.get_negatives(job_id)[start:stop]
        ham = self.get_hamming(job_id)[start:stop]
        cos = self.get_cosine(job_id)[start:stop]
        job = self.get_job(job_id)
        labels = self.get_labels(job["datasetId"]) if job["result"]["labelsUsed"] else None
        hard = self.get_hard_positives(job_id)[start:stop] if job["params"]["hardPositives"] else None
        rows = []
        for i in range(len(neg)):
            keep = neg[i] >= 0
            ids = neg[i][keep]
            row: dict[str, Any] = {"anchor": start + i}
            if labels is not None:
                row["label"] = int(labels[start + i])
            row["negatives"] = ids.tolist()
            if labels is not None:
                row["negative_labels"] = labels[ids].tolist()
            row["hamming"] = ham[i][keep].tolist()
            # As the service writes them: JSON pages give the shortest text that reads back as
            # the float32, JSON Lines five decimals (the command line's and the service's writer).
            row["cosine"] = ([float(f"{c:.5f}") for c in cos[i][keep]] if jsonl
                             else [float(str(c)) for c in cos[i][keep]])
            if hard is not None:
                row["hard_positive"] = int(hard[i])
            rows.append(row)
        return rows

    def get_negatives_page(self, job_id: str, page: int = 0, size: int = 100) -> dict[str, Any]:
        """One page of anchors with their negatives, as the service's JSON pages."""
        total = len(self.get_anchors(job_id))
        if page < 0 or not 1 <= size <= 10000:
            raise _problem(400, "invalid-request", "page must be >= 0 and size between 1 and 10000")
        pages = (total + size - 1) // size
        if page * size >= total > 0:
            raise _problem(404, "not-found", f"page {page} is past the last page ({pages - 1})")
        return {"jobId": job_id, "page": page, "size": size, "totalAnchors": total, "totalPages": pages,
                "items": self._rows(job_id, page * size, min(total, (page + 1) * size))}

    def iter_negatives(self, job_id: str) -> Iterator[dict[str, Any]]:
        """Every anchor's record, as the service's JSON Lines."""
        total = len(self.get_anchors(job_id))
        for start in range(0, total, 1024):
            yield from self._rows(job_id, start, min(total, start + 1024), jsonl=True)

    def get_job_plots(self, job_id: str) -> dict[str, Any]:
        """Not available locally (the dashboard's plots are computed by the service)."""
        raise NotImplementedError("job plots are computed by the NegHash service")


class _Cancelled(Exception):
    pass


def _error_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in reversed(lines):
        if line.startswith("neghash: error:"):
            return line[len("neghash: error:"):].strip()
    return lines[-1] if lines else ""

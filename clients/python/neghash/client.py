"""Client of a NegHash service.

About 320 lines: one method per endpoint of the API, each a few lines over the shared transport
(:mod:`neghash._http`) and handles (:mod:`neghash._handles`).
"""

from __future__ import annotations

import http.client
import json
import os
import time
import urllib.parse
from typing import Any, Callable, Iterator

import numpy as np

from . import _npy
from ._handles import FINAL_STATES, Dataset, Job
from ._http import BodyFactory, Transport
from ._jobs import JobLauncher, job_request
from ._progress import JobProgress
from .errors import JobFailedError

NPY = "application/x-npy"

def is_path(value: Any) -> bool:
    """Whether an argument names a file rather than holding data."""
    return isinstance(value, (str, os.PathLike))


def _int_body(values: Any) -> BodyFactory:
    """A ``.npy`` body of integer data (labels, split, pairs) from an array, sequence or path."""
    if is_path(values):
        return _file_body(values)
    array = np.asarray(values)
    dtype = _npy.int_dtype(array.dtype)

    def factory() -> tuple[Any, int]:
        head, rows, length = _npy.array_body(array, dtype)
        return _chain(head, rows), length

    return factory


def _file_body(path: str | os.PathLike[str]) -> BodyFactory:
    size = os.path.getsize(path)
    return lambda: (_npy.file_chunks(path), size)


def _chain(*parts: Any) -> Iterator[Any]:
    for part in parts:
        yield from part


class Client(JobLauncher):
    """Talks to a NegHash service.

    Args:
        url: the service's base URL, e.g. ``http://127.0.0.1:8080``.
        api_key: sent as ``X-API-Key`` when the service requires a key.
        timeout: socket timeout in seconds of ordinary requests.
        max_retries: how many times a 429 (uploads or job queue full) is retried after its
            ``Retry-After`` before the error is raised.
        max_retry_wait: longest wait in seconds before one retry, whatever ``Retry-After`` says.
        stream_timeout: seconds without a byte (event or keep-alive) after which an event
            stream counts as lost and :meth:`wait_job` reconnects.
        max_reconnects: consecutive failed reconnections after which :meth:`wait_job` gives up.

    Every refusal raises :class:`~neghash.NegHashError` with the problem's ``type``, ``status``
    and ``detail``; connection failures raise the usual :class:`OSError` subclasses.
    """

    def __init__(
        self,
        url: str = "http://127.0.0.1:8080",
        api_key: str | None = None,
        *,
        timeout: float = 300.0,
        max_retries: int = 5,
        max_retry_wait: float = 120.0,
        stream_timeout: float = 90.0,
        max_reconnects: int = 10,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.transport = Transport(url, api_key, timeout=timeout, max_retries=max_retries,
                                   max_retry_wait=max_retry_wait, sleep=sleep)
        self.stream_timeout = stream_timeout
        self.max_reconnects = max_reconnects
        self._sleep = sleep

    def __repr__(self) -> str:
        return f"Client({self.transport.url('')!r})"

    # ------------------------------------------------------------------ datasets

    def create_dataset(self, dims: int, *, name: str = "", bits: int = 512, seed: int = 42,
                       center: bool = True, normalize: bool = True) -> Dataset:
        """Creates a dataset with its encoding settings (d, bits, seed, centring, normalisation)."""
        body = {"name": name, "dims": int(dims), "bits": int(bits), "seed": int(seed),
                "center": bool(center), "normalize": bool(normalize)}
        return Dataset(self, self.transport.request_json("POST", "/datasets", json_body=body))

    def dataset(self, dataset_id: str) -> Dataset:
        """A handle on an existing dataset."""
        return Dataset(self, self.get_dataset(dataset_id))

    def datasets(self) -> list[Dataset]:
        """All datasets."""
        return [Dataset(self, d) for d in self.transport.request_json("GET", "/datasets")]

    def get_dataset(self, dataset_id: str) -> dict[str, Any]:
        """A dataset's view: settings, N, labels, split, snapshots."""
        return self.transport.request_json("GET", f"/datasets/{_seg(dataset_id)}")

    def delete_dataset(self, dataset_id: str) -> None:
        """Deletes a dataset and its snapshots (refused while jobs on it are unfinished)."""
        self.transport.request_json("DELETE", f"/datasets/{_seg(dataset_id)}")

    def put_labels(self, dataset_id: str, labels: Any) -> dict[str, Any]:
        """Stores a dataset's labels, once: one integer per item (array, sequence or ``.npy`` path)."""
        return self._put_ints(dataset_id, "labels", labels)

    def get_labels(self, dataset_id: str) -> np.ndarray:
        """A dataset's labels, int32 (N,)."""
        return self._npy(f"/datasets/{_seg(dataset_id)}/labels")

    def put_split(self, dataset_id: str, split: Any) -> dict[str, Any]:
        """Stores the query/reference split, once: 1 marks a query item, 0 a reference item."""
        return self._put_ints(dataset_id, "split", split)

    def put_positives(self, dataset_id: str, pairs: Any) -> dict[str, Any]:
        """Stores explicit positive pairs, once: (P, 2) item ids, never each other's negatives."""
        return self._put_ints(dataset_id, "positives", pairs)

    def _put_ints(self, dataset_id: str, what: str, values: Any) -> dict[str, Any]:
        resp = self.transport.open("PUT", f"/datasets/{_seg(dataset_id)}/{what}",
                                   headers={"Content-Type": NPY, "Accept": "application/json"},
                                   body=_int_body(values))
        with resp:
            return json.loads(resp.read().decode("utf-8"))

    # ------------------------------------------------------------------ snapshots

    def upload_snapshot(self, dataset_id: str, embeddings: Any, *, keep_floats: bool = False) -> dict[str, Any]:
        """Uploads one epoch's embeddings as a new snapshot and returns it.

        ``embeddings`` is an (N, d) float array (float16, float32 and float64 are sent as they
        are, other dtypes as float32; anything NumPy can view as an array, such as a CPU tensor,
        works) or the path of an ``.npy`` file. The body is streamed from the array's own memory
        or from the file, never copied whole; a refused upload (429) is sent again after the
        wait the service asks for.
        """
        if is_path(embeddings):
            factory = _file_body(embeddings)
        else:
            array = np.asarray(embeddings)
            if array.ndim != 2:
                raise ValueError(f"embeddings must have shape (N, d), got shape {array.shape}")
            dtype = _npy.upload_dtype(array.dtype)

            def factory() -> tuple[Any, int]:
                head, rows, length = _npy.array_body(array, dtype)
                return _chain(head, rows), length

        resp = self.transport.open("POST", f"/datasets/{_seg(dataset_id)}/snapshots",
                                   query={"keepFloats": True} if keep_floats else None,
                                   headers={"Content-Type": NPY, "Accept": "application/json"},
                                   body=factory)
        with resp:
            return json.loads(resp.read().decode("utf-8"))

    def list_snapshots(self, dataset_id: str) -> list[dict[str, Any]]:
        """A dataset's snapshots, oldest first."""
        return self.transport.request_json("GET", f"/datasets/{_seg(dataset_id)}/snapshots")

    def get_snapshot(self, dataset_id: str, snapshot_id: str = "latest") -> dict[str, Any]:
        """One snapshot (``latest``: the newest)."""
        return self.transport.request_json("GET", f"/datasets/{_seg(dataset_id)}/snapshots/{_seg(snapshot_id)}")

    def delete_snapshot(self, dataset_id: str, snapshot_id: str) -> None:
        """Deletes a snapshot (refused while unfinished jobs use it)."""
        self.transport.request_json("DELETE", f"/datasets/{_seg(dataset_id)}/snapshots/{_seg(snapshot_id)}")

    def get_codes(self, dataset_id: str, snapshot_id: str = "latest") -> np.ndarray:
        """A snapshot's packed codes, uint8 (N, bits/8)."""
        return self._npy(f"/datasets/{_seg(dataset_id)}/snapshots/{_seg(snapshot_id)}/codes")

    # ------------------------------------------------------------------ jobs

    def _launch_job(self, dataset_id: str, params: dict[str, Any]) -> Job:
        info = self.transport.request_json("POST", f"/datasets/{_seg(dataset_id)}/jobs",
                                           json_body=job_request(**params))
        return Job(self, info)

    def job(self, job_id: str) -> Job:
        """A handle on an existing job."""
        return Job(self, self.get_job(job_id))

    def jobs(self, dataset_id: str | None = None, state: str | None = None) -> list[Job]:
        """Jobs, newest first, optionally of one dataset and in one state."""
        views = self.transport.request_json("GET", "/jobs", query={"datasetId": dataset_id, "state": state})
        return [Job(self, v) for v in views]

    def get_job(self, job_id: str) -> dict[str, Any]:
        """A job's view: state, phase, progress, items/s, ETA, parameters, result summary."""
        return self.transport.request_json("GET", f"/jobs/{_seg(job_id)}")

    def cancel_job(self, job_id: str) -> dict[str, Any]:
        """Cancels a job: a queued one at once, a running one at its next chunk."""
        return self.transport.request_json("POST", f"/jobs/{_seg(job_id)}/cancel")

    def delete_job(self, job_id: str) -> None:
        """Deletes a final job and its results."""
        self.transport.request_json("DELETE", f"/jobs/{_seg(job_id)}")

    def wait_job(self, job_id: str, *, progress: bool = True, timeout: float | None = None,
                 raise_on_failure: bool = True) -> dict[str, Any]:
        """Follows the job's event stream until it is final; returns its final view.

        A lost connection (or a stream that ends before the job is final) is reopened, after a
        pause that grows from 0.5 s to 10 s; the stream starts with the job's current state, so
        nothing is missed. ``max_reconnects`` consecutive failures raise the last error.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        bar = JobProgress(job_id, enabled=progress)
        failures = 0
        last: dict[str, Any] | None = None
        error: BaseException | None = None
        try:
            while True:
                read_timeout = self.stream_timeout
                if deadline is not None:
                    read_timeout = max(0.05, min(read_timeout, deadline - time.monotonic()))
                try:
                    for ev in self.transport.events(f"/jobs/{_seg(job_id)}/events", timeout=read_timeout):
                        if ev.event != "job":
                            continue
                        last = json.loads(ev.data)
                        failures = 0
                        bar.update(last)
                        if last.get("state") in FINAL_STATES or _past(deadline):
                            break
                    error = ConnectionError(f"the event stream of job {job_id} ended before the job was final")
                except (OSError, http.client.HTTPException) as e:
                    error = e
                if last is not None and last.get("state") in FINAL_STATES:
                    break
                if _past(deadline):
                    state = last.get("state") if last else "unknown"
                    raise TimeoutError(f"job {job_id} is still {state} after {timeout} s")
                failures += 1
                if failures > self.max_reconnects:
                    assert error is not None
                    raise error
                self._sleep(min(10.0, 0.5 * 2 ** (failures - 1)))
        finally:
            bar.close()
        assert last is not None
        if raise_on_failure and last.get("state") != "SUCCEEDED":
            raise JobFailedError(last)
        return last

    # ------------------------------------------------------------------ results

    def get_negatives(self, job_id: str) -> np.ndarray:
        """Negatives, int32 (anchors, negatives), item ids, -1 padding."""
        return self._npy(f"/jobs/{_seg(job_id)}/negatives")

    def get_hamming(self, job_id: str) -> np.ndarray:
        """Hamming distances of the negatives, int32, -1 padding."""
        return self._npy(f"/jobs/{_seg(job_id)}/negatives/hamming")

    def get_cosine(self, job_id: str) -> np.ndarray:
        """Estimated cosines of the negatives, float32, NaN padding."""
        return self._npy(f"/jobs/{_seg(job_id)}/negatives/cosine")

    def get_anchors(self, job_id: str) -> np.ndarray:
        """Item id of each result row, int32."""
        return self._npy(f"/jobs/{_seg(job_id)}/anchors")

    def get_hard_positives(self, job_id: str) -> np.ndarray:
        """Farthest same-label item per anchor, int32, -1 when none."""
        return self._npy(f"/jobs/{_seg(job_id)}/hard-positives")

    def get_batches(self, job_id: str) -> np.ndarray:
        """The next epoch's batches, int32 (batches, batch size)."""
        return self._npy(f"/jobs/{_seg(job_id)}/batches")

    def get_negatives_page(self, job_id: str, page: int = 0, size: int = 100) -> dict[str, Any]:
        """One JSON page of anchors with their negatives."""
        return self.transport.request_json("GET", f"/jobs/{_seg(job_id)}/negatives",
                                           query={"page": page, "size": size})

    def iter_negatives(self, job_id: str) -> Iterator[dict[str, Any]]:
        """Every anchor's record, streamed from the JSON Lines download."""
        resp = self.transport.open("GET", f"/jobs/{_seg(job_id)}/negatives",
                                   headers={"Accept": "application/x-ndjson"})
        with resp:
            for line in resp:
                if line.strip():
                    yield json.loads(line)

    def get_job_plots(self, job_id: str) -> dict[str, Any]:
        """The dashboard's summary of a finished job: distance histograms of its negatives
        against random pairs, and the random overlap@k baseline."""
        return self.transport.request_json("GET", f"/dashboard/jobs/{_seg(job_id)}/plots")

    def _npy(self, path: str) -> np.ndarray:
        resp = self.transport.open("GET", path, headers={"Accept": NPY})
        with resp:
            return _npy.read_array(resp)


def _past(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


def _seg(value: str) -> str:
    """One path segment, percent-encoded."""
    return urllib.parse.quote(str(value), safe="")

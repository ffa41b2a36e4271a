"""Dataset and job handles shared by the service client and the local mode."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Iterator

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .client import Client
    from .local import LocalClient

FINAL_STATES = frozenset({"SUCCEEDED", "FAILED", "CANCELLED"})
ArrayOrPath = "np.ndarray | str | os.PathLike[str]"


class Dataset:
    """A dataset: its id, its last known view (``info``) and the calls that act on it."""

    def __init__(self, client: "Client | LocalClient", info: dict[str, Any]) -> None:
        self.client = client
        self.info = info
        self.id: str = info["id"]

    def __repr__(self) -> str:
        return f"Dataset({self.id!r}, items={self.info.get('items')}, dims={self.info.get('dims')})"

    def refresh(self) -> dict[str, Any]:
        """Reads the dataset again; returns (and keeps) its view."""
        self.info = self.client.get_dataset(self.id)
        return self.info

    def delete(self) -> None:
        """Deletes the dataset and its snapshots."""
        self.client.delete_dataset(self.id)

    def put_labels(self, labels: Any) -> dict[str, Any]:
        """Stores the labels, once: one integer per item (array, sequence or ``.npy`` path)."""
        self.info = self.client.put_labels(self.id, labels)
        return self.info

    def labels(self) -> np.ndarray:
        """The stored labels, int32 (N,)."""
        return self.client.get_labels(self.id)

    def put_split(self, split: Any) -> dict[str, Any]:
        """Stores the query/reference split, once: 1 marks a query item, 0 a reference item."""
        self.info = self.client.put_split(self.id, split)
        return self.info

    def put_positives(self, pairs: Any) -> dict[str, Any]:
        """Stores explicit positive pairs, once: (P, 2) item ids, never each other's negatives."""
        self.info = self.client.put_positives(self.id, pairs)
        return self.info

    def upload_snapshot(self, embeddings: Any, *, keep_floats: bool = False) -> dict[str, Any]:
        """Uploads one epoch's embeddings (an (N, d) array or an ``.npy`` path); returns the snapshot."""
        return self.client.upload_snapshot(self.id, embeddings, keep_floats=keep_floats)

    def snapshots(self) -> list[dict[str, Any]]:
        """The dataset's snapshots, oldest first."""
        return self.client.list_snapshots(self.id)

    def snapshot(self, snapshot_id: str = "latest") -> dict[str, Any]:
        """One snapshot (``latest``: the newest)."""
        return self.client.get_snapshot(self.id, snapshot_id)

    def delete_snapshot(self, snapshot_id: str) -> None:
        """Deletes a snapshot."""
        self.client.delete_snapshot(self.id, snapshot_id)

    def codes(self, snapshot_id: str = "latest") -> np.ndarray:
        """A snapshot's packed codes, uint8 (N, bits/8), ``np.packbits(bitorder='little')`` layout."""
        return self.client.get_codes(self.id, snapshot_id)

    def launch_job(self, **params: Any) -> "Job":
        """Launches a mining job on this dataset; see :meth:`Client.launch_job` for the parameters."""
        return self.client.launch_job(self.id, **params)

    def jobs(self, state: str | None = None) -> list["Job"]:
        """The dataset's jobs, newest first, optionally only those in one state."""
        return self.client.jobs(dataset_id=self.id, state=state)


class Job:
    """A mining job: its id, its last known view (``info``), waiting, cancelling and results."""

    def __init__(self, client: "Client | LocalClient", info: dict[str, Any]) -> None:
        self.client = client
        self.info = info
        self.id: str = info["id"]

    def __repr__(self) -> str:
        return f"Job({self.id!r}, state={self.state!r})"

    @property
    def state(self) -> str:
        """The state last seen: QUEUED, RUNNING, SUCCEEDED, FAILED or CANCELLED."""
        return str(self.info.get("state"))

    @property
    def result(self) -> dict[str, Any] | None:
        """The result summary last seen (None until the job has SUCCEEDED)."""
        return self.info.get("result")

    def refresh(self) -> dict[str, Any]:
        """Reads the job again; returns (and keeps) its view."""
        self.info = self.client.get_job(self.id)
        return self.info

    def wait(self, *, progress: bool = True, timeout: float | None = None,
             raise_on_failure: bool = True) -> dict[str, Any]:
        """Waits until the job is final, showing its progress; returns its final view.

        Raises :class:`~neghash.JobFailedError` when it ends FAILED or CANCELLED (unless
        ``raise_on_failure`` is false) and :class:`TimeoutError` after ``timeout`` seconds.
        """
        self.info = self.client.wait_job(self.id, progress=progress, timeout=timeout,
                                         raise_on_failure=raise_on_failure)
        return self.info

    def cancel(self) -> dict[str, Any]:
        """Cancels the job (a queued one at once, a running one at its next chunk)."""
        self.info = self.client.cancel_job(self.id)
        return self.info

    def delete(self) -> None:
        """Deletes the finished job and its results."""
        self.client.delete_job(self.id)

    def negatives(self) -> np.ndarray:
        """Negatives, int32 (anchors, negatives): item ids, nearest first, -1 padding."""
        return self.client.get_negatives(self.id)

    def hamming(self) -> np.ndarray:
        """Hamming distance of each negative, int32, same shape, -1 padding."""
        return self.client.get_hamming(self.id)

    def cosine(self) -> np.ndarray:
        """Estimated cosine cos(pi h / b) of each negative, float32, same shape, NaN padding."""
        return self.client.get_cosine(self.id)

    def distances(self) -> tuple[np.ndarray, np.ndarray]:
        """Both distance matrices: (Hamming distances, estimated cosines)."""
        return self.hamming(), self.cosine()

    def anchors(self) -> np.ndarray:
        """Item id of each result row, int32 (anchors,)."""
        return self.client.get_anchors(self.id)

    def hard_positives(self) -> np.ndarray:
        """Farthest same-label item of each anchor, int32 (anchors,), -1 when none."""
        return self.client.get_hard_positives(self.id)

    def batches(self) -> np.ndarray:
        """The next epoch's batches, int32 (batches, batch size) of item ids."""
        return self.client.get_batches(self.id)

    def negatives_page(self, page: int = 0, size: int = 100) -> dict[str, Any]:
        """One JSON page of anchors with their negatives, labels and distances."""
        return self.client.get_negatives_page(self.id, page=page, size=size)

    def iter_negatives(self) -> Iterator[dict[str, Any]]:
        """Every anchor's record (anchor, label, negatives, negative_labels, hamming, cosine,
        hard_positive), streamed one at a time."""
        return self.client.iter_negatives(self.id)

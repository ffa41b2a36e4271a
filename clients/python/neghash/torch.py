"""PyTorch integration: a batch sampler that mines each epoch's batches, and embedding helpers.

Import it only where PyTorch is installed (``import neghash`` alone never imports torch)::

    from neghash.torch import HardNegativeBatchSampler

    sampler = HardNegativeBatchSampler(client, dataset, batch_size=64)
    loader = DataLoader(train_set, batch_sampler=sampler)
    for epoch in range(epochs):
        for batch in loader:
            ...                                   # train
        sampler.refresh_from_model(model, DataLoader(train_set, batch_size=256))
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

import numpy as np

try:
    import torch
    from torch.utils.data import BatchSampler, DataLoader, Sampler, SequentialSampler
except ImportError as e:  # pragma: no cover - exercised only without torch
    raise ImportError("neghash.torch needs PyTorch; install it (pip install torch, or Debian's python3-torch)") from e

from ._handles import Dataset, Job
from .errors import NoBatchesError

_NUMPY_FLOATS = (torch.float16, torch.float32, torch.float64)


def to_numpy(embeddings: Any) -> np.ndarray:
    """Embeddings as a NumPy array: a CPU tensor shares its memory, other tensors are copied to
    the CPU (and cast to float32 when NumPy has no such dtype, e.g. bfloat16)."""
    if isinstance(embeddings, torch.Tensor):
        t = embeddings.detach()
        if t.dtype not in _NUMPY_FLOATS:
            t = t.to(torch.float32)
        return t.cpu().numpy()
    return np.asarray(embeddings)


def _default_inputs(batch: Any) -> Any:
    if isinstance(batch, (list, tuple)):
        return batch[0]
    if isinstance(batch, dict):
        for key in ("input", "inputs", "x", "image", "pixel_values", "input_ids"):
            if key in batch:
                return batch[key]
        raise ValueError(f"cannot tell the model input in a batch with keys {sorted(batch)}; pass inputs=")
    return batch


def _check_in_order(loader: Iterable[Any]) -> None:
    if not isinstance(loader, DataLoader):
        return
    bs = loader.batch_sampler
    ordered = (isinstance(bs, BatchSampler) and isinstance(bs.sampler, SequentialSampler)) or (
        bs is None and isinstance(loader.sampler, SequentialSampler))
    if not ordered:
        raise ValueError("the embedding loader must visit the training set in order (row i = item i): "
                         "build it with shuffle=False and without a sampler or batch_sampler")


def compute_embeddings(model: torch.nn.Module, loader: Iterable[Any], *,
                       device: torch.device | str | None = None,
                       inputs: Callable[[Any], Any] | None = None) -> np.ndarray:
    """The embeddings of the whole training set, one row per item, in the loader's order.

    The model runs in eval mode without gradients, one loader batch at a time (its training mode
    is restored afterwards). ``inputs`` picks the model input from a batch (default: the first
    element of a tuple or list, or the batch itself); ``device`` is where inputs are moved. The
    rows are written into one preallocated array when the loader's dataset has a length.
    """
    _check_in_order(loader)
    total = None
    if isinstance(loader, DataLoader):
        try:
            total = len(loader.dataset)  # type: ignore[arg-type]
        except TypeError:
            total = None
    pick = inputs or _default_inputs
    was_training = model.training
    model.eval()
    out: np.ndarray | None = None
    parts: list[np.ndarray] = []
    row = 0
    try:
        with torch.no_grad():
            for batch in loader:
                x = pick(batch)
                if device is not None and isinstance(x, torch.Tensor):
                    x = x.to(device)
                y = to_numpy(model(x))
                y = y.reshape(len(y), -1)
                if total is None:
                    parts.append(y.copy())
                    continue
                if out is None:
                    out = np.empty((total, y.shape[1]), dtype=y.dtype)
                if row + len(y) > total:
                    raise ValueError(f"the loader yielded more than its dataset's {total} items")
                out[row:row + len(y)] = y
                row += len(y)
    finally:
        model.train(was_training)
    if total is None:
        if not parts:
            raise ValueError("the loader yielded no batches")
        return np.concatenate(parts)
    if out is None or row != total:
        raise ValueError(f"the loader yielded {row} items, its dataset has {total}")
    return out


class HardNegativeBatchSampler(Sampler):
    """Yields each epoch's batches of item indices; the batches after the first epoch are mined.

    The first epoch (before any embeddings exist) is a seeded random permutation cut into batches.
    At the end of an epoch, :meth:`refresh` uploads the epoch's embeddings as a snapshot, runs a
    mining job that builds the next epoch's batches (each item at most once; with labels, no label
    twice in a batch, or with ``items_per_label`` P x K batches for class-labelled data) and swaps
    them in. Use it as ``DataLoader(dataset, batch_sampler=sampler)``; ``len(sampler)`` is the
    number of batches of the current epoch.

    How hard the mined batches are is controlled by ``batch_neighbours`` (fewer: closer to random),
    ``random_share`` (the share of each P x K batch's labels chosen at random), ``rank_from``
    (anchors skip their nearest ``rank_from`` neighbours: easier batches, and fewer unlabelled
    positives in them) and
    ``mine_from_epoch`` (epochs before it keep random batches). With ``keep_floats=True`` the
    snapshots keep their floats and each job's ``result["batchHardness"]`` compares the mined
    batches with random ones of the same shape.

    Args:
        client: a :class:`neghash.Client` or a :class:`neghash.local.LocalClient`.
        dataset: the dataset (handle or id) the embeddings belong to, with its labels if any.
        batch_size: items per batch.
        num_items: N; default the dataset's, once labels or a snapshot fixed it.
        k: neighbour list length of each mining job (default min(128, N - 1)).
        batch_neighbours: neighbours each batch anchor pulls in (default batch_size // 2).
        items_per_label: K of P x K batches (batch_size // K labels with K items each); the
            dataset needs labels. Default: no label twice in a batch.
        random_share: share of each P x K batch's labels chosen at random, 0 to 1 (default 0).
        rank_from: rank window of the mined batches: anchors pull from ranks [rank_from, k) of
            their neighbour lists (default 0: the whole list; must be below k).
        mine_from_epoch: the first epoch whose batches are mined (default 1: all but the first);
            :meth:`refresh` before it draws a new random permutation and runs no job.
        keep_floats: upload snapshots with their floats so that jobs report batch hardness.
        seed: seed of the random epochs' permutations.
        drop_last: leave the first epoch's incomplete last batch out (as mined epochs do).
        job_options: further job parameters (``seed``, ``negatives``, ``hard_positives``, ...).
        keep_snapshots: keep every epoch's snapshot and job; by default those of the epoch before
            are deleted once the next batches are in.
        progress: show each mining job's progress.
        timeout: seconds to wait for one mining job.
    """

    def __init__(self, client: Any, dataset: Dataset | str, batch_size: int, *,
                 num_items: int | None = None, k: int | None = None,
                 batch_neighbours: int | None = None, items_per_label: int | None = None,
                 random_share: float | None = None, rank_from: int | None = None,
                 mine_from_epoch: int = 1, keep_floats: bool = False,
                 seed: int = 0, drop_last: bool = True,
                 job_options: dict[str, Any] | None = None, keep_snapshots: bool = False,
                 progress: bool = False, timeout: float | None = None) -> None:
        super().__init__(None)
        self.client = client
        self.dataset_id = dataset.id if isinstance(dataset, Dataset) else str(dataset)
        if num_items is None:
            num_items = client.get_dataset(self.dataset_id).get("items")
            if num_items is None:
                raise ValueError("the dataset's number of items is not known yet: pass num_items=")
        if batch_size < 2 or batch_size > num_items:
            raise ValueError(f"batch_size must be between 2 and the number of items ({num_items}), got {batch_size}")
        self.num_items = int(num_items)
        self.batch_size = int(batch_size)
        self.k = k
        self.batch_neighbours = batch_neighbours
        if items_per_label is not None and (items_per_label < 2 or self.batch_size % items_per_label != 0):
            raise ValueError(f"items_per_label must be at least 2 and divide batch_size ({self.batch_size}), "
                             f"got {items_per_label}")
        if random_share is not None and not 0 <= random_share <= 1:
            raise ValueError(f"random_share must be between 0 and 1, got {random_share}")
        if rank_from is not None and (rank_from < 0 or (k is not None and rank_from >= k)):
            raise ValueError(f"rank_from must be at least 0 and below k ({k}), got {rank_from}")
        if mine_from_epoch < 1:
            raise ValueError(f"mine_from_epoch must be at least 1, got {mine_from_epoch}")
        self.items_per_label = items_per_label
        self.random_share = random_share
        self.rank_from = rank_from
        self.mine_from_epoch = int(mine_from_epoch)
        self.keep_floats = bool(keep_floats)
        self.drop_last = drop_last
        self._rng = np.random.default_rng(seed)
        self.job_options = dict(job_options or {})
        for reserved in ("batch_size", "batch_neighbours", "k", "snapshot_id", "items_per_label", "random_share",
                         "batch_rank_from"):
            if reserved in self.job_options:
                raise ValueError(f"pass {reserved} as the sampler's own argument, not in job_options")
        self.keep_snapshots = keep_snapshots
        self.progress = progress
        self.timeout = timeout
        self.epoch = 0
        self.job: Job | None = None
        self.snapshot: dict[str, Any] | None = None
        self._batches: list[np.ndarray] = self._random_batches()

    def _random_batches(self) -> list[np.ndarray]:
        order = self._rng.permutation(self.num_items).astype(np.int64)
        full = self.num_items // self.batch_size
        rows = [order[i * self.batch_size:(i + 1) * self.batch_size] for i in range(full)]
        if not self.drop_last and full * self.batch_size < self.num_items:
            rows.append(order[full * self.batch_size:])
        return rows

    def __iter__(self) -> Iterator[list[int]]:
        for row in list(self._batches):
            yield [int(i) for i in row]

    def __len__(self) -> int:
        return len(self._batches)

    @property
    def batches(self) -> list[np.ndarray]:
        """The current epoch's batches (item ids)."""
        return list(self._batches)

    def refresh(self, embeddings: Any) -> Job | None:
        """Mines the next epoch's batches from this epoch's embeddings ((N, d) array or tensor).

        Returns the finished mining job (its negatives and distances are there too), or None when
        the next epoch comes before ``mine_from_epoch`` and gets random batches instead. Raises
        :class:`~neghash.NoBatchesError` when the job built no batch, and the client's errors
        when the upload or the job is refused or fails; the current batches stay in place then.
        """
        array = to_numpy(embeddings)
        if array.ndim != 2 or array.shape[0] != self.num_items:
            raise ValueError(f"expected embeddings of shape ({self.num_items}, d), got {array.shape}")
        if self.epoch + 1 < self.mine_from_epoch:
            self._batches = self._random_batches()
            self.epoch += 1
            return None
        snapshot = self.client.upload_snapshot(self.dataset_id, array, keep_floats=self.keep_floats)
        job = self.client.launch_job(self.dataset_id, snapshot_id=snapshot["id"], k=self.k,
                                     batch_size=self.batch_size, batch_neighbours=self.batch_neighbours,
                                     items_per_label=self.items_per_label, random_share=self.random_share,
                                     batch_rank_from=self.rank_from, **self.job_options)
        job.wait(progress=self.progress, timeout=self.timeout)
        batches = job.batches()
        if batches.shape[0] == 0:
            left = (job.result or {}).get("batchLeftOut")
            raise NoBatchesError(
                f"mining job {job.id} built no batch of {self.batch_size} items from {self.num_items} items "
                f"({left} left out): use a batch size the labels can fill")
        previous_job, previous_snapshot = self.job, self.snapshot
        self._batches = [row.astype(np.int64) for row in batches]
        self.job, self.snapshot = job, snapshot
        self.epoch += 1
        if not self.keep_snapshots:
            if previous_job is not None:
                self.client.delete_job(previous_job.id)
            if previous_snapshot is not None:
                self.client.delete_snapshot(self.dataset_id, previous_snapshot["id"])
        return job

    def refresh_from_model(self, model: torch.nn.Module, loader: Iterable[Any], *,
                           device: torch.device | str | None = None,
                           inputs: Callable[[Any], Any] | None = None) -> Job:
        """Computes the training set's embeddings with :func:`compute_embeddings` and calls
        :meth:`refresh` with them."""
        return self.refresh(compute_embeddings(model, loader, device=device, inputs=inputs))

"""The job launch call that ``Client`` and ``LocalClient`` share: its keyword parameters, their
names in the API's job request, and its documentation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._handles import Job

# Job parameters: Python keyword -> field of the API's job request.
JOB_FIELDS = {
    "snapshot_id": "snapshotId",
    "k": "k",
    "strategy": "strategy",
    "negatives": "negatives",
    "rank_min": "rankMin",
    "rank_max": "rankMax",
    "max_cosine": "maxCosine",
    "hard_positives": "hardPositives",
    "batch_size": "batchSize",
    "batch_neighbours": "batchNeighbours",
    "seed": "seed",
    "mode": "mode",
    "quality_sample": "qualitySample",
    "items_per_label": "itemsPerLabel",
    "random_share": "randomShare",
    "batch_rank_from": "batchRankFrom",
}


def job_request(**params: Any) -> dict[str, Any]:
    """The API's job request body for Python keyword parameters (None values left out)."""
    unknown = sorted(set(params) - set(JOB_FIELDS))
    if unknown:
        raise TypeError(f"unknown job parameter(s) {', '.join(unknown)}; known: {', '.join(JOB_FIELDS)}")
    return {JOB_FIELDS[k]: v for k, v in params.items() if v is not None}


class JobLauncher:
    """``launch_job`` of both clients; each client launches the job in its ``_launch_job``."""

    def launch_job(
        self,
        dataset_id: str,
        *,
        snapshot_id: str | None = None,
        k: int | None = None,
        strategy: str | None = None,
        negatives: int | None = None,
        rank_min: int | None = None,
        rank_max: int | None = None,
        max_cosine: float | None = None,
        hard_positives: bool | None = None,
        batch_size: int | None = None,
        batch_neighbours: int | None = None,
        seed: int | None = None,
        mode: str | None = None,
        quality_sample: int | None = None,
        items_per_label: int | None = None,
        random_share: float | None = None,
        batch_rank_from: int | None = None,
    ) -> Job:
        """Launches a mining job; every parameter is optional and defaults as on the service.

        Args:
            snapshot_id: the snapshot to mine (default: the newest).
            k: neighbour list length per anchor (default min(128, N - 1)).
            strategy: ``top`` (the nearest) or ``random`` (a seeded choice in the rank window).
            negatives: negatives per anchor (default min(8, k)).
            rank_min, rank_max: the random strategy's rank window [rank_min, rank_max).
            max_cosine: skip neighbours whose estimated cosine is above this.
            hard_positives: also find each anchor's farthest same-label item (needs labels).
            batch_size: build the next epoch's batches of this size (mode ``all``).
            batch_neighbours: neighbours each batch anchor pulls in (default batch_size // 2).
            seed: seed of the random choices (default 42).
            mode: ``all`` or ``queries`` (query items against reference items; needs a split).
            quality_sample: anchors sampled for overlap@k against exact cosine (needs a snapshot
                uploaded with ``keep_floats=True``).
            items_per_label: K of P x K batches for class-labelled data: batch_size // K labels
                with K items each (default: no label twice in a batch; needs labels).
            random_share: share of each P x K batch's labels chosen at random instead of mined,
                0 (fully mined, the default) to 1 (random P x K batches).
            batch_rank_from: rank window of the batches: each batch anchor skips its first
                ``batch_rank_from`` neighbours and pulls from ranks [batch_rank_from, k) (default
                0, the whole list; must be below k).

        A batch size the dataset's labels cannot fill is refused (400) with the reason. With a
        snapshot uploaded with ``keep_floats=True``, the result's ``batchHardness`` tells how hard
        the batches are: the mean over items of the highest cosine to another label's item in the
        batch (``mined``), and the same for random batches of the same shape (``random``).

        A full queue (429) is retried after its ``Retry-After``.
        """
        params = {name: value for name, value in locals().items() if name in JOB_FIELDS}
        return self._launch_job(dataset_id, params)

    def _launch_job(self, dataset_id: str, params: dict[str, Any]) -> Job:
        """Launches the job of ``params`` (every keyword of :meth:`launch_job`, None where not given)."""
        raise NotImplementedError

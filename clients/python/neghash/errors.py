"""Exceptions raised by the NegHash client."""

from __future__ import annotations

from typing import Any, Mapping

PROBLEM_PREFIX = "urn:neghash:problem:"


class NegHashError(Exception):
    """A request the service refused: an RFC 9457 problem detail.

    Attributes:
        type: the problem type, ``urn:neghash:problem:<code>`` for the service's own problems,
            ``about:blank`` for refusals of the HTTP layer (unknown path, wrong method, ...).
        status: the HTTP status code (400, 404, 409, 413, 429, ...).
        detail: the explanation the service wrote for people.
        title: the short HTTP title, when the service sent one.
        problem: the whole problem body as a dict (extra properties such as ``row`` and
            ``column`` of a ``non-finite`` problem are there).
        retry_after: seconds the service asked to wait before retrying (429 and 503), or None.
    """

    def __init__(
        self,
        type: str,
        status: int,
        detail: str,
        *,
        title: str | None = None,
        problem: Mapping[str, Any] | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.type = type
        self.status = status
        self.detail = detail
        self.title = title
        self.problem = dict(problem) if problem is not None else {}
        self.retry_after = retry_after
        super().__init__(f"{status} {self.code}: {detail}")

    @property
    def code(self) -> str:
        """The short problem code (``not-found``, ``queue-full``, ...), or the type itself."""
        if self.type.startswith(PROBLEM_PREFIX):
            return self.type[len(PROBLEM_PREFIX):]
        return self.type


class JobFailedError(RuntimeError):
    """A mining job ended FAILED or CANCELLED while the caller was waiting for its result.

    Attributes:
        job_id: the job.
        state: ``FAILED`` or ``CANCELLED``.
        error: the reason the service gave, or None.
        job: the job's last view (a dict as ``GET /api/v1/jobs/{id}`` returns it).
    """

    def __init__(self, job: Mapping[str, Any]) -> None:
        self.job = dict(job)
        self.job_id = str(job.get("id"))
        self.state = str(job.get("state"))
        self.error = job.get("error")
        reason = f": {self.error}" if self.error else ""
        super().__init__(f"job {self.job_id} ended {self.state}{reason}")


class NoBatchesError(RuntimeError):
    """A mining job built no batches for the next epoch.

    A batch size the labels cannot fill at all (fewer distinct labels than the batch size for
    batches without repeated labels, too few labels with K items for P x K batches) is refused when
    the job is launched, as a :class:`NegHashError`; this error is for a job that still built none.
    """

"""NegHash client: hard-negative mining for contrastive learning, from a training script.

``Client`` talks to a NegHash service over HTTP; ``neghash.local.LocalClient`` offers the same
calls on one machine by running the ``neghash`` command line; ``neghash.torch`` (imported only
when PyTorch is installed) has a batch sampler that mines each epoch's batches.
"""

from ._handles import Dataset, Job
from .client import Client
from .errors import JobFailedError, NegHashError, NoBatchesError

__version__ = "0.1.0"

__all__ = ["Client", "Dataset", "Job", "NegHashError", "JobFailedError", "NoBatchesError", "__version__"]

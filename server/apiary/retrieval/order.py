"""Orders of a library's scores that need only their top: a search ranks tens of thousands of APIs
to show five, and a full sort of every score was a third of a query's time on 23,000 APIs."""

from __future__ import annotations

import numpy as np


def top_indices(values: np.ndarray, k: int) -> np.ndarray:
    """The indices of the ``k`` largest ``values``, in the order a stable descending sort of all of
    them gives (ties by position), found without sorting the rest."""
    if k <= 0 or not len(values):
        return np.zeros(0, dtype=np.int64)
    if k >= len(values):
        return np.argsort(-values, kind="stable")
    kth_largest = np.partition(values, len(values) - k)[len(values) - k]
    chosen = np.flatnonzero(values >= kth_largest)  # ties with the k-th too: the sort below decides
    return chosen[np.argsort(-values[chosen], kind="stable")][:k]


def reciprocal_ranks(scores: np.ndarray) -> np.ndarray:
    """1 / (1 + rank) of each positive score in a stable descending sort; 0 for the others (which
    rank after every positive one, so only the positive ones are sorted)."""
    positive = np.flatnonzero(scores > 0)
    order = positive[np.argsort(-scores[positive], kind="stable")]
    reciprocal = np.zeros(len(scores), dtype=np.float32)
    reciprocal[order] = 1.0 / (1.0 + np.arange(len(order), dtype=np.float32))
    return reciprocal

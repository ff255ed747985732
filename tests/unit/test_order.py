"""Top-k orders without a full sort (`apiary.retrieval.order`): the same as sorting everything."""

from __future__ import annotations

import numpy as np

from apiary.retrieval.order import reciprocal_ranks, top_indices


def test_the_top_k_keep_a_stable_sorts_order_with_ties_by_position():
    values = np.asarray([0.5, 0.9, 0.5, 0.1, 0.9, 0.5], dtype=np.float32)
    assert top_indices(values, 3).tolist() == [1, 4, 0]
    assert top_indices(values, 4).tolist() == [1, 4, 0, 2]
    assert top_indices(values, 10).tolist() == [1, 4, 0, 2, 5, 3]
    assert top_indices(values, 0).tolist() == []


def test_the_top_k_equal_a_full_stable_sort_on_many_ties():
    rng = np.random.default_rng(0)
    values = rng.integers(0, 20, size=5000).astype(np.float32)
    for k in (1, 7, 200, 4999):
        assert top_indices(values, k).tolist() == np.argsort(-values, kind="stable")[:k].tolist()


def test_reciprocal_ranks_rank_positive_scores_only():
    scores = np.asarray([0.0, 0.3, -0.2, 0.7, 0.3], dtype=np.float32)
    assert reciprocal_ranks(scores).tolist() == [0.0, 0.5, 0.0, 1.0, np.float32(1 / 3)]

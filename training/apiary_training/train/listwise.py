"""A linear ranker fitted listwise: the score of an API is ``features @ w`` (the form the hybrid
retriever computes at run time, so every part of a score stays explainable), and ``w`` maximizes
the softmax probability of each query's gold APIs among all of its library's APIs (ListNet's top-one
loss with several relevant items; a conditional logit), with an L2 penalty.

Pure numpy and scipy: all queries' candidates are stacked into one matrix, queries are segments.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize


@dataclass(frozen=True)
class RankingQuery:
    group: str  # the library, for balancing and for folds
    features: np.ndarray  # (candidates, features)
    gold: np.ndarray  # (candidates,) bool
    source: str = ""  # what kind of problem (mined from code, written in users' words), for balancing


@dataclass
class Stacked:
    features: np.ndarray
    gold: np.ndarray
    starts: np.ndarray  # each query's first row
    query_weight: np.ndarray  # how much each query counts in the loss

    @classmethod
    def of(cls, queries: Sequence[RankingQuery], balance_groups: bool = True,
           source_share: dict[str, float] | None = None) -> Stacked:
        kept = [q for q in queries if q.gold.any()]
        sizes = np.asarray([len(q.gold) for q in kept])
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        weight = np.ones(len(kept))
        if balance_groups:  # each source its share (the same by default), within it every library the same
            keys = [(q.source, q.group) for q in kept]
            per_key = Counter(keys)
            libraries_per_source = Counter(source for source, _ in per_key)
            share = source_share or {}
            weight = np.asarray([share.get(k[0], 1.0) / (libraries_per_source[k[0]] * per_key[k]) for k in keys])
        return cls(np.concatenate([q.features for q in kept]).astype(np.float64),
                   np.concatenate([q.gold for q in kept]), starts, weight / weight.sum())


def fit(queries: Sequence[RankingQuery], l2: float, start: np.ndarray | None = None, max_iterations: int = 500,
        source_share: dict[str, float] | None = None) -> np.ndarray:
    """The weights minimizing the mean (library-balanced) listwise loss plus ``l2 / 2 * |w|^2``."""
    data = Stacked.of(queries, source_share=source_share)
    w0 = np.zeros(data.features.shape[1]) if start is None else np.asarray(start, dtype=np.float64)
    result = minimize(loss_and_gradient, w0, args=(data, l2), jac=True, method="L-BFGS-B",
                      options={"maxiter": max_iterations})
    return result.x


def loss_and_gradient(w: np.ndarray, data: Stacked, l2: float) -> tuple[float, np.ndarray]:
    scores = data.features @ w
    shifted = scores - np.repeat(np.maximum.reduceat(scores, data.starts), _sizes(data))
    p = np.exp(shifted)
    total = np.add.reduceat(p, data.starts)
    gold_total = np.add.reduceat(np.where(data.gold, p, 0.0), data.starts)
    loss = float(data.query_weight @ (np.log(total) - np.log(gold_total)))
    sizes = _sizes(data)
    coefficient = np.repeat(data.query_weight, sizes) * (
        p / np.repeat(total, sizes) - np.where(data.gold, p, 0.0) / np.repeat(gold_total, sizes)
    )
    return loss + 0.5 * l2 * float(w @ w), data.features.T @ coefficient + l2 * w


def _sizes(data: Stacked) -> np.ndarray:
    return np.diff(np.append(data.starts, len(data.gold)))


def evaluate(queries: Sequence[RankingQuery], w: np.ndarray) -> dict[str, float]:
    """R@1, R@5 and MRR of ranking each query's candidates by ``features @ w`` (ties broken by order)."""
    recall1, recall5, mrr = [], [], []
    for query in queries:
        if not query.gold.any():
            continue
        order = np.argsort(-(query.features @ w), kind="stable")
        hits = query.gold[order]
        recall1.append(hits[:1].sum() / hits.sum())
        recall5.append(hits[:5].sum() / hits.sum())
        mrr.append(1.0 / (1 + int(np.argmax(hits))))
    return {
        "R@1": float(np.mean(recall1)),
        "R@5": float(np.mean(recall5)),
        "MRR": float(np.mean(mrr)),
        "queries": len(mrr),
    }


def group_folds(queries: Sequence[RankingQuery], folds: int, seed: int = 0) -> list[tuple[list[int], list[int]]]:
    """(train, held-out) query positions, whole groups held out together: a fold's libraries are
    unseen by the weights scored on them, as a user's library is."""
    groups = sorted({q.group for q in queries})
    order = np.random.default_rng(seed).permutation(len(groups))
    fold_of = {groups[i]: position % folds for position, i in enumerate(order)}
    return [
        (
            [i for i, q in enumerate(queries) if fold_of[q.group] != k],
            [i for i, q in enumerate(queries) if fold_of[q.group] == k],
        )
        for k in range(folds)
    ]

"""Hybrid API retrieval: dense (the query's vector against every described API's) and lexical (BM25
over split identifiers) scores fused, then reranked with what the editor context says.

The rerank features are general facts about code, never about one library: a name the user
imported but has not used yet is probably what they are about to call; the methods of the objects
in scope are reachable without a new import; a name the comment spells out is wanted; a module is
rarely the answer to "what do I call". Every score keeps its parts, so a suggestion can be explained.
How much each signal counts is `RetrievalWeights`, in the tree `apiary.weights` reads from weights.json.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from apiary.docs.entry import ApiEntry
from apiary.docs.types import InferredType, TypeResolver, members_of
from apiary.retrieval.encoder import Encoder
from apiary.retrieval.index import LibraryIndex
from apiary.retrieval.order import top_indices
from apiary.retrieval.query import ApiQuery
from apiary.retrieval.rerank import ApiReranker, rerank_query
from apiary.retrieval.signals import QueryVectors, compute_signals, query_vectors
from apiary.weights import RetrievalWeights, load_weights

#: The name retrieval's weights had before they joined the tree in `apiary.weights`; kept for callers.
RankWeights = RetrievalWeights


@dataclass(frozen=True)
class ScoredApi:
    entry: ApiEntry
    score: float
    #: the weighted parts of ``score``, for explanations
    parts: dict[str, float] = field(default_factory=dict)
    #: the fitted ranker is a softmax over a library's APIs: this API's share of it, a confidence
    #: on a scale that does not move when the weights are refitted
    probability: float = 0.0


class HybridRetriever:
    def __init__(
        self,
        encoder: Encoder,
        indexes: Callable[[], Sequence[LibraryIndex]] | Sequence[LibraryIndex],
        weights: RetrievalWeights | None = None,
        reranker: ApiReranker | None = None,
        lexical_weights: RetrievalWeights | None = None,
    ):
        self.encoder = encoder
        self._indexes = indexes if callable(indexes) else (lambda: list(indexes))
        shipped = load_weights()
        #: the shipped (or fitted) file's weights unless a caller tunes its own
        self.weights = weights if weights is not None else shipped.retrieval
        #: what ranks without query vectors (the encoder still loading, no comment): a model fitted
        #: without the dense signals, or the caller's own weights
        self.lexical_weights = lexical_weights or (weights if weights is not None else shipped.retrieval_lexical)
        #: reads the comment with each of the best candidates (None: the fused score decides)
        self.reranker = reranker

    def indexes_for(self, query: ApiQuery) -> list[LibraryIndex]:
        """The indexes of the libraries the code imports, or all of them when it imports none we know."""
        available = list(self._indexes())
        if not query.libraries:
            return available
        wanted = set(query.libraries)
        chosen = [ix for ix in available if wanted & ix.top_levels]
        return chosen or available

    def search(self, query: ApiQuery, top_k: int = 5, distinct_names: bool = True) -> list[ScoredApi]:
        indexes = self.indexes_for(query)
        if not indexes or query.is_empty:
            return []
        vectors = query_vectors(self.encoder, query, self.weights.max_clauses)
        candidates: list[_Candidate] = []
        for index in indexes:
            candidates.extend(self._score_index(index, query, *self._ranking(index, vectors)))
        candidates.sort(key=lambda c: -c.score)
        if self.reranker is not None and query.intent and self.weights.rerank_top and self.weights.cross_encoder:
            return self._reranked(query, candidates, top_k, distinct_names)
        return [c.result() for c in (_distinct(candidates, top_k) if distinct_names else candidates[:top_k])]

    def _ranking(self, index: LibraryIndex, vectors: QueryVectors) -> tuple[QueryVectors, RetrievalWeights]:
        """The query vectors and weights ``index`` is ranked with: by its words alone, with the weights
        fitted for that, without query vectors or while its own vectors are being encoded."""
        usable = vectors if index.encoded else QueryVectors()
        return usable, (self.weights if usable.intent is not None else self.lexical_weights)

    def _reranked(
        self, query: ApiQuery, candidates: list[_Candidate], top_k: int, distinct_names: bool
    ) -> list[ScoredApi]:
        """The best ``rerank_top`` distinct APIs, each score plus the weighted cross-encoder logit;
        the rest keep their order below them."""
        assert self.reranker is not None
        head = _distinct(candidates, self.weights.rerank_top)
        logits = self.reranker.scores(rerank_query(query), [c.entry for c in head])
        weight = self.weights.cross_encoder
        rescored = [
            ScoredApi(
                c.entry,
                c.score + weight * float(x),
                {**c.parts(), "cross_encoder": round(weight * float(x), 4)},
                c.probability,
            )
            for c, x in zip(head, logits, strict=True)
        ]
        chosen = {id(c) for c in head}
        scored = sorted(rescored, key=lambda s: -s.score) + [c.result() for c in candidates if id(c) not in chosen]
        return _distinct(scored, top_k) if distinct_names else scored[:top_k]

    def _score_index(
        self, index: LibraryIndex, query: ApiQuery, vectors: QueryVectors, w: RetrievalWeights
    ) -> list[_Candidate]:
        signals = compute_signals(index, query, vectors)
        weighted = {name: getattr(w, name) * values for name, values in signals.items() if getattr(w, name)}
        total = _with_alternatives(
            index, np.sum(list(weighted.values()), axis=0), w.alternative_margin, w.alternatives_from
        )
        allowed = self._receiver_members(index, query)
        members = None if allowed is None else np.asarray(allowed, dtype=np.int64)
        pool = total if members is None else total[members]
        # Only the best few become results; enough of them that `top_k` distinct names survive.
        order = top_indices(pool, w.candidates)
        best = order if members is None else members[order]
        log_partition = _log_sum_exp(pool)
        # a result's parts are made only for the few shown, each from one row of this table
        names = list(weighted)
        table = _PartsTable(tuple(names), np.stack([weighted[n][best] for n in names], axis=1) if names else None)
        scores = total[best]
        probabilities = np.exp(scores - log_partition).tolist()
        return [
            _Candidate(index.entries[i], score, p, table, row)
            for row, (i, score, p) in enumerate(zip(best.tolist(), scores.tolist(), probabilities, strict=True))
        ]

    def _receiver_members(self, index: LibraryIndex, query: ApiQuery) -> list[int] | None:
        """With ``obj.`` before the cursor, only what ``obj`` has can follow (when we know what that is)."""
        if not query.receiver:
            return None
        resolver = TypeResolver(index.catalogue, {o.name: o for o in query.scope}, dict(query.local_classes))
        receiver_type = (
            resolver.of_expression(query.receiver_origin, head_is_local=False)
            if query.receiver_origin
            else InferredType()
        )
        if not receiver_type.known:
            receiver_type = resolver.of_expression(query.receiver, head_is_local=True)
        members = members_of(index.catalogue, receiver_type)
        return members or None


def _log_sum_exp(scores: np.ndarray) -> float:
    """log(sum(exp(scores))), computed without overflow: the partition of the softmax over a library."""
    if not len(scores):
        return 0.0
    top = float(scores.max())
    return top + float(np.log(np.exp(scores - top).sum()))


def _with_alternatives(index: LibraryIndex, total: np.ndarray, margin: float, top: int) -> np.ndarray:
    """Docs often say what to use instead ("to repeat the whole pipe, use Cycler"): pull the best
    form of each API a top result recommends up to just below that result."""
    if margin <= 0:
        return total
    lifted = total.copy()
    for i in top_indices(total, top):
        for group in index.alternatives[i]:
            best = max(group, key=lambda j: total[j])
            lifted[best] = max(lifted[best], total[i] - margin)
    return lifted


@dataclass(frozen=True)
class _PartsTable:
    """The weighted signals of one index's best candidates: a row per candidate, a column per name."""

    names: tuple[str, ...]
    values: np.ndarray | None

    def row(self, at: int) -> dict[str, float]:
        if self.values is None:
            return {}
        return {n: round(x, 4) for n, x in zip(self.names, self.values[at].tolist(), strict=True) if x}


@dataclass(frozen=True)
class _Candidate:
    """A candidate before it is shown: its parts (tens of signals) are read only if it is."""

    entry: ApiEntry
    score: float
    probability: float
    table: _PartsTable
    row: int

    def parts(self) -> dict[str, float]:
        return self.table.row(self.row)

    def result(self) -> ScoredApi:
        return ScoredApi(self.entry, self.score, self.parts(), self.probability)


_Shown = TypeVar("_Shown", ScoredApi, _Candidate)


def _distinct(scored: list[_Shown], top_k: int) -> list[_Shown]:
    seen: set[str] = set()
    result: list[_Shown] = []
    for item in scored:
        if item.entry.name in seen:
            continue
        seen.add(item.entry.name)
        result.append(item)
        if len(result) == top_k:
            break
    return result


__all__ = ["HybridRetriever", "RankWeights", "RetrievalWeights", "ScoredApi"]

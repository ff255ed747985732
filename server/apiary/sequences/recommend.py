"""API-sequence suggestions for a natural-language query, from three sources merged and ranked:

* ``mined``: the sequences of the mined functions whose descriptions are nearest to the query;
* ``model``: a trained API-sequence model, when one is configured;
* ``docs``: APIs retrieved from indexed documentation, ordered and extended by mined call order.

Mined neighbours do not vote for their own sequence alone: each distinct sequence is scored by how
much the nearest neighbours' sequences agree with it (expected BLEU under similarity weights, a
minimum-Bayes-risk choice), so the sequence the neighbourhood shares beats one odd close match.

Scores share one scale, a similarity in [0, 1]: the encoder's cosine for ``mined`` (scaled by
the consensus) and ``docs``, the model's sequence probability for ``model``. A sequence several
sources agree on ranks higher.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from apiary.retrieval.text import lexical_tokens
from apiary.sequences.bleu import sequence_bleu
from apiary.sequences.compose import SequenceStats, compose, name_words
from apiary.sequences.extract import DOC
from apiary.sequences.model import SequenceModel
from apiary.sequences.neighbours import Neighbour, PairIndex

#: ``(query, k) -> [(dotted API, similarity)]``: documentation retrieval, e.g. `hybrid_api_search`.
ApiSearch = Callable[[str, int], list[tuple[str, float]]]

#: How many neighbours are fetched, and how many of them weigh in on each other's sequences.
NEIGHBOURS = 40
CONSENSUS_NEIGHBOURS = 20
#: Softmax temperature of the neighbours' weights over their similarities.
CONSENSUS_TEMPERATURE = 0.2
AGREEMENT_BONUS = 0.05
#: Documentation-composed sequences are guesses without usage evidence: ranked a little lower.
DOCS_WEIGHT = 0.9
#: A query that names an API ("md5", "socket", "rename") wants it: this much for naming them all.
MENTION_BONUS = 0.1


@dataclass(frozen=True)
class Suggestion:
    apis: tuple[str, ...]
    score: float
    source: str
    #: Where a mined sequence comes from (``path:function``) and its description, for the user.
    example: str | None = None

    def to_json(self) -> dict:
        return {"apis": list(self.apis), "score": round(self.score, 4), "source": self.source}


class Recommender:
    def __init__(self, index: PairIndex | None = None, model: SequenceModel | None = None,
                 api_search: ApiSearch | None = None, stats: SequenceStats | None = None):
        self.index = index
        self.model = model
        self.api_search = api_search
        self.stats = stats or SequenceStats(index.pairs if index else [])

    def suggest(self, query: str, top_k: int = 5) -> list[Suggestion]:
        if not query.strip():
            return []
        candidates: list[Suggestion] = []
        if self.index is not None:
            candidates.extend(from_neighbours(self.index.search(query, NEIGHBOURS)))
        if self.model is not None:
            candidates.extend(Suggestion(apis, score, "model") for apis, score in self.model.predict(query, top_k))
        if self.api_search is not None:
            retrieved = self.api_search(query, 5)
            candidates.extend(Suggestion(apis, DOCS_WEIGHT * score, "docs") for apis, score in compose(retrieved, self.stats))
        return with_mentions(merge(candidates), query, self.stats.name_word_weight)[:top_k]


def from_neighbours(neighbours: Sequence[Neighbour]) -> list[Suggestion]:
    """One suggestion per distinct sequence among the nearest `CONSENSUS_NEIGHBOURS`, scored by its
    expected BLEU against all of their sequences (weights: a softmax of their similarities), scaled
    so that the best one carries the nearest neighbour's similarity."""
    near = list(neighbours[:CONSENSUS_NEIGHBOURS])
    if not near:
        return []
    top = max(n.similarity for n in near)
    weights = [math.exp((n.similarity - top) / CONSENSUS_TEMPERATURE) for n in near]
    total = sum(weights)
    best: dict[tuple[str, ...], Neighbour] = {}
    for neighbour in near:
        apis = neighbour.pair.apiseq
        if apis not in best or neighbour.similarity > best[apis].similarity:
            best[apis] = neighbour
    consensus = {
        apis: sum(w * sequence_bleu(n.pair.apiseq, apis) for w, n in zip(weights, near, strict=True)) / total
        for apis in best
    }
    highest = max(consensus.values()) or 1.0
    return [
        Suggestion(apis, top * consensus[apis] / highest, "docs" if n.pair.kind == DOC else "mined",
                   f"{n.pair.path}:{n.pair.function}: {n.pair.desc}")
        for apis, n in best.items()
    ]


def merge(candidates: Sequence[Suggestion]) -> list[Suggestion]:
    """One suggestion per sequence, the best-scored one's, plus a bonus for each other source agreeing."""
    by_apis: dict[tuple[str, ...], list[Suggestion]] = {}
    for candidate in candidates:
        if candidate.apis:
            by_apis.setdefault(candidate.apis, []).append(candidate)
    merged = []
    for group in by_apis.values():
        top = max(group, key=lambda s: s.score)
        sources = {s.source for s in group}
        merged.append(Suggestion(top.apis, top.score + AGREEMENT_BONUS * (len(sources) - 1), top.source, top.example))
    return sorted(merged, key=lambda s: (-s.score, len(s.apis), s.apis))


def with_mentions(suggestions: Sequence[Suggestion], query: str,
                  weight: Callable[[str], float] = lambda word: 1.0) -> list[Suggestion]:
    """Re-ranked by `MENTION_BONUS` times the share of the query's words that the sequence's API names
    spell (``hashlib.md5`` for "generate md5 hash code"), each word weighted by ``weight`` (how rare
    it is in API names: "md5" says more than "file")."""
    wanted = {word: weight(word) for word in lexical_tokens(query)}
    total = sum(wanted.values())
    if not total or not MENTION_BONUS:
        return list(suggestions)

    def mentioned(apis: tuple[str, ...]) -> float:
        return sum(w for word, w in wanted.items() if word in name_words(apis)) / total

    scored = [replace(s, score=s.score + MENTION_BONUS * mentioned(s.apis)) for s in suggestions]
    return sorted(scored, key=lambda s: (-s.score, len(s.apis), s.apis))


def hybrid_api_search(retriever) -> ApiSearch:
    """Documentation retrieval through the `HybridRetriever`, scored by its fused score clipped to
    [0, 1]. Its dense part is the encoder's cosine, the scale mined similarities share; its lexical
    and name parts add what a small encoder misses ("keep only the orders above 100" and "Return only
    the rows that satisfy a condition" have a cosine of 0.13, yet the API is the right one)."""
    from apiary.retrieval.query import ApiQuery

    def search(query: str, k: int) -> list[tuple[str, float]]:
        found = retriever.search(ApiQuery(intent=query), top_k=k)
        return [(api_name(s.entry), min(1.0, max(0.0, float(s.score)))) for s in found]

    return search


def api_name(entry) -> str:
    """The sequence notation for a documented API: ``module.function``, ``module.Class::method``."""
    if entry.owner and entry.kind.value in ("method", "property"):
        return f"{entry.owner}::{entry.name}"
    return entry.import_path

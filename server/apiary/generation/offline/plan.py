"""Which step of a multi-step comment each API serves, so calls can be chained in the comment's order
("zip the two pipes, then cycle three times" -> ``a.zip_with(b).cycle(3)``)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from apiary.docs.entry import ApiEntry
from apiary.retrieval.encoder import Encoder, is_ready
from apiary.retrieval.index import LibraryIndex
from apiary.weights import OfflineWeights, load_weights
from apiary.words import STOP_WORDS, split_identifier, stem

_STEP_BREAK = re.compile(
    r"(?:[.;!?](?:\s+|$))|,\s+|\b(?:and\s+then|then|and|after\s+that|afterwards|finally|also|furthermore|moreover|"
    r"whatsmore|what's\s+more|second(?:ly)?|next|before|after)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Step:
    text: str
    api: ApiEntry


def steps_of(intent: str) -> list[str]:
    """The comment cut where a new step may start; pieces without two content words are dropped."""
    pieces = [p.strip(" ,") for p in _STEP_BREAK.split(intent) if p and p.strip(" ,")]
    return [p for p in pieces if len([w for w in re.findall(r"[A-Za-z]+", p) if w.lower() not in STOP_WORDS]) >= 1]


def plan(intent: str, apis: Sequence[ApiEntry], index_of, encoder: Encoder | None,
         weights: OfflineWeights | None = None) -> list[Step]:
    """Assign each API to the step of the comment it matches best, in the comment's order.

    Returns one step per API that found a step of its own; APIs competing for the same step keep
    the better-matching one. The search is exhaustive, so ``weights`` bounds the steps and APIs.
    """
    w = weights if weights is not None else load_weights().offline
    pieces = steps_of(intent)[: w.max_steps]
    apis = list(apis)[: w.max_step_apis]
    if len(pieces) < 2 or len(apis) < 2:
        return []
    scores = _match(pieces, apis, index_of, encoder)
    assignment = _best_assignment(scores)
    chosen = sorted((piece, a) for a, piece in enumerate(assignment) if piece is not None)
    return [Step(pieces[p], apis[a]) for p, a in chosen] if len(chosen) >= 2 else []


def _best_assignment(scores: np.ndarray) -> list[int | None]:
    """Each API to a different step, maximising the total match (few APIs: exhaustive search).
    An API matching no step at all is left out."""
    n_pieces, n_apis = scores.shape
    slots = list(range(n_pieces)) + [None] * n_apis
    best: tuple[float, tuple] = (float("-inf"), ())
    for combo in itertools.permutations(slots, n_apis):
        if any(p is not None and scores[p, a] <= 0 for a, p in enumerate(combo)):
            continue
        total = sum(scores[p, a] for a, p in enumerate(combo) if p is not None)
        if total > best[0]:
            best = (total, combo)
    return list(best[1]) if best[1] else [None] * n_apis


def _match(pieces: list[str], apis: Sequence[ApiEntry], index_of, encoder: Encoder | None) -> np.ndarray:
    scores = np.zeros((len(pieces), len(apis)), dtype=np.float32)
    for a, api in enumerate(apis):
        words = [stem(w) for w in split_identifier(api.name) if w not in STOP_WORDS]
        for p, piece in enumerate(pieces):
            piece_stems = {stem(w.lower()) for w in re.findall(r"[A-Za-z]+", piece)}
            if words:
                scores[p, a] += sum(any(_close(w, q) for q in piece_stems) for w in words) / len(words)
    if encoder is not None and is_ready(encoder):
        vectors = encoder.encode(pieces)
        for a, api in enumerate(apis):
            index: LibraryIndex | None = index_of(api)
            row = index.catalogue.by_path.get(api.import_path) if index is not None else None
            if row is not None and api.description:
                scores[:, a] += vectors @ index.vector(row)
    return scores


def _close(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    return a == b or (len(short) >= 3 and long.startswith(short))

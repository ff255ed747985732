"""Rank candidates from any generator: the generator's own score, how well the snippet matches the
comment (the intent–snippet task of shared/seeds/002, scored with the dense encoder until a trained
classifier replaces it), whether it calls the APIs it was given, and whether it fits the file."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from apiary.generation.types import Candidate
from apiary.retrieval.encoder import Encoder
from apiary.retrieval.text import humanize

#: a candidate that breaks the file's syntax sinks below every one that does not
SYNTAX_PENALTY = 5.0
INTENT_WEIGHT = 0.3
API_WEIGHT = 0.2
REPAIR_PENALTY = 0.1

IntentScorer = Callable[[str, Sequence[str]], Sequence[float]]


def encoder_intent_scorer(encoder: Encoder) -> IntentScorer:
    """Cosine similarity of the comment and each snippet read as words (``keep_where`` -> keep where)."""

    def score(intent: str, snippets: Sequence[str]) -> Sequence[float]:
        vectors = encoder.encode([intent, *(snippet_words(s) for s in snippets)])
        return list(vectors[1:] @ vectors[0])

    return score


def snippet_words(code: str) -> str:
    return " ".join(humanize(token) for token in re.findall(r"[A-Za-z_]\w*", code))


def rank(
    candidates: Sequence[Candidate],
    intent: str,
    syntax_ok: Sequence[bool],
    wanted_apis: Sequence[str] = (),
    intent_scorer: IntentScorer | None = None,
) -> list[Candidate]:
    """Candidates best first, each with its final score and the parts of it in ``features``."""
    if not candidates:
        return []
    similarity = np.zeros(len(candidates))
    if intent_scorer is not None and intent.strip() and len(candidates) > 1:  # one candidate: nothing to order
        similarity = np.asarray(intent_scorer(intent, [c.text for c in candidates]), dtype=float)
    ranked = []
    for candidate, ok, sim in zip(candidates, syntax_ok, similarity, strict=True):
        features = {
            "generator": candidate.score,
            "intent": INTENT_WEIGHT * float(sim),
            "apis": API_WEIGHT * float(bool(set(candidate.apis) & set(wanted_apis))) if wanted_apis else 0.0,
            "syntax": 0.0 if ok else -SYNTAX_PENALTY,
            "repairs": -REPAIR_PENALTY * len(candidate.notes),
        }
        ranked.append(replace(candidate, score=round(sum(features.values()), 4), features=features))
    return sorted(ranked, key=lambda c: -c.score)

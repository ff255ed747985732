"""Rank candidates from any generator: the generator's own score, how well the snippet matches the
comment (the task of the intent-snippet classification paper (CoNaLa/StaQC), scored with the dense
encoder, or with the classifier ``apiary-train train classifier`` trains: the ``reranker`` setting),
whether it calls the APIs it was given, and whether it fits the file; how much each counts is
`GenerationRankWeights`, in the tree `apiary.weights` reads from weights.json."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from apiary.generation.types import Candidate
from apiary.retrieval.encoder import Encoder, is_ready
from apiary.retrieval.rerank import load_cross_encoder
from apiary.weights import GenerationRankWeights, load_weights
from apiary.words import humanize

IntentScorer = Callable[[str, Sequence[str]], Sequence[float]]


def encoder_intent_scorer(encoder: Encoder) -> IntentScorer:
    """Cosine similarity of the comment and each snippet read as words (``keep_where`` -> keep where)."""

    def score(intent: str, snippets: Sequence[str]) -> Sequence[float]:
        if not is_ready(encoder):  # still loading: the other ranking features decide
            return [0.0] * len(snippets)
        vectors = encoder.encode([intent, *(snippet_words(s) for s in snippets)])
        return list(vectors[1:] @ vectors[0])

    return score


class RankerError(RuntimeError):
    """The intent-snippet classifier could not be loaded; the message says why."""


def classifier_intent_scorer(model_dir: str, device: str = "auto", max_length: int = 256) -> IntentScorer:
    """The probability that each snippet does what the intent says, from a cross-encoder trained by
    ``apiary-train train classifier`` (a sequence-classification model with one logit, safetensors
    only), loaded with transformers alone."""
    import threading

    import torch

    tokenizer, model, where = load_cross_encoder(model_dir, device, "the reranker", RankerError)
    lock = threading.Lock()

    def score(intent: str, snippets: Sequence[str]) -> Sequence[float]:
        if not snippets:
            return []
        batch = tokenizer([intent] * len(snippets), list(snippets), padding=True, truncation=True,
                          max_length=max_length, return_tensors="pt").to(where)
        with lock, torch.inference_mode():
            logits = model(**batch).logits[:, 0]
        return torch.sigmoid(logits).float().cpu().tolist()

    return score


def snippet_words(code: str) -> str:
    return " ".join(humanize(token) for token in re.findall(r"[A-Za-z_]\w*", code))


def rank(
    candidates: Sequence[Candidate],
    intent: str,
    syntax_ok: Sequence[bool],
    wanted_apis: Sequence[str] = (),
    intent_scorer: IntentScorer | None = None,
    weights: GenerationRankWeights | None = None,
) -> list[Candidate]:
    """Candidates best first, each with its final score and the parts of it in ``features``
    (``weights``: the shipped file's unless given)."""
    if not candidates:
        return []
    w = weights if weights is not None else load_weights().generation
    similarity = np.zeros(len(candidates))
    if intent_scorer is not None and intent.strip() and len(candidates) > 1:  # one candidate: nothing to order
        similarity = np.asarray(intent_scorer(intent, [c.text for c in candidates]), dtype=float)
    ranked = []
    for candidate, ok, sim in zip(candidates, syntax_ok, similarity, strict=True):
        features = {
            "generator": candidate.score,
            "intent": w.intent * float(sim),
            "apis": w.apis * float(bool(set(candidate.apis) & set(wanted_apis))) if wanted_apis else 0.0,
            "syntax": 0.0 if ok else -w.syntax_penalty,
            "repairs": -w.repair_penalty * len(candidate.notes),
        }
        ranked.append(replace(candidate, score=round(sum(features.values()), 4), features=features))
    return sorted(ranked, key=lambda c: -c.score)

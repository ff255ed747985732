"""BLEU-4 of predicted API sequences, as Deep API Learning Revisited computes it: the server's implementation
(``apiary.sequences.bleu``: code2nl's smoothed sentence BLEU, Lin & Och add-one smoothing of the 2- to
4-gram precisions, over the identifier and "." tokens of the API names, mean over pairs in %).

``api_name_bleu4`` is the stricter variant beside it: the same smoothed BLEU-4 with each whole API
name as one token (a right module with a wrong function earns nothing).
"""

from __future__ import annotations

from collections.abc import Sequence

from apiary.sequences.bleu import api_tokens, corpus_bleu, sentence_bleu

__all__ = ["api_name_bleu4", "api_tokens", "bleu4"]


def bleu4(references: Sequence[Sequence[str]], hypotheses: Sequence[Sequence[str]]) -> float:
    """Deep API Learning Revisited's figure (Table 1): mean smoothed BLEU-4 over (true, predicted) API
    sequences, in %."""
    return corpus_bleu(references, hypotheses)


def api_name_bleu4(references: Sequence[Sequence[str]], hypotheses: Sequence[Sequence[str]]) -> float:
    """Mean smoothed BLEU-4 with whole API names as tokens, in %."""
    if len(references) != len(hypotheses):
        raise ValueError(f"{len(references)} references but {len(hypotheses)} hypotheses")
    if not references:
        raise ValueError("no pairs to score")
    return (
        100.0
        * sum(sentence_bleu(list(r), list(h)) for r, h in zip(references, hypotheses, strict=True))
        / len(references)
    )

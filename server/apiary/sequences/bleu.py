"""BLEU-4 of API sequences, as Deep API Learning Revisited scores its CodeBERT model (its Table 1: 41.56 on Python).

Deep API Learning Revisited §3.2 names BLEU-4 [Papineni et al.] without its smoothing; its CodeBERT
model was evaluated with CodeBERT's code-to-text ``bleu.py`` (``hapsby/CodeBERT-deepAPI`` adapts
``code2nl/run.py``), so we do the same: per test pair, tokens are the lowercased identifiers and
punctuation of the API names (``os.path.join`` -> os . path . join, as the vocabulary of identifiers
plus "." in Deep API Learning Revisited §3.1.4), the 2- to 4-gram precisions get add-one smoothing
(Lin & Och 2004; the unigram precision none), the brevity penalty is
``min(0, 1 - (r + 1) / (c + 1))``, and the corpus figure is the mean over pairs, in %.
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from collections.abc import Sequence

MAX_N = 4
_TOKEN = re.compile(r"\w+|[^\s\w]")


def api_tokens(apis: Sequence[str]) -> list[str]:
    """``["os.path.join"]`` -> ["os", ".", "path", ".", "join"] (lowercased, as code2nl normalises)."""
    return _TOKEN.findall(" ".join(apis).lower())


def sentence_bleu(reference: Sequence[str], hypothesis: Sequence[str], max_n: int = MAX_N) -> float:
    """Smoothed BLEU-``max_n`` of one token sequence against one reference, in [0, 1]."""
    if not hypothesis or not reference:
        return 0.0
    log_precision = 0.0
    for n in range(1, max_n + 1):
        hyp = _ngrams(hypothesis, n)
        correct = sum((hyp & _ngrams(reference, n)).values())
        guessed = max(len(hypothesis) - n + 1, 0)
        smooth = 1 if n > 1 else 0
        log_precision += math.log(correct + smooth + sys.float_info.min) - math.log(
            guessed + smooth + sys.float_info.min
        )
    brevity = min(0.0, 1.0 - (len(reference) + 1) / (len(hypothesis) + 1))
    return math.exp(log_precision / max_n + brevity)


def sequence_bleu(reference: Sequence[str], hypothesis: Sequence[str], whole_names: bool = False) -> float:
    """BLEU-4 of a predicted API sequence against the true one, in [0, 1]. The "." tokens match
    between any two dotted names; ``whole_names`` makes each API one token instead (stricter)."""
    if whole_names:
        return sentence_bleu(list(reference), list(hypothesis))
    return sentence_bleu(api_tokens(reference), api_tokens(hypothesis))


def corpus_bleu(references: Sequence[Sequence[str]], hypotheses: Sequence[Sequence[str]]) -> float:
    """Mean `sequence_bleu` over pairs of API sequences, in % (Deep API Learning Revisited's Table 1)."""
    if len(references) != len(hypotheses):
        raise ValueError(f"{len(references)} references but {len(hypotheses)} hypotheses")
    if not references:
        raise ValueError("no pairs to score")
    return 100.0 * sum(map(sequence_bleu, references, hypotheses)) / len(references)


def best_of_bleu(reference: Sequence[str], candidates: Sequence[Sequence[str]], whole_names: bool = False) -> float:
    """The best `sequence_bleu` among ranked candidates (the top-5/top-10 BLEU of Deep API Learning
    Revisited §4.1)."""
    return max((sequence_bleu(reference, c, whole_names) for c in candidates), default=0.0)


def _ngrams(tokens: Sequence[str], n: int) -> Counter:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))

"""Intent-snippet pairs for the answer classifier (the intent-snippet classification paper
(CoNaLa/StaQC) §4.1.4).

Each matched (intent, snippet) is a positive (label 1): a docstring's first sentence with its function
(docstring and comments removed, so the classifier cannot match the words themselves), or a comment
with the lines under it. For each intent, a snippet drawn at random from another pair is a negative
(label 0), which balances the classes as in the intent-snippet classification paper.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from apiary_training.corpus.described import described_code
from apiary_training.corpus.pipeline import CleanFile
from apiary_training.corpus.report import CorpusReport

MAX_SNIPPET_LINES = 30


def matched_pairs(file: CleanFile, report: CorpusReport, max_lines: int = MAX_SNIPPET_LINES) -> list[tuple[str, str]]:
    pairs = []
    for unit in described_code(file):
        snippet = unit.code.strip("\n")
        if snippet.count("\n") + 1 > max_lines:
            report.drop_item("snippet too long")
        else:
            pairs.append((unit.description, snippet))
    return pairs


def labelled_records(pairs: Iterable[tuple[str, str]], rng: random.Random) -> list[dict]:
    """Positives and, per intent, one random re-pairing with a different snippet; shuffled."""
    unique = list(dict.fromkeys(pairs))
    records = [{"intent": intent, "snippet": snippet, "label": 1} for intent, snippet in unique]
    snippets = sorted({snippet for _, snippet in unique})
    own: dict[str, set[str]] = {}
    for intent, snippet in unique:
        own.setdefault(intent, set()).add(snippet)
    for intent, _ in unique:
        if len(snippets) > len(own[intent]):
            wrong = rng.choice(snippets)
            while wrong in own[intent]:
                wrong = rng.choice(snippets)
            records.append({"intent": intent, "snippet": wrong, "label": 0})
    rng.shuffle(records)
    return records

"""Training pairs for the API retriever (When Language Model Meets Private Library §3.1 and §5.1).

A description (docstring first sentence or comment) and the API information of an API its code calls
form a positive; the negatives are APIs of the same library that code does not call, 8 per positive
(1:8 in When Language Model Meets Private Library §5.1), beside the in-batch negatives the trainer
adds.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from apiary.docs.entry import ApiEntry
from apiary_training.corpus.apidocs import DocIndex, called_names
from apiary_training.corpus.described import described_code
from apiary_training.corpus.pipeline import CleanFile
from apiary_training.corpus.report import CorpusReport
from apiary_training.corpus.sources import imported_modules

NEGATIVES = 8


def retriever_records(file: CleanFile, index: DocIndex, rng: random.Random, report: CorpusReport,
                      negatives: int = NEGATIVES, seen: set[tuple[str, str]] | None = None) -> Iterator[dict]:
    libraries = imported_modules(file.tree)
    seen = set() if seen is None else seen
    for unit in described_code(file):
        called = [rng.choice(found) for name in called_names_of(unit.calls)
                  if (found := index.candidates(libraries, name))]
        if not called:
            report.drop_item("description without documented API calls")
        called_paths = {entry.import_path for entry in called} | {entry.api_info for entry in called}
        for positive in called:
            key = (unit.description, positive.api_info)
            if key in seen:
                report.drop_item("duplicate pair")
                continue
            sampled = sample_negatives(index.library(positive.library), called_paths, negatives, rng)
            if len(sampled) < negatives:
                report.drop_item("library too small for the negatives")
                continue
            seen.add(key)
            yield {"query": unit.description, "positive": positive.api_info,
                   "negatives": [entry.api_info for entry in sampled], "library": positive.library}


def called_names_of(calls) -> list[str]:
    names: list[str] = []
    for call in calls:
        for name in called_names(call):
            if name not in names:
                names.append(name)
    return names


def sample_negatives(library: dict[str, list[ApiEntry]], exclude: set[str], count: int,
                     rng: random.Random) -> list[ApiEntry]:
    """``count`` distinct APIs of the library, none in ``exclude`` (by import path or text) and no two
    with the same text; fewer when the library has not enough."""
    by_text: dict[str, ApiEntry] = {}
    for entries in library.values():
        for entry in entries:
            if entry.import_path not in exclude and entry.api_info not in exclude:
                by_text.setdefault(entry.api_info, entry)
    pool = sorted(by_text.values(), key=lambda entry: entry.api_info)
    return rng.sample(pool, min(count, len(pool)))

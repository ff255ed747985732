"""The API reranker's data: for each dev problem, the first stage's best distinct APIs (what the
reranker will be shown at run time) with their fused scores, and which of them are gold."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from apiary.context import extract_context_from_prefix
from apiary.docs.entry import ApiEntry
from apiary.retrieval.hybrid import HybridRetriever
from apiary.retrieval.index import LibraryIndex
from apiary.retrieval.query import query_from_context
from apiary.retrieval.rerank import rerank_query, rerank_text
from apiary_training.train.ranking_data import gold_mask


@dataclass(frozen=True)
class RerankCase:
    group: str
    query: str
    candidates: tuple[ApiEntry, ...]
    first_stage: tuple[float, ...]
    gold: tuple[bool, ...]
    #: gold APIs the first stage did not bring into the candidates (a reranker cannot reach them)
    missed: tuple[ApiEntry, ...] = ()


def library_cases(
    group: str, index: LibraryIndex, problems: Sequence[dict], retriever: HybridRetriever, top: int
) -> list[RerankCase]:
    cases = []
    for problem in problems:
        mask = gold_mask(index, problem["gold_apis"])
        if not mask.any():
            continue
        query = query_from_context(extract_context_from_prefix(problem["prompt"]))
        found = retriever.search(query, top_k=top)
        gold_paths = {index.entries[i].import_path for i in mask.nonzero()[0]}
        shown = {s.entry.import_path for s in found}
        cases.append(RerankCase(
            group, rerank_query(query), tuple(s.entry for s in found), tuple(s.score for s in found),
            tuple(s.entry.import_path in gold_paths for s in found),
            tuple(index.entries[i] for i in mask.nonzero()[0] if index.entries[i].import_path not in shown),
        ))
    return cases


def training_groups(cases: Sequence[RerankCase], negatives: int, seed: int) -> list[tuple[str, list[str]]]:
    """(query, [positive text, negative texts...]) per gold API: the negatives are the first stage's
    best non-gold candidates, the ones the reranker must learn to put below the gold."""
    rng = random.Random(seed)
    groups = []
    for case in cases:
        wrong = [e for e, g in zip(case.candidates, case.gold, strict=True) if not g][:negatives]
        right = [e for e, g in zip(case.candidates, case.gold, strict=True) if g] + list(case.missed)
        for positive in right:
            if wrong:
                groups.append((case.query, [rerank_text(positive), *(rerank_text(e) for e in wrong)]))
    rng.shuffle(groups)
    return groups

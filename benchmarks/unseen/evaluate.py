"""Rank every problem's APIs three ways, on one library's index at a time: Apiary's retriever (the
whole editor context), and two plain baselines that read only the comment: BM25 over the API texts
and all-MiniLM-L6-v2 cosine over the stored API vectors."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from apiary.context import extract_context_from_prefix
from apiary.docs.entry import ApiEntry
from apiary.retrieval.encoder import Encoder
from apiary.retrieval.hybrid import HybridRetriever
from apiary.retrieval.index import LibraryIndex
from apiary.retrieval.query import query_from_context
from apiary.words import lexical_tokens
from apiary_training.eval.retrieval import all_at_k, canonical_gold, gold_keys, recall_at_k, reciprocal_rank
from benchmarks.timing import latency_summary

METHODS = ("apiary", "bm25", "minilm")
#: mined from code that calls the library; written in users' own words (short files, a comment);
#: a given problems file (TorchDataEval, the example library's, or one passed with --problems)
SETS = ("mined", "user", "given")
KS = (1, 3, 5)
#: the first queries of a library warm caches up and are timed again afterwards
WARM_UP = 10

RetrieverFactory = Callable[[Encoder, list[LibraryIndex]], HybridRetriever]
Pairs = list[tuple[list[str], list[str]]]


@dataclass
class SetResult:
    #: method -> one (gold, ranked gold keys) pair per problem
    ranked: dict[str, Pairs] = field(default_factory=lambda: {m: [] for m in METHODS})
    latencies_ms: list[float] = field(default_factory=list)
    task_ids: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        return {"problems": len(self.task_ids)} | {m: metrics(pairs) for m, pairs in self.ranked.items()}


@dataclass
class LibraryResult:
    name: str
    split: str
    kind: str
    apis: int
    sets: dict[str, SetResult] = field(default_factory=dict)

    def summary(self) -> dict:
        return {"split": self.split, "kind": self.kind, "apis": self.apis} | {
            name: result.summary() for name, result in self.sets.items() if result.task_ids
        }


def metrics(pairs: Pairs, ks: Sequence[int] = KS) -> dict[str, float]:
    n = len(pairs) or 1
    result = {f"R@{k}": sum(recall_at_k(g, r, k) for g, r in pairs) / n for k in ks}
    result["MRR"] = sum(reciprocal_rank(g, r) for g, r in pairs) / n
    result["all@5"] = sum(all_at_k(g, r, 5) for g, r in pairs) / n
    return {k: round(v, 4) for k, v in result.items()}


def evaluate_library(
    name: str, split: str, kind: str, index: LibraryIndex, problem_sets: dict[str, Sequence[dict]],
    encoder: Encoder, make_retriever: RetrieverFactory, top_k: int = max(KS),
) -> LibraryResult:
    retriever = make_retriever(encoder, [index])
    result = LibraryResult(name, split, kind, len(index.entries))
    for set_name, problems in problem_sets.items():
        result.sets[set_name] = evaluate_set(index, problems, encoder, retriever, top_k)
    return result


def evaluate_set(index: LibraryIndex, problems: Sequence[dict], encoder: Encoder, retriever: HybridRetriever,
                 top_k: int) -> SetResult:
    result = SetResult()
    queries = [query_from_context(extract_context_from_prefix(p["prompt"])) for p in problems]
    for query in queries[:WARM_UP]:
        retriever.search(query, top_k=top_k)
    intents = [p.get("intent") or q.intent for p, q in zip(problems, queries, strict=True)]
    dense = _dense_scores(index, encoder, intents)
    for i, (problem, query) in enumerate(zip(problems, queries, strict=True)):
        gold = canonical_gold(index.catalogue, problem["gold_apis"])
        started = time.perf_counter()
        found = retriever.search(query, top_k=top_k)
        result.latencies_ms.append((time.perf_counter() - started) * 1000)
        result.ranked["apiary"].append((gold, gold_keys(gold, [f.entry for f in found])))
        lexical = index.lexical_scores(lexical_tokens(intents[i]))
        result.ranked["bm25"].append((gold, gold_keys(gold, top_distinct(index, lexical, top_k))))
        result.ranked["minilm"].append((gold, gold_keys(gold, top_distinct(index, dense[i], top_k))))
        result.task_ids.append(problem["task_id"])
    return result


def _dense_scores(index: LibraryIndex, encoder: Encoder, texts: list[str]) -> np.ndarray:
    vectors = encoder.encode([t or " " for t in texts]) if texts else np.zeros((0, encoder.dim), dtype=np.float32)
    return index.dense_scores(vectors)


def top_distinct(index: LibraryIndex, scores: np.ndarray, k: int) -> list[ApiEntry]:
    """The ``k`` best entries with distinct names, as the retriever returns them."""
    seen: set[str] = set()
    chosen: list[ApiEntry] = []
    for i in np.argsort(-scores, kind="stable"):
        entry = index.entries[int(i)]
        if scores[i] <= 0 or entry.name in seen:
            continue
        seen.add(entry.name)
        chosen.append(entry)
        if len(chosen) == k:
            break
    return chosen


def pooled(results: Sequence[LibraryResult], set_name: str) -> dict:
    """Every problem of one set counted once, whatever its library."""
    parts = [r.sets[set_name] for r in results if set_name in r.sets and r.sets[set_name].task_ids]
    summary: dict = {m: metrics([pair for part in parts for pair in part.ranked[m]]) for m in METHODS}
    latencies = [x for part in parts for x in part.latencies_ms]
    summary["problems"] = len(latencies)
    summary["libraries"] = len(parts)
    if latencies:
        summary["latency_ms"] = latency_summary(latencies)
    return summary

"""Fit the hybrid retriever's weights on the development libraries of the many-library suite.

    apiary-train train ranker --output server/apiary/weights.json

For every mined problem of every dev library (test libraries are never read), the retriever's
signals over all of the library's APIs are collected; a linear listwise model (see `listwise`) is
fitted with its L2 strength chosen by cross-validation over whole libraries (each fold's libraries
unseen by the weights scored on them), then refitted on every dev library and written into the
weights tree, the other parts of the tree kept as they are.

Why a linear listwise model rather than gradient-boosted trees (LightGBM's LambdaRank): the retriever
scores every API of a library per keystroke as one weighted sum, whose parts explain a suggestion;
a linear model keeps that form and its cost, needs no new dependency, fits in seconds, and its ~30
numbers cannot memorize 40 libraries' problems.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from apiary.retrieval.encoder import load_encoder
from apiary.retrieval.store import IndexStore
from apiary.weights import load_weights, write_weights
from apiary_training.suite.problems import SuiteCache
from apiary_training.train.listwise import RankingQuery, evaluate, fit, group_folds
from apiary_training.train.ranking_data import FEATURES, dev_libraries, library_queries, without_dense

log = logging.getLogger(__name__)


@dataclass
class RankerArguments:
    output: str = field(metadata={"help": "the weights file to write (server/apiary/weights.json ships them)"})
    suite: str = field(
        default="benchmarks/unseen/suite.json", metadata={"help": "the suite file (its dev libraries are used)"}
    )
    cache: str = field(
        default="benchmarks/.cache/unseen", metadata={"help": "the suite's cache of wheels, problems and indexes"}
    )
    base_weights: str | None = field(
        default=None, metadata={"help": "the tree whose other parts are kept (default: shipped)"}
    )
    encoder: str | None = field(
        default=None, metadata={"help": "encoder directory (default: bundled all-MiniLM-L6-v2)"}
    )
    l2_grid: str = field(default="0.0001,0.001,0.01,0.1", metadata={"help": "L2 strengths tried by cross-validation"})
    folds: int = field(default=5, metadata={"help": "cross-validation folds over whole dev libraries"})
    user_share: float = field(
        default=0.5, metadata={"help": "share of the loss of the problems in users' own words (the rest: mined)"}
    )
    seed: int = field(default=0)

    def __post_init__(self):
        if self.folds < 2:
            raise ValueError("--folds must be at least 2")
        self.l2_values = [float(x) for x in self.l2_grid.split(",") if x.strip()]
        if not self.l2_values or any(x < 0 for x in self.l2_values):
            raise ValueError("--l2_grid needs non-negative numbers")
        if not 0 < self.user_share < 1:
            raise ValueError("--user_share must be in (0, 1)")
        self.shares = {"user": self.user_share, "mined": 1 - self.user_share}


def collect(args: RankerArguments) -> list[RankingQuery]:
    """Ranking queries of every dev library's problems."""
    encoder = load_encoder(args.encoder)
    cache = SuiteCache(Path(args.cache))
    max_clauses = load_weights().retrieval.max_clauses
    queries: list[RankingQuery] = []
    for name, index, problem_sets in dev_libraries(
        Path(args.suite), cache, IndexStore(cache.root / "indexes", encoder)
    ):
        for source, problems in problem_sets.items():
            queries += library_queries(name, index, problems, encoder, max_clauses, source)
    return queries


def cross_validate(queries: list[RankingQuery], l2_values: list[float], folds: int, start: np.ndarray, seed: int,
                   shares: dict[str, float] | None = None) -> dict[float, dict]:
    """Held-out-library R@1, R@5 and MRR of each L2 strength, per source of problems (each query
    scored once, by weights that never saw its library) and their mean over sources."""
    results: dict[float, dict] = {}
    for l2 in l2_values:
        held_out_weights = {}
        for train, held in group_folds(queries, folds, seed):
            w = fit([queries[i] for i in train], l2, start=start, source_share=shares)
            held_out_weights.update({i: w for i in held})
        results[l2] = _by_source(queries, held_out_weights)
    return results


def _by_source(queries: list[RankingQuery], weights_of: dict[int, np.ndarray]) -> dict:
    figures = {}
    for source in sorted({q.source for q in queries}):
        scored = [evaluate([q], weights_of[i]) | {"n": 1} for i, q in enumerate(queries) if q.source == source]
        figures[source] = {k: round(float(np.mean([s[k] for s in scored])), 4) for k in ("R@1", "R@5", "MRR")}
        figures[source]["queries"] = len(scored)
    figures["mean"] = {k: round(float(np.mean([figures[s][k] for s in figures])), 4) for k in ("R@1", "R@5", "MRR")}
    return figures


def train(args: RankerArguments) -> dict:
    started = time.perf_counter()
    base = load_weights(Path(args.base_weights)) if args.base_weights else load_weights()
    start = np.asarray([getattr(base.retrieval, name) for name in FEATURES], dtype=np.float64)
    queries = collect(args)
    if not queries:
        raise SystemExit("no dev problems: run `python -m benchmarks.unseen --split dev` once to fetch and mine them")
    before = _by_source(queries, dict.fromkeys(range(len(queries)), start))
    cv = cross_validate(queries, args.l2_values, args.folds, start, args.seed, args.shares)
    l2 = max(cv, key=lambda x: (cv[x]["mean"]["MRR"], -x))
    w = fit(queries, l2, start=start, source_share=args.shares)
    lexical_start = np.asarray([getattr(base.retrieval_lexical, name) for name in FEATURES], dtype=np.float64)
    w_lexical = fit(without_dense(queries), l2, start=lexical_start, source_share=args.shares)
    libraries = sorted({q.group for q in queries})
    kept = {k: v for k, v in base.fitted.items() if k == "cross_encoder"}  # fitted with its own model
    fitted = {
        **kept,
        "method": "linear listwise softmax ranking (apiary_training.train.ranker), L2 chosen by "
        f"{args.folds}-fold cross-validation over whole libraries",
        "on": f"the dev libraries of {args.suite}: {len(queries)} problems ({_counts(queries)}) "
        f"from {len(libraries)} libraries, "
        f"the problems in users' own words weighing {args.user_share:g} of the loss, "
        "each library the same within a source",
        "l2": l2,
        "cross_validation": {str(k): v for k, v in cv.items()},
        "before": before,
        "date": time.strftime("%Y-%m-%d"),
    }
    fitted["lexical_only_in_sample"] = _by_source(without_dense(queries), dict.fromkeys(range(len(queries)), w_lexical))
    values = _rounded(w)
    tree = replace(base, retrieval=replace(base.retrieval, **values),
                   retrieval_lexical=replace(base.retrieval_lexical, **_rounded(w_lexical)), fitted=fitted)
    write_weights(tree, Path(args.output))
    return {"weights": values, **fitted, "seconds": round(time.perf_counter() - started, 1)}


def _rounded(w: np.ndarray) -> dict[str, float]:
    return {name: round(float(x), 4) for name, x in zip(FEATURES, w, strict=True)}


def _counts(queries: list[RankingQuery]) -> str:
    sources = sorted({q.source for q in queries})
    return ", ".join(f"{sum(q.source == s for q in queries)} {s}" for s in sources)


def main(argv: list[str] | None = None) -> dict:
    from transformers import HfArgumentParser

    (args,) = HfArgumentParser(RankerArguments).parse_args_into_dataclasses(args=argv)
    return train(args)

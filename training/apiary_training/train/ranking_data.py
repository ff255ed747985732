"""The ranker's training data: for each mined problem of a library, the retriever's signals for every
API of that library (exactly the arrays the hybrid retriever weighs) and which APIs are gold."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import fields
from pathlib import Path

import numpy as np

from apiary.context import extract_context_from_prefix
from apiary.docs.locate import locate
from apiary.retrieval.encoder import Encoder
from apiary.retrieval.index import LibraryIndex
from apiary.retrieval.query import query_from_context
from apiary.retrieval.signals import compute_signals, query_vectors
from apiary.retrieval.store import IndexStore
from apiary.weights import RetrievalWeights
from apiary_training.eval.retrieval import resolve_gold
from apiary_training.suite.definition import load_suite
from apiary_training.suite.problems import SuiteCache, library_problems
from apiary_training.train.listwise import RankingQuery

log = logging.getLogger(__name__)

#: the weights a ranker fits: every float of `RetrievalWeights` but the alternatives' margin (a
#: placement rule applied after scoring) and the cross-encoder's (fitted with its model)
FEATURES = tuple(
    f.name for f in fields(RetrievalWeights)
    if isinstance(f.default, float) and f.name not in ("alternative_margin", "cross_encoder")
)


#: the signals an encoder gives: zero while it loads, so the lexical weights are fitted without them
DENSE_FEATURES = tuple(name for name in FEATURES if name.startswith("dense"))


def without_dense(queries: Sequence[RankingQuery]) -> list[RankingQuery]:
    """The queries as the retriever sees them before the encoder has loaded."""
    columns = [FEATURES.index(name) for name in DENSE_FEATURES]
    stripped = []
    for query in queries:
        features = query.features.copy()
        features[:, columns] = 0.0
        stripped.append(RankingQuery(query.group, features, query.gold, query.source))
    return stripped


def dev_libraries(
    suite_file: Path, cache: SuiteCache, store: IndexStore
) -> Iterator[tuple[str, LibraryIndex, dict[str, list[dict]]]]:
    """Each dev library of the suite with its index and its problems, mined ("mined") and in users'
    own words ("user"); test libraries are never read."""
    suite = load_suite(suite_file)
    for library in suite.select("dev"):
        problems = {
            "mined": [p.to_json() for p in library_problems(library, cache)],
            "user": suite.user_problems_of(library),
        }
        if any(problems.values()):
            source = locate(str(cache.wheel(library.requirement)), unpack_dir=cache.root / "sources")
            log.info("%s: %s problems", library.name, {k: len(v) for k, v in problems.items()})
            yield library.name, store.get_or_build(source).index, problems


def library_queries(group: str, index: LibraryIndex, problems: Sequence[dict], encoder: Encoder,
                    max_clauses: int, source: str = "") -> list[RankingQuery]:
    """One ranking query per problem whose gold is among the library's APIs."""
    queries = []
    for problem in problems:
        gold = gold_mask(index, problem["gold_apis"])
        if not gold.any():
            continue
        query = query_from_context(extract_context_from_prefix(problem["prompt"]))
        signals = compute_signals(index, query, query_vectors(encoder, query, max_clauses))
        queries.append(RankingQuery(group, feature_matrix(signals, len(index.entries)), gold, source))
    return queries


def feature_matrix(signals: dict[str, np.ndarray], size: int) -> np.ndarray:
    """The signals as columns in `FEATURES` order; a signal not computed (no encoder yet) is zero."""
    zero = np.zeros(size, dtype=np.float32)
    return np.stack([signals.get(name, zero) for name in FEATURES], axis=1).astype(np.float32)


def gold_mask(index: LibraryIndex, gold: Sequence[str]) -> np.ndarray:
    mask = np.zeros(len(index.entries), dtype=bool)
    for name in gold:
        mask[[index.catalogue.by_path[path] for path in resolve_gold(index.catalogue, name)]] = True
    return mask

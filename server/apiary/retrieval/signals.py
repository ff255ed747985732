"""The signals the hybrid retriever weighs, one array over an index's entries each.

Each is a general fact about code or text, never about one library: how close the API's text is to
the comment (dense and lexical, and their ranks), whether the comment spells the API's name, what
the imports and the objects in scope say, and what kind of thing the API is. `RetrievalWeights`
(fitted on the development libraries by ``apiary-train train ranker``) says how much each counts;
the ranker trainer reads the same arrays, so what is learned is what runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from apiary.docs.entry import ApiKind
from apiary.docs.types import InferredType, scope_types
from apiary.retrieval.encoder import Encoder, is_ready
from apiary.retrieval.index import LibraryIndex
from apiary.retrieval.order import reciprocal_ranks
from apiary.retrieval.query import ApiQuery
from apiary.words import STOP_WORDS, lexical_tokens, stem


@dataclass(frozen=True)
class QueryVectors:
    """The query's texts as vectors: the intent, each step of a multi-step comment, and the intent
    with its code around it (the intent itself when the code adds nothing)."""

    intent: np.ndarray | None = None
    clauses: np.ndarray | None = None
    context: np.ndarray | None = None


def query_vectors(encoder: Encoder, query: ApiQuery, max_clauses: int) -> QueryVectors:
    """No vectors until the encoder's weights have loaded: the lexical and context signals answer
    alone meanwhile. One batch, so a cached or loaded encoder pays once."""
    if not query.intent or not is_ready(encoder):
        return QueryVectors()
    clauses = list(query.clauses[:max_clauses])
    extra = [query.context_text] if query.context_text else []
    vectors = encoder.encode([query.intent, *clauses, *extra])
    return QueryVectors(vectors[0], vectors[1 : 1 + len(clauses)], vectors[-1] if extra else vectors[0])


def compute_signals(index: LibraryIndex, query: ApiQuery, vectors: QueryVectors) -> dict[str, np.ndarray]:
    """Every signal for every entry of ``index``; dense ones only when there are query vectors."""
    n = len(index.entries)
    values: dict[str, np.ndarray] = {}
    if vectors.intent is not None:
        rows = [vectors.intent, vectors.context, *(vectors.clauses if vectors.clauses is not None else ())]
        dense = index.dense_scores(np.stack(rows))  # 0 for an entry without a description
        values["dense"] = dense[0]
        # the same scores when there is no other context: one array, so its ranks are found once
        values["dense_context"] = values["dense"] if np.array_equal(rows[0], rows[1]) else dense[1]
        values["dense_clause"] = dense[2:].max(axis=0) if len(dense) > 2 else np.zeros(n, dtype=np.float32)
    query_tokens = lexical_tokens(query.intent) + [t for m in query.mentioned for t in lexical_tokens(m)]
    values["lexical"] = _normalized(index.lexical_scores(query_tokens))
    clause_scores = [_normalized(index.lexical_scores(lexical_tokens(c))) for c in query.clauses]
    values["lexical_clause"] = np.max(clause_scores, axis=0) if clause_scores else np.zeros(n, dtype=np.float32)
    values["name_match"] = _name_match(index, query.intent)
    values["recently_called"] = _named(index, {name: 1.0 for name in query.recent_calls})
    values["mentioned"] = _named(index, {name: 1.0 for name in query.mentioned})
    values["file_calls"] = _named(index, {name: _log_share(count) for name, count in query.call_counts})
    values["returns_many"] = index.tables.returns_sequence if query.assign_count >= 2 else np.zeros(n, dtype=np.float32)
    values.update(_import_signals(index, query))
    types = scope_types(index.catalogue, query.scope, query.local_classes)
    classes, modules = _scope_classes_and_modules(types)
    values.update(_affinity_signals(index, classes, modules))
    values["consumes_scope"] = _consumes_scope(index, classes, modules)
    values["member_unreachable"] = index.tables.member_kind * (1.0 - _members(index, classes))
    values["has_instance"] = _has_instance(index, types)
    values["module_kind"] = index.tables.module_kind
    values["popularity"] = np.log1p(index.popularity)
    values.update(_rank_signals(values))
    values.update(index.shape)
    for name in ("recently_called", "file_calls", "imported_used", "has_instance"):
        values[f"{name}_short"] = values[name] if query.short_context else np.zeros(n, dtype=np.float32)
    return values


def _named(index: LibraryIndex, value_of: dict[str, float]) -> np.ndarray:
    """Each entry called one of the names gets that name's value."""
    values = np.zeros(len(index.entries), dtype=np.float32)
    for name, value in value_of.items():
        values[index.catalogue.by_name.get(name, [])] = value
    return values


def _log_share(count: int) -> float:
    """A count on a log scale that reaches 1 at ten."""
    return min(float(np.log1p(count) / np.log1p(10.0)), 1.0)


def _at(size: int, positions: Iterable[np.ndarray | list[int]]) -> np.ndarray:
    values = np.zeros(size, dtype=np.float32)
    for found in positions:
        values[found] = 1.0
    return values


def _rank_signals(values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """1 / (1 + rank) by dense and by lexical score: a rank means the same in a library of 50 APIs
    and one of 5,000, where raw cosines and BM25 scores do not."""
    ranks: dict[str, np.ndarray] = {}
    by_array: dict[int, np.ndarray] = {}  # a sort of tens of thousands of scores, done once per array
    for name in ("dense", "lexical", "dense_context"):
        scores = values.get(name)
        if scores is None or not len(scores):
            continue
        if id(scores) not in by_array:
            by_array[id(scores)] = reciprocal_ranks(scores)
        ranks[f"{name}_rank"] = by_array[id(scores)]
    return ranks


def _normalized(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if len(scores) else 0.0
    return scores / top if top > 0 else np.zeros_like(scores)


def _name_match(index: LibraryIndex, intent: str) -> np.ndarray:
    """Share of an API name's words that the intent's plain words contain (stems, or one a prefix of
    the other). Identifiers in the intent (``MapDataPipe``, ``batch_dp``) name things, not actions:
    their parts are not matched (an exact identifier is a `mentioned` name instead)."""
    plain = [
        t.lower() for t in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", intent) if re.fullmatch(r"[A-Za-z][a-z]*|[A-Z]+", t)
    ]
    query_stems = {stem(w) for w in plain if w not in STOP_WORDS and len(w) > 1}
    return index.tables.stems.scores(query_stems, len(index.entries))


def _import_signals(index: LibraryIndex, query: ApiQuery) -> dict[str, np.ndarray]:
    """Names the file imports, used since or not yet (what it imported *for* the code to come), and
    the APIs directly in a module or class it imports (``from dateutil import tz`` -> ``tz.gettz``)."""
    n = len(index.entries)
    unused, used = np.zeros(n, dtype=np.float32), np.zeros(n, dtype=np.float32)
    for imported in query.imported:
        entry = index.catalogue.find(imported.target)
        if entry is not None and entry.kind != ApiKind.MODULE:
            (used if imported.used else unused)[index.catalogue.by_path[entry.import_path]] = 1.0
    parents = _at(n, (index.tables.children[i.target] for i in query.imported if i.target in index.tables.children))
    return {"imported_unused": unused, "imported_used": used, "imported_parent": parents}


def _scope_classes_and_modules(types: dict[str, InferredType]) -> tuple[set[str], set[str]]:
    classes: set[str] = set()
    modules: set[str] = set()
    for inferred in types.values():
        classes.update(inferred.classes)
        if inferred.module:
            modules.add(inferred.module)
    return classes, modules


def _members(index: LibraryIndex, classes: set[str]) -> np.ndarray:
    members = index.catalogue.members
    return _at(len(index.entries), (members[c] for c in classes if c in members))


def _has_instance(index: LibraryIndex, types: dict[str, InferredType]) -> np.ndarray:
    """Classes (and their functional forms) of which the file already holds an instance: a second
    one is less often what comes next than a method of the first."""
    made = {t.classes[0] for t in types.values() if t.classes}
    return _at(len(index.entries), (index.tables.forms[c] for c in made if c in index.tables.forms))


def _consumes_scope(index: LibraryIndex, classes: set[str], modules: set[str]) -> np.ndarray:
    """Methods with a parameter typed as one of the objects in scope: what combines the value the
    method is called on with another value the user already has (``dp.zip_with_map(map_dp)``)."""
    values = _at(len(index.entries), (index.tables.param_users[c] for c in classes if c in index.tables.param_users))
    if modules:  # values of undocumented classes: any parameter class from their module
        prefixes = tuple(m + "." for m in modules)
        for class_path, users in index.tables.param_users.items():
            if class_path.startswith(prefixes):
                values[users] = 1.0
    return values


def _affinity_signals(index: LibraryIndex, classes: set[str], modules: set[str]) -> dict[str, np.ndarray]:
    """Members of the classes (or modules) of the objects in scope."""
    typed = _members(index, classes)
    moduled = _at(len(index.entries), (index.tables.by_owner.under(m) for m in modules)) * (1.0 - typed) \
        if modules else np.zeros_like(typed)
    return {"type_affinity": typed, "module_affinity": moduled}

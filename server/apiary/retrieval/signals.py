"""The signals the hybrid retriever weighs, one array over an index's entries each.

Each is a general fact about code or text, never about one library: how close the API's text is to
the comment (dense and lexical, and their ranks), whether the comment spells the API's name, what
the imports and the objects in scope say, and what kind of thing the API is. `RetrievalWeights`
(fitted on the development libraries by ``apiary-train train ranker``) says how much each counts;
the ranker trainer reads the same arrays, so what is learned is what runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from apiary.docs.entry import ApiKind
from apiary.retrieval.encoder import Encoder, is_ready
from apiary.retrieval.index import LibraryIndex
from apiary.retrieval.query import ApiQuery
from apiary.retrieval.text import STOP_WORDS, lexical_tokens, stem
from apiary.retrieval.types import InferredType, scope_types


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
        # A re-exported name we have no docs for is encoded from its name alone: its similarity
        # says nothing about what it does, so it gets none.
        dense = index.dense_scores(np.stack(rows)) * index.documented
        values["dense"] = dense[0]
        values["dense_context"] = dense[1]
        values["dense_clause"] = dense[2:].max(axis=0) if len(dense) > 2 else np.zeros(n, dtype=np.float32)
    query_tokens = lexical_tokens(query.intent) + [t for m in query.mentioned for t in lexical_tokens(m)]
    values["lexical"] = _normalized(index.lexical_scores(query_tokens))
    clause_scores = [_normalized(index.lexical_scores(lexical_tokens(c))) for c in query.clauses]
    values["lexical_clause"] = np.max(clause_scores, axis=0) if clause_scores else np.zeros(n, dtype=np.float32)
    values["name_match"] = _name_match(index, query.intent)
    values["recently_called"] = np.asarray([float(e.name in query.recent_calls) for e in index.entries], dtype=np.float32)
    values["returns_many"] = _returns_many(index, query.assign_count)
    values["mentioned"] = np.asarray([float(e.name in query.mentioned) for e in index.entries], dtype=np.float32)
    values.update(_import_signals(index, query))
    types = scope_types(index, query.scope)
    values.update(_affinity_signals(index, types))
    values["consumes_scope"] = _consumes_scope(index, types)
    values["module_kind"] = np.asarray([float(e.kind == ApiKind.MODULE) for e in index.entries], dtype=np.float32)
    values["popularity"] = np.log1p(index.popularity)
    values["file_calls"] = _file_calls(index, query)
    values.update(_rank_signals(values))
    values["imported_parent"] = _imported_parent(index, query)
    values["member_unreachable"] = _member_unreachable(index, types)
    values.update(index.shape)
    return values


def _rank_signals(values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """1 / (1 + rank) by dense and by lexical score: a rank means the same in a library of 50 APIs
    and one of 5,000, where raw cosines and BM25 scores do not."""
    ranks: dict[str, np.ndarray] = {}
    for name in ("dense", "lexical", "dense_context"):
        scores = values.get(name)
        if scores is None or not len(scores):
            continue
        order = np.argsort(-scores, kind="stable")
        reciprocal = np.zeros(len(scores), dtype=np.float32)
        reciprocal[order] = 1.0 / (1.0 + np.arange(len(scores), dtype=np.float32))
        ranks[f"{name}_rank"] = np.where(scores > 0, reciprocal, 0.0).astype(np.float32)
    return ranks


def _file_calls(index: LibraryIndex, query: ApiQuery) -> np.ndarray:
    """How often the file already calls the API's name, on a log scale that reaches 1 at ten calls."""
    counts = dict(query.call_counts)
    if not counts:
        return np.zeros(len(index.entries), dtype=np.float32)
    calls = np.asarray([counts.get(e.name, 0) for e in index.entries], dtype=np.float32)
    return np.minimum(np.log1p(calls) / np.log1p(10.0), 1.0).astype(np.float32)


def _imported_parent(index: LibraryIndex, query: ApiQuery) -> np.ndarray:
    """APIs that live directly in a module or class the file imports (``from dateutil import tz``
    makes ``tz.gettz`` reachable by a short name; ``import requests`` makes ``requests.get``)."""
    targets = {i.target for i in query.imported}
    return np.asarray([float(e.import_path.rpartition(".")[0] in targets) for e in index.entries], dtype=np.float32)


def _member_unreachable(index: LibraryIndex, types: dict[str, InferredType]) -> np.ndarray:
    """Methods and properties of a class no object in scope is an instance of: the user would have
    to make one first."""
    classes, _ = _scope_classes_and_modules(types)
    return np.asarray(
        [float(e.kind in (ApiKind.METHOD, ApiKind.PROPERTY) and e.owner not in classes) for e in index.entries],
        dtype=np.float32,
    )


def _normalized(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if len(scores) else 0.0
    return scores / top if top > 0 else np.zeros_like(scores)


def _name_match(index: LibraryIndex, intent: str) -> np.ndarray:
    """Share of an API name's words that the intent's plain words contain (stems, or one a prefix of
    the other). Identifiers in the intent (``MapDataPipe``, ``batch_dp``) name things, not actions:
    their parts are not matched (an exact identifier is a `mentioned` name instead)."""
    plain = [t.lower() for t in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", intent) if re.fullmatch(r"[A-Za-z][a-z]*|[A-Z]+", t)]
    query_stems = {stem(w) for w in plain if w not in STOP_WORDS and len(w) > 1}
    if not query_stems:
        return np.zeros(len(index.entries), dtype=np.float32)
    matched = np.asarray([any(_same_word(q, w) for q in query_stems) for w in index.name_stem_vocabulary], dtype=np.float32)
    return index.name_stem_matrix @ matched


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 3 and long.startswith(short)


_SEQUENCE_RETURN = re.compile(r"^(?:typing\.)?(?:List|list|Tuple|tuple|Sequence)\b")


def _returns_many(index: LibraryIndex, assign_count: int) -> np.ndarray:
    """For ``a, b = |``: APIs annotated to return a list or tuple."""
    if assign_count < 2:
        return np.zeros(len(index.entries), dtype=np.float32)
    return np.asarray([float(bool(_SEQUENCE_RETURN.match(e.returns or ""))) for e in index.entries], dtype=np.float32)


def _import_signals(index: LibraryIndex, query: ApiQuery) -> dict[str, np.ndarray]:
    targets = {i.target: i.used for i in query.imported}
    unused = np.zeros(len(index.entries), dtype=np.float32)
    used = np.zeros(len(index.entries), dtype=np.float32)
    for i, entry in enumerate(index.entries):
        if entry.kind == ApiKind.MODULE:
            continue
        state = targets.get(entry.import_path, targets.get(entry.qualname))
        if state is False:
            unused[i] = 1.0
        elif state is True:
            used[i] = 1.0
    return {"imported_unused": unused, "imported_used": used}


def _scope_classes_and_modules(types: dict[str, InferredType]) -> tuple[set[str], set[str]]:
    classes: set[str] = set()
    modules: set[str] = set()
    for inferred in types.values():
        classes.update(inferred.classes)
        if inferred.module:
            modules.add(inferred.module)
    return classes, modules


def _consumes_scope(index: LibraryIndex, types: dict[str, InferredType]) -> np.ndarray:
    """Methods with a parameter typed as one of the objects in scope: what combines the value the
    method is called on with another value the user already has (``dp.zip_with_map(map_dp)``)."""
    classes, modules = _scope_classes_and_modules(types)
    scores = np.zeros(len(index.entries), dtype=np.float32)
    if not classes and not modules:
        return scores
    for i, entry in enumerate(index.entries):
        if entry.kind in (ApiKind.METHOD, ApiKind.ALIAS) and any(
            c in classes or any(c.startswith(m + ".") for m in modules) for c in index.param_classes[i]
        ):
            scores[i] = 1.0
    return scores


def _affinity_signals(index: LibraryIndex, types: dict[str, InferredType]) -> dict[str, np.ndarray]:
    """Members of the classes (or modules) of the objects in scope."""
    classes, modules = _scope_classes_and_modules(types)
    typed = np.zeros(len(index.entries), dtype=np.float32)
    moduled = np.zeros(len(index.entries), dtype=np.float32)
    for i, entry in enumerate(index.entries):
        if not entry.owner:
            continue
        if entry.owner in classes:
            typed[i] = 1.0
        elif any(entry.owner.startswith(m + ".") for m in modules):
            moduled[i] = 1.0
    return {"type_affinity": typed, "module_affinity": moduled}



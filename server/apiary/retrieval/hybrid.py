"""Hybrid API retrieval: dense (FAISS over encoder vectors) and lexical (BM25 over split identifiers)
scores fused, then reranked with what the editor context says.

The rerank features are general facts about code, never about one library: a name the user
imported but has not used yet is probably what they are about to call; the methods of the objects
in scope are reachable without a new import; a name the comment spells out is wanted; a module is
rarely the answer to "what do I call". Every score keeps its parts, so a suggestion can be explained.
How much each signal counts is `RetrievalWeights`, in the tree `apiary.weights` reads from weights.json.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from apiary.docs.entry import ApiEntry, ApiKind
from apiary.retrieval.encoder import Encoder, is_ready
from apiary.retrieval.index import LibraryIndex
from apiary.retrieval.query import ApiQuery
from apiary.retrieval.text import STOP_WORDS, lexical_tokens, stem
from apiary.retrieval.types import InferredType, TypeResolver, scope_types
from apiary.weights import RetrievalWeights, load_weights

#: The name retrieval's weights had before they joined the tree in `apiary.weights`; kept for callers.
RankWeights = RetrievalWeights


@dataclass(frozen=True)
class ScoredApi:
    entry: ApiEntry
    score: float
    #: the weighted parts of ``score``, for explanations
    parts: dict[str, float] = field(default_factory=dict)


@dataclass
class _Signals:
    """Per-entry feature arrays for one index."""

    values: dict[str, np.ndarray]


class HybridRetriever:
    def __init__(
        self,
        encoder: Encoder,
        indexes: Callable[[], Sequence[LibraryIndex]] | Sequence[LibraryIndex],
        weights: RetrievalWeights | None = None,
    ):
        self.encoder = encoder
        self._indexes = indexes if callable(indexes) else (lambda: list(indexes))
        #: the shipped (or fitted) file's weights unless a caller tunes its own
        self.weights = weights if weights is not None else load_weights().retrieval

    def indexes_for(self, query: ApiQuery) -> list[LibraryIndex]:
        """The indexes of the libraries the code imports, or all of them when it imports none we know."""
        available = list(self._indexes())
        if not query.libraries:
            return available
        wanted = set(query.libraries)
        chosen = [ix for ix in available if wanted & _top_levels(ix)]
        return chosen or available

    def search(self, query: ApiQuery, top_k: int = 5, distinct_names: bool = True) -> list[ScoredApi]:
        indexes = self.indexes_for(query)
        if not indexes or query.is_empty:
            return []
        # until the encoder's weights have loaded, the lexical and context signals answer alone
        texts = [t for t in (query.intent, *query.clauses[: self.weights.max_clauses]) if t] if is_ready(self.encoder) else []
        vectors = self.encoder.encode(texts) if texts else np.zeros((0, self.encoder.dim), dtype=np.float32)
        scored: list[ScoredApi] = []
        for index in indexes:
            scored.extend(self._score_index(index, query, vectors))
        scored.sort(key=lambda s: -s.score)
        return _distinct(scored, top_k) if distinct_names else scored[:top_k]

    def _score_index(self, index: LibraryIndex, query: ApiQuery, vectors: np.ndarray) -> list[ScoredApi]:
        signals = self._signals(index, query, vectors)
        w = self.weights
        weighted = {name: getattr(w, name) * values for name, values in signals.values.items() if getattr(w, name)}
        total = _with_alternatives(index, np.sum(list(weighted.values()), axis=0), w.alternative_margin, w.alternatives_from)
        allowed = self._receiver_members(index, query)
        candidates = np.asarray(allowed if allowed is not None else range(len(index.entries)), dtype=np.int64)
        # Only the best few become results; enough of them that `top_k` distinct names survive.
        best = candidates[np.argsort(-total[candidates], kind="stable")][: w.candidates]
        return [
            ScoredApi(index.entries[i], float(total[i]), {k: round(float(v[i]), 4) for k, v in weighted.items() if v[i]})
            for i in best
        ]

    def _signals(self, index: LibraryIndex, query: ApiQuery, vectors: np.ndarray) -> _Signals:
        n = len(index.entries)
        values: dict[str, np.ndarray] = {}
        if len(vectors):
            # A re-exported name we have no docs for is encoded from its name alone: its similarity
            # says nothing about what it does, so it gets none.
            dense = index.dense_scores(vectors) * index.documented
            values["dense"] = dense[0]
            values["dense_clause"] = dense[1:].max(axis=0) if len(dense) > 1 else np.zeros(n, dtype=np.float32)
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
        return _Signals(values)

    def _receiver_members(self, index: LibraryIndex, query: ApiQuery) -> list[int] | None:
        """With ``obj.`` before the cursor, only what ``obj`` has can follow (when we know what that is)."""
        if not query.receiver:
            return None
        resolver = TypeResolver(index, {o.name: o for o in query.scope})
        receiver_type = resolver.of_expression(query.receiver_origin, head_is_local=False) if query.receiver_origin else InferredType()
        if not receiver_type.known:
            receiver_type = resolver.of_expression(query.receiver, head_is_local=True)
        members = members_of(index, receiver_type)
        return members or None


def _with_alternatives(index: LibraryIndex, total: np.ndarray, margin: float, top: int) -> np.ndarray:
    """Docs often say what to use instead ("to repeat the whole pipe, use Cycler"): pull the best
    form of each API a top result recommends up to just below that result."""
    if margin <= 0:
        return total
    lifted = total.copy()
    for i in np.argsort(-total)[:top]:
        for group in index.alternatives[i]:
            best = max(group, key=lambda j: total[j])
            lifted[best] = max(lifted[best], total[i] - margin)
    return lifted


def members_of(index: LibraryIndex, inferred: InferredType) -> list[int]:
    """Entries reachable as ``value.<name>`` for a value of the inferred type."""
    if inferred.classes:
        return [i for c in inferred.classes for i in index.members.get(c, [])]
    if inferred.module:
        prefix = inferred.module + "."
        return [
            i for i, e in enumerate(index.entries)
            if e.import_path.startswith(prefix) and "." not in e.import_path[len(prefix):]
        ]
    return []


def _top_levels(index: LibraryIndex) -> set[str]:
    return {index.name} | {e.import_path.split(".")[0] for e in index.entries}


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


def _distinct(scored: list[ScoredApi], top_k: int) -> list[ScoredApi]:
    seen: set[str] = set()
    result: list[ScoredApi] = []
    for item in scored:
        if item.entry.name in seen:
            continue
        seen.add(item.entry.name)
        result.append(item)
        if len(result) == top_k:
            break
    return result


__all__ = ["HybridRetriever", "RankWeights", "RetrievalWeights", "ScoredApi", "members_of"]

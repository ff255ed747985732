"""API-sequence suggestions for a natural-language query, from three sources merged and ranked:

* ``mined``: the sequences of the mined functions whose descriptions are nearest to the query;
* ``model``: a trained API-sequence model, when one is configured;
* ``docs``: APIs retrieved from indexed documentation, ordered and extended by mined call order.

Asked about libraries (``--lib``, the workspace's indexed libraries), a sequence that calls their APIs
ranks above one that does not: a library's own code mostly calls the standard library and its own
internals, so its nearest mined neighbours answer "how is this done inside" rather than "which of
its APIs do I call".

Mined neighbours do not vote for their own sequence alone: each distinct sequence is scored by how
much the nearest neighbours' sequences agree with it (expected BLEU under similarity weights, a
minimum-Bayes-risk choice), so the sequence the neighbourhood shares beats one odd close match.

Scores share one scale, a similarity in [0, 1]: the encoder's cosine for ``mined`` (scaled by
the consensus) and for an API's own docstring pair, `docs_weight` for the best documentation-composed
sequence (the others relative to it), the model's sequence probability for ``model``; bonuses are
added to it. A sequence several sources agree on ranks higher. Every count, temperature, weight and
bonus here is a `SequenceWeights` field (``apiary.weights``).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from apiary.sequences.bleu import sequence_bleu
from apiary.sequences.compose import SequenceStats, compose, name_words
from apiary.sequences.extract import DOC
from apiary.sequences.mine import CorpusRoot
from apiary.sequences.model import SequenceModel
from apiary.sequences.neighbours import Neighbour, PairIndex
from apiary.weights import SequenceWeights, load_weights
from apiary.words import lexical_tokens, variant_words

if TYPE_CHECKING:
    from apiary.retrieval.query import ApiQuery

#: ``(query, k) -> [(dotted API, similarity)]``: documentation retrieval, e.g. `hybrid_api_search`; the
#: query is the request's text, or the whole editor context around it (`ApiQuery`) when there is one.
ApiSearch = Callable[["str | ApiQuery", int], list[tuple[str, float]]]


@dataclass(frozen=True)
class Suggestion:
    apis: tuple[str, ...]
    score: float
    source: str
    #: Where a mined sequence comes from (``path:function``) and its description, for the user.
    example: str | None = None

    def to_json(self) -> dict:
        return {"apis": list(self.apis), "score": round(self.score, 4), "source": self.source}


class Recommender:
    def __init__(self, index: PairIndex | None = None, model: SequenceModel | None = None,
                 api_search: ApiSearch | None = None, stats: SequenceStats | None = None,
                 weights: SequenceWeights | None = None, unmined: Sequence[CorpusRoot] = (),
                 libraries: Collection[str] = (), public_name: Callable[[str], str] | None = None):
        self.index = index
        #: top-level modules of the libraries asked about, whose APIs the answers should call
        self.libraries = frozenset(libraries)
        #: an API as users import it: a library's own code calls it by where it is defined
        self.public_name = public_name
        #: corpus roots left unmined when this was built (a deadline passed): not in its answers
        self.unmined = tuple(unmined)
        self.model = model
        self.api_search = api_search
        self.weights = weights if weights is not None else load_weights().sequences
        self.stats = stats or SequenceStats(index.pairs if index else [], self.weights)

    def suggest(self, query: str, top_k: int = 5, context: ApiQuery | None = None) -> list[Suggestion]:
        """The top sequences for ``query``; ``context``: what the code around it says (imports, names
        in scope), for documentation retrieval to read as an inline completion does."""
        if not query.strip():
            return []
        candidates = self._candidates(query, top_k, context)
        steps = query_steps(query)
        if len(steps) > 1:
            candidates.extend(self._in_steps(steps, context))
        return self._ranked(candidates, query)[:top_k]

    def _candidates(self, query: str, top_k: int, context: ApiQuery | None = None) -> list[Suggestion]:
        w = self.weights
        candidates: list[Suggestion] = []
        if self.index is not None:
            candidates.extend(from_neighbours(self.index.search(query, w.neighbours), w))
        if self.model is not None:
            candidates.extend(Suggestion(apis, score, "model") for apis, score in self.model.predict(query, top_k))
        if self.api_search is not None:
            retrieved = relative_to_best(self.api_search(replace(context, intent=query) if context else query,
                                                         w.docs_apis))
            composed = compose(retrieved, self.stats, w.docs_apis)
            candidates.extend(Suggestion(apis, w.docs_weight * score, "docs") for apis, score in composed)
        if self.public_name is not None:
            name = self.public_name
            candidates = [replace(c, apis=tuple(name(api) for api in c.apis)) for c in candidates]
        return candidates

    def _with_named_variants(self, candidates: list[Suggestion], query: str) -> list[Suggestion]:
        """Each candidate that calls a sibling of a variant the query names (``hashlib.sha256`` for
        "the sha1 of a file") also as it would be with the named one from the same module
        (``hashlib.sha1``), at the same score: code near the query may only ever call the sibling."""
        swaps = sibling_swaps(query, self.stats.names().by_variant)
        swapped = [replace(c, apis=tuple(swaps.get(api, api) for api in c.apis)) for c in candidates
                   if any(api in swaps for api in c.apis)]
        return candidates + swapped

    def _ranked(self, candidates: list[Suggestion], query: str) -> list[Suggestion]:
        return self._with_bonuses(self._merged(candidates, query), query)

    def _merged(self, candidates: list[Suggestion], query: str) -> list[Suggestion]:
        """One suggestion per sequence (the named variants' included), scored by what proposed it."""
        return merge(self._with_named_variants(candidates, query), self.weights)

    def _with_bonuses(self, merged: list[Suggestion], query: str) -> list[Suggestion]:
        """Re-ranked by what the query mentions and by the libraries asked about."""
        ranked = with_mentions(merged, query, self.stats.name_word_weight, self.weights)
        return with_library_share(ranked, self.libraries, self.weights)

    def _in_steps(self, steps: list[str], context: ApiQuery | None = None) -> list[Suggestion]:
        """One suggestion that does each step of the query in turn: each step's best sequence (with
        the step's bonuses), joined, scored by `steps_weight` times the mean of their scores before
        those bonuses: the joined sequence gets the query's own once it is ranked with the others."""
        tops, scores = [], []
        step_context = replace(context, clauses=()) if context else None
        for step in steps:
            merged = self._merged(self._candidates(step, 1, step_context), step)
            ranked = self._with_bonuses(merged, step)
            if not ranked:
                return []
            tops.append(ranked[0])
            scores.append(next(m.score for m in merged if m.apis == ranked[0].apis))
        apis = tuple(dict.fromkeys(api for top in tops for api in top.apis))
        score = self.weights.steps_weight * sum(scores) / len(scores)
        example = "; ".join(f"{step}: {', '.join(top.apis)}" for top, step in zip(tops, steps, strict=True))
        return [Suggestion(apis, score, "steps", example)]


def sibling_swaps(query: str, by_variant: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """``{sibling API: the API the query's variant names in its module}``: for "sha1",
    ``hashlib.sha256`` -> ``hashlib.sha1`` (``by_variant``: APIs by the variant word their name
    holds, the most called first)."""
    swaps: dict[str, str] = {}
    for word in dict.fromkeys(variant_words(query)):
        named_in: dict[str, str] = {}
        for api in by_variant.get(word, ()):
            named_in.setdefault(api.rpartition(".")[0], api)
        letters = word.rstrip(_DIGITS)
        for other, siblings in by_variant.items() if named_in else ():
            if other != word and other.rstrip(_DIGITS) == letters:
                swaps.update({api: named_in[module] for api in siblings
                              if (module := api.rpartition(".")[0]) in named_in})
    return swaps


_DIGITS = "0123456789"
_STEP_BREAK = re.compile(r",?\s+(?:and\s+then|then|and)\s+|\s*;\s*", re.IGNORECASE)
#: a request in more steps than this is one long sentence, not a plan
MAX_STEPS = 3


def query_steps(query: str) -> list[str]:
    """The steps of a request that asks for several ("read a csv file and sum a column" -> "read a
    csv file", "sum a column"), each of at least two words that say something; else the request whole
    ("mean and standard deviation" is one step)."""
    parts = [part.strip() for part in _STEP_BREAK.split(query) if part.strip()]
    if not 1 < len(parts) <= MAX_STEPS or any(len(lexical_tokens(part)) < 2 for part in parts):
        return [query]
    return parts


def from_neighbours(neighbours: Sequence[Neighbour], weights: SequenceWeights | None = None) -> list[Suggestion]:
    """One suggestion per distinct sequence among the nearest `consensus_neighbours`, scored by its
    expected BLEU against all of their sequences (weights: a softmax of their similarities), scaled
    so that the best one carries the nearest neighbour's similarity."""
    w = weights if weights is not None else load_weights().sequences
    near = list(neighbours[: w.consensus_neighbours])
    if not near:
        return []
    top = max(n.similarity for n in near)
    votes = [math.exp((n.similarity - top) / w.consensus_temperature) for n in near]
    total = sum(votes)
    best: dict[tuple[str, ...], Neighbour] = {}
    for neighbour in near:
        apis = neighbour.pair.apiseq
        if apis not in best or neighbour.similarity > best[apis].similarity:
            best[apis] = neighbour
    consensus = {
        apis: sum(p * sequence_bleu(n.pair.apiseq, apis) for p, n in zip(votes, near, strict=True)) / total
        for apis in best
    }
    highest = max(consensus.values()) or 1.0
    return [
        Suggestion(apis, top * consensus[apis] / highest, "docs" if n.pair.kind == DOC else "mined",
                   f"{n.pair.path}:{n.pair.function}: {n.pair.desc}")
        for apis, n in best.items()
    ]


def merge(candidates: Sequence[Suggestion], weights: SequenceWeights | None = None) -> list[Suggestion]:
    """One suggestion per sequence, the best-scored one's, plus a bonus for each other source agreeing."""
    bonus = (weights if weights is not None else load_weights().sequences).agreement_bonus
    by_apis: dict[tuple[str, ...], list[Suggestion]] = {}
    for candidate in candidates:
        if candidate.apis:
            by_apis.setdefault(candidate.apis, []).append(candidate)
    merged = []
    for group in by_apis.values():
        top = max(group, key=lambda s: s.score)
        sources = {s.source for s in group}
        merged.append(Suggestion(top.apis, top.score + bonus * (len(sources) - 1), top.source, top.example))
    return sorted(merged, key=lambda s: (-s.score, len(s.apis), s.apis))


def with_mentions(suggestions: Sequence[Suggestion], query: str,
                  weight: Callable[[str], float] = lambda word: 1.0,
                  weights: SequenceWeights | None = None) -> list[Suggestion]:
    """Re-ranked by `mention_bonus` times the share of the query's words that the sequence's API names
    spell (``hashlib.md5`` for "generate md5 hash code"), each word weighted by ``weight`` (how rare
    it is in API names: "md5" says more than "file"). A query that names an API wants it, and not
    its sibling: a name with another variant of a variant the query names (``sha256`` for "sha1")
    loses that word's weight instead."""
    bonus = (weights if weights is not None else load_weights().sequences).mention_bonus
    wanted = {word: weight(word) for word in [*lexical_tokens(query), *variant_words(query)]}
    total = sum(wanted.values())
    if not total or not bonus:
        return list(suggestions)
    variants = {word: word.rstrip(_DIGITS) for word in variant_words(query)}

    def mentioned(apis: tuple[str, ...]) -> float:
        names = name_words(apis)
        spelled = sum(w for word, w in wanted.items() if word in names)
        siblings = {name.rstrip(_DIGITS) for name in names if name[-1:].isdigit() and name not in variants}
        contradicted = sum(
            wanted[word] for word, letters in variants.items() if word not in names and letters in siblings
        )
        return (spelled - contradicted) / total

    scored = [replace(s, score=s.score + bonus * mentioned(s.apis)) for s in suggestions]
    return sorted(scored, key=lambda s: (-s.score, len(s.apis), s.apis))


def relative_to_best(retrieved: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Retrieved APIs scored relative to the best one. A retriever's probability of an API among a
    library's hundreds is small even for the right one (0.17 for ``Table.keep_where`` under "keep only
    the orders above 100 euros"), where a mined neighbour's cosine is not (0.5 for a loose match): on
    one scale with them, the best documented API scores `docs_weight`."""
    best = max((score for _, score in retrieved), default=0.0)
    return [(api, score / best) for api, score in retrieved] if best > 0 else list(retrieved)


def with_library_share(suggestions: Sequence[Suggestion], libraries: Collection[str],
                       weights: SequenceWeights | None = None) -> list[Suggestion]:
    """Re-ranked by `library_bonus` times the share of each sequence's calls that are APIs of
    ``libraries`` (top-level module names); unchanged when none is asked about."""
    bonus = (weights if weights is not None else load_weights().sequences).library_bonus
    if not libraries or not bonus:
        return list(suggestions)

    def share(apis: tuple[str, ...]) -> float:
        return sum(api.split(".", 1)[0] in libraries for api in apis) / len(apis) if apis else 0.0

    scored = [replace(s, score=s.score + bonus * share(s.apis)) for s in suggestions]
    return sorted(scored, key=lambda s: (-s.score, len(s.apis), s.apis))


def public_names(indexes: Sequence) -> Callable[[str], str] | None:
    """An API as ``indexes`` document it, where one does (``agate.columns.Column::values``, as the
    library's own code calls it, is ``agate.Column::values``); else as it is."""
    catalogues = [index.catalogue for index in indexes]
    if not catalogues:
        return None

    @functools.lru_cache(maxsize=65536)
    def public(api: str) -> str:
        dotted = api.replace("::", ".")
        for catalogue in catalogues:
            entry = catalogue.find(dotted)
            if entry is not None:
                return api_name(entry)
        return api

    return public


def library_modules(indexes: Sequence) -> frozenset[str]:
    """The top-level modules whose APIs ``indexes`` document (``agate`` for ``agate.Table``)."""
    return frozenset().union(*(index.top_levels for index in indexes))


def hybrid_api_search(retriever) -> ApiSearch:
    """Documentation retrieval through the `HybridRetriever`, scored by the ranker's probability of
    each API among its library's (in [0, 1] whatever the fitted weights' scale). Its lexical and name
    parts add what a small encoder misses ("keep only the orders above 100" and "Return only the rows
    that satisfy a condition" have a cosine of 0.13, yet the API is the right one)."""
    from apiary.retrieval.query import ApiQuery

    def search(query: str | ApiQuery, k: int) -> list[tuple[str, float]]:
        found = retriever.search(query if isinstance(query, ApiQuery) else ApiQuery(intent=query), top_k=k)
        return [(api_name(s.entry), s.probability) for s in found]

    return search


def api_name(entry) -> str:
    """The sequence notation for a documented API: ``module.function``, ``module.Class::method``."""
    if entry.owner and entry.kind.value in ("method", "property"):
        return f"{entry.owner}::{entry.name}"
    return entry.import_path

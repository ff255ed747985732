"""Composing API sequences from documentation: APIs retrieved for a query, ordered and extended by how
APIs are called together in mined sequences (the "future work" of Deep API Learning Revisited §5:
learning from documentation for libraries with little usage code).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from apiary.sequences.extract import ApiSeqPair
from apiary.weights import SequenceWeights, load_weights
from apiary.words import lexical_tokens, variant_words


@dataclass(frozen=True)
class ApiNames:
    """What ranking reads of the mined APIs' names: how many names hold each stemmed word, how many
    APIs there are, and for each variant word (``md5``, ``sha1``, ``bz2``) the public APIs whose own
    name holds it, the most called first."""

    word_counts: dict[str, int]
    api_count: int
    by_variant: dict[str, list[str]]

    @classmethod
    def of(cls, calls: Counter[str]) -> ApiNames:
        by_variant: dict[str, list[str]] = defaultdict(list)
        for api in sorted(calls, key=lambda a: (-calls[a], a)):
            parts = api.replace("::", ".").split(".")
            if not any(part.startswith("_") for part in parts):
                for word in dict.fromkeys(variant_words(parts[-1])):
                    by_variant[word].append(api)
        words = Counter(w for api in calls for w in name_words((api,)))
        return cls(dict(words), len(calls), dict(by_variant))

    def to_json(self) -> dict:
        return {"word_counts": self.word_counts, "api_count": self.api_count, "by_variant": self.by_variant}

    @classmethod
    def from_json(cls, data: Mapping) -> ApiNames:
        return cls({str(w): int(n) for w, n in data["word_counts"].items()}, int(data["api_count"]),
                   {str(v): [str(a) for a in apis] for v, apis in data["by_variant"].items()})


class SequenceStats:
    """Order statistics of mined API sequences: which call directly follows which (bigrams), and
    which comes before which anywhere in the same sequence. Counted on first use: a query without
    documentation to compose needs only the `ApiNames`, which a corpus snapshot brings along."""

    def __init__(self, pairs: Iterable[ApiSeqPair], weights: SequenceWeights | None = None,
                 names: ApiNames | None = None):
        #: how far a sequence is extended by its usual successors
        self.weights = weights if weights is not None else load_weights().sequences
        self._pairs = pairs
        self._orders: tuple[dict[str, Counter[str]], dict[str, Counter[str]], Counter[str]] | None = None
        self._names = names

    @property
    def follows(self) -> dict[str, Counter[str]]:
        return self._counted()[0]

    @property
    def precedes(self) -> dict[str, Counter[str]]:
        return self._counted()[1]

    @property
    def apis(self) -> Counter[str]:
        """How many pairs call each API."""
        return self._counted()[2]

    def _counted(self) -> tuple[dict[str, Counter[str]], dict[str, Counter[str]], Counter[str]]:
        if self._orders is None:
            follows: dict[str, Counter[str]] = defaultdict(Counter)
            precedes: dict[str, Counter[str]] = defaultdict(Counter)
            calls: Counter[str] = Counter()
            for pair in self._pairs:
                calls.update(set(pair.apiseq))
                for first, second in zip(pair.apiseq, pair.apiseq[1:], strict=False):
                    if first != second:
                        follows[first][second] += 1
                distinct = list(dict.fromkeys(pair.apiseq))  # first calls, in order
                for i, first in enumerate(distinct):
                    for second in distinct[i + 1 :]:
                        precedes[first][second] += 1
            self._orders = (follows, precedes, calls)
        return self._orders

    def names(self) -> ApiNames:
        if self._names is None:
            self._names = ApiNames.of(self.apis)
        return self._names

    def name_word_weight(self, word: str) -> float:
        """How rare a (stemmed) word is among the names of the mined APIs: log((1 + APIs) / (1 + APIs
        whose name has it)); a word no API name has weighs the most."""
        names = self.names()
        return math.log((1 + names.api_count) / (1 + names.word_counts.get(word, 0)))

    def before(self, a: str, b: str) -> bool:
        """Whether mined code calls ``a`` before ``b`` at least as often as the other way round."""
        return self.precedes[a][b] >= self.precedes[b][a]

    def order(self, apis: Sequence[str]) -> list[str]:
        """``apis`` in the order mined code calls them (stable where it says nothing)."""
        ordered: list[str] = []
        for api in apis:
            position = len(ordered)
            while (
                position > 0 and not self.before(ordered[position - 1], api) and self.before(api, ordered[position - 1])
            ):
                position -= 1
            ordered.insert(position, api)
        return ordered

    def extend(self, apis: list[str]) -> list[str]:
        """Follow the usual next call on the same object (``hashlib.md5`` -> ``hashlib.HASH::update``
        -> ``hashlib.HASH::hexdigest``): only method calls, only frequent successors."""
        w = self.weights
        extended = list(apis)
        for _ in range(w.max_extension):
            following = self.follows.get(extended[-1])
            if not following:
                break
            nxt, count = following.most_common(1)[0]
            total = sum(following.values())
            if (
                "::" not in nxt
                or nxt in extended
                or count < w.min_successor_count
                or count / total < w.min_successor_share
            ):
                break
            extended.append(nxt)
        return extended


def compose(retrieved: Sequence[tuple[str, float]], stats: SequenceStats,
            limit: int | None = None) -> list[tuple[tuple[str, ...], float]]:
    """Candidate sequences from the top ``limit`` retrieved ``(api, score)`` (default: the stats'
    `docs_apis`): each API extended with its usual method calls, and the top APIs that mined code
    calls together, in their mined order."""
    limit = stats.weights.docs_apis if limit is None else limit
    candidates: dict[tuple[str, ...], float] = {}
    for api, score in retrieved[:limit]:
        candidates.setdefault(tuple(stats.extend([api])), score)
    top = [api for api, _ in retrieved[:limit]]
    for i, a in enumerate(top):
        for b in top[i + 1 :]:
            if stats.precedes[a][b] or stats.precedes[b][a]:
                pair = tuple(stats.extend(stats.order([a, b])))
                candidates.setdefault(pair, (retrieved[i][1] + dict(retrieved)[b]) / 2)
    return sorted(candidates.items(), key=lambda item: -item[1])


@lru_cache(maxsize=65536)
def name_words(apis: tuple[str, ...]) -> frozenset[str]:
    """The stemmed words of the module and function (or class and method) names of ``apis``, and
    their `variant_words` (``hashlib.sha256`` -> hashlib, sha, 256, sha256)."""
    found: set[str] = set()
    for api in apis:
        parts = api.replace("::", ".").split(".")
        for part in parts[-2:]:
            found.update(lexical_tokens(part))
            found.update(variant_words(part))
    return frozenset(found)

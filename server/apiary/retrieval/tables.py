"""What the retriever's signals look up, built once per index: maps from a name, a module, a class
or a word stem to the entries it concerns, and per-entry flags. A query then costs what it mentions
plus a few vector operations, not a Python loop over every API of every library."""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from apiary.docs.catalogue import Catalogue
from apiary.docs.entry import ApiKind
from apiary.words import STOP_WORDS, stem

_SEQUENCE_RETURN = re.compile(r"^(?:typing\.)?(?:List|list|Tuple|tuple|Sequence)\b")


@dataclass(frozen=True)
class StemColumns:
    """Each API name as weights over its words' stems (an entry's weights sum to 1), stored by stem:
    a sparse matrix read one column per word of the query."""

    rows: Mapping[str, np.ndarray]
    weights: Mapping[str, np.ndarray]
    #: the stems in order, to find those a query word is a prefix of
    ordered: tuple[str, ...]

    @classmethod
    def of(cls, words_per_entry: Sequence[Sequence[str]]) -> StemColumns:
        rows: dict[str, list[int]] = defaultdict(list)
        weights: dict[str, list[float]] = defaultdict(list)
        for i, words in enumerate(words_per_entry):
            stems = [stem(w) for w in words if w not in STOP_WORDS]
            for s in stems:
                rows[s].append(i)
                weights[s].append(1.0 / len(stems))
        return cls(ArrayLookup(rows), ArrayLookup(weights, np.float32), tuple(sorted(rows)))

    def matching(self, query_stem: str) -> Iterable[str]:
        """Stems that are the query's word, or a prefix of it, or have it as a prefix (3+ letters)."""
        if query_stem in self.rows:
            yield query_stem
        for end in range(3, len(query_stem)):
            if query_stem[:end] in self.rows:
                yield query_stem[:end]
        if len(query_stem) >= 3:
            start = bisect.bisect_right(self.ordered, query_stem)
            while start < len(self.ordered) and self.ordered[start].startswith(query_stem):
                yield self.ordered[start]
                start += 1

    def scores(self, query_stems: Iterable[str], size: int) -> np.ndarray:
        """Share of each API name's words that some query word matches."""
        matched = {s for q in query_stems for s in self.matching(q)}
        total = np.zeros(size, dtype=np.float32)
        for s in matched:
            np.add.at(total, self.rows[s], self.weights[s])
        return total


class ArrayLookup(Mapping[str, np.ndarray]):
    """Rows by key, each made an array on first use: a library has tens of thousands of keys (one per
    module, class and owner) and a query reads a few, so making them all up front was a fifth of a
    warm load of transformers."""

    def __init__(self, rows: Mapping[str, list], dtype: type = np.int64):
        self._rows, self._dtype = rows, dtype
        self._arrays: dict[str, np.ndarray] = {}

    def __getitem__(self, key: str) -> np.ndarray:
        array = self._arrays.get(key)
        if array is None:
            if key not in self._rows:  # (a defaultdict's would be made)
                raise KeyError(key)
            array = self._arrays[key] = np.asarray(self._rows[key], dtype=self._dtype)
        return array

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


@dataclass(frozen=True)
class PrefixLookup:
    """Entries by a dotted path of theirs (import path, owner), sorted once: those under a module are
    one binary search away, not a scan of every entry per request."""

    keys: tuple[str, ...]
    rows: np.ndarray

    @classmethod
    def of(cls, paths: Sequence[str | None]) -> PrefixLookup:
        order = sorted((p, i) for i, p in enumerate(paths) if p)
        return cls(tuple(p for p, _ in order), np.asarray([i for _, i in order], dtype=np.int64))

    def under(self, module: str) -> np.ndarray:
        """Entries whose path starts with ``module + "."``."""
        prefix = module + "."
        start = bisect.bisect_left(self.keys, prefix)
        end = bisect.bisect_left(self.keys, prefix[:-1] + chr(ord(".") + 1), start)
        return self.rows[start:end]


@dataclass(frozen=True)
class SignalTables:
    #: import path of a module or class -> the entries directly in it (the catalogue's, as arrays)
    children: Mapping[str, np.ndarray]
    #: import path of a class -> the methods (and functional aliases) with a parameter of that class
    param_users: Mapping[str, np.ndarray]
    #: 1 for methods and properties (reached through an instance)
    member_kind: np.ndarray
    #: 1 for APIs annotated to return a list or tuple
    returns_sequence: np.ndarray
    module_kind: np.ndarray
    stems: StemColumns
    #: import path of a class -> the entries that are it or a functional form of it (``alias_of``)
    forms: Mapping[str, np.ndarray]
    #: entries by the module or class that holds them, for "everything under this module"
    by_owner: PrefixLookup

    @classmethod
    def of(cls, catalogue: Catalogue, name_words: Sequence[Sequence[str]],
           param_classes: Sequence[tuple[str, ...]]) -> SignalTables:
        entries = catalogue.entries
        users: dict[str, list[int]] = defaultdict(list)
        forms: dict[str, list[int]] = defaultdict(list)
        for i, entry in enumerate(entries):
            forms[entry.import_path].append(i)
            if entry.alias_of and entry.alias_of != entry.import_path:
                forms[entry.alias_of].append(i)
            if entry.kind in (ApiKind.METHOD, ApiKind.ALIAS):
                for class_path in set(param_classes[i]):
                    users[class_path].append(i)
        kinds = [entry.kind for entry in entries]
        return cls(
            ArrayLookup(catalogue.children),
            ArrayLookup(users),
            _flags(kind in (ApiKind.METHOD, ApiKind.PROPERTY) for kind in kinds),
            _flags(bool(e.returns and _SEQUENCE_RETURN.match(e.returns)) for e in entries),
            _flags(kind is ApiKind.MODULE for kind in kinds),
            StemColumns.of(name_words),
            ArrayLookup(forms),
            PrefixLookup.of([e.owner for e in entries]),
        )


def _flags(tests: Iterable[bool]) -> np.ndarray:
    return np.fromiter(tests, dtype=np.float32)

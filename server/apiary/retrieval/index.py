"""A library's searchable index: its API catalogue (the entries and their lookups, `apiary.docs.catalogue`),
one dense vector per entry, and what search derives from them (BM25, name words, the signals' tables).

`cache.py` persists the entries, the vectors, the name words, the alternatives and BM25's arrays
(plain arrays and JSON, no pickles); the catalogue and the lookup tables are rebuilt on load.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import InitVar, dataclass, field
from typing import ClassVar

import bm25s
import numpy as np

from apiary.docs.catalogue import Catalogue
from apiary.docs.docstrings import declared_aliases, forget_docstrings, plain_text, summary_paragraph
from apiary.docs.entry import ApiEntry, ApiKind, replaced
from apiary.docs.kept_texts import forget_kept_texts, stored_text, stored_texts, text_memo
from apiary.retrieval.bm25 import ArrayBuiltBM25
from apiary.retrieval.encoder import Encoder
from apiary.retrieval.tables import SignalTables
from apiary.words import humanize, lexical_tokens, split_identifier

# bm25s sets its own logger to DEBUG, which would print through any root handler
logging.getLogger("bm25s").setLevel(logging.WARNING)

ProgressCallback = Callable[[int, int], None]
_ENCODE_CHUNK = 64


@dataclass(frozen=True)
class LibraryInfo:
    name: str
    version: str
    kind: str
    spec: str
    identity: str
    content_hash: str
    encoder_id: str
    built_at: float
    api_count: int
    skipped: int = 0


def dense_text(entry: ApiEntry) -> str:
    """What the encoder reads for an API: ``Owner.name(params): description`` (short, so indexing is fast)."""
    if entry.kind == ApiKind.MODULE:
        return f"{entry.import_path} module: {entry.description}"
    if entry.kind == ApiKind.EXTERNAL:
        return humanize(entry.name)
    owner = f"{entry.owner_name}." if entry.owner_name else ""
    params = ", ".join(p.name for p in entry.params)
    text = f"{owner}{entry.name}({params})"
    return f"{text}: {entry.description}" if entry.description else text


def lexical_text(entry: ApiEntry, name_parts: list[str] | None = None) -> list[str]:
    """BM25 tokens: the name counts twice, then owner, parameters and the opening paragraph."""
    params = " ".join(p.name for p in entry.params)
    name_tokens = _tokens(" ".join(name_parts if name_parts is not None else [entry.name]))
    return [*name_tokens, *name_tokens, *_tokens(f"{entry.owner_name or ''} {params}"),
            *_tokens(_plain_summary(entry.doc) or entry.description)]


@text_memo("lexical_tokens", stored_texts, list)
def _tokens(text: str) -> tuple[str, ...]:
    """`lexical_tokens`, remembered: names, owners and parameter lists repeat across a library."""
    return tuple(lexical_tokens(text))


@text_memo("plain_summary", stored_text)
def _plain_summary(doc: str) -> str:
    """A docstring's opening paragraph without markup: a library's APIs share their docstrings
    (transformers: 7,051 distinct among 23,416)."""
    return plain_text(summary_paragraph(doc))


def forget_texts() -> None:
    """Empty what is remembered of docstrings and their tokens (every `TextMemo`, and what seeded
    them): it serves one index's build or load."""
    forget_docstrings()
    forget_kept_texts()


def description_vocabulary(entries: Sequence[ApiEntry]) -> frozenset[str]:
    """Plain words (3+ letters) the library's descriptions use."""
    # each distinct description once, all in one search (a library's APIs share their descriptions)
    descriptions = "\n".join(dict.fromkeys(entry.description for entry in entries))
    return frozenset(w.lower() for w in re.findall(r"\b[a-zA-Z]{3,}\b", descriptions))


def name_words(name: str, vocabulary: frozenset[str]) -> list[str]:
    """``zip_with_iter`` -> zip, with, iter; ``flatmap`` -> flat, map when both are words the docs use."""
    found: list[str] = []
    for part in split_identifier(name):
        found.extend(segment(part, vocabulary) or [part])
    return found


#: pieces longer than any everyday word are not looked for, and a part longer than this is no
#: concatenation of words: the split stays linear in the name's length (a 10,000-character name
#: took 7 s with every substring tried)
_MAX_PIECE, _MAX_SEGMENTED = 24, 96


def segment(word: str, vocabulary: frozenset[str], min_piece: int = 3) -> list[str] | None:
    """Split a concatenation into the fewest vocabulary words, or None (also for a word that is
    itself in the vocabulary)."""
    if word in vocabulary or len(word) < 2 * min_piece or len(word) > _MAX_SEGMENTED:
        return None
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[0] = []
    for end in range(min_piece, len(word) + 1):
        for start in range(max(0, end - _MAX_PIECE), end - min_piece + 1):
            piece, prefix = word[start:end], best[start]
            if prefix is not None and piece in vocabulary and (best[end] is None or len(prefix) + 1 < len(best[end])):
                best[end] = [*prefix, piece]
    return best[len(word)]


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]


@dataclass(frozen=True)
class DerivedTexts:
    """What an index derives from its entries' texts (most of the cost of loading one): stored beside
    a cached index, so a warm load reads them instead of re-tokenising every docstring."""

    #: the words of each API's name (`name_words`)
    name_words: list[list[str]]
    #: each API's alternatives (`alternative_groups`)
    alternatives: list[list[list[int]]]
    #: BM25 over each API's tokens (`lexical_text`); None: built from the entries
    lexical: bm25s.BM25 | None = None
    #: each API's calls in the library's examples (`_usage_counts`) and its parameters' library
    #: classes (`LibraryIndex._param_classes`); None: derived from the entries
    popularity: list[int] | None = None
    param_classes: list[list[str]] | None = None

    @property
    def whole(self) -> bool:
        """Whether nothing is left to derive from the entries (BM25's files may be damaged, or a
        cache written before popularity and parameter classes were stored)."""
        return self.lexical is not None and self.popularity is not None and self.param_classes is not None

    def fits(self, size: int) -> bool:
        """Whether these could be an index of ``size`` entries' (a damaged file is recomputed)."""
        lists = (self.name_words, self.alternatives)
        if not all(isinstance(x, list) and len(x) == size for x in lists):
            return False
        if self.lexical is not None and self.lexical.scores.get("num_docs") != size:
            return False
        if not _strings_per_entry(self.name_words) or not _optional_fits(self.popularity, self.param_classes, size):
            return False
        return all(
            isinstance(groups, list) and all(isinstance(g, list) and all(type(j) is int and 0 <= j < size for j in g)
                                             for g in groups)
            for groups in self.alternatives)


def _strings_per_entry(lists: list) -> bool:
    return all(isinstance(w, list) and all(isinstance(t, str) for t in w) for w in lists)


def _optional_fits(popularity: list[int] | None, param_classes: list[list[str]] | None, size: int) -> bool:
    if popularity is not None and not (
        isinstance(popularity, list) and len(popularity) == size and all(type(n) is int for n in popularity)
    ):
        return False
    return param_classes is None or (
        isinstance(param_classes, list) and len(param_classes) == size and _strings_per_entry(param_classes)
    )


@dataclass
class LibraryIndex:
    info: LibraryInfo
    entries: list[ApiEntry]
    #: the vectors of the entries with a description, in entry order, as `encode_entries` gives them
    #: (or one per entry, zeros where there is none, as caches before 2026-12 hold them); kept as the former
    given_vectors: InitVar[np.ndarray]
    #: read from the cache with the index (None: derived here from the entries)
    stored: DerivedTexts | None = field(default=None, repr=False, compare=False)
    #: whether the vectors are the entries' own; False while they are being encoded (`without_vectors`):
    #: search then ranks this library by its words alone
    encoded: bool = field(default=True, compare=False)
    #: whether any of the texts' derivatives was computed here, not read with the index (a cold
    #: build, a cache written by older code, damaged BM25 files)
    derived_here: bool = field(init=False, repr=False, compare=False)
    #: the entries' lookups (by path, name, owner; base classes): row ``i`` here is its entry ``i``
    catalogue: Catalogue = field(init=False, repr=False, compare=False)
    popularity: np.ndarray = field(init=False)
    #: the words of each API's name, concatenations split with the library's own vocabulary
    name_words: list[list[str]] = field(init=False)
    #: BM25 over each entry's tokens (`lexical_text`)
    lexical: bm25s.BM25 = field(init=False, repr=False, compare=False)
    #: for each entry, the groups of entries its docs point to as alternatives ("use X instead"),
    #: each group being one API in its several forms (a class and its functional method)
    alternatives: list[list[list[int]]] = field(init=False)
    #: for each entry, the library classes its parameters are annotated with
    param_classes: list[tuple[str, ...]] = field(init=False)
    #: each entry's place in the library, the same for every query: kind one-hots, path depth
    shape: dict[str, np.ndarray] = field(init=False)
    #: what the retriever's signals look up per query
    tables: SignalTables = field(init=False)
    #: the names code imports this library by (its name and its entries' top-level packages)
    top_levels: frozenset[str] = field(init=False)
    #: the vectors of the entries with a description, in entry order: a query reads every vector it
    #: scores (memory-bound: transformers' 23,429 entries' would be 36 MB, its 9,607 described ones' 14.8)
    described_vectors: np.ndarray = field(init=False, repr=False, compare=False)
    #: the rows of those entries (None: every entry has a description)
    described_rows: np.ndarray | None = field(init=False, repr=False, compare=False)
    #: the words of the entries' descriptions, once asked for (`vocabulary`)
    _vocabulary: frozenset[str] | None = field(init=False, default=None, repr=False, compare=False)
    #: each entry's BM25 tokens, where BM25 was built here (None: read with the index), for the next
    #: build's ``earlier`` (~0.2 KB per API)
    lexical_tokens: list[list[str]] | None = field(init=False, default=None, repr=False, compare=False)
    #: the index this one follows, built in this process (the library before an edit): what was derived
    #: from an entry it shares (the same object: `docs.exports.MadeEntries`) is taken from there
    earlier: InitVar[LibraryIndex | None] = None

    def __post_init__(self, given_vectors: np.ndarray, earlier: LibraryIndex | None) -> None:
        described = np.flatnonzero([bool(e.description) for e in self.entries])
        self.described_rows, self.described_vectors = _described(given_vectors, described, len(self.entries))
        self.catalogue = Catalogue(self.info.name, self.entries)
        usable = self.stored is not None and self.stored.fits(len(self.entries))
        shared = SharedEntries.of(self.entries, earlier) if earlier is not None and not usable else None
        derived = self.stored if usable else self.derive(shared)
        self.derived_here = not derived.whole
        self.stored = None  # kept as the fields below
        self.name_words = derived.name_words
        self.lexical = (derived.lexical if derived.lexical is not None
                        else self._lexical_index(derived.name_words, shared))
        self.popularity = np.asarray(
            derived.popularity if derived.popularity is not None else _usage_counts(self.entries), dtype=np.float32
        )
        self.alternatives = derived.alternatives
        self.param_classes = (
            [tuple(c) for c in derived.param_classes] if derived.param_classes is not None else self._param_classes()
        )
        self.shape = entry_shape(self.entries)
        self.tables = SignalTables.of(self.catalogue, self.name_words, self.param_classes)
        self.top_levels = frozenset({self.info.name} | {e.import_path.split(".")[0] for e in self.entries})

    @classmethod
    def without_vectors(cls, info: LibraryInfo, entries: list[ApiEntry], dim: int,
                        earlier: LibraryIndex | None = None) -> LibraryIndex:
        """An index searchable by its words while its vectors are encoded (`encoded` False); the
        vectors come with `with_vectors`."""
        described = sum(1 for e in entries if e.description)
        return cls(info, entries, np.zeros((described, dim), dtype=np.float32), encoded=False, earlier=earlier)

    def with_vectors(self, given_vectors: np.ndarray) -> LibraryIndex:
        """This index with its entries' vectors (as `encode_entries` gives them): a copy that shares
        everything derived from the entries, which `__post_init__` would compute again."""
        complete = copy.copy(self)
        rows = self.described_rows if self.described_rows is not None else np.arange(len(self.entries))
        complete.described_rows, complete.described_vectors = _described(given_vectors, rows, len(self.entries))
        complete.encoded = True
        return complete

    def moved(self, info: LibraryInfo, moves: dict[str, dict[int, int]]) -> LibraryIndex:
        """This index after an edit that moved lines of the files in ``moves`` (path -> old line ->
        new line) and changed nothing its entries are made of: an entry read from there says where it
        is now; everything derived from the entries is shared (their texts are the same)."""
        entries = list(self.entries)
        for row, entry in enumerate(self.entries):
            path, _, line = entry.source.rpartition(":")
            new = moves[path].get(int(line)) if path in moves and line.isdigit() else None
            if new is not None and str(new) != line:
                entries[row] = replaced(entry, source=f"{path}:{new}")
        moved = copy.copy(self)
        moved.info, moved.entries = info, entries
        moved.catalogue = copy.copy(self.catalogue)
        moved.catalogue.entries = entries
        return moved

    def derive(self, shared: SharedEntries | None = None) -> DerivedTexts:
        """The texts' derivatives, computed from the entries (a cold build, or a cache without them;
        ``shared``: what this index shares with an earlier one, whose name words still hold)."""
        vocabulary = self.vocabulary()
        # a library repeats its method names (``forward``, ``__call__``)
        of_name = shared.name_words_within(vocabulary) if shared is not None else {}
        for entry in self.entries:
            if entry.name not in of_name:
                of_name[entry.name] = name_words(entry.name, vocabulary)
        words = [list(of_name[e.name]) for e in self.entries]
        return DerivedTexts(words, alternative_groups(self.entries, self.catalogue.by_name))

    def vocabulary(self) -> frozenset[str]:
        """The words of the entries' descriptions (`description_vocabulary`), found once."""
        if self._vocabulary is None:
            self._vocabulary = description_vocabulary(self.entries)
        return self._vocabulary

    def derived(self) -> DerivedTexts:
        """What `write_index` stores beside the entries."""
        return DerivedTexts(self.name_words, self.alternatives, self.lexical, [int(n) for n in self.popularity],
                            [list(c) for c in self.param_classes])

    def _lexical_index(self, words: list[list[str]], shared: SharedEntries | None = None) -> bm25s.BM25:
        tokens = [lexical_text(e, w) for e, w in zip(self.entries, words, strict=True)] if shared is None else [
            shared.lexical_tokens(row, w) or lexical_text(e, w)
            for e, w, row in zip(self.entries, words, shared.rows, strict=True)]
        self.lexical_tokens = tokens
        lexical = ArrayBuiltBM25()
        lexical.index([t or ["_"] for t in tokens], show_progress=False)
        return lexical

    def _param_classes(self) -> list[tuple[str, ...]]:
        """Each entry's parameter classes, each distinct annotation looked up once (a library writes
        the same few thousand annotations on tens of thousands of parameters)."""
        classes: dict[str | None, str | None] = {}
        for entry in self.entries:
            for p in entry.params:
                if p.annotation not in classes:
                    classes[p.annotation] = self.catalogue.class_of_annotation(p.annotation)
        return [tuple(c for c in (classes[p.annotation] for p in e.params) if c) for e in self.entries]

    @property
    def name(self) -> str:
        return self.info.name

    def dense_scores(self, query_vectors: np.ndarray) -> np.ndarray:
        """Cosine similarity of each query vector to every entry: shape (queries, entries). Every API
        needs its score for the fusion, so this is a product with every described vector (a top-k
        search would answer another question). An entry without a description scores 0: it has no
        vector to compare (a re-exported name we have no docs for would be encoded from its name
        alone, and its similarity would say nothing about what it does)."""
        queries = np.asarray(query_vectors, dtype=np.float32)
        if not len(self.entries) or not len(queries):
            return np.zeros((len(queries), len(self.entries)), dtype=np.float32)
        # one matrix-vector product per distinct query (a request without other context asks with
        # the same vector twice): for a few queries BLAS's matrix product first copies the whole
        # matrix (3 queries on transformers' described vectors: 2.65 ms, against 0.15 ms each)
        keys = [query.tobytes() for query in queries]
        by_bytes: dict[bytes, np.ndarray] = {}
        for key, query in zip(keys, queries, strict=True):
            if key not in by_bytes:
                by_bytes[key] = self.described_vectors @ query
        products = np.stack([by_bytes[key] for key in keys])
        if self.described_rows is None:
            return products
        scores = np.zeros((len(queries), len(self.entries)), dtype=np.float32)
        scores[:, self.described_rows] = products
        return scores

    @property
    def dim(self) -> int:
        return int(self.described_vectors.shape[1])

    @property
    def vectors(self) -> np.ndarray:
        """One vector per entry, zeros for those without a description (made on each call)."""
        if self.described_rows is None:
            return self.described_vectors
        full = np.zeros((len(self.entries), self.dim), dtype=np.float32)
        full[self.described_rows] = self.described_vectors
        return full

    def vector(self, row: int) -> np.ndarray:
        """Entry ``row``'s vector (zeros without a description)."""
        if self.described_rows is None:
            return self.described_vectors[row]
        at = int(np.searchsorted(self.described_rows, row))
        found = at < len(self.described_rows) and self.described_rows[at] == row
        return self.described_vectors[at] if found else np.zeros(self.dim, dtype=np.float32)

    def lexical_scores(self, tokens: Sequence[str]) -> np.ndarray:
        if not tokens or not self.entries:
            return np.zeros(len(self.entries), dtype=np.float32)
        return np.asarray(self.lexical.get_scores(list(tokens)), dtype=np.float32)


@dataclass(frozen=True)
class SharedEntries:
    """The entries a new index shares with ``earlier`` (the same objects: the library before an edit),
    so that what was derived from each is taken, not derived again."""

    earlier: LibraryIndex
    #: for each entry of the new index, its row in ``earlier`` (None: not one of its entries)
    rows: list[int | None]

    #: past this many words in or out of the library's vocabulary, every name's words are found again
    MAX_CHANGED_WORDS: ClassVar[int] = 32

    @classmethod
    def of(cls, entries: Sequence[ApiEntry], earlier: LibraryIndex) -> SharedEntries:
        row_of = {id(entry): row for row, entry in enumerate(earlier.entries)}  # alive: ``earlier`` holds them
        return cls(earlier, [row_of.get(id(entry)) for entry in entries])

    def name_words_within(self, vocabulary: frozenset[str]) -> dict[str, list[str]]:
        """The earlier index's words of each name that ``vocabulary`` splits the same way: a name
        none of the words that came or went is part of (`segment` looks only for those)."""
        changed = vocabulary ^ self.earlier.vocabulary()
        if len(changed) > self.MAX_CHANGED_WORDS:
            return {}
        words = dict(zip((entry.name for entry in self.earlier.entries), self.earlier.name_words, strict=True))
        return {name: found for name, found in words.items()
                if not changed or not any(word in name.lower() for word in changed)}

    def lexical_tokens(self, row: int | None, name_words: list[str]) -> list[str] | None:
        """The BM25 tokens of the earlier entry at ``row``, where its name's words are ``name_words``."""
        tokens = self.earlier.lexical_tokens
        if row is None or tokens is None or self.earlier.name_words[row] != name_words:
            return None
        return tokens[row]


def _described(given: np.ndarray, rows: np.ndarray, size: int) -> tuple[np.ndarray | None, np.ndarray]:
    """The rows of the described entries (None: all ``size`` are) and their vectors, from one vector
    per entry or from theirs alone."""
    given = np.asarray(given, dtype=np.float32)
    if given.ndim != 2 or len(given) not in (size, len(rows)):
        raise ValueError(f"{size} entries ({len(rows)} described) but vectors of shape {given.shape}")
    described = given[rows] if len(given) == size and len(rows) != size else given
    return (None if len(rows) == size else rows), np.ascontiguousarray(described)


def entry_text_keys(entries: Sequence[ApiEntry]) -> list[str | None]:
    """Each entry's `text_key` of its `dense_text`; None for an entry without a description, which has
    no vector (a name alone says too little for the encoder, and skipping them halves indexing time on
    typical libraries). Computed once per build: a cache keeps them to reuse its vectors."""
    return [text_key(dense_text(e)) if e.description else None for e in entries]


def encode_entries(
    entries: Sequence[ApiEntry],
    encoder: Encoder,
    reuse: dict[str, np.ndarray] | None = None,
    progress: ProgressCallback | None = None,
    keys: Sequence[str | None] | None = None,
) -> np.ndarray:
    """A vector for each entry with a description, in entry order; identical texts are encoded once and
    ``reuse`` (from an older index of the same library and encoder) skips texts already encoded, so
    re-indexing after an edit is incremental. ``keys``: the entries' `entry_text_keys`, when known."""
    keys = entry_text_keys(entries) if keys is None else keys
    known: dict[str, np.ndarray] = dict(reuse or {})
    text_of = {k: dense_text(e) for k, e in zip(keys, entries, strict=True) if k is not None and k not in known}
    # sorted by length once, so each batch pads little (pandas: 280 -> 475 texts/s with ONNX Runtime)
    missing = sorted(text_of, key=lambda k: len(text_of[k]))
    done = len(entries) - len(missing)
    for start in range(0, len(missing), _ENCODE_CHUNK):
        chunk = missing[start : start + _ENCODE_CHUNK]
        for key, vector in zip(chunk, encoder.encode([text_of[k] for k in chunk]), strict=True):
            known[key] = vector
        done += len(chunk)
        if progress:
            progress(min(done, len(entries)), len(entries))
    if progress and not missing:
        progress(len(entries), len(entries))
    described = [known[k] for k in keys if k is not None]
    if not described:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    return np.stack(described).astype(np.float32, copy=False)


_KIND_GROUPS = {
    "kind_class": (ApiKind.CLASS,),
    "kind_function": (ApiKind.FUNCTION, ApiKind.ALIAS),
    "kind_method": (ApiKind.METHOD,),
    "kind_attribute": (ApiKind.PROPERTY, ApiKind.ATTRIBUTE),
    "kind_external": (ApiKind.EXTERNAL,),
}


def entry_shape(entries: Sequence[ApiEntry]) -> dict[str, np.ndarray]:
    """What kind of API each entry is, and how deep its import path is (``lib.f`` 0, ``lib.a.B.m``
    2/3, capped at 1)."""
    kinds = np.asarray([e.kind.value for e in entries], dtype=object)  # one pass, then one test per group
    shape = {
        name: np.isin(kinds, [k.value for k in group]).astype(np.float32) for name, group in _KIND_GROUPS.items()
    }
    shape["path_depth"] = np.asarray(
        [min(e.import_path.count(".") - 1, 3) / 3 for e in entries], dtype=np.float32
    ).clip(0, 1)
    return shape


# "... use :class:`.Cycler`", "See :func:`read_table` instead", a NumPy "See Also" line.
_REFERENCE = re.compile(r":(?:py:)?(?:class|func|meth|attr|obj):`~?\.?([\w.]+)`")
_ALTERNATIVE_SENTENCE = re.compile(r"\b(?:use|see|instead|alternative|opposite|similar|rather)\b", re.IGNORECASE)


def alternative_groups(entries: Sequence[ApiEntry], by_name: dict[str, list[int]]) -> list[list[list[int]]]:
    """What each entry's docs recommend instead of it, as groups of twins (one API in its several
    forms: a class and the functional name it declares, or entries documented by the same paragraph)."""
    twin_of = _twins(entries, by_name)
    groups: list[list[list[int]]] = []
    for i, entry in enumerate(entries):
        referenced: list[list[int]] = []
        for name in _recommended_names(entry.doc):
            for j in by_name.get(name.rsplit(".", 1)[-1], []):
                group = twin_of.get(j, [j])
                if i not in group and group not in referenced:
                    referenced.append(group)
        groups.append(referenced)
    return groups


@text_memo("recommended_names", stored_texts, list)
def _recommended_names(doc: str) -> tuple[str, ...]:
    """The names a docstring's sentences about alternatives refer to, in order (remembered: methods
    share their docstrings)."""
    if not _REFERENCE.search(doc) or not _ALTERNATIVE_SENTENCE.search(doc):
        return ()  # most docs: no sentence to read
    return tuple(name for sentence in re.split(r"(?<=[.!?])\s+|\n\s*\n", doc)
                 if _ALTERNATIVE_SENTENCE.search(sentence) for name in _REFERENCE.findall(sentence))


def _twins(entries: Sequence[ApiEntry], by_name: dict[str, list[int]]) -> dict[int, list[int]]:
    by_summary: dict[str, set[int]] = defaultdict(set)
    for i, entry in enumerate(entries):
        summary = summary_paragraph(entry.doc)
        if len(summary) > 20:
            by_summary[summary].add(i)
    for i, entry in enumerate(entries):
        for alias in declared_aliases(entry.doc) if entry.kind == ApiKind.CLASS else ():
            by_summary[f"alias:{entry.import_path}"] |= {i, *by_name.get(alias, [])}
    # each entry's twins: the union of its groups, one sorted list shared by a group's members (a
    # summary that a thousand methods inherit is one group, not a thousand merges of it)
    groups_of: dict[int, list[set[int]]] = defaultdict(list)
    for group in by_summary.values():
        for i in group:
            groups_of[i].append(group)
    in_order = {id(group): sorted(group) for group in by_summary.values()}
    return {i: in_order[id(groups[0])] if len(groups) == 1 else sorted(set().union(*groups))
            for i, groups in groups_of.items()}


def _usage_counts(entries: Sequence[ApiEntry]) -> list[int]:
    """How often each API's name is called in the library's own examples: a prior for ambiguous queries."""
    calls: Counter[str] = Counter()
    for entry in entries:
        for example in entry.examples:
            calls.update(_called_names(example))
    return [calls.get(e.name, 0) for e in entries]


@text_memo("called_names", stored_texts, list)
def _called_names(example: str) -> tuple[str, ...]:
    """The names an example calls, remembered: methods inherit their class's examples."""
    return tuple(re.findall(r"\b([A-Za-z_]\w*)\s*\(", example))

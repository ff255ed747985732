"""A library's searchable index: its API entries, one dense vector per entry, and what is derived
from them (FAISS, BM25, lookup tables by name, import path, owner and base class).

Only entries and vectors are persisted (see `cache.py`); everything else is rebuilt on load, so a
crafted index file can never reach FAISS's own deserialiser.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import bm25s
import faiss
import numpy as np

from apiary.docs.docstrings import plain_text, summary_paragraph
from apiary.docs.entry import ApiEntry, ApiKind
from apiary.retrieval.encoder import Encoder
from apiary.retrieval.text import humanize, lexical_tokens

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


def lexical_text(entry: ApiEntry) -> list[str]:
    """BM25 tokens: the name counts twice, then owner, parameters and the opening paragraph."""
    summary = plain_text(summary_paragraph(entry.doc)) or entry.description
    params = " ".join(p.name for p in entry.params)
    name_tokens = lexical_tokens(entry.name)
    return name_tokens * 2 + lexical_tokens(f"{entry.owner_name or ''} {params} {summary}")


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]


@dataclass
class LibraryIndex:
    info: LibraryInfo
    entries: list[ApiEntry]
    vectors: np.ndarray
    by_path: dict[str, int] = field(init=False)
    by_name: dict[str, list[int]] = field(init=False)
    members: dict[str, list[int]] = field(init=False)
    popularity: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        if len(self.entries) != len(self.vectors):
            raise ValueError(f"{len(self.entries)} entries but {len(self.vectors)} vectors")
        self.vectors = np.ascontiguousarray(self.vectors, dtype=np.float32)
        self.by_path = {e.import_path: i for i, e in enumerate(self.entries)}
        self.by_name = defaultdict(list)
        self.members = defaultdict(list)
        for i, entry in enumerate(self.entries):
            self.by_name[entry.name].append(i)
            if entry.owner:
                self.members[entry.owner].append(i)
        self._faiss = faiss.IndexFlatIP(self.vectors.shape[1]) if len(self.vectors) else None
        if self._faiss is not None:
            self._faiss.add(self.vectors)
        self._bm25 = bm25s.BM25()
        self._bm25.index([lexical_text(e) or ["_"] for e in self.entries], show_progress=False)
        self.popularity = _usage_counts(self.entries)

    @property
    def name(self) -> str:
        return self.info.name

    def dense_scores(self, query_vectors: np.ndarray) -> np.ndarray:
        """Cosine similarity of each query vector to every entry: shape (queries, entries)."""
        if self._faiss is None or not len(query_vectors):
            return np.zeros((len(query_vectors), len(self.entries)), dtype=np.float32)
        scores, ids = self._faiss.search(np.ascontiguousarray(query_vectors, dtype=np.float32), len(self.entries))
        dense = np.zeros_like(scores)
        np.put_along_axis(dense, ids, scores, axis=1)
        return dense

    def lexical_scores(self, tokens: Sequence[str]) -> np.ndarray:
        if not tokens or not self.entries:
            return np.zeros(len(self.entries), dtype=np.float32)
        return np.asarray(self._bm25.get_scores(list(tokens)), dtype=np.float32)

    def find(self, dotted: str) -> ApiEntry | None:
        """An entry by import path or qualified name."""
        index = self.by_path.get(dotted)
        if index is not None:
            return self.entries[index]
        for entry in self.entries:
            if entry.qualname == dotted:
                return entry
        return None

    def ancestors(self, class_path: str) -> list[str]:
        """``class_path`` and its base classes within this library, nearest first."""
        order: list[str] = []
        pending = [class_path]
        while pending:
            current = pending.pop(0)
            if current in order:
                continue
            order.append(current)
            entry = self.find(current)
            if entry is not None:
                pending.extend(b for b in entry.bases if b not in order)
        return order


def encode_entries(
    entries: Sequence[ApiEntry],
    encoder: Encoder,
    reuse: dict[str, np.ndarray] | None = None,
    progress: ProgressCallback | None = None,
) -> np.ndarray:
    """One vector per entry; identical texts are encoded once and ``reuse`` (from an older index of the
    same library and encoder) skips texts already encoded, so re-indexing after an edit is incremental."""
    texts = [dense_text(e) for e in entries]
    keys = [text_key(t) for t in texts]
    known: dict[str, np.ndarray] = dict(reuse or {})
    missing = list(dict.fromkeys(k for k in keys if k not in known))
    text_of = dict(zip(keys, texts, strict=True))
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
    if not entries:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    return np.stack([known[k] for k in keys]).astype(np.float32)


def _usage_counts(entries: Sequence[ApiEntry]) -> np.ndarray:
    """How often each API's name is called in the library's own examples: a prior for ambiguous queries."""
    calls: Counter[str] = Counter()
    for entry in entries:
        for example in entry.examples:
            calls.update(re.findall(r"\b([A-Za-z_]\w*)\s*\(", example))
    return np.asarray([calls.get(e.name, 0) for e in entries], dtype=np.float32)

"""Nearest neighbours over mined (description, API sequence) pairs: dense and lexical, fused.

Descriptions are encoded once with the retrieval encoder and searched by one inner product with
all of them (56,000 vectors: 5 ms, less than importing faiss); the vectors are cached as ``.npy``
(``allow_pickle=False``), keyed by the encoder and texts, one file per package (or the standard
library's folder) the texts come from.
BM25 (bm25s) over the descriptions' words, identifiers split, adds what a sentence encoder blurs:
the rare word both texts share ("md5", "rmtree", "socket").
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from apiary.atomic import atomic_write
from apiary.docs.docstrings import plain_text
from apiary.retrieval.encoder import Encoder
from apiary.sequences.extract import ApiSeqPair
from apiary.sequences.mine import Progress, mark_used
from apiary.weights import SequenceWeights, load_weights
from apiary.words import lexical_tokens

log = logging.getLogger(__name__)

_RETURN_WORD = re.compile(r"\breturns?\b:?", re.IGNORECASE)


@functools.lru_cache(maxsize=200_000)
def description_text(desc: str) -> str:
    """What is encoded: the description without reST markup and the "return" marker word of Deep API
    Learning Revisited §3.1.2 (kept for the corpus's descriptions: vectors, BM25 and the index each ask)."""
    return " ".join(_RETURN_WORD.sub(" ", plain_text(desc)).split())


@dataclass(frozen=True)
class Neighbour:
    pair: ApiSeqPair
    similarity: float


class PairIndex:
    """Mined pairs, searchable by description."""

    def __init__(self, pairs: Sequence[ApiSeqPair], encoder: Encoder, cache_dir: Path | None = None,
                 vectors: np.ndarray | None = None, weights: SequenceWeights | None = None,
                 lexical_cache: Path | None = None, lexical_key: str | None = None):
        #: a list, or a corpus snapshot's `LazyPairs` (decoded only as neighbours are shown)
        self.pairs = pairs if isinstance(pairs, Sequence) else list(pairs)
        #: where the BM25 index over these descriptions is kept (built once per corpus), and its key
        #: when the caller knows it (a snapshot does: computing it reads every description)
        self.lexical_cache = lexical_cache
        self.lexical_key = lexical_key
        self.encoder = encoder
        self.weights = weights if weights is not None else load_weights().sequences
        if vectors is None:
            vectors = pair_vectors(self.pairs, description_vectors([p.desc for p in self.pairs], encoder, cache_dir),
                                   encoder.dim)
        elif vectors.shape != (len(self.pairs), encoder.dim):
            raise ValueError(f"{vectors.shape} vectors for {len(self.pairs)} pairs of dimension {encoder.dim}")
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self._bm25 = None  # built on the first search: most users never ask for a sequence

    def subset(self, keep: Sequence[int]) -> PairIndex:
        """The index of some of these pairs, without encoding anything again."""
        return PairIndex(
            [self.pairs[i] for i in keep], self.encoder, vectors=self.vectors[list(keep)], weights=self.weights
        )

    def search(self, query: str, k: int = 20) -> list[Neighbour]:
        """The ``k`` pairs nearest ``query``: cosine of the descriptions plus `lexical_weight` times
        the BM25 score relative to the query's best, over the union of both top-``k`` lists."""
        if not self.pairs or not query.strip():
            return []
        vector = self.encoder.encode([description_text(query)])[0].astype(np.float32)
        lexical = self._lexical(query, k)
        candidates = {int(r) for r in _top_rows(self.vectors @ vector, k)} | set(lexical)
        ids = np.fromiter(candidates, dtype=np.int64)
        fused = self.vectors[ids] @ vector + self.weights.lexical_weight * np.array(
            [lexical.get(int(i), 0.0) for i in ids]
        )
        order = np.argsort(-fused, kind="stable")[:k]
        return [Neighbour(self.pairs[int(ids[i])], float(fused[i])) for i in order]

    def _lexical(self, query: str, k: int) -> dict[int, float]:
        """Row -> BM25 score over the query's best, for the top ``k`` lexical matches."""
        tokens = lexical_tokens(description_text(query))
        if not tokens:
            return {}
        if self._bm25 is None:
            self._bm25 = _cached_lexical_index(self.descriptions, len(self.pairs), self.lexical_cache,
                                               self.lexical_key)
        scores = np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)
        top = _top_rows(scores, k)
        best = float(scores[top].max()) if len(top) else 0.0
        if best <= 0:
            return {}
        return {int(r): float(scores[r]) / best for r in top if scores[r] > 0}

    def descriptions(self) -> list[str]:
        return [p.desc for p in self.pairs]


def _top_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """The rows of the ``k`` highest scores, in no particular order."""
    if len(scores) <= k:
        return np.arange(len(scores))
    return np.argpartition(-scores, k - 1)[:k]


def _lexical_index(documents: list[list[str]]):
    from apiary.retrieval.bm25 import ArrayBuiltBM25

    index = ArrayBuiltBM25()
    index.index([d or ["<empty>"] for d in documents], show_progress=False)
    return index


def _cached_lexical_index(read: Callable[[], list[str]], count: int, cache_dir: Path | None,
                          key: str | None = None):
    """BM25 over the tokens of the ``count`` descriptions ``read`` gives, read back where an earlier
    run built it for the same ones (named by `lexical_key`, or ``key`` when given: bm25s's own files, arrays
    loaded with ``allow_pickle=False``); a folder renamed into place whole, so a reader never sees
    half of one."""
    import bm25s

    if cache_dir is None:
        return _lexical_index([lexical_tokens(description_text(d)) for d in read()])
    descriptions = read() if key is None else None
    folder = cache_dir / f"bm25-{key or lexical_key(descriptions or [])}"
    try:
        index = bm25s.BM25.load(folder, mmap=False, allow_pickle=False, load_corpus=False, show_progress=False)
        if index.scores.get("num_docs") == count:
            mark_used(folder)
            return index
    except (OSError, ValueError, KeyError, TypeError):
        pass
    descriptions = read() if descriptions is None else descriptions
    index = _lexical_index([lexical_tokens(description_text(d)) for d in descriptions])
    scratch = cache_dir / ".bm25-unmade"
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(dir=cache_dir, prefix=".bm25-"))
        index.save(scratch, show_progress=False)
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(scratch, folder)
    except OSError as error:  # another process put it there first, or a read-only cache
        log.debug("BM25 over the pairs not kept: %s", error)
        shutil.rmtree(scratch, ignore_errors=True)
    return index


def pair_vectors(pairs: Sequence[ApiSeqPair], by_description: dict[str, np.ndarray], dim: int) -> np.ndarray:
    """Each pair's description vector out of ``by_description`` (`description_vectors`)."""
    if not pairs:
        return np.zeros((0, dim), dtype=np.float32)
    return np.ascontiguousarray(np.stack([by_description[p.desc] for p in pairs]), dtype=np.float32)


#: bump when `description_text` changes: cached vectors are keyed by the descriptions as mined
DESCRIPTION_FORM = 1


def description_vectors(descriptions: Sequence[str], encoder: Encoder, cache_dir: Path | None,
                        progress: Progress | None = None) -> dict[str, np.ndarray]:
    """The vector of each description (as mined), read from the cache where an earlier run encoded
    the same set with this encoder: a corpus root's descriptions are one set, so a new package
    encodes only its own."""
    distinct = sorted(set(descriptions))
    path = cache_dir / f"vectors-{_descriptions_key(encoder.id, distinct)}.npy" if cache_dir is not None else None
    vectors = None
    if path is not None:
        try:
            vectors = np.load(path, allow_pickle=False)
            vectors = vectors if vectors.shape == (len(distinct), encoder.dim) else None
            if vectors is not None:
                mark_used(path)
        except (OSError, ValueError):
            vectors = None
    if vectors is None:
        vectors = _encode(encoder, [description_text(d) for d in distinct], progress)
        if path is not None:
            _save_atomically(path, vectors)
    return dict(zip(distinct, vectors.astype(np.float32), strict=True))


def lexical_key(descriptions: Sequence[str]) -> str:
    """Names the BM25 index over ``descriptions``."""
    return _descriptions_key("", descriptions)


def _descriptions_key(prefix: str, descriptions: Sequence[str]) -> str:
    """Names a cache file by the descriptions it was made from (and ``prefix``: the encoder)."""
    digest = hashlib.sha256(f"{prefix}\0{DESCRIPTION_FORM}\0".encode())
    for description in descriptions:
        digest.update(description.encode() + b"\0")
    return digest.hexdigest()[:20]


_ENCODE_CHUNK = 512


def _encode(encoder: Encoder, texts: list[str], progress: Progress | None = None) -> np.ndarray:
    if not texts:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    log.info("encoding %d pair descriptions", len(texts))
    chunks = []
    for start in range(0, len(texts), _ENCODE_CHUNK):
        chunks.append(np.asarray(encoder.encode(texts[start:start + _ENCODE_CHUNK]), dtype=np.float32))
        if progress is not None:
            progress("encoding descriptions", min(start + _ENCODE_CHUNK, len(texts)), len(texts))
    return np.ascontiguousarray(np.concatenate(chunks), dtype=np.float32)


def _save_atomically(path: Path, vectors: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    np.save(buffer, vectors, allow_pickle=False)
    atomic_write(path, buffer.getvalue())

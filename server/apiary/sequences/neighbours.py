"""Dense nearest neighbours over mined (description, API sequence) pairs.

Descriptions are encoded once with the retrieval encoder and searched with a faiss inner-product
index; the vectors are cached as ``.npy`` (``allow_pickle=False``), keyed by the encoder and pairs.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from apiary.docs.docstrings import plain_text
from apiary.retrieval.encoder import Encoder
from apiary.sequences.extract import ApiSeqPair

log = logging.getLogger(__name__)

_RETURN_WORD = re.compile(r"\breturns?\b:?", re.IGNORECASE)


def description_text(desc: str) -> str:
    """What is encoded: the description without reST markup and the seed's "return" marker word."""
    return " ".join(_RETURN_WORD.sub(" ", plain_text(desc)).split())


@dataclass(frozen=True)
class Neighbour:
    pair: ApiSeqPair
    similarity: float


class PairIndex:
    """Mined pairs, searchable by description."""

    def __init__(self, pairs: Sequence[ApiSeqPair], encoder: Encoder, cache_dir: Path | None = None,
                 vectors: np.ndarray | None = None):
        import faiss

        self.pairs = list(pairs)
        self.encoder = encoder
        if vectors is None:
            vectors = _cached_vectors(self.pairs, encoder, cache_dir)
        elif vectors.shape != (len(self.pairs), encoder.dim):
            raise ValueError(f"{vectors.shape} vectors for {len(self.pairs)} pairs of dimension {encoder.dim}")
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self._index = faiss.IndexFlatIP(encoder.dim)
        if len(self.vectors):
            self._index.add(self.vectors)

    def subset(self, keep: Sequence[int]) -> PairIndex:
        """The index of some of these pairs, without encoding anything again."""
        return PairIndex([self.pairs[i] for i in keep], self.encoder, vectors=self.vectors[list(keep)])

    def search(self, query: str, k: int = 20) -> list[Neighbour]:
        if not self.pairs or not query.strip():
            return []
        vector = self.encoder.encode([description_text(query)])
        scores, rows = self._index.search(vector, min(k, len(self.pairs)))
        return [Neighbour(self.pairs[r], float(s)) for s, r in zip(scores[0], rows[0], strict=True) if r >= 0]


def _cached_vectors(pairs: list[ApiSeqPair], encoder: Encoder, cache_dir: Path | None) -> np.ndarray:
    texts = [description_text(p.desc) for p in pairs]
    if cache_dir is None:
        return _encode(encoder, texts)
    digest = hashlib.sha256(encoder.id.encode())
    for text in texts:
        digest.update(text.encode() + b"\0")
    path = cache_dir / f"vectors-{digest.hexdigest()[:20]}.npy"
    try:
        vectors = np.load(path, allow_pickle=False)
        if vectors.shape == (len(texts), encoder.dim):
            return np.ascontiguousarray(vectors, dtype=np.float32)
    except (OSError, ValueError):
        pass
    vectors = _encode(encoder, texts)
    _save_atomically(path, vectors)
    return vectors


def _encode(encoder: Encoder, texts: list[str]) -> np.ndarray:
    if not texts:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    log.info("encoding %d pair descriptions", len(texts))
    return np.ascontiguousarray(encoder.encode(texts), dtype=np.float32)


def _save_atomically(path: Path, vectors: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".npy.tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            np.save(out, vectors, allow_pickle=False)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

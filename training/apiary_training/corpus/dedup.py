"""Exact and near-duplicate removal of files (PyCodeGPT, Appendix A.1, following CodeParrot).

Exact: the hash of the text with whitespace runs collapsed. Near: MinHash over token shingles with
locality-sensitive hashing (`datasketch`); a file whose estimated Jaccard similarity to an already kept
file reaches the threshold is a near duplicate. The first file seen is the one kept.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

_TOKEN = re.compile(r"\w+|[^\w\s]")


class Deduplicator:
    def __init__(self, threshold: float = 0.85, num_perm: int = 128, shingle: int = 5, seed: int = 1) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"near-duplicate threshold must be in (0, 1], got {threshold}")
        from datasketch import MinHash, MinHashLSH  # imported here: it loads scipy, seconds only dedup needs

        self.num_perm, self.shingle, self.seed = num_perm, shingle, seed
        self._exact: set[str] = set()
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._count = 0
        template = MinHash(num_perm=num_perm, seed=seed)  # permutations drawn once, not per file
        self._permutations, self._scheme = template.permutations, template.scheme

    def check(self, text: str) -> str | None:
        """None if ``text`` is new (it is then remembered); else "exact duplicate" or "near duplicate"."""
        digest = hashlib.sha256(" ".join(text.split()).encode("utf-8", "surrogatepass")).hexdigest()
        if digest in self._exact:
            return "exact duplicate"
        signature = self.minhash(text)
        if self._lsh.query(signature):
            return "near duplicate"
        self._exact.add(digest)
        self._lsh.insert(str(self._count), signature)
        self._count += 1
        return None

    def minhash(self, text: str) -> Any:
        from datasketch import MinHash

        tokens = _TOKEN.findall(text)
        width = min(self.shingle, len(tokens)) or 1
        shingles = {" ".join(tokens[i : i + width]).encode("utf-8", "surrogatepass")
                    for i in range(max(len(tokens) - width + 1, 1))}
        signature = MinHash(num_perm=self.num_perm, seed=self.seed, permutations=self._permutations,
                            scheme=self._scheme)
        signature.update_batch(list(shingles))
        return signature


def jaccard(a: str, b: str, shingle: int = 5) -> float:
    """Exact Jaccard similarity of the two texts' shingle sets (for tests and reports)."""
    sets = []
    for text in (a, b):
        tokens = _TOKEN.findall(text)
        sets.append({tuple(tokens[i : i + shingle]) for i in range(max(len(tokens) - shingle + 1, 1))})
    union = sets[0] | sets[1]
    return len(sets[0] & sets[1]) / len(union) if union else 1.0

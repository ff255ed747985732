"""BM25 as bm25s scores it (Lucene's variant), its score matrix built with array operations.

bm25s builds the matrix with a Python loop per document (a `Counter` and a few small arrays each):
0.7 s of a 23,000-API index, paid on every build, an edit's included. bm25s names
`build_index_from_ids` as the method to override for another way of building; this one computes
the same numbers in the same order of operations, so the matrix is bit-for-bit bm25s's own
(tested against it), and falls back to bm25s for variants it does not cover.
"""

from __future__ import annotations

import math
from itertools import chain

import bm25s
import numpy as np


class ArrayBuiltBM25(bm25s.BM25):
    def build_index_from_ids(self, unique_token_ids, corpus_token_ids, show_progress=True, leave_progress=False):
        # the variant and the fields this build reproduces (an older bm25s without them builds its own)
        covered = (getattr(self, "method", None) in ("lucene", "robertson")
                   and getattr(self, "idf_method", None) == "lucene"
                   and getattr(self, "csc_backend", None) == "numpy" and hasattr(self, "int_dtype"))
        if not covered or not len(corpus_token_ids):
            return super().build_index_from_ids(unique_token_ids, corpus_token_ids, show_progress, leave_progress)
        n_docs, n_vocab = len(corpus_token_ids), len(unique_token_ids)
        lengths = np.fromiter(map(len, corpus_token_ids), dtype=np.int64, count=n_docs)
        tokens = np.fromiter(chain.from_iterable(corpus_token_ids), dtype=np.int64, count=int(lengths.sum()))
        docs = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
        # each (document, token) once, with how often the token occurs there
        pairs, frequencies = np.unique((tokens << 32) | docs, return_counts=True)  # by token, then document
        token_of, doc_of = pairs >> 32, pairs & 0xFFFFFFFF
        idf = _lucene_idf(np.bincount(token_of, minlength=n_vocab), n_docs, self.dtype)
        # bm25s's per-document arithmetic, element-wise: the length norm in float64 (a Python float
        # over numpy's float64 mean), the frequency beside it, the product cast to the matrix's dtype
        norm = self.k1 * ((1 - self.b) + self.b * lengths.astype(np.float64) / lengths.mean())
        tf = frequencies.astype(self.dtype).astype(np.float64)
        scores = idf[token_of].astype(np.float64) * (tf / (norm[doc_of] + tf))
        indptr = np.zeros(n_vocab + 1, dtype=np.int64)
        np.cumsum(np.bincount(token_of, minlength=n_vocab), out=indptr[1:])
        self.nonoccurrence_array = None
        return {"data": scores.astype(self.dtype), "indices": doc_of.astype(self.int_dtype), "indptr": indptr,
                "num_docs": n_docs}


def _lucene_idf(document_frequencies: np.ndarray, n_docs: int, dtype: str) -> np.ndarray:
    """bm25s's Lucene idf per token, with `math.log` as it computes it (numpy's log may differ in
    the last bit), 0 for a token in no document."""
    idf = np.zeros(len(document_frequencies), dtype=dtype)
    for token, df in enumerate(document_frequencies.tolist()):
        if df:
            idf[token] = math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
    return idf

"""BM25's matrix built with array operations equals bm25s's own, bit for bit."""

from __future__ import annotations

import random

import bm25s
import numpy as np
import pytest

from apiary.retrieval.bm25 import ArrayBuiltBM25


def _corpus(seed: int, documents: int) -> list[list[str]]:
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(300)]
    # Zipf-like: a few words in most documents, many in few; repeats within a document; some empty
    return [[words[min(int(rng.paretovariate(1.2)) - 1, 299)] for _ in range(rng.choice([0, 1, 3, 8, 40]))] or ["_"]
            for _ in range(documents)]


def _arrays(model: bm25s.BM25) -> tuple:
    return model.scores["data"], model.scores["indices"], model.scores["indptr"], model.scores["num_docs"]


@pytest.mark.parametrize(("seed", "documents"), [(0, 1), (1, 50), (2, 3000)])
def test_the_matrix_is_bm25s_own(seed, documents):
    corpus = _corpus(seed, documents)
    ours, theirs = ArrayBuiltBM25(), bm25s.BM25()
    ours.index(corpus, show_progress=False)
    theirs.index(corpus, show_progress=False)
    assert ours.vocab_dict == theirs.vocab_dict
    for mine, reference in zip(_arrays(ours), _arrays(theirs), strict=True):
        if isinstance(reference, np.ndarray):
            assert mine.dtype == reference.dtype and np.array_equal(mine, reference)
        else:
            assert mine == reference
    query = corpus[-1][:3]
    assert np.array_equal(ours.get_scores(query), theirs.get_scores(query))


def test_a_variant_it_does_not_build_is_left_to_bm25s():
    corpus = _corpus(3, 200)
    ours, theirs = ArrayBuiltBM25(method="bm25+"), bm25s.BM25(method="bm25+")
    ours.index(corpus, show_progress=False)
    theirs.index(corpus, show_progress=False)
    assert all(np.array_equal(a, b) for a, b in zip(_arrays(ours)[:3], _arrays(theirs)[:3], strict=True))
    assert np.array_equal(ours.nonoccurrence_array, theirs.nonoccurrence_array)

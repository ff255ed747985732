"""The retriever's weights fitted listwise: the loss and its gradient, folds that hold whole
libraries out, the data the retriever's own signals give, and the weights file the trainer writes."""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pytest

from apiary.docs.python_package import find_layout, read_package
from apiary.retrieval.encoder import HashingEncoder
from apiary.retrieval.index import LibraryIndex, LibraryInfo, encode_entries
from apiary.weights import load_weights
from apiary_training.train import ranker
from apiary_training.train.listwise import (
    RankingQuery,
    Stacked,
    evaluate,
    fit,
    group_folds,
    loss_and_gradient,
)
from apiary_training.train.ranking_data import FEATURES, gold_mask, library_queries


def _queries(n: int, seed: int = 0) -> list[RankingQuery]:
    """Feature 0 marks the gold API, feature 1 is noise; ten candidates per query."""
    rng = np.random.default_rng(seed)
    queries = []
    for i in range(n):
        gold = np.zeros(10, dtype=bool)
        gold[rng.integers(10)] = True
        features = np.stack([gold + rng.normal(0, 0.3, 10), rng.normal(0, 1, 10)], axis=1).astype(np.float32)
        queries.append(RankingQuery(f"lib{i % 4}", features, gold))
    return queries


def test_the_gradient_is_the_loss_derivative():
    data = Stacked.of(_queries(12))
    w = np.array([0.7, -0.2])
    _, gradient = loss_and_gradient(w, data, 0.01)
    step = 1e-6
    numeric = [
        (loss_and_gradient(w + step * e, data, 0.01)[0] - loss_and_gradient(w - step * e, data, 0.01)[0]) / (2 * step)
        for e in np.eye(2)
    ]
    assert gradient == pytest.approx(numeric, rel=1e-4, abs=1e-7)


def test_fitting_finds_the_signal_that_marks_the_gold():
    queries = _queries(200)
    w = fit(queries, l2=1e-3)
    assert w[0] > 1.0 and abs(w[1]) < 0.2 * w[0]
    assert evaluate(_queries(50, seed=1), w)["R@1"] > 0.9
    assert evaluate(_queries(50, seed=1), np.array([0.0, 1.0]))["R@1"] < 0.4


def test_folds_hold_whole_libraries_out_and_cover_every_query_once():
    queries = _queries(40)
    folds = group_folds(queries, 4, seed=3)
    held = [i for _, out in folds for i in out]
    assert sorted(held) == list(range(40))
    for train, out in folds:
        assert not {queries[i].group for i in train} & {queries[i].group for i in out}


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> LibraryIndex:
    root = tmp_path_factory.mktemp("lib") / "pack"
    root.mkdir()
    (root / "__init__.py").write_text(textwrap.dedent('''
        def chunked(items, size):
            """Split items into lists of a given size."""

        def flatten(nested):
            """Join lists of lists into one list."""
    '''))
    entries = read_package(find_layout(root), "pack").entries
    info = LibraryInfo("pack", "1", "tree", str(root), "tree:x", "h", "hashing", 0.0, len(entries))
    return LibraryIndex(info, entries, encode_entries(entries, HashingEncoder()))


def test_each_problem_becomes_the_signals_of_every_api_and_its_gold(index):
    problems = [
        {"prompt": "import pack\n# lists of fifty\n", "gold_apis": ["pack.chunked"]},
        {"prompt": "import pack\n# flat\n", "gold_apis": ["flatten"]},
        {"prompt": "import pack\n# nothing\n", "gold_apis": ["pack.missing"]},
    ]
    queries = library_queries("pack", index, problems, HashingEncoder(), 2)
    paths = [e.import_path for e in index.entries]
    assert len(queries) == 2  # a problem whose gold is not in the library is left out
    assert queries[0].features.shape == (len(paths), len(FEATURES))
    assert [paths[i] for i in queries[0].gold.nonzero()[0]] == ["pack.chunked"]
    assert [paths[i] for i in gold_mask(index, ["flatten"]).nonzero()[0]] == ["pack.flatten"]
    imported = queries[0].features[:, FEATURES.index("imported_parent")]
    assert imported[paths.index("pack.chunked")] == 1.0


def test_the_trainer_writes_fitted_weights_and_keeps_the_other_parts(tmp_path, monkeypatch):
    signal = FEATURES.index("mentioned")

    def fake_collect(args):
        queries = []
        for q in _queries(60):
            features = np.zeros((10, len(FEATURES)), dtype=np.float32)
            features[:, signal] = q.features[:, 0]
            queries.append(RankingQuery(q.group, features, q.gold))
        return queries

    monkeypatch.setattr(ranker, "collect", fake_collect)
    out = tmp_path / "weights.json"
    metrics = ranker.main(["--output", str(out), "--l2_grid", "0.001,0.1", "--folds", "2"])
    written = load_weights(out)
    assert written.retrieval.mentioned == metrics["weights"]["mentioned"] > 1.0
    assert written.offline == load_weights().offline and written.sequences == load_weights().sequences
    assert written.fitted["l2"] in (0.001, 0.1) and set(written.fitted["cross_validation"]) == {"0.001", "0.1"}
    assert json.loads(out.read_text())["fitted"]["method"].startswith("linear listwise softmax ranking")

"""BLEU-4, retrieval and classification metrics against hand-computed values."""

import math

import numpy as np
import pytest

from apiary_training.eval.bleu import api_name_bleu4, bleu4
from apiary_training.eval.classification import classification_metrics
from apiary_training.eval.retrieval import evaluate_pairs, recall_at_k, reciprocal_rank, summarize

FIGURE_1 = ["os.path.dirname", "os.path.join", "sys.path.insert"]


def test_bleu4_is_100_for_the_exact_sequence_and_falls_with_errors():
    assert bleu4([FIGURE_1], [FIGURE_1]) == pytest.approx(100.0)
    one_wrong = bleu4([FIGURE_1], [["os.path.dirname", "os.path.join", "sys.exit"]])
    reordered = bleu4([FIGURE_1], [list(reversed(FIGURE_1))])
    assert 0 < reordered < one_wrong < 100
    assert bleu4([FIGURE_1], [[]]) == 0.0


def test_api_name_bleu_counts_whole_names():
    # one of three names right, no bigram: p1 = 1/3, p2..p4 smoothed to 1/3, 1/2, 1/1; no brevity penalty
    hypothesis = [["os.path.dirname", "shutil.copy", "sys.exit"]]
    expected = 100 * math.exp((math.log(1 / 3) + math.log(1 / 3) + math.log(1 / 2) + math.log(1)) / 4)
    assert api_name_bleu4([FIGURE_1], hypothesis) == pytest.approx(expected)
    with pytest.raises(ValueError):
        api_name_bleu4([FIGURE_1], [])


def test_recall_and_mrr_by_hand():
    assert recall_at_k({"a", "b"}, ["c", "a", "d", "b"], 2) == 0.5
    assert reciprocal_rank({"b"}, ["c", "a", "b"]) == pytest.approx(1 / 3)
    assert reciprocal_rank({"z"}, ["c"]) == 0.0
    summary = summarize([({"a"}, ["a", "b"]), ({"b"}, ["a", "c"])], ks=(1, 2))
    assert summary == {"recall@1": 0.5, "recall@2": 0.5, "mrr": 0.5, "queries": 2}
    with pytest.raises(ValueError):
        recall_at_k(set(), ["a"], 1)


def test_evaluate_pairs_ranks_within_each_library():
    vectors = {"sort the list": [1, 0, 0], "sorted(x)": [1, 0.1, 0], "open a file": [0, 1, 0],
               "open(path)": [0.1, 1, 0], "other lib doc": [1, 0, 0]}

    def encode(texts):
        return np.array([vectors[t] for t in texts], dtype=np.float32)

    records = [{"query": "sort the list", "positive": "sorted(x)", "negatives": ["open(path)"], "library": "a"},
               {"query": "open a file", "positive": "open(path)", "negatives": ["sorted(x)"], "library": "a"},
               {"query": "sort the list", "positive": "other lib doc", "negatives": [], "library": "b"}]
    summary = evaluate_pairs(encode, records, ks=(1,))
    assert summary["recall@1"] == 1.0 and summary["queries"] == 3


def test_classification_metrics_by_hand():
    labels, scores = [1, 0, 1, 0], [0.9, 0.6, 0.4, 0.1]
    metrics = classification_metrics(labels, scores)
    assert metrics["accuracy"] == 0.5  # predicted 1, 1, 0, 0
    assert metrics["f1"] == pytest.approx(0.5)
    assert metrics["roc_auc"] == pytest.approx(0.75)  # 3 of 4 (positive, negative) pairs ordered right
    assert classification_metrics([1, 1], [0.2, 0.9])["roc_auc"] is None
    with pytest.raises(ValueError, match="0 or 1"):
        classification_metrics([2], [0.5])


def test_eval_commands_score_files(tmp_path, capsys):
    import json

    from apiary_training.cli import main as apiary_train

    predictions = tmp_path / "predicted.jsonl"
    predictions.write_text(json.dumps({"apiseq": FIGURE_1, "predicted": FIGURE_1}) + "\n"
                           + json.dumps({"apiseq": FIGURE_1, "predicted": []}) + "\n")
    out = tmp_path / "bleu.json"
    assert apiary_train(["eval", "bleu", "--pairs", str(predictions), "--json", str(out)]) == 0
    assert json.loads(out.read_text()) == {"bleu4": pytest.approx(50.0), "pairs": 2}

    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(
        json.dumps({"query": "sort a list", "positive": "sorted list sort", "negatives": ["open file"]}) + "\n"
    )
    assert apiary_train(["eval", "retrieval", "--encoder", "hashing", "--pairs", str(pairs), "--json", str(out)]) == 0
    assert json.loads(out.read_text())["recall@1"] == 1.0

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"apiseq": ["os.getcwd"]}\n')
    assert apiary_train(["eval", "bleu", "--pairs", str(bad)]) == 2  # a clear one-line error, no traceback
    assert "bad.jsonl:1: missing predicted" in capsys.readouterr().err

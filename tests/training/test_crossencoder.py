"""The API reranker: its training groups, the metrics that choose its weight, a training loop on a
tiny BERT whose saved model the server's reranker loads, and how the retriever uses one."""

from __future__ import annotations

import numpy as np
import pytest

from apiary.docs.entry import ApiEntry, ApiKind, Param
from apiary.retrieval.rerank import CrossEncoderReranker, RerankerError, rerank_text
from apiary_training.train.crossencoder import CrossEncoderArguments, fit_model, rerank_metrics
from apiary_training.train.rerank_data import RerankCase, training_groups


def _entry(name: str, description: str = "") -> ApiEntry:
    return ApiEntry(name, f"lib.{name}", f"lib.{name}", ApiKind.FUNCTION, "lib", signature="(items)",
                    params=(Param("items"),), description=description, doc=description)


def _case(gold: tuple[bool, ...], scores: tuple[float, ...], missed: int = 0) -> RerankCase:
    entries = tuple(_entry(f"f{i}") for i in range(len(gold)))
    return RerankCase("lib", "split the list", entries, scores, gold, tuple(_entry(f"m{i}") for i in range(missed)))


def test_groups_put_each_gold_api_before_the_first_stages_best_wrong_ones():
    case = RerankCase(
        "lib",
        "q",
        tuple(_entry(n, n + " it.") for n in "abcd"),
        (4, 3, 2, 1),
        (False, True, False, False),
        (_entry("z", "z it."),),
    )
    groups = sorted(training_groups([case], negatives=2, seed=0))
    assert groups == [
        (
            "q",
            [rerank_text(_entry(g, g + " it.")), rerank_text(_entry("a", "a it.")), rerank_text(_entry("c", "c it."))],
        )
        for g in ("b", "z")
    ]
    assert rerank_text(_entry("keep_where", "Keep rows.")) == "keep where(items): Keep rows."


def test_the_weight_of_the_logit_moves_the_gold_up_and_missed_gold_counts_as_not_found():
    cases = [_case((False, True, False), (3.0, 2.0, 1.0)), _case((True, False), (2.0, 1.0), missed=1)]
    logits = [np.array([0.0, 2.0, 0.0]), np.array([0.0, 0.0])]
    assert rerank_metrics(cases, logits, 0.0) == {"R@1": 0.25, "R@5": 0.75, "MRR": 0.75}
    assert rerank_metrics(cases, logits, 1.0) == {"R@1": 0.75, "R@5": 0.75, "MRR": 1.0}


def test_a_tiny_cross_encoder_trains_saves_and_loads_as_the_servers_reranker(tiny_bert, tmp_path):
    groups = [
        ("split a list into parts", ["chunked(items, size): Split.", "flatten(nested): Join.", "unique(items): Drop."])
    ] * 4
    args = CrossEncoderArguments(output_dir=str(tmp_path / "out"), base_model=str(tiny_bert / "hf"), groups_per_batch=2,
                                 epochs=1.0, validation_fraction=0.0, cross_encoder_weight=0.5, device="cpu")
    model, tokenizer, metrics = fit_model(args, groups)
    assert metrics["steps"] == 2 and np.isfinite(metrics["loss_last_50"])
    model.save_pretrained(tmp_path / "out", safe_serialization=True)
    tokenizer.save_pretrained(tmp_path / "out")
    reranker = CrossEncoderReranker(str(tmp_path / "out"), device="cpu")
    scores = reranker.scores("split a list", [_entry("chunked", "Split."), _entry("flatten", "Join.")])
    assert scores.shape == (2,) and np.isfinite(scores).all()
    assert reranker.scores("anything", []).shape == (0,)


def test_a_reranker_that_is_not_one_score_or_not_there_is_refused(tiny_bert, tmp_path):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    two = AutoModelForSequenceClassification.from_pretrained(tiny_bert / "hf", num_labels=2)
    two.save_pretrained(tmp_path / "two", safe_serialization=True)
    AutoTokenizer.from_pretrained(tiny_bert / "hf").save_pretrained(tmp_path / "two")
    with pytest.raises(RerankerError, match="2 labels"):
        CrossEncoderReranker(str(tmp_path / "two"))
    with pytest.raises(RerankerError, match="cannot load"):
        CrossEncoderReranker(str(tmp_path / "missing"))

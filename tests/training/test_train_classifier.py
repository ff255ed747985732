"""The intent-snippet classifier: split by intent, a short training run that learns a clear signal,
and the scorer the generators can rerank with."""

import random

import pytest
from train_fixtures import write_jsonl

from apiary_training.train.classifier import (
    ClassifierArguments,
    IntentSnippetScorer,
    arguments,
    load_pairs,
    split_by_intent,
    train,
)
from apiary_training.train.common import DataError

SNIPPETS = {
    "read": "with open(path) as f:\n    text = f.read()",
    "sort": "items = sorted(items, key=len)",
    "sleep": "time.sleep(seconds)",
    "hash": "digest = hashlib.sha256(data).hexdigest()",
}


def _records(n: int, seed: int = 0) -> list[dict]:
    """Matched pairs positive, random re-pairings negative (the intent-snippet classification paper's construction)."""
    rng = random.Random(seed)
    records = []
    for i in range(n):
        verb = rng.choice(sorted(SNIPPETS))
        intent = f"{verb} the things of case {i}"
        records.append({"intent": intent, "snippet": SNIPPETS[verb], "label": 1})
        other = rng.choice([v for v in SNIPPETS if v != verb])
        records.append({"intent": intent, "snippet": SNIPPETS[other], "label": 0})
    return records


def test_split_keeps_each_intent_on_one_side():
    train_part, test_part = split_by_intent(_records(50), 0.2, seed=0)
    assert test_part and not {r["intent"] for r in train_part} & {r["intent"] for r in test_part}


def test_labels_must_be_binary(tmp_path):
    path = write_jsonl(tmp_path / "pairs.jsonl", [{"intent": "a b c", "snippet": "x = 1", "label": 2}])
    with pytest.raises(DataError, match="label must be 0 or 1"):
        load_pairs(ClassifierArguments(pairs=str(path)))


def test_classifier_trains_saves_and_scores_pairs(tmp_path, tiny_bert, one_torch_thread):
    path = write_jsonl(tmp_path / "pairs.jsonl", _records(60))
    out = tmp_path / "classifier"
    metrics = train(
        *arguments(
            [
                "--pairs",
                str(path),
                "--output_dir",
                str(out),
                "--base_model",
                str(tiny_bert / "hf"),
                "--test_fraction",
                "0.2",
                "--per_device_train_batch_size",
                "8",
                "--learning_rate",
                "5e-4",
                "--num_train_epochs",
                "2",
                "--max_length",
                "48",
                "--logging_steps",
                "5",
            ]
        )
    )
    test = metrics["test"]
    assert test["examples"] == 24 and test["positive_rate"] == 0.5  # 12 held-out intents, one pair each way
    assert (out / "model.safetensors").is_file()
    scorer = IntentSnippetScorer(out, max_length=48)
    _, held_out = split_by_intent(_records(60), 0.2, seed=42)
    scores = scorer.score_many([(r["intent"], r["snippet"]) for r in held_out])
    assert all(0.0 <= s <= 1.0 for s in scores)  # probabilities, usable as a reranker's score
    correct = sum((s >= 0.5) == bool(r["label"]) for s, r in zip(scores, held_out, strict=True))
    assert correct / len(held_out) == pytest.approx(test["accuracy"])  # the saved model is the evaluated one
    assert scorer(held_out[0]["intent"], held_out[0]["snippet"]) == pytest.approx(scores[0], abs=1e-5)
    assert scorer.score_many([]) == []
    # the server ranks with the same directory through transformers alone (the `reranker` setting)
    from apiary.generation.rank import classifier_intent_scorer

    server_scores = classifier_intent_scorer(str(out), device="cpu", max_length=48)(
        held_out[0]["intent"], [r["snippet"] for r in held_out[:4]])
    expected = scorer.score_many([(held_out[0]["intent"], r["snippet"]) for r in held_out[:4]])
    assert server_scores == pytest.approx(expected, abs=1e-4)


def test_a_missing_reranker_is_reported_and_the_encoder_ranks(tmp_path):
    from apiary.engine import ModelOptions, build_engine
    from apiary.retrieval.encoder import HashingEncoder

    engine = build_engine(HashingEncoder(), lambda: [], ModelOptions(reranker=str(tmp_path / "nowhere")))
    assert any("cannot load the reranker" in p for p in engine.problems)
    assert engine.pipeline.intent_scorer is not None

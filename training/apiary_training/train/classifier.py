"""The intent-snippet classifier (the intent-snippet classification paper (CoNaLa/StaQC) §4.1.4): does this snippet
do what this intent says? A
cross-encoder on MiniLM (sentence-transformers ``CrossEncoder``, one logit, binary cross-entropy).
Usable as the generators' reranker through :class:`IntentSnippetScorer` (``(intent, snippet) ->
probability``).

    apiary-train train classifier --pairs intent_snippet.jsonl --output-dir runs/classifier
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from pathlib import Path

from apiary_training.eval.classification import classification_metrics
from apiary_training.train.common import (
    DataError,
    TimeLimitCallback,
    logged_losses,
    offline,
    precision_on_this_machine,
    read_jsonl,
    trainer_parser,
    write_json,
)

log = logging.getLogger(__name__)
PAIR_KEYS = ("intent", "snippet", "label")


@dataclass
class ClassifierArguments:
    pairs: str = field(metadata={"help": "JSON Lines of {intent, snippet, label: 0|1}"})
    test_pairs: str | None = field(
        default=None, metadata={"help": "test set (default: split off --test-fraction by intent)"}
    )
    test_fraction: float = field(default=0.1)
    base_model: str | None = field(default=None, metadata={"help": "BERT encoder directory (default: bundled MiniLM)"})
    max_length: int = field(default=256)
    max_minutes: float | None = field(default=None)

    def __post_init__(self):
        if not 0 <= self.test_fraction < 1:
            raise ValueError("--test_fraction must be in [0, 1)")


def parser():
    from sentence_transformers.cross_encoder import CrossEncoderTrainingArguments

    return trainer_parser(ClassifierArguments, CrossEncoderTrainingArguments, warmup=0.1, learning_rate=2e-5,
                          num_train_epochs=1.0, per_device_train_batch_size=16, save_strategy="no", logging_steps=50)


def arguments(argv: list[str] | None = None):
    """``(ClassifierArguments, CrossEncoderTrainingArguments)`` from the command line."""
    return tuple(parser().parse_args_into_dataclasses(args=argv))


def split_by_intent(records: list[dict], fraction: float, seed: int) -> tuple[list[dict], list[dict]]:
    """No test intent is seen in training (its positive snippet would leak otherwise)."""
    intents = sorted({r["intent"] for r in records})
    random.Random(seed).shuffle(intents)
    held = set(intents[: int(len(intents) * fraction)])
    return [r for r in records if r["intent"] not in held], [r for r in records if r["intent"] in held]


def load_pairs(args: ClassifierArguments, seed: int = 42) -> tuple[list[dict], list[dict]]:
    records = read_jsonl(args.pairs, PAIR_KEYS)
    for number, record in enumerate(records, 1):
        if record["label"] not in (0, 1):
            raise DataError(f"{args.pairs}: record {number}: label must be 0 or 1, not {record['label']!r}")
    if args.test_pairs:
        return records, read_jsonl(args.test_pairs, PAIR_KEYS)
    train, test = split_by_intent(records, args.test_fraction, seed)
    if not train:
        raise DataError(f"{args.pairs}: no training pairs")
    return train, test


class IntentSnippetScorer:
    """A trained classifier from its directory: ``scorer(intent, snippet)`` is the probability that
    the snippet does what the intent says; ``score_many`` batches."""

    def __init__(self, model_dir: str | Path, device: str = "cpu", max_length: int = 256):
        from sentence_transformers import CrossEncoder

        offline()
        self.model = CrossEncoder(str(model_dir), device=device, local_files_only=True, max_length=max_length)

    def __call__(self, intent: str, snippet: str) -> float:
        return self.score_many([(intent, snippet)])[0]

    def score_many(self, pairs: list[tuple[str, str]]) -> list[float]:
        if not pairs:
            return []
        return [float(s) for s in self.model.predict(pairs, show_progress_bar=False)]  # sigmoid for 1 label


def evaluate(scorer: IntentSnippetScorer, test: list[dict]) -> dict:
    if not test:
        return {}
    scores = scorer.score_many([(r["intent"], r["snippet"]) for r in test])
    return classification_metrics([int(r["label"]) for r in test], scores)


def train(args: ClassifierArguments, training_args) -> dict:
    offline()
    from datasets import Dataset
    from sentence_transformers.cross_encoder import CrossEncoder, CrossEncoderTrainer
    from sentence_transformers.cross_encoder.losses import BinaryCrossEntropyLoss

    from apiary.retrieval.encoder import default_encoder_dir

    precision_on_this_machine(training_args)
    train_pairs, test = load_pairs(args, training_args.seed)
    base = args.base_model or str(default_encoder_dir())
    model = CrossEncoder(base, num_labels=1, max_length=args.max_length, local_files_only=True)
    dataset = Dataset.from_dict({
        "intent": [r["intent"] for r in train_pairs],
        "snippet": [r["snippet"] for r in train_pairs],
        "label": [float(r["label"]) for r in train_pairs],
    })
    output = Path(training_args.output_dir)
    limit = TimeLimitCallback(args.max_minutes)
    trainer = CrossEncoderTrainer(model=model, args=training_args, train_dataset=dataset,
                                  loss=BinaryCrossEntropyLoss(model), callbacks=[limit])
    result = trainer.train()
    model.save(str(output))  # safetensors
    metrics = {
        "base_model": base, "train_pairs": len(train_pairs), "steps": result.global_step,
        "train_loss": result.training_loss,
        **logged_losses(trainer),
        "train_seconds": result.metrics.get("train_runtime"), "stopped_by_time_limit": limit.stopped_early,
        "test": evaluate(IntentSnippetScorer(output, max_length=args.max_length), test),
    }
    write_json(output / "classifier_metrics.json", metrics)
    return metrics


def main(argv: list[str] | None = None) -> dict:
    return train(*arguments(argv))

"""Fine-tune the dual-encoder API retriever from all-MiniLM-L6-v2 on (description, API info) pairs.

As ``sentence-transformers``' ``training_nli_v2.py``: MultipleNegativesRankingLoss (every other
positive in the batch is a negative, beside each pair's sampled negatives from the same library,
as APIRetriever's 1:8), ``NO_DUPLICATES`` batches (so an in-batch "negative" is never the positive
itself), and an evaluation before and after; the trainer gets an ``InformationRetrievalEvaluator``
over the held-out pairs, so ``--eval_strategy steps`` reports MRR and recall while it trains. Every
``SentenceTransformerTrainingArguments`` flag works. The output directory is what
``apiary.retrieval.encoder.load_encoder(path)`` (``--encoder`` / the ``encoder`` setting) loads.

    apiary-train train retriever --pairs pairs.jsonl --output_dir runs/retriever --max_minutes 20
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from pathlib import Path

from apiary_training.eval.retrieval import evaluate_pairs
from apiary_training.train.common import (
    DataError,
    TimeLimitCallback,
    offline,
    precision_on_this_machine,
    read_jsonl,
    trainer_parser,
    write_json,
)

log = logging.getLogger(__name__)
PAIR_KEYS = ("query", "positive")


@dataclass
class RetrieverArguments:
    """The retriever's own flags; the training ones (``--output_dir``, ``--learning_rate``,
    ``--num_train_epochs``, ``--per_device_train_batch_size``, ...) are the Trainer's."""

    pairs: str = field(metadata={"help": "JSON Lines of {query, positive, negatives, library}"})
    base_model: str | None = field(
        default=None, metadata={"help": "encoder directory (default: bundled all-MiniLM-L6-v2)"}
    )
    eval_pairs: str | None = field(
        default=None, metadata={"help": "held-out pairs (default: split off --eval_fraction)"}
    )
    eval_fraction: float = field(
        default=0.05, metadata={"help": "share of --pairs held out when --eval_pairs is not given"}
    )
    max_eval_pairs: int = field(default=2000, metadata={"help": "evaluate on at most this many held-out pairs"})
    num_negatives: int = field(default=1, metadata={
        "help": "sampled negatives per pair beside in-batch ones (When Language Model Meets Private Library "
                "§5.1: 8)"})
    max_minutes: float | None = field(default=None, metadata={"help": "stop after this much wall-clock time"})
    max_seq_length: int = field(default=128)

    def __post_init__(self):
        if not 0 <= self.eval_fraction < 1:
            raise ValueError("--eval_fraction must be in [0, 1)")
        if self.num_negatives < 0:
            raise ValueError("--num_negatives must be >= 0")


def parser():
    from sentence_transformers import SentenceTransformerTrainingArguments

    return trainer_parser(RetrieverArguments, SentenceTransformerTrainingArguments, warmup=0.1,
                          num_train_epochs=1.0, per_device_train_batch_size=32, learning_rate=2e-5,
                          batch_sampler="no_duplicates", save_strategy="no", logging_steps=20,
                          dataloader_drop_last=True)


def arguments(argv: list[str] | None = None):
    """``(RetrieverArguments, SentenceTransformerTrainingArguments)`` from the command line."""
    args, training_args = parser().parse_args_into_dataclasses(args=argv)
    if training_args.per_device_train_batch_size < 2:
        raise ValueError("--per_device_train_batch_size must be >= 2 (in-batch negatives)")
    return args, training_args


def load_pairs(args: RetrieverArguments, seed: int = 42) -> tuple[list[dict], list[dict]]:
    """Training and held-out pairs; the held-out queries never occur in training."""
    train = read_jsonl(args.pairs, PAIR_KEYS)
    if args.eval_pairs:
        held_out = read_jsonl(args.eval_pairs, PAIR_KEYS)
    else:
        queries = sorted({r["query"] for r in train})
        random.Random(seed).shuffle(queries)
        held = set(queries[: int(len(queries) * args.eval_fraction)])
        held_out = [r for r in train if r["query"] in held]
        train = [r for r in train if r["query"] not in held]
    if not train:
        raise DataError(f"{args.pairs}: no training pairs")
    return train, held_out[: args.max_eval_pairs]


def to_dataset(records: list[dict], num_negatives: int, seed: int):
    """Columns anchor, positive, negative_1..n; a pair short of sampled negatives borrows from the
    pool of its library's positives (never its own)."""
    from datasets import Dataset

    rng = random.Random(seed)
    pools: dict[str, list[str]] = {}
    for record in records:
        pools.setdefault(record.get("library", ""), []).append(record["positive"])
    columns: dict[str, list[str]] = {"anchor": [], "positive": []}
    columns |= {f"negative_{i + 1}": [] for i in range(num_negatives)}
    for record in records:
        negatives = [n for n in record.get("negatives", ()) if n != record["positive"]][:num_negatives]
        pool = pools[record.get("library", "")]
        for _ in range(8 * num_negatives):  # bounded: a tiny pool may not have enough
            if len(negatives) >= num_negatives:
                break
            candidate = rng.choice(pool)
            if candidate != record["positive"] and candidate not in negatives:
                negatives.append(candidate)
        if len(negatives) < num_negatives:
            continue
        columns["anchor"].append(record["query"])
        columns["positive"].append(record["positive"])
        for i, negative in enumerate(negatives):
            columns[f"negative_{i + 1}"].append(negative)
    return Dataset.from_dict(columns)


def evaluate(model, held_out: list[dict]) -> dict[str, float]:
    if not held_out:
        return {}

    def encode(texts):
        return model.encode(list(texts), batch_size=64, normalize_embeddings=True, show_progress_bar=False)

    return evaluate_pairs(encode, held_out)


def ir_evaluator(held_out: list[dict]):
    """sentence-transformers' evaluator over the held-out pairs: each query's positive among all of
    their positives."""
    try:  # sentence-transformers >= 6 moved it
        from sentence_transformers.sentence_transformer.evaluation import InformationRetrievalEvaluator
    except ImportError:
        from sentence_transformers.evaluation import InformationRetrievalEvaluator

    corpus = {f"d{i}": text for i, text in enumerate(dict.fromkeys(r["positive"] for r in held_out))}
    ids = {text: key for key, text in corpus.items()}
    queries = {f"q{i}": r["query"] for i, r in enumerate(held_out)}
    relevant = {f"q{i}": {ids[r["positive"]]} for i, r in enumerate(held_out)}
    return InformationRetrievalEvaluator(queries, corpus, relevant, name="held-out", show_progress_bar=False)


def train(args: RetrieverArguments, training_args) -> dict:
    """Fine-tune, save to ``training_args.output_dir``, and return the metrics before and after."""
    offline()
    from sentence_transformers import SentenceTransformer, SentenceTransformerTrainer
    try:  # sentence-transformers >= 6 moved it; older versions have only the old path
        from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss
    except ImportError:
        from sentence_transformers.losses import MultipleNegativesRankingLoss

    from apiary.retrieval.encoder import default_encoder_dir

    precision_on_this_machine(training_args)
    train_pairs, held_out = load_pairs(args, training_args.seed)
    base = args.base_model or str(default_encoder_dir())
    model = SentenceTransformer(base, device=None, local_files_only=True)
    model.max_seq_length = args.max_seq_length
    dataset = to_dataset(train_pairs, args.num_negatives, training_args.seed)
    before = evaluate(model, held_out)
    log.info("before: %s", before)
    output = Path(training_args.output_dir)
    limit = TimeLimitCallback(args.max_minutes)
    trainer = SentenceTransformerTrainer(
        model=model,
        args=training_args,
        train_dataset=dataset,
        loss=MultipleNegativesRankingLoss(model),
        evaluator=ir_evaluator(held_out) if held_out else None,
        callbacks=[limit],
    )
    result = trainer.train()
    model.save(str(output))  # safetensors
    after = evaluate(model, held_out)
    log.info("after: %s", after)
    evaluator = {k: v for k, v in trainer.evaluate().items() if "mrr" in k or "recall" in k} if held_out else {}
    metrics = {
        "base_model": base,
        "train_pairs": len(dataset),
        "held_out_pairs": len(held_out),
        "steps": result.global_step,
        "train_loss": result.training_loss,
        "train_seconds": result.metrics.get("train_runtime"),
        "stopped_by_time_limit": limit.stopped_early,
        "before": before,
        "after": after,
        "ir_evaluator": evaluator,
    }
    write_json(output / "retriever_metrics.json", metrics)
    return metrics


def main(argv: list[str] | None = None) -> dict:
    return train(*arguments(argv))

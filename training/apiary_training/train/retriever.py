"""Fine-tune the dual-encoder API retriever from all-MiniLM-L6-v2 on (description, API info) pairs.

As ``sentence-transformers``' ``training_nli_v2.py``: MultipleNegativesRankingLoss (every other
positive in the batch is a negative, beside each pair's sampled negatives from the same library,
as APIRetriever's 1:8), ``NO_DUPLICATES`` batches (so an in-batch "negative" is never the positive
itself), and an evaluation before and after. The output directory is what
``apiary.retrieval.encoder.load_encoder(path)`` (``--encoder`` / the ``encoder`` setting) loads.

    apiary-train train retriever --pairs pairs.jsonl --output-dir runs/retriever --max-minutes 20
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
    precision_flags,
    read_jsonl,
    training_arguments,
    write_json,
)

log = logging.getLogger(__name__)
PAIR_KEYS = ("query", "positive")


@dataclass
class RetrieverArguments:
    pairs: str = field(metadata={"help": "JSON Lines of {query, positive, negatives, library}"})
    output_dir: str = field(metadata={"help": "where the fine-tuned encoder is saved"})
    base_model: str | None = field(default=None, metadata={"help": "encoder directory (default: bundled all-MiniLM-L6-v2)"})
    eval_pairs: str | None = field(default=None, metadata={"help": "held-out pairs (default: split off --eval-fraction)"})
    eval_fraction: float = field(default=0.05, metadata={"help": "share of --pairs held out when --eval-pairs is not given"})
    max_eval_pairs: int = field(default=2000, metadata={"help": "evaluate on at most this many held-out pairs"})
    num_negatives: int = field(default=1, metadata={"help": "sampled negatives per pair beside in-batch ones (paper: 8)"})
    batch_size: int = field(default=32, metadata={"help": "pairs per batch (more in-batch negatives when larger)"})
    learning_rate: float = field(default=2e-5)
    epochs: float = field(default=1.0)
    max_steps: int = field(default=-1, metadata={"help": "stop after this many steps (-1: epochs decide)"})
    max_minutes: float | None = field(default=None, metadata={"help": "stop after this much wall-clock time"})
    max_seq_length: int = field(default=128)
    mixed_precision: str = field(default="auto", metadata={"help": "auto|bf16|fp16|no (GPU only)"})
    seed: int = field(default=42)

    def __post_init__(self):
        if not 0 <= self.eval_fraction < 1:
            raise ValueError("--eval-fraction must be in [0, 1)")
        if self.num_negatives < 0 or self.batch_size < 2:
            raise ValueError("--num-negatives must be >= 0 and --batch-size >= 2 (in-batch negatives)")


def load_pairs(args: RetrieverArguments) -> tuple[list[dict], list[dict]]:
    """Training and held-out pairs; the held-out queries never occur in training."""
    train = read_jsonl(args.pairs, PAIR_KEYS)
    if args.eval_pairs:
        held_out = read_jsonl(args.eval_pairs, PAIR_KEYS)
    else:
        queries = sorted({r["query"] for r in train})
        random.Random(args.seed).shuffle(queries)
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


def train(args: RetrieverArguments) -> dict:
    """Fine-tune, save to ``args.output_dir``, and return the metrics before and after."""
    offline()
    from sentence_transformers import (
        SentenceTransformer,
        SentenceTransformerTrainer,
        SentenceTransformerTrainingArguments,
    )
    try:  # sentence-transformers >= 6 moved them; older versions have only the old paths
        from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss
        from sentence_transformers.sentence_transformer.training_args import BatchSamplers
    except ImportError:
        from sentence_transformers.losses import MultipleNegativesRankingLoss
        from sentence_transformers.training_args import BatchSamplers

    from apiary.retrieval.encoder import default_encoder_dir

    train_pairs, held_out = load_pairs(args)
    base = args.base_model or str(default_encoder_dir())
    model = SentenceTransformer(base, device=None, local_files_only=True)
    model.max_seq_length = args.max_seq_length
    dataset = to_dataset(train_pairs, args.num_negatives, args.seed)
    before = evaluate(model, held_out)
    log.info("before: %s", before)
    output = Path(args.output_dir)
    limit = TimeLimitCallback(args.max_minutes)
    training_args = training_arguments(
        SentenceTransformerTrainingArguments,
        output_dir=str(output / "checkpoints"),
        num_train_epochs=args.epochs,
        max_steps=args.max_steps,
        per_device_train_batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        warmup_ratio=0.1,
        batch_sampler=BatchSamplers.NO_DUPLICATES,
        save_strategy="no",
        logging_steps=20,
        report_to="none",
        seed=args.seed,
        dataloader_drop_last=True,
        **precision_flags(args.mixed_precision),
    )
    trainer = SentenceTransformerTrainer(
        model=model,
        args=training_args,
        train_dataset=dataset,
        loss=MultipleNegativesRankingLoss(model),
        callbacks=[limit],
    )
    result = trainer.train()
    model.save(str(output))  # safetensors
    after = evaluate(model, held_out)
    log.info("after: %s", after)
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
    }
    write_json(output / "retriever_metrics.json", metrics)
    return metrics


def main(argv: list[str] | None = None) -> dict:
    from transformers import HfArgumentParser

    (args,) = HfArgumentParser(RetrieverArguments).parse_args_into_dataclasses(args=argv)
    return train(args)

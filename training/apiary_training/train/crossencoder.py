"""Train the API reranker: a MiniLM cross-encoder that reads a comment (with its code around it) and
one API's text, and scores how well the API answers it.

    apiary-train train crossencoder --output_dir runs/api-reranker --weights server/apiary/weights.json

Trained on the dev libraries' mined problems: each group is a gold API and the first stage's best
wrong candidates for the same comment, with a softmax (listwise) loss, so the model learns exactly
the choice it makes at run time. A share of the dev libraries (``--validation_fraction``) is held
out to choose how much the reranker's logit counts beside the fused score (``cross_encoder`` in
the weights tree) and to measure what it adds; with 0, every dev library trains and
``--cross_encoder_weight`` gives the weight.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from apiary.retrieval.encoder import load_encoder
from apiary.retrieval.hybrid import HybridRetriever
from apiary.retrieval.rerank import MAX_LENGTH, CrossEncoderReranker
from apiary.retrieval.store import IndexStore
from apiary.weights import load_weights, write_weights
from apiary_training.suite.problems import SuiteCache
from apiary_training.train.common import TimeLimit, offline, write_json
from apiary_training.train.ranking_data import dev_libraries
from apiary_training.train.rerank_data import RerankCase, library_cases, training_groups

log = logging.getLogger(__name__)
WEIGHT_GRID = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)


@dataclass
class CrossEncoderArguments:
    output_dir: str = field(metadata={"help": "where the reranker is saved (safetensors) with its metrics"})
    weights: str | None = field(default=None, metadata={"help": "the first stage's weights file (default: shipped)"})
    weights_out: str | None = field(
        default=None, metadata={"help": "write the weights with the chosen cross_encoder weight here"}
    )
    suite: str = field(default="benchmarks/unseen/suite.json")
    cache: str = field(default="benchmarks/.cache/unseen")
    encoder: str | None = field(default=None, metadata={"help": "the first stage's encoder (default: bundled MiniLM)"})
    base_model: str | None = field(
        default=None, metadata={"help": "BERT encoder to start from (default: bundled MiniLM)"}
    )
    candidates: int = field(default=30, metadata={"help": "first-stage APIs per problem, as rerank_top at run time"})
    negatives: int = field(default=15, metadata={"help": "wrong candidates beside each gold API per group"})
    groups_per_batch: int = field(default=2)
    learning_rate: float = field(default=3e-5)
    epochs: float = field(default=1.0)
    max_minutes: float | None = field(default=None, metadata={"help": "stop (and save) after this many minutes"})
    validation_fraction: float = field(
        default=0.2, metadata={"help": "share of dev libraries held out to choose the weight"}
    )
    cross_encoder_weight: float | None = field(default=None, metadata={"help": "the weight when nothing is held out"})
    device: str = field(default="auto")
    seed: int = field(default=0)

    def __post_init__(self):
        if not 0 <= self.validation_fraction < 1:
            raise ValueError("--validation_fraction must be in [0, 1)")
        if self.validation_fraction == 0 and self.cross_encoder_weight is None:
            raise ValueError("with nothing held out, give --cross_encoder_weight")


def collect(args: CrossEncoderArguments) -> tuple[list[RerankCase], list[RerankCase]]:
    """Training and validation cases, the validation libraries drawn whole by the seed."""
    encoder = load_encoder(args.encoder)
    cache = SuiteCache(Path(args.cache))
    weights = (load_weights(Path(args.weights)) if args.weights else load_weights()).retrieval
    cases: list[RerankCase] = []
    for name, index, problem_sets in dev_libraries(
        Path(args.suite), cache, IndexStore(cache.root / "indexes", encoder)
    ):
        retriever = HybridRetriever(encoder, [index], weights)
        cases += [
            c
            for problems in problem_sets.values()
            for c in library_cases(name, index, problems, retriever, args.candidates)
        ]
    groups = sorted({c.group for c in cases})
    held = set(random.Random(args.seed).sample(groups, round(len(groups) * args.validation_fraction)))
    return [c for c in cases if c.group not in held], [c for c in cases if c.group in held]


def fit_model(args: CrossEncoderArguments, groups: list[tuple[str, list[str]]]) -> tuple[object, object, dict]:
    import torch
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        get_linear_schedule_with_warmup,
    )

    from apiary.retrieval.encoder import default_encoder_dir

    torch.manual_seed(args.seed)
    base = args.base_model or str(default_encoder_dir())
    tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(base, num_labels=1, local_files_only=True)
    device = "cuda" if args.device in ("auto", "cuda") and torch.cuda.is_available() else "cpu"
    model.to(device).train()
    steps = max(1, int(len(groups) * args.epochs / args.groups_per_batch))
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.learning_rate, weight_decay=0.01)
    schedule = get_linear_schedule_with_warmup(optimizer, int(0.1 * steps), steps)
    limit, losses = TimeLimit(args.max_minutes), []
    for step in range(steps):
        batch = [groups[(step * args.groups_per_batch + i) % len(groups)] for i in range(args.groups_per_batch)]
        loss = _group_loss(model, tokenizer, batch, device)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step(), schedule.step(), optimizer.zero_grad()
        losses.append(loss.item())
        if step % 50 == 0:
            log.info("step %d/%d loss %.4f", step, steps, np.mean(losses[-50:]))
        if limit.reached():
            log.info("time limit reached after %d steps", step + 1)
            break
    return (
        model.eval(),
        tokenizer,
        {
            "steps": len(losses),
            "planned_steps": steps,
            "groups": len(groups),
            "loss_first_50": float(np.mean(losses[:50])),
            "loss_last_50": float(np.mean(losses[-50:])),
            "stopped_by_time_limit": limit.stopped,
        },
    )


def _group_loss(model, tokenizer, batch: list[tuple[str, list[str]]], device: str):
    """Softmax cross-entropy of each group's logits, the gold API first."""
    import torch

    queries = [q for q, texts in batch for _ in texts]
    texts = [t for _, group in batch for t in group]
    encoded = tokenizer(queries, texts, padding=True, truncation=True, max_length=MAX_LENGTH, return_tensors="pt").to(
        device
    )
    logits = model(**encoded).logits[:, 0]
    losses, start = [], 0
    for _, group in batch:
        scores = logits[start : start + len(group)]
        losses.append(
            torch.nn.functional.cross_entropy(scores[None, :], torch.zeros(1, dtype=torch.long, device=device))
        )
        start += len(group)
    return torch.stack(losses).mean()


def rerank_metrics(cases: list[RerankCase], logits: list[np.ndarray], weight: float) -> dict[str, float]:
    """R@1, R@5 and MRR over the cases when the score is the fused score plus ``weight`` times the
    logit (gold the first stage missed count as not found)."""
    recall1, recall5, mrr = [], [], []
    for case, logit in zip(cases, logits, strict=True):
        total = sum(case.gold) + len(case.missed)
        order = np.argsort(-(np.asarray(case.first_stage) + weight * logit), kind="stable")
        hits = np.asarray(case.gold)[order]
        recall1.append(hits[:1].sum() / total)
        recall5.append(hits[:5].sum() / total)
        mrr.append(1.0 / (1 + int(np.argmax(hits))) if hits.any() else 0.0)
    return {
        "R@1": round(float(np.mean(recall1)), 4),
        "R@5": round(float(np.mean(recall5)), 4),
        "MRR": round(float(np.mean(mrr)), 4),
    }


def train(args: CrossEncoderArguments) -> dict:
    offline()
    started = time.perf_counter()
    training, validation = collect(args)
    model, tokenizer, fitting = fit_model(args, training_groups(training, args.negatives, args.seed))
    output = Path(args.output_dir)
    model.save_pretrained(str(output), safe_serialization=True)
    tokenizer.save_pretrained(str(output))
    metrics = {"training_problems": len(training), "validation_problems": len(validation), **fitting}
    weight = args.cross_encoder_weight
    if validation:
        reranker = CrossEncoderReranker(str(output), device=args.device)
        logits = [reranker.scores(c.query, c.candidates) for c in validation]
        by_weight = {w: rerank_metrics(validation, logits, w) for w in WEIGHT_GRID}
        weight = max(by_weight, key=lambda w: (by_weight[w]["MRR"], -w))
        metrics["validation"] = {"first_stage": by_weight[0.0], "reranked": by_weight[weight],
                                 "by_weight": {str(w): m for w, m in by_weight.items()},
                                 "libraries": sorted({c.group for c in validation})}
    metrics |= {"cross_encoder_weight": weight, "seconds": round(time.perf_counter() - started, 1)}
    write_json(output / "reranker_metrics.json", metrics)
    if args.weights_out:
        base = load_weights(Path(args.weights)) if args.weights else load_weights()
        fitted = {**base.fitted, "cross_encoder": f"{args.output_dir}, weight chosen on held-out dev libraries"}
        tree = replace(
            base,
            retrieval=replace(base.retrieval, cross_encoder=float(weight), rerank_top=args.candidates),
            fitted=fitted,
        )
        write_weights(tree, Path(args.weights_out))
    return metrics


def main(argv: list[str] | None = None) -> dict:
    from transformers import HfArgumentParser

    (args,) = HfArgumentParser(CrossEncoderArguments).parse_args_into_dataclasses(args=argv)
    return train(args)

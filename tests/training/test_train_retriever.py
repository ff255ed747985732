"""Retriever fine-tuning: pairs to a dataset with sampled negatives, a short run that improves the
held-out ranking, and an output directory Apiary's retriever loads as its encoder."""

import random

import numpy as np
import pytest
from train_fixtures import write_jsonl

from apiary.retrieval.encoder import load_encoder
from apiary_training.train.common import DataError
from apiary_training.train.retriever import RetrieverArguments, arguments, load_pairs, to_dataset, train

TOPICS = {
    "sort": "sorted(iterable, key): Return a new sorted list.",
    "open": "open(file, mode): Open a file and return a stream.",
    "sleep": "sleep(seconds): Delay execution for a number of seconds.",
    "hash": "sha256(data): Return a SHA-256 hash object.",
    "join": "join(path, paths): Join path components.",
    "zip": "zip(iterables): Iterate over several iterables in parallel.",
    "copy": "copyfile(src, dst): Copy data from src to dst.",
    "remove": "remove(path): Remove a file.",
    "parse": "parse_args(args): Convert argument strings to objects.",
    "compress": "compress(data): Compress data with gzip.",
    "encode": "b64encode(s): Encode bytes with Base64.",
    "round": "round(number, ndigits): Round a number to a given precision.",
}


def _pairs(n: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    records = []
    for i in range(n):
        topic = rng.choice(sorted(TOPICS))
        negatives = rng.sample([TOPICS[t] for t in sorted(TOPICS) if t != topic], 2)
        records.append({"query": f"please {topic} item number {i}", "positive": TOPICS[topic],
                        "negatives": negatives, "library": "builtins"})
    return records


def test_dataset_has_one_column_per_negative_and_never_the_positive():
    dataset = to_dataset(_pairs(30), num_negatives=3, seed=0)  # each record brings 2: one is sampled
    assert dataset.column_names == ["anchor", "positive", "negative_1", "negative_2", "negative_3"]
    for row in dataset:
        negatives = [row["negative_1"], row["negative_2"], row["negative_3"]]
        assert row["positive"] not in negatives and len(set(negatives)) == 3


def test_held_out_queries_are_not_trained_on(tmp_path):
    path = write_jsonl(tmp_path / "pairs.jsonl", _pairs(100))
    train_part, held = load_pairs(RetrieverArguments(pairs=str(path), eval_fraction=0.2))
    assert held and not {r["query"] for r in held} & {r["query"] for r in train_part}


def test_arguments_are_checked(tmp_path):
    with pytest.raises(ValueError, match="per_device_train_batch_size"):
        arguments(["--pairs", "p", "--output_dir", "o", "--per_device_train_batch_size", "1"])
    with pytest.raises(ValueError, match="num_negatives"):
        RetrieverArguments(pairs="p", num_negatives=-1)
    path = tmp_path / "pairs.jsonl"
    path.write_text('{"query": "q"}\n')
    with pytest.raises(DataError, match="pairs.jsonl:1: missing positive"):
        load_pairs(RetrieverArguments(pairs=str(path)))


def test_every_trainer_flag_reaches_the_trainer_with_the_retrievers_defaults():
    args, training = arguments(["--pairs", "p", "--output_dir", "o", "--lr_scheduler_type", "constant",
                                "--gradient_accumulation_steps", "4"])
    assert (args.pairs, training.output_dir) == ("p", "o")
    assert (training.lr_scheduler_type, training.gradient_accumulation_steps) == ("constant", 4)
    assert (training.per_device_train_batch_size, training.learning_rate, training.batch_sampler) == (
        32, 2e-5, "no_duplicates")
    with pytest.raises(ValueError, match="not_a_flag"):
        arguments(["--pairs", "p", "--output_dir", "o", "--not_a_flag", "1"])


def test_fine_tuning_improves_held_out_ranking_and_the_server_loads_it(tmp_path, tiny_bert, one_torch_thread):
    path = write_jsonl(tmp_path / "pairs.jsonl", _pairs(240))
    out = tmp_path / "encoder"
    metrics = train(*arguments([
        "--pairs", str(path), "--output_dir", str(out), "--base_model", str(tiny_bert), "--eval_fraction", "0.15",
        "--per_device_train_batch_size", "4", "--learning_rate", "2e-3", "--num_train_epochs", "3",
        "--num_negatives", "1", "--max_seq_length", "32", "--eval_strategy", "epoch",
    ]))
    assert metrics["steps"] > 50 and metrics["after"]["mrr"] > metrics["before"]["mrr"] + 0.2
    assert metrics["after"]["recall@1"] >= 0.9
    assert metrics["ir_evaluator"]["eval_held-out_cosine_mrr@10"] > 0.9  # sentence-transformers' own evaluator agrees
    assert (out / "model.safetensors").is_file()
    encoder = load_encoder(str(out), quantize=False)
    vectors = encoder.encode(["please sleep item number 7", TOPICS["sleep"], TOPICS["zip"]])
    assert vectors.shape == (3, 32)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)

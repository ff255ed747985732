"""Continual pre-training pieces: corpus reading, configs, the BPE tokenizer, blocks and weighted sampling."""

import json
from collections import Counter

import pytest

from apiary_training.train.clm import (
    BlockDataset,
    ClmArguments,
    model_from_scratch,
    read_corpus,
    resolve_config,
    to_blocks,
    train_tokenizer,
    weighted_trainer_class,
)
from apiary_training.train.common import DataError

CODE = ["def add(a, b):\n    return a + b\n", "import os\nprint(os.getcwd())\n", "class A:\n    pass\n"]


def _corpus(tmp_path, records):
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return str(path)


def test_read_corpus_keeps_weights_and_drops_empty_and_zero_weight(tmp_path):
    path = _corpus(tmp_path, [{"text": CODE[0], "weight": 2.5}, {"text": "  "}, {"text": CODE[1], "weight": 0},
                              {"text": CODE[2]}])
    assert [(d["text"], d["weight"]) for d in read_corpus(path, None)] == [(CODE[0], 2.5), (CODE[2], 1.0)]


@pytest.mark.parametrize(("line", "message"), [("not json", "corpus.jsonl:1: not JSON"),
                                               ('{"path": "a.py"}', "corpus.jsonl:1: missing text"),
                                               ('{"text": "x = 1", "weight": -1}', "weight must be")])
def test_bad_corpus_lines_are_reported(tmp_path, line, message):
    path = tmp_path / "corpus.jsonl"
    path.write_text(line + "\n")
    with pytest.raises(DataError, match=message):
        read_corpus(str(path), None)


def test_arguments_need_exactly_one_model_source(tmp_path):
    with pytest.raises(ValueError, match="exactly one"):
        ClmArguments(train_file="c.jsonl")
    with pytest.raises(ValueError, match="not a directory"):
        ClmArguments(train_file="c.jsonl", model_name_or_path=str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="neither a JSON file"):
        resolve_config("no-such-config")


def test_bundled_configs_build_the_sizes_they_promise():
    tokenizer = train_tokenizer(CODE * 20, 300)
    assert tokenizer.decode(tokenizer(CODE[0])["input_ids"]) == CODE[0]  # byte-level: exact round trip
    tiny = model_from_scratch("tiny", tokenizer)
    assert tiny.config.vocab_size == len(tokenizer) and tiny.config.eos_token_id == tokenizer.eos_token_id
    settings = resolve_config("small-30m")
    # ~30M parameters at the config's vocabulary: embeddings (tied) + 8 LLaMA layers
    h, inter, layers = settings["hidden_size"], settings["intermediate_size"], settings["num_hidden_layers"]
    approx = settings["vocab_size"] * h + layers * (4 * h * h + 3 * h * inter)
    assert 25e6 < approx < 40e6


def test_blocks_split_long_documents_and_keep_their_weight():
    tokenizer = train_tokenizer(CODE * 20, 300)
    documents = [{"text": CODE[0] * 30, "weight": 3.0}, {"text": CODE[1], "weight": 1.0}]
    blocks, weights = to_blocks(documents, tokenizer, block_size=16)
    assert all(1 < len(b) <= 16 for b in blocks)
    assert weights.count(1.0) == 1 and weights[0] == 3.0 and len(weights) == len(blocks) > 3
    assert blocks[-1][-1] == tokenizer.eos_token_id  # every document ends in EOS


def test_weighted_sampler_draws_blocks_in_proportion(tmp_path):
    from transformers import TrainingArguments

    tokenizer = train_tokenizer(CODE * 20, 300)
    model = model_from_scratch("tiny", tokenizer)
    dataset = BlockDataset([[1, 2]] * 3000, [1.0, 0.0, 9.0] * 1000)
    args = TrainingArguments(output_dir=str(tmp_path), report_to="none", use_cpu=True, seed=3)
    trainer = weighted_trainer_class()(model=model, args=args, train_dataset=dataset)
    draws = Counter(index % 3 for index in trainer._get_train_sampler(dataset))
    assert sum(draws.values()) == 3000 and draws[1] == 0  # with replacement, weight 0 never drawn
    assert 0.85 < draws[2] / (draws[0] + draws[2]) < 0.95

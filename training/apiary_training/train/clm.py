"""Continual pre-training of a Hugging Face causal LM on an Apiary corpus (the sketcher, the generator,
the CodeGenAPI model), or a small base trained from scratch: the shape of transformers' ``run_clm.py``.

The corpus is JSON Lines ``{"text", "path", "weight"}``; blocks are drawn with probability in
proportion to their file's ``weight`` (CodeGenAPI's resampling, When Language Model Meets Private Library Appendix
B). Checkpoints are
safetensors and resumable (``--resume_from_checkpoint``, or automatically from the last one in
``--output_dir``); gradient accumulation, a cosine schedule and bf16/fp16 (on a GPU only) are the
Trainer's. ``--from_scratch tiny|small-30m|CONFIG.json`` builds the model from a config and trains a
byte-level BPE tokenizer on the corpus, for places with no pretrained weights.

    apiary-train train clm --train_file corpus.jsonl --from_scratch tiny --output_dir runs/base --max_steps 200
    accelerate launch -m apiary_training.train.clm --train_file ... --model_name_or_path BASE --output_dir ...
"""

from __future__ import annotations

import json
import logging
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import torch

from apiary_training.train.common import (
    DataError,
    TimeLimitCallback,
    iter_jsonl,
    logged_losses,
    offline,
    precision_on_this_machine,
    trainer_parser,
    write_json,
)

log = logging.getLogger(__name__)
CONFIGS = Path(__file__).resolve().parent.parent / "configs"
EOS = "<|endoftext|>"


@dataclass
class ClmArguments:
    train_file: str = field(metadata={"help": "JSON Lines corpus of {text, path, weight}"})
    model_name_or_path: str | None = field(default=None, metadata={"help": "local model directory to continue from"})
    from_scratch: str | None = field(
        default=None,
        metadata={"help": f"config name ({', '.join(sorted(p.stem for p in CONFIGS.glob('*.json')))}) or JSON file"},
    )
    tokenizer_vocab_size: int | None = field(
        default=None, metadata={"help": "BPE vocabulary (default: the config's vocab_size)"}
    )
    block_size: int = field(default=256, metadata={"help": "tokens per training block"})
    validation_fraction: float = field(default=0.02)
    max_train_samples: int | None = field(default=None, metadata={"help": "use at most this many documents"})
    max_minutes: float | None = field(default=None, metadata={"help": "stop (and save) after this wall-clock time"})

    def __post_init__(self):
        if (self.model_name_or_path is None) == (self.from_scratch is None):
            raise ValueError("give exactly one of --model_name_or_path and --from_scratch")
        if self.model_name_or_path and not Path(self.model_name_or_path).is_dir():
            raise ValueError(f"--model_name_or_path {self.model_name_or_path}: not a directory (nothing is downloaded)")
        if self.block_size < 8 or not 0 <= self.validation_fraction < 1:
            raise ValueError("--block_size must be >= 8 and --validation_fraction in [0, 1)")


def read_corpus(path: str, limit: int | None) -> list[dict]:
    documents = []
    for record in iter_jsonl(path, ("text",)):
        weight = float(record.get("weight", 1.0))
        if not math.isfinite(weight) or weight < 0:
            raise DataError(f"{path}: weight must be a finite number >= 0, got {record.get('weight')!r}")
        if record["text"].strip() and weight > 0:
            documents.append({"text": record["text"], "weight": weight})
        if limit and len(documents) >= limit:
            break
    if not documents:
        raise DataError(f"{path}: no documents with text and a positive weight")
    return documents


def resolve_config(spec: str) -> dict:
    path = Path(spec)
    if not path.is_file():
        path = CONFIGS / f"{spec}.json"
    if not path.is_file():
        raise ValueError(
            f"--from_scratch {spec}: neither a JSON file nor one of {sorted(p.stem for p in CONFIGS.glob('*.json'))}"
        )
    return json.loads(path.read_text())


def train_tokenizer(texts: list[str], vocab_size: int):
    """Byte-level BPE (GPT-2 style) trained on the corpus: every byte encodable, decoding exact."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=[EOS], show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(texts, trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok, eos_token=EOS, bos_token=EOS, pad_token=EOS)


def model_from_scratch(spec: str, tokenizer):
    from transformers import AutoConfig, AutoModelForCausalLM

    settings = resolve_config(spec)
    model_type = settings.pop("model_type")
    settings |= {"vocab_size": len(tokenizer), "bos_token_id": tokenizer.bos_token_id,
                 "eos_token_id": tokenizer.eos_token_id, "pad_token_id": tokenizer.pad_token_id}
    return AutoModelForCausalLM.from_config(AutoConfig.for_model(model_type, **settings))


def to_blocks(documents: list[dict], tokenizer, block_size: int) -> tuple[list[list[int]], list[float]]:
    """Each document (ending in EOS) cut into blocks of at most ``block_size`` tokens; each block
    keeps its document's weight. Documents are not packed together, so weights stay per file."""
    eos = tokenizer.eos_token_id
    blocks, weights = [], []
    encoded = tokenizer([d["text"] for d in documents], add_special_tokens=False)["input_ids"]
    for ids, document in zip(encoded, documents, strict=True):
        ids = [*ids, eos]
        for start in range(0, len(ids), block_size):
            block = ids[start : start + block_size]
            if len(block) > 1:
                blocks.append(block)
                weights.append(document["weight"])
    return blocks, weights


class BlockDataset(torch.utils.data.Dataset):
    def __init__(self, blocks: list[list[int]], weights: list[float]):
        self.blocks, self.weights = blocks, weights

    def __len__(self) -> int:
        return len(self.blocks)

    def __getitem__(self, index: int) -> dict:
        ids = self.blocks[index]
        return {"input_ids": ids, "attention_mask": [1] * len(ids)}


def weighted_trainer_class():
    from transformers import Trainer

    class WeightedTrainer(Trainer):
        """Samples training blocks by weight, with replacement. The generator is seeded the same on
        every process, so under DDP accelerate shards one identical sequence of batches."""

        def _get_train_sampler(self, train_dataset=None):
            dataset = train_dataset if train_dataset is not None else self.train_dataset
            generator = torch.Generator().manual_seed(self.args.seed)
            return torch.utils.data.WeightedRandomSampler(dataset.weights, len(dataset), replacement=True,
                                                          generator=generator)

    return WeightedTrainer


def load_tokenizer_and_model(args: ClmArguments, training_args, documents: list[dict]):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if args.model_name_or_path:
        tokenizer = AutoTokenizer.from_pretrained(args.model_name_or_path)
        model = AutoModelForCausalLM.from_pretrained(args.model_name_or_path, use_safetensors=True)
    else:
        saved = Path(training_args.output_dir) / "tokenizer.json"
        if saved.is_file():  # resuming: the tokenizer the checkpoints were trained with
            tokenizer = AutoTokenizer.from_pretrained(training_args.output_dir)
        else:
            vocab = args.tokenizer_vocab_size or resolve_config(args.from_scratch).get("vocab_size", 8192)
            tokenizer = train_tokenizer([d["text"] for d in documents], vocab)
            tokenizer.save_pretrained(training_args.output_dir)
        model = model_from_scratch(args.from_scratch, tokenizer)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer, model


def train(args: ClmArguments, training_args) -> dict:
    from transformers import DataCollatorForLanguageModeling, set_seed
    from transformers.trainer_utils import get_last_checkpoint

    offline()
    set_seed(training_args.seed)
    precision_on_this_machine(training_args)
    os.makedirs(training_args.output_dir, exist_ok=True)
    with training_args.main_process_first(desc="corpus and tokenizer"):
        documents = read_corpus(args.train_file, args.max_train_samples)
        tokenizer, model = load_tokenizer_and_model(args, training_args, documents)
        blocks, weights = to_blocks(documents, tokenizer, args.block_size)
    cut = int(len(blocks) * args.validation_fraction)
    train_set, eval_set = BlockDataset(blocks[cut:], weights[cut:]), BlockDataset(blocks[:cut], weights[:cut])
    limit = TimeLimitCallback(args.max_minutes)
    trainer = weighted_trainer_class()(
        model=model, args=training_args, train_dataset=train_set, eval_dataset=eval_set or None,
        data_collator=DataCollatorForLanguageModeling(tokenizer, mlm=False), callbacks=[limit],
    )
    checkpoint = training_args.resume_from_checkpoint
    if checkpoint is None and os.path.isdir(training_args.output_dir):
        checkpoint = get_last_checkpoint(training_args.output_dir)
    result = trainer.train(resume_from_checkpoint=checkpoint)
    trainer.save_model()  # safetensors, with the tokenizer
    tokenizer.save_pretrained(training_args.output_dir)
    metrics = {"documents": len(documents), "train_blocks": len(train_set), "steps": result.global_step,
               "train_loss": result.training_loss, **logged_losses(trainer), "resumed_from": checkpoint,
               "parameters": model.num_parameters(), "stopped_by_time_limit": limit.stopped_early}
    if len(eval_set):
        eval_loss = trainer.evaluate()["eval_loss"]
        metrics |= {"eval_loss": eval_loss, "perplexity": math.exp(min(eval_loss, 50))}
    if trainer.is_world_process_zero():
        write_json(Path(training_args.output_dir) / "clm_metrics.json", metrics)
    return metrics


def parser():
    from transformers import TrainingArguments

    # run_clm's defaults, changed where the issue asks: cosine schedule, step checkpoints, no trackers.
    return trainer_parser(ClmArguments, TrainingArguments, warmup=0.05, lr_scheduler_type="cosine",
                          save_strategy="steps", save_steps=500, save_total_limit=2, logging_steps=10)


def main(argv: list[str] | None = None) -> dict:
    args, training_args = parser().parse_args_into_dataclasses(args=argv)
    return train(args, training_args)


if __name__ == "__main__":  # accelerate launch -m apiary_training.train.clm / torchrun -m ...
    logging.basicConfig(level=logging.INFO)
    main()

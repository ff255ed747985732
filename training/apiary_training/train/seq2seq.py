"""Description -> API sequence: an encoder-decoder warm-started from the MiniLM encoder (as Deep API Learning Revisited
warm-started from CodeBERT) with a small randomly initialised BERT decoder with cross-attention,
trained with the Hugging Face ``Seq2SeqTrainer`` and decoded with beam search.

API sequences are tokenized either as whole API names (``--target_vocabulary api``, the default:
each name seen at least ``--min_api_count`` times is one token, as Deep API's vocabulary of API
calls; a sequence is a handful of tokens, so a short CPU run learns the mapping rather than the
spelling) or by a byte-level BPE tokenizer trained on the sequences (``bpe``: any name, spelled
out). Decoding is exact either way: ``"os.path.join sys.path.insert"`` comes back as written. The
decoder starts from random weights, so it learns at ``--decoder_learning_rate_factor`` times the
encoder's rate.

Every ``Seq2SeqTrainingArguments`` flag works (``--learning_rate``, ``--num_train_epochs``, ...).

    apiary-train train seq2seq --pairs train.jsonl --test_pairs test.jsonl --output_dir runs/apiseq
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from pathlib import Path

import torch

from apiary.sequences.model import never_unknown
from apiary_training.eval.bleu import api_name_bleu4, bleu4
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
PAIR_KEYS = ("desc", "apiseq")
DECODER_TOKENIZER = "decoder_tokenizer"


@dataclass
class Seq2SeqArguments:
    pairs: str = field(metadata={"help": "JSON Lines of {desc, apiseq} (apiary-train corpus apiseq)"})
    test_pairs: str | None = field(default=None, metadata={"help": "test split (default: split off --test-fraction)"})
    test_fraction: float = field(default=0.05)
    max_test_pairs: int = field(default=1000, metadata={"help": "score BLEU-4 on at most this many test pairs"})
    encoder: str | None = field(default=None, metadata={"help": "BERT encoder directory (default: bundled MiniLM)"})
    decoder_layers: int = field(default=2)
    target_vocabulary: str = field(default="api", metadata={"help": "api (whole API names) or bpe"})
    min_api_count: int = field(default=2, metadata={"help": "api vocabulary: names seen fewer times are unknown"})
    decoder_vocab_size: int = field(default=4000, metadata={"help": "bpe vocabulary size"})
    decoder_learning_rate_factor: float = field(default=5.0, metadata={"help": "decoder rate / encoder rate"})
    max_source_length: int = field(default=48)
    max_target_length: int = field(default=48)
    max_minutes: float | None = field(default=None)
    num_beams: int = field(default=5)

    def __post_init__(self):
        if not 0 <= self.test_fraction < 1:
            raise ValueError("--test_fraction must be in [0, 1)")
        if self.decoder_layers < 1 or self.num_beams < 1:
            raise ValueError("--decoder_layers and --num_beams must be at least 1")
        if self.target_vocabulary not in ("api", "bpe"):
            raise ValueError("--target_vocabulary must be api or bpe")


def parser():
    from transformers import Seq2SeqTrainingArguments

    # Deep API Learning Revisited: AdamW at 1e-4; a cosine schedule after a short warm-up
    return trainer_parser(Seq2SeqArguments, Seq2SeqTrainingArguments, warmup=0.05, learning_rate=1e-4,
                          num_train_epochs=3.0, per_device_train_batch_size=32, adam_epsilon=1e-8,
                          lr_scheduler_type="cosine", save_strategy="no", logging_steps=50)


def arguments(argv: list[str] | None = None):
    """``(Seq2SeqArguments, Seq2SeqTrainingArguments)`` from the command line."""
    return tuple(parser().parse_args_into_dataclasses(args=argv))


def pair_key(record: dict) -> tuple[str, tuple[str, ...]]:
    return record["desc"], tuple(record["apiseq"])


def dedup_split(records: list[dict], test_fraction: float, seed: int) -> tuple[list[dict], list[dict]]:
    """Deep API Learning Revisited's lesson: de-duplicate, then split so that no test (desc, apiseq)
    is in training."""
    unique = list({pair_key(r): r for r in records if r["apiseq"]}.values())
    random.Random(seed).shuffle(unique)
    cut = int(len(unique) * test_fraction)
    return unique[cut:], unique[:cut]


def load_pairs(args: Seq2SeqArguments, seed: int = 42) -> tuple[list[dict], list[dict]]:
    records = read_jsonl(args.pairs, PAIR_KEYS)
    if args.test_pairs:
        test = list({pair_key(r): r for r in read_jsonl(args.test_pairs, PAIR_KEYS) if r["apiseq"]}.values())
        held = {pair_key(r) for r in test}
        train = list({pair_key(r): r for r in records if r["apiseq"] and pair_key(r) not in held}.values())
    else:
        train, test = dedup_split(records, args.test_fraction, seed)
    if not train:
        raise DataError(f"{args.pairs}: no training pairs with an API sequence")
    return train, test[: args.max_test_pairs]


SPECIALS = ["<pad>", "<s>", "</s>", "<unk>"]


def api_name_tokenizer(sequences: list[list[str]], min_count: int):
    """One token per API name seen at least ``min_count`` times; the rest are ``<unk>``."""
    from collections import Counter

    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    counts = Counter(api for sequence in sequences for api in sequence)
    names = sorted(name for name, count in counts.items() if count >= min_count)
    vocabulary = {token: i for i, token in enumerate([*SPECIALS, *names])}
    tok = Tokenizer(models.WordLevel(vocab=vocabulary, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", bos_token="<s>", eos_token="</s>",
                                   unk_token="<unk>")


def train_decoder_tokenizer(sequences: list[str], vocab_size: int):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIALS, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(sequences, trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", bos_token="<s>", eos_token="</s>",
                                   unk_token="<unk>")


def build_model(encoder_dir: str, decoder_tokenizer, layers: int):
    """MiniLM's BERT encoder (pretrained) + a small BERT decoder (random) with cross-attention."""
    from transformers import AutoConfig, AutoModel, BertConfig, BertLMHeadModel, EncoderDecoderModel

    encoder = AutoModel.from_pretrained(encoder_dir, local_files_only=True)
    enc = AutoConfig.from_pretrained(encoder_dir, local_files_only=True)
    config = BertConfig(
        vocab_size=len(decoder_tokenizer),
        hidden_size=enc.hidden_size,
        num_hidden_layers=layers,
        num_attention_heads=enc.num_attention_heads,
        intermediate_size=enc.intermediate_size,
        max_position_embeddings=128,
        is_decoder=True,
        add_cross_attention=True,
        pad_token_id=decoder_tokenizer.pad_token_id,
    )
    model = EncoderDecoderModel(encoder=encoder, decoder=BertLMHeadModel(config))
    model.config.decoder_start_token_id = decoder_tokenizer.bos_token_id
    model.config.eos_token_id = decoder_tokenizer.eos_token_id
    model.config.pad_token_id = decoder_tokenizer.pad_token_id
    model.config.vocab_size = config.vocab_size
    return model


class ApiSequenceModel:
    """A trained model loaded from its directory: ``predict(descriptions)`` -> API sequences."""

    def __init__(self, model_dir: str | Path, device: str = "cpu"):
        from transformers import AutoTokenizer, EncoderDecoderModel

        offline()
        model_dir = Path(model_dir)
        self.model = EncoderDecoderModel.from_pretrained(model_dir, use_safetensors=True).to(device).eval()
        self.source_tokenizer = AutoTokenizer.from_pretrained(model_dir)
        self.target_tokenizer = AutoTokenizer.from_pretrained(model_dir / DECODER_TOKENIZER)
        self.device = device

    @torch.no_grad()
    def predict(self, descriptions: list[str], num_beams: int = 5, max_length: int = 48,
                batch_size: int = 32) -> list[list[str]]:
        results: list[list[str]] = []
        for start in range(0, len(descriptions), batch_size):
            batch = self.source_tokenizer(descriptions[start : start + batch_size], return_tensors="pt",
                                          padding=True, truncation=True, max_length=max_length).to(self.device)
            output = self.model.generate(
                input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], num_beams=num_beams,
                max_length=max_length, decoder_start_token_id=self.model.config.decoder_start_token_id,
                eos_token_id=self.model.config.eos_token_id, pad_token_id=self.model.config.pad_token_id,
                **never_unknown(self.target_tokenizer),
            )
            texts = self.target_tokenizer.batch_decode(output, skip_special_tokens=True)
            results.extend(text.split() for text in texts)
        return results


def _optimizer(model, args: Seq2SeqArguments, training_args):
    """AdamW (Deep API Learning Revisited's), the random decoder at a higher rate than the pretrained encoder."""
    decoder = [p for p in model.decoder.parameters() if p.requires_grad]
    encoder = [p for p in model.encoder.parameters() if p.requires_grad]
    rate = training_args.learning_rate
    return torch.optim.AdamW([
        {"params": encoder, "lr": rate},
        {"params": decoder, "lr": rate * args.decoder_learning_rate_factor},
    ], lr=rate, eps=training_args.adam_epsilon, weight_decay=training_args.weight_decay)


def _tokenize(records, source_tok, target_tok, args: Seq2SeqArguments):
    from datasets import Dataset

    sources = source_tok([r["desc"] for r in records], truncation=True, max_length=args.max_source_length)
    targets = target_tok([" ".join(r["apiseq"]) for r in records], truncation=True,
                         max_length=args.max_target_length - 1)
    labels = [ids + [target_tok.eos_token_id] for ids in targets["input_ids"]]
    return Dataset.from_dict({"input_ids": sources["input_ids"], "attention_mask": sources["attention_mask"],
                              "labels": labels})


def evaluate(model_dir: Path, test: list[dict], num_beams: int, max_length: int) -> dict:
    if not test:
        return {}
    model = ApiSequenceModel(model_dir)
    predicted = model.predict([r["desc"] for r in test], num_beams=num_beams, max_length=max_length)
    references = [list(r["apiseq"]) for r in test]
    exact = sum(p == r for p, r in zip(predicted, references, strict=True)) / len(test)
    examples = [
        {"desc": r["desc"], "reference": r["apiseq"], "predicted": p}
        for r, p in zip(test[:10], predicted, strict=False)
    ]
    return {"bleu4": bleu4(references, predicted), "api_name_bleu4": api_name_bleu4(references, predicted),
            "exact_match": exact, "test_pairs": len(test), "examples": examples}


def train(args: Seq2SeqArguments, training_args) -> dict:
    offline()
    from transformers import AutoTokenizer, DataCollatorForSeq2Seq

    from apiary.retrieval.encoder import default_encoder_dir

    precision_on_this_machine(training_args)
    torch.manual_seed(training_args.seed)
    train_pairs, test = load_pairs(args, training_args.seed)
    encoder_dir = args.encoder or str(default_encoder_dir())
    source_tok = AutoTokenizer.from_pretrained(encoder_dir, local_files_only=True)
    if args.target_vocabulary == "api":
        target_tok = api_name_tokenizer([r["apiseq"] for r in train_pairs], args.min_api_count)
    else:
        target_tok = train_decoder_tokenizer([" ".join(r["apiseq"]) for r in train_pairs], args.decoder_vocab_size)
    model = build_model(encoder_dir, target_tok, args.decoder_layers)
    output = Path(training_args.output_dir)
    limit = TimeLimitCallback(args.max_minutes)
    from transformers import Seq2SeqTrainer

    trainer = Seq2SeqTrainer(
        model=model,
        args=training_args,
        train_dataset=_tokenize(train_pairs, source_tok, target_tok, args),
        data_collator=DataCollatorForSeq2Seq(source_tok, model=model, label_pad_token_id=-100),
        callbacks=[limit],
        optimizers=(_optimizer(model, args, training_args), None),  # the Trainer adds the cosine schedule
    )
    result = trainer.train()
    model.save_pretrained(output)  # safetensors
    source_tok.save_pretrained(output)
    target_tok.save_pretrained(output / DECODER_TOKENIZER)
    metrics = {
        "train_pairs": len(train_pairs), "steps": result.global_step, "train_loss": result.training_loss,
        **logged_losses(trainer),
        "train_seconds": result.metrics.get("train_runtime"), "stopped_by_time_limit": limit.stopped_early,
        "parameters": sum(p.numel() for p in model.parameters()), "num_beams": args.num_beams,
        "test": evaluate(output, test, args.num_beams, args.max_target_length),
    }
    write_json(output / "seq2seq_metrics.json", metrics)
    return metrics


def main(argv: list[str] | None = None) -> dict:
    return train(*arguments(argv))

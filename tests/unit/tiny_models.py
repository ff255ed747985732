"""Tiny causal LMs built in the tests (a 2-layer GPT-2 and a BPE tokenizer trained on a few lines
of Python): the backends load them from disk exactly as they load a user's model. Nothing is
downloaded. Random weights, or a second of training to memorize ``PYTHON_LINES`` so that greedy
decoding writes predictable code (newlines, dedents, stop sequences)."""

from __future__ import annotations

from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

PYTHON_LINES = [
    "import os",
    "import numpy as np",
    "from pathlib import Path",
    "def add(a, b):",
    "    return a + b",
    "class Point:",
    "    def __init__(self, x, y):",
    "        self.x = x",
    "        self.y = y",
    "for i in range(10):",
    "    print(i)",
    "if x > 0:",
    "    result = compute(x)",
    "else:",
    "    result = None",
    "data = load('data.csv')",
    "values = [v * 2 for v in data]",
    "# compute the mean of the values",
    "mean = sum(values) / len(values)",
    "with open(path) as f:",
    "    text = f.read()",
]

FAMILIES = {
    "plain": [],
    "starcoder": ["<fim_prefix>", "<fim_suffix>", "<fim_middle>", "<fim_pad>"],
    "qwen": ["<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<|fim_pad|>"],
    "deepseek": ["<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>"],
    "codellama-bare": ["<PRE>", "<SUF>", "<MID>", "<EOT>"],
}


def tiny_tokenizer(family: str = "plain", vocab_size: int = 400):
    """A byte-level BPE tokenizer (GPT-2 style) with ``family``'s FIM tokens as special tokens."""
    from transformers import PreTrainedTokenizerFast

    extra = FAMILIES[family]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=["<|endoftext|>", *extra],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator([line + "\n" for line in PYTHON_LINES] * 20, trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token="<|endoftext|>",
        bos_token="<|endoftext|>",
        additional_special_tokens=extra,
    )


def save_tiny_model(directory: Path, family: str = "plain", seed: int = 0, memorize: bool = False) -> Path:
    """A 2-layer GPT-2 with ``family``'s tokenizer, saved as safetensors; random weights, or
    (``memorize``) trained until greedy decoding recites ``PYTHON_LINES``."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    tokenizer = tiny_tokenizer(family)
    torch.manual_seed(seed)
    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=256,
        n_embd=32,
        n_layer=2,
        n_head=2,
        bos_token_id=tokenizer.eos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    model = GPT2LMHeadModel(config)
    if memorize:
        _memorize(model, tokenizer)
    directory.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(directory, safe_serialization=True)
    tokenizer.save_pretrained(directory)
    return directory


def _memorize(model, tokenizer, steps: int = 80) -> None:
    import torch

    text = "\n".join(PYTHON_LINES) + "\n"
    data = torch.tensor([[*tokenizer(text)["input_ids"], tokenizer.eos_token_id]])
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    model.train()
    for _ in range(steps):
        model(data, labels=data).loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    model.eval()

"""Small data and models for the trainer tests: a tiny random BERT with MiniLM's tokenizer (so the
trainers run their real code paths in seconds), and JSON Lines corpora with a learnable pattern."""

from __future__ import annotations

import json
import random
from pathlib import Path

VERBS = {
    "read": ["io.open", "json.load"],
    "join": ["os.path.join"],
    "list": ["os.listdir", "sorted"],
    "parse": ["argparse.ArgumentParser", "argparse.ArgumentParser.parse_args"],
    "hash": ["hashlib.sha256", "hashlib.sha256.hexdigest"],
    "sleep": ["time.sleep"],
}
OBJECTS = ["the config file", "a data path", "the user input", "every record", "the cache folder", "some text"]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def apiseq_records(n: int = 120, seed: int = 0) -> list[dict]:
    """(desc, apiseq) pairs where the verb decides the sequence: a model can learn it."""
    rng = random.Random(seed)
    records = []
    for i in range(n):
        verb = rng.choice(sorted(VERBS))
        desc = f"{verb} {rng.choice(OBJECTS)} quickly {i % 7}"
        records.append({"desc": desc, "apiseq": VERBS[verb], "path": f"m{i}.py", "function": f"f{i}"})
    return records


def save_tiny_bert(directory: Path, seed: int = 0) -> Path:
    """A 2-layer, 32-wide random BERT with all-MiniLM-L6-v2's tokenizer, as a sentence-transformers
    directory (mean pooling) and a plain Hugging Face one at once."""
    import torch
    from sentence_transformers import SentenceTransformer

    try:  # sentence-transformers >= 6; older versions: sentence_transformers.models
        from sentence_transformers.sentence_transformer import modules as models
    except ImportError:
        from sentence_transformers import models
    from transformers import AutoTokenizer, BertConfig, BertModel

    from apiary.retrieval.encoder import default_encoder_dir

    torch.manual_seed(seed)
    tokenizer = AutoTokenizer.from_pretrained(default_encoder_dir())
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=128)
    hf_dir = directory / "hf"
    BertModel(config).save_pretrained(hf_dir)
    tokenizer.save_pretrained(hf_dir)
    word = models.Transformer(str(hf_dir), max_seq_length=64)
    dimension = getattr(word, "get_embedding_dimension", None) or word.get_word_embedding_dimension
    model = SentenceTransformer(modules=[word, models.Pooling(dimension(), "mean")])
    model.save(str(directory))
    return directory

"""The one-shot query encoder: a sentence model exported once to ONNX (int8) answers as the torch
encoder does, under its id, without importing torch; a damaged export is replaced."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from apiary.retrieval.encoder import load_encoder
from apiary.retrieval.onnx_encoder import OnnxQueryEncoder, export_for_queries, exported_path, query_encoder

TEXTS = ["read a csv file into a table", "sort the rows by a column", "merge two graphs", "parse a date string"]


@pytest.fixture
def tiny_sentence_model(tmp_path: Path, monkeypatch) -> Path:
    """A 2-layer BERT with mean pooling in the sentence-transformers layout, random weights."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    monkeypatch.setenv("APIARY_CACHE_DIR", str(tmp_path / "cache"))
    directory = tmp_path / "tiny-encoder"
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.train_from_iterator(TEXTS * 3, trainers.WordPieceTrainer(
        vocab_size=120, special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]"]))
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, pad_token="[PAD]", unk_token="[UNK]")
    fast.save_pretrained(directory)
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(fast), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=160)
    BertModel(config).eval().save_pretrained(directory)
    (directory / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]))
    (directory / "1_Pooling").mkdir()
    (directory / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_mean_tokens": True}))
    return directory


def test_the_export_answers_as_the_torch_encoder_under_its_id(tiny_sentence_model: Path):
    torch_encoder = load_encoder(str(tiny_sentence_model))
    assert not isinstance(query_encoder(str(tiny_sentence_model)), OnnxQueryEncoder)  # nothing exported yet
    path = export_for_queries(str(tiny_sentence_model))
    assert path == exported_path(tiny_sentence_model) and path.is_file()
    exported = query_encoder(str(tiny_sentence_model))
    assert isinstance(exported, OnnxQueryEncoder)
    assert (exported.id, exported.dim) == (torch_encoder.id, torch_encoder.dim)
    ours, theirs = exported.encode(TEXTS), torch_encoder.encode(TEXTS)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert (ours * theirs).sum(axis=1).min() > 0.9  # int8 both, quantized by two runtimes
    assert (np.argsort(-(ours @ theirs.T), axis=1)[:, 0] == np.arange(len(TEXTS))).all()


def test_a_damaged_export_is_replaced_by_the_torch_encoder(tiny_sentence_model: Path):
    path = export_for_queries(str(tiny_sentence_model))
    path.write_bytes(b"not an onnx model")
    encoder = query_encoder(str(tiny_sentence_model))
    assert not isinstance(encoder, OnnxQueryEncoder) and not path.exists()


def test_the_exported_encoder_does_not_import_torch(tiny_sentence_model: Path):
    export_for_queries(str(tiny_sentence_model))
    program = (f"import sys; from apiary.retrieval.onnx_encoder import query_encoder; "
               f"e = query_encoder({str(tiny_sentence_model)!r}); e.encode(['a table']); "
               f"print(type(e).__name__, 'torch' in sys.modules, 'transformers' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split() == ["OnnxQueryEncoder", "False", "False"]


def test_the_server_encoder_is_the_export_once_there_is_one(tiny_sentence_model: Path):
    from apiary.retrieval.encoder import deferred_encoder, fastest_encoder

    assert not isinstance(fastest_encoder(str(tiny_sentence_model)), OnnxQueryEncoder)
    export_for_queries(str(tiny_sentence_model))
    assert isinstance(fastest_encoder(str(tiny_sentence_model)), OnnxQueryEncoder)
    assert not isinstance(fastest_encoder(str(tiny_sentence_model), quantize=False), OnnxQueryEncoder)  # float32 asked
    deferred = deferred_encoder(str(tiny_sentence_model))
    deferred.wait(timeout=60)
    assert deferred.encode(TEXTS).shape == (4, 32)


def test_batches_of_like_length_encode_as_one_text_at_a_time_would(tiny_sentence_model: Path):
    export_for_queries(str(tiny_sentence_model))
    exported = query_encoder(str(tiny_sentence_model))
    texts = [" ".join(TEXTS[: 1 + i % 4]) for i in range(70)]  # three batches, of mixed lengths
    together = exported.encode(texts)
    alone = np.stack([exported.encode([t])[0] for t in texts])
    assert (together * alone).sum(axis=1).min() > 0.99  # int8 activations are scaled per batch


def test_the_exported_encoder_leaves_numpy_one_blas_thread(tiny_sentence_model: Path):
    """After a run, the runtime's threads hold the other cores: a second BLAS thread waited for them."""
    export_for_queries(str(tiny_sentence_model))
    program = (f"import numpy; from threadpoolctl import threadpool_info; "
               f"from apiary.retrieval.onnx_encoder import query_encoder; "
               f"e = query_encoder({str(tiny_sentence_model)!r}); e.encode(['a table']); "
               f"print(type(e).__name__, sorted({{i['num_threads'] for i in threadpool_info() "
               f"if i['user_api'] == 'blas'}}))")
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120, check=True,
                          env={**env, "OPENBLAS_NUM_THREADS": "2"})
    assert done.stdout.split() == ["OnnxQueryEncoder", "[1]"]


def test_the_deferred_encoder_exports_first_where_there_is_no_export(tiny_sentence_model: Path):
    """A server (or `apiary index`) no longer keeps torch's encoder for good: it exports, then loads that."""
    from apiary.retrieval.encoder import deferred_encoder

    model_dir = tiny_sentence_model
    assert not exported_path(model_dir).exists()
    loaded = deferred_encoder(str(model_dir)).wait(timeout=120)
    assert isinstance(loaded, OnnxQueryEncoder) and exported_path(model_dir).is_file()
    torch_vectors = load_encoder(str(model_dir)).encode(TEXTS)
    assert (loaded.encode(TEXTS) * torch_vectors).sum(axis=1).min() > 0.99

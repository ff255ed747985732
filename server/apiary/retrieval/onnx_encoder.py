"""A query encoder for one-shot processes (the CLI): the same sentence model, run with ONNX Runtime.

A fresh `apiary search` paid ~5 s to import torch and transformers and load the encoder, for one
short query. Exported once to ONNX and quantized to int8 weights (as the torch encoder quantizes its
linear layers), the model loads in ~0.1 s and the `tokenizers` package reads the same tokenizer
without transformers. On the development libraries of the many-library suite its queries against
indexes built by the torch encoder rank as the torch queries do (mined R@1 0.416 / R@5 0.730 against
0.418 / 0.731; users' words 0.437 / 0.662 against 0.437 / 0.664). Once exported, the server and
`apiary index` use it too (`encoder.fastest_encoder`); until then, the torch encoder.

The export runs where torch is loaded anyway (after a CLI query answered with it), into the cache,
written atomically under a name that changes with the model's files. An ONNX file is a graph of
standard operators and data, nothing that runs on load.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from apiary.paths import cache_dir
from apiary.retrieval.encoder import (
    MAX_SEQ_LENGTH,
    Encoder,
    EncoderError,
    is_hashing,
    leave_cores_to_the_encoder,
    load_encoder,
    model_dimension,
    model_location,
    plain_pooling,
    quantized_id,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CpuProbe:
    """How many cores other processes leave free, over a window in which this process may be working
    itself (loading the runtime and the tokenizer): its own CPU time does not count as busy, so the
    window costs no waiting of its own (Linux's /proc/stat; None elsewhere)."""

    started: float  # time.monotonic()
    own: float  # this process's CPU seconds
    idle: int  # jiffies of all CPUs, idle or waiting on I/O
    total: int

    @classmethod
    def start(cls) -> CpuProbe | None:
        try:
            idle, total = _cpu_times()
        except (OSError, ValueError, IndexError):
            return None
        return cls(time.monotonic(), _own_cpu_seconds(), idle, total)

    def spare_cores(self, min_window_s: float = 0.05) -> float | None:
        """The cores free of other processes since `start`; waits only what the window still lacks."""
        time.sleep(max(0.0, self.started + min_window_s - time.monotonic()))
        try:
            idle, total = _cpu_times()
        except (OSError, ValueError, IndexError):
            return None
        wall = time.monotonic() - self.started
        if total <= self.total or wall <= 0:
            return None
        cores = os.cpu_count() or 1
        busy = (1 - (idle - self.idle) / (total - self.total)) * cores
        mine = (_own_cpu_seconds() - self.own) / wall
        return max(0.0, min(float(cores), cores - (busy - mine)))


def _own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def _cpu_times() -> tuple[int, int]:
    """(idle, total) jiffies of all CPUs: the first line of /proc/stat."""
    with open("/proc/stat", "rb") as stat:
        values = [int(v) for v in stat.readline(4096).split()[1:9]]
    return values[3] + values[4], sum(values)  # idle and iowait


class OnnxQueryEncoder:
    """Mean- or CLS-pooled, L2-normalised vectors from an exported model, under the id of the torch
    encoder whose indexes it queries."""

    def __init__(
        self, model: Path, tokenizer: Path, encoder_id: str, dim: int, pooling: str, threads: int | None = None
    ):
        probe = CpuProbe.start()  # loading the runtime and the tokenizer is its window
        # numpy's products beside it get one thread: after a run, OpenBLAS's second thread waited for
        # the core the runtime's threads held, and one query's product over 18,000 vectors took 5.1 ms
        # instead of 2.0 (the same holds for the torch encoder)
        leave_cores_to_the_encoder()
        import onnxruntime
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(tokenizer))
        self._tokenizer.enable_truncation(MAX_SEQ_LENGTH)
        self._tokenizer.no_padding()  # each batch is padded to its own longest
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
        # Between batches, idle threads spin where the cores are free (100,000 short texts encode ~20 %
        # faster) and sleep where another process keeps them busy: there, spinning threads took the
        # cores the working ones needed (a cold index of pandas at 309 APIs/s instead of 450).
        spare = probe.spare_cores() if probe is not None else None
        spin = spare is None or spare >= options.intra_op_num_threads - 0.5
        options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
        log.debug("ONNX encoder: %d threads, %s spare cores, spinning %s", options.intra_op_num_threads, spare, spin)
        self._session = onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self.id, self.dim, self._pooling = encoder_id, dim, pooling

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Texts of like length batched together (sorted once), each batch padded to its longest: one
        batch of all padded to the longest was 57 texts/s on a corpus of descriptions."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encoded = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i].ids))
        vectors = np.zeros((len(encoded), self.dim), dtype=np.float32)
        for start in range(0, len(order), _BATCH):
            rows = order[start:start + _BATCH]
            vectors[rows] = self._pooled([encoded[i] for i in rows])
        return vectors

    def _pooled(self, encoded: list) -> np.ndarray:
        width = max(len(e.ids) for e in encoded)
        ids = np.zeros((len(encoded), width), dtype=np.int64)
        mask = np.zeros((len(encoded), width), dtype=np.int64)
        for row, e in enumerate(encoded):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1
        hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        if self._pooling == "cls":
            vectors = hidden[:, 0]
        else:
            vectors = (hidden * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return (vectors / np.where(norms == 0, 1.0, norms)).astype(np.float32)


#: texts per forward pass (of like length, so little padding)
_BATCH = 32


def exported_path(model_dir: Path) -> Path:
    """Where the export of ``model_dir`` lives: named by the model's files (path, sizes, times), so a
    changed model is exported anew."""
    stamp = hashlib.sha256(str(model_dir.resolve()).encode())
    for name in sorted(p.name for p in model_dir.iterdir() if p.is_file()):
        stat = (model_dir / name).stat()
        stamp.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return cache_dir() / "encoders" / f"{model_dir.name}-{stamp.hexdigest()[:16]}.int8.onnx"


def _exportable(spec: str | None) -> tuple[Path, str, str] | None:
    """The model directory, base id and pooling of an encoder the export can serve: a local plain
    transformer + pooling with a ``tokenizer.json``; None for anything else (the hashing encoder, a
    missing directory, another layout)."""
    if is_hashing(spec):
        return None
    try:
        model_dir, base = model_location(spec)
    except EncoderError:
        return None
    pooling = plain_pooling(model_dir)
    if pooling is None or not (model_dir / "tokenizer.json").is_file():
        return None
    return model_dir, base, pooling


def query_encoder(spec: str | None = None) -> Encoder:
    """The fastest encoder for a few queries in a fresh process: the ONNX export when there is one
    (the torch encoder's id, so its indexes match), else the torch encoder itself."""
    exported = exported_encoder(spec)
    return exported if exported is not None else load_encoder(spec)


def exported_encoder(spec: str | None = None) -> OnnxQueryEncoder | None:
    """The encoder named by ``spec`` as exported to ONNX (int8), if it has been."""
    found = _exportable(spec)
    if found is None or not exported_path(found[0]).is_file():
        return None
    model_dir, base, pooling = found
    model = exported_path(model_dir)
    try:
        return OnnxQueryEncoder(model, model_dir / "tokenizer.json", quantized_id(base), model_dimension(model_dir),
                                pooling)
    except Exception as error:  # a damaged export: answer with torch, and export again
        log.warning("cannot use the exported encoder %s (%s); loading the model", model, error)
        model.unlink(missing_ok=True)
        return None


def export_for_queries(spec: str | None = None) -> Path | None:
    """Export the encoder named by ``spec`` for `query_encoder`, once; None where its layout is not a
    plain transformer + pooling or the export is not possible here (the torch encoder serves)."""
    found = _exportable(spec)
    if found is None:
        return None
    target = exported_path(found[0])
    if target.is_file():
        return target
    try:
        with warnings.catch_warnings():  # the exporter's and the quantizer's advice is not the user's
            warnings.simplefilter("ignore")
            logging.disable(logging.WARNING)
            try:
                _export(found[0], target)
            finally:
                logging.disable(logging.NOTSET)
        return target
    except Exception as error:  # no onnx package, an exporter that cannot trace the model
        log.info("the encoder was not exported for quick queries: %s", error)
        return None


def export_after_use(encoder: Encoder, spec: str | None) -> None:
    """After a one-shot process answered with the torch encoder (imported and loaded already, so the
    export costs little more): export it, so the next one needs neither."""
    if not isinstance(encoder, OnnxQueryEncoder):
        export_for_queries(spec)


def _export(model_dir: Path, target: Path) -> None:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # the first `apiary index` printed a "Loading weights" bar

    class Hidden(torch.nn.Module):
        def __init__(self, model) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True, use_safetensors=True).eval()
    example = (torch.ones((1, 4), dtype=torch.int64), torch.ones((1, 4), dtype=torch.int64))
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        plain, quantized = Path(tmp) / "model.onnx", Path(tmp) / "model.int8.onnx"
        axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                "hidden": {0: "batch", 1: "tokens"}}
        with torch.no_grad():
            torch.onnx.export(Hidden(model), example, str(plain), input_names=["input_ids", "attention_mask"],
                              output_names=["hidden"], dynamic_axes=axes, opset_version=17, dynamo=False)
        quantize_dynamic(str(plain), str(quantized), weight_type=QuantType.QInt8)
        os.replace(quantized, target)

"""Loading a Hugging Face causal LM for :mod:`apiary.generation.backends.hf`: where from, on
which device, in which dtype, and the safety rules.

A directory, or a hub id already in the local Hugging Face cache: nothing is downloaded unless
``APIARY_ALLOW_DOWNLOAD=1``. Safetensors only: pickled ``.bin``/``.pt`` weights are refused,
since unpickling can run arbitrary code. ``trust_remote_code`` is never set. Every failure is a
:class:`BackendError` whose message says what to do.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from apiary.generation.backends.base import BackendError

ALLOW_DOWNLOAD_ENV = "APIARY_ALLOW_DOWNLOAD"
MAX_CONTEXT = 32768  # a sane cap: configs of long-context models exceed what a laptop can hold
_DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}


def resolve_device(device: str) -> str:
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise BackendError(f"device {device!r} asked for, but torch sees no CUDA device")
    return device


def resolve_dtype(dtype: str, device: str) -> torch.dtype:
    if dtype == "auto":
        if not device.startswith("cuda"):
            return torch.float32
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if dtype not in _DTYPES:
        raise BackendError(f"dtype {dtype!r} is not one of auto, {', '.join(_DTYPES)}")
    return _DTYPES[dtype]


def _is_path(model: str) -> bool:
    return model.startswith(("/", ".", "~")) or os.sep in model.replace("/", "") or model.count("/") > 1


def _check_dir(path: Path) -> None:
    if not path.is_dir():
        raise BackendError(f"model directory {path} does not exist")
    if not (path / "config.json").is_file():
        raise BackendError(f"{path} has no config.json: it is not a Hugging Face model directory")
    if any(path.glob("*.safetensors")):
        return
    if any(path.glob("*.bin")) or any(path.glob("*.pt")) or any(path.glob("*.pth")):
        raise BackendError(
            f"{path} has only pickled PyTorch weights (.bin/.pt); Apiary loads safetensors only, "
            "because unpickling a file can run arbitrary code. Convert them once where you trust "
            "the file (load it and save_pretrained(..., safe_serialization=True))."
        )
    raise BackendError(f"{path} has no model weights (*.safetensors)")


def load_model(model: str, device: str, dtype: torch.dtype):
    path = Path(model).expanduser()
    hub = not path.exists() and not _is_path(model)
    if not hub:
        _check_dir(path)
    offline = not hub or os.environ.get(ALLOW_DOWNLOAD_ENV) != "1"
    source = model if hub else str(path)
    try:
        tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=offline)
        lm = AutoModelForCausalLM.from_pretrained(
            source, local_files_only=offline, use_safetensors=True, dtype=dtype
        )
        lm.to(device).eval()
    except Exception as exc:  # noqa: BLE001 - any failure means "cannot serve", never a crash
        hint = ""
        if hub and offline:
            hint = (
                f" ({model!r} is not a directory and not in the local Hugging Face cache: download "
                f"it with `huggingface-cli download {model}`, or set {ALLOW_DOWNLOAD_ENV}=1)"
            )
        raise BackendError(f"cannot load model {model!r}: {type(exc).__name__}: {exc}{hint}") from exc
    return tokenizer, lm


def context_window_of(config, tokenizer) -> int:
    config = config.get_text_config() if hasattr(config, "get_text_config") else config
    window = None
    for key in ("max_position_embeddings", "n_positions", "n_ctx", "seq_length", "max_sequence_length"):
        value = getattr(config, key, None)
        if isinstance(value, int) and value > 0:
            window = value
            break
    tok_max = getattr(tokenizer, "model_max_length", None)
    if isinstance(tok_max, int) and 0 < tok_max < 10_000_000:
        window = min(window, tok_max) if window else tok_max
    return min(window or 2048, MAX_CONTEXT)


__all__ = [
    "ALLOW_DOWNLOAD_ENV",
    "MAX_CONTEXT",
    "context_window_of",
    "load_model",
    "resolve_device",
    "resolve_dtype",
]

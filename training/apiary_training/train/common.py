"""What the trainers share: JSON Lines input with clear errors, a wall-clock cap, and training
arguments that work on CPU and GPU alike."""

from __future__ import annotations

import inspect
import json
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path

from transformers import TrainerCallback

log = logging.getLogger(__name__)


class DataError(ValueError):
    """The training data is missing or malformed; the message says which file and line."""


def read_jsonl(path: str | Path, required: tuple[str, ...]) -> list[dict]:
    """The records of a JSON Lines file, each checked for ``required`` keys. Blank lines are
    skipped; a bad line raises :class:`DataError` naming the file and line."""
    return list(iter_jsonl(path, required))


def iter_jsonl(path: str | Path, required: tuple[str, ...]) -> Iterator[dict]:
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise DataError(f"{path}:{number}: not JSON ({error.msg})") from error
            missing = [key for key in required if not isinstance(record, dict) or key not in record]
            if missing:
                raise DataError(f"{path}:{number}: missing {', '.join(missing)}")
            yield record


class TimeLimit:
    """The same wall-clock cap for a hand-written training loop: ask `reached` after each step."""

    def __init__(self, minutes: float | None):
        self.seconds = None if minutes is None else minutes * 60
        self.started = time.monotonic()
        self.stopped = False

    def reached(self) -> bool:
        self.stopped = self.seconds is not None and time.monotonic() - self.started > self.seconds
        return self.stopped


class TimeLimitCallback(TrainerCallback):
    """Stops training (after saving, as at the end) once ``minutes`` of wall-clock time have passed:
    runs on a shared CPU are capped by time, not by steps."""

    def __init__(self, minutes: float | None):
        self.seconds = None if minutes is None else minutes * 60
        self.started = time.monotonic()
        self.stopped_early = False

    def on_train_begin(self, args, state, control, **kwargs):
        self.started = time.monotonic()

    def on_step_end(self, args, state, control, **kwargs):
        if self.seconds is not None and time.monotonic() - self.started > self.seconds:
            log.info("time limit reached after %d steps", state.global_step)
            self.stopped_early = True
            control.should_training_stop = True
            control.should_save = True
        return control


def training_arguments(cls, **kwargs):
    """``cls(**kwargs)`` without the keywords this transformers version does not take
    (``save_safetensors`` is the default and gone in transformers 5, ``warmup_ratio`` became a
    fractional ``warmup_steps``)."""
    accepted = inspect.signature(cls.__init__).parameters
    if "warmup_ratio" in kwargs and "warmup_ratio" not in accepted:  # transformers 5: a float warmup_steps
        kwargs["warmup_steps"] = kwargs.pop("warmup_ratio")
    dropped = sorted(k for k in kwargs if k not in accepted)
    if dropped:
        log.debug("%s does not take %s", cls.__name__, dropped)
    return cls(**{k: v for k, v in kwargs.items() if k in accepted})


def precision_flags(mixed_precision: str) -> dict[str, bool]:
    """bf16/fp16 only on a GPU that has them; "auto" picks bf16 where supported, else fp16; CPU: fp32."""
    import torch

    if mixed_precision not in ("auto", "bf16", "fp16", "no"):
        raise ValueError(f"mixed precision must be auto, bf16, fp16 or no, not {mixed_precision!r}")
    if mixed_precision == "no" or not torch.cuda.is_available():
        return {"bf16": False, "fp16": False}
    if mixed_precision == "auto":
        mixed_precision = "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return {"bf16": mixed_precision == "bf16", "fp16": mixed_precision == "fp16"}


def logged_losses(trainer) -> dict[str, float | None]:
    """The first and last training losses the trainer logged: did it learn?"""
    losses = [float(h["loss"]) for h in trainer.state.log_history if "loss" in h]
    return {"first_logged_loss": losses[0] if losses else None, "last_logged_loss": losses[-1] if losses else None}


def offline() -> None:
    """Models come from local directories only."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("WANDB_DISABLED", "true")


def write_json(path: Path, data: dict) -> None:
    """Atomically: a reader never sees half a file."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)

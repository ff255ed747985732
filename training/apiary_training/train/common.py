"""What the trainers share: JSON Lines input with clear errors, a wall-clock cap, and training
arguments that work on CPU and GPU alike."""

from __future__ import annotations

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


def trainer_parser(arguments: type, training_arguments: type, warmup: float | None = None, **defaults):
    """``HfArgumentParser((arguments, training_arguments))``: every flag of the Trainer works, with
    this trainer's ``defaults`` (``warmup``: a share of the steps, whichever way this transformers
    version spells it) and no experiment trackers unless asked."""
    from transformers import HfArgumentParser

    parser = HfArgumentParser((arguments, training_arguments))
    if warmup is not None:  # transformers 5 dropped warmup_ratio for a fractional warmup_steps
        defaults["warmup_ratio" if "warmup_ratio" in training_arguments.__dataclass_fields__ else "warmup_steps"] = (
            warmup
        )
    parser.set_defaults(report_to="none", **defaults)
    return parser


def precision_on_this_machine(training_args) -> None:
    """bf16/fp16 need a GPU: without one, train in float32 and say so."""
    import torch

    if (training_args.bf16 or training_args.fp16) and not torch.cuda.is_available():
        log.warning("mixed precision needs a GPU: training in float32")
        training_args.bf16 = training_args.fp16 = False


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

"""What every language-model backend offers the generators: complete a prompt (or fill in the
middle), with stop sequences, a token budget, and cancellation.

Backends are swappable: an in-process Hugging Face causal LM, an OpenAI-compatible HTTP endpoint,
or a fake in tests. None of them knows about APIs, prompts or editors.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Protocol


class BackendError(RuntimeError):
    """The backend cannot serve (missing/corrupt model, unreachable endpoint); the message says why."""


@dataclass(frozen=True)
class GenerationRequest:
    #: The text before the cursor, already prefixed by the generator's prompt (API block, sketch...).
    prompt: str
    #: The text after the cursor: set for fill-in-the-middle when the backend supports it.
    suffix: str | None = None
    max_new_tokens: int = 128
    #: 0 means greedy decoding.
    temperature: float = 0.0
    top_p: float = 0.95
    n: int = 1
    #: Generation ends at the first of these (the stop text itself is not returned).
    stop: tuple[str, ...] = ()
    seed: int | None = None
    #: Also end where the statement or block at the cursor ends: "line", "block" or "auto" (see
    #: ``apiary.generation.stopping``); None ends at stop sequences, end of text or the budget only.
    scope: str | None = None
    #: The code before the cursor, for ``scope`` (default: the prompt, whose tail it is).
    code_prefix: str | None = None


@dataclass(frozen=True)
class Completion:
    text: str
    #: Mean log-probability per generated token, when the backend reports it.
    mean_logprob: float | None = None
    #: "stop" (a stop sequence or end of text), "length" (token budget), "cancelled".
    finish_reason: str = "stop"
    extra: dict = field(default_factory=dict)


class Backend(Protocol):
    #: Names the model: shown in status and provenance.
    id: str

    @property
    def supports_fim(self) -> bool: ...

    def count_tokens(self, text: str) -> int:
        """Tokens ``text`` takes in this model's vocabulary (an estimate for remote models)."""
        ...

    @property
    def context_window(self) -> int:
        """Most tokens of prompt + completion the model accepts."""
        ...

    def complete(self, request: GenerationRequest, cancel: threading.Event | None = None) -> list[Completion]:
        """``request.n`` completions; returns early (finish_reason "cancelled") once ``cancel`` is set."""
        ...

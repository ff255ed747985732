"""The generation layer's one interface: ``generate(context, apis, n, settings) -> candidates``.

Every generator (APICoder over a model, CERT sketch-then-fill, the offline default that needs no
weights) takes the code around the cursor and the API entries to use, and returns candidates that
say which APIs shaped them. Nothing here knows about LSP.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from apiary.context import EditorContext, extract_context
from apiary.docs.entry import ApiEntry


@dataclass(frozen=True)
class CodeContext:
    """The text before the cursor and, for fill-in-the-middle, after it."""

    prefix: str
    suffix: str = ""

    @cached_property
    def editor(self) -> EditorContext:
        return extract_context(self.prefix + self.suffix, len(self.prefix))


@dataclass(frozen=True)
class GenerationSettings:
    #: APIs put in the prompt when the caller passes retrieved ones (the best in When Language Model
    #: Meets Private Library §5.2: 2).
    top_apis: int = 2
    max_new_tokens: int = 128
    #: 0 is greedy; sampling above it.
    temperature: float = 0.0
    top_p: float = 0.95
    #: Sketches CERT samples before voting.
    sketches: int = 8
    seed: int | None = None
    #: Give up on slow work after this long and return the best so far (None: no limit).
    time_budget_ms: float | None = None


@dataclass(frozen=True)
class Candidate:
    #: What to insert at the cursor.
    text: str
    score: float
    #: Import paths of the APIs the candidate calls (provenance).
    apis: tuple[str, ...] = ()
    #: "apicoder", "cert", "offline", "template".
    generator: str = ""
    #: The exact prompt a model saw, or the usage example a non-parametric candidate was adapted from.
    prompt: str = ""
    #: Repairs made by the checker ("renamed keyword batchsize= to batch_size=").
    notes: tuple[str, ...] = ()
    #: A snippet with tab stops for editors (``read(${1:path})``), when the text has placeholders.
    snippet: str | None = None
    features: dict[str, float] = field(default_factory=dict, compare=False)


class Generator(Protocol):
    name: str
    #: candidates asked for beyond the ``n`` wanted, for the checks to drop some and leave ``n``:
    #: only for a generator whose candidates cost next to nothing (the offline one)
    spare: int

    def generate(
        self,
        context: CodeContext,
        apis: Sequence[ApiEntry],
        n: int,
        settings: GenerationSettings,
        cancel: threading.Event | None = None,
    ) -> list[Candidate]:
        """Up to ``n`` candidates, best first."""
        ...

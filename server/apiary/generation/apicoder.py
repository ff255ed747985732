"""APICoder: a code language model continues the context with the API information block before it,
left to right or, for models that support it, filling in the middle."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence

from apiary.docs.entry import ApiEntry
from apiary.generation.backends.base import Backend, GenerationRequest
from apiary.generation.prompt import build_prompt
from apiary.generation.stopping import DEFAULT_STOPS
from apiary.generation.types import Candidate, CodeContext, GenerationSettings


class APICoderGenerator:
    name = "apicoder"
    spare = 0  # each candidate is a model's sample

    def __init__(self, backend: Backend):
        self.backend = backend

    def generate(
        self,
        context: CodeContext,
        apis: Sequence[ApiEntry],
        n: int,
        settings: GenerationSettings,
        cancel: threading.Event | None = None,
    ) -> list[Candidate]:
        budget = max(64, self.backend.context_window - settings.max_new_tokens)
        prompt = build_prompt(context.prefix, list(apis), self.backend.count_tokens, budget)
        fim = self.backend.supports_fim and bool(context.suffix.strip())
        request = GenerationRequest(
            prompt=prompt.text,
            suffix=context.suffix if fim else None,
            max_new_tokens=settings.max_new_tokens,
            temperature=settings.temperature,
            top_p=settings.top_p,
            n=n,
            stop=DEFAULT_STOPS,
            seed=settings.seed,
            scope="auto",
            code_prefix=context.prefix,
        )
        completions = self.backend.complete(request, cancel)
        return [
            Candidate(
                text=c.text,
                score=c.mean_logprob if c.mean_logprob is not None else 0.0,
                apis=apis_called(c.text, apis),
                generator=self.name,
                prompt=prompt.text,
            )
            for c in completions
            if c.finish_reason != "cancelled" and c.text.strip()
        ]


def apis_called(text: str, apis: Sequence[ApiEntry]) -> tuple[str, ...]:
    """The given APIs the text calls by name."""
    return tuple(a.import_path for a in apis if re.search(rf"\b{re.escape(a.name)}\s*\(", text))

"""CERT: a sketcher model writes the code's sketch (user-defined constants replaced by symbols), the
most frequent of several sampled sketches wins, and a generator model writes the code from the sketch
and the context (CERT §3.2).

Two shortcuts from CERT §3.2: a sketch without symbols is already the answer; an empty sketch sends
the bare context to the generator.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from apiary.docs.entry import ApiEntry
from apiary.generation.apicoder import apis_called
from apiary.generation.backends.base import Backend, GenerationRequest
from apiary.generation.sketch import is_complete_sketch, normalize_sketch
from apiary.generation.stopping import DEFAULT_STOPS
from apiary.generation.types import Candidate, CodeContext, GenerationSettings

#: sketches are sampled, not decoded greedily: voting needs variety
SKETCH_TEMPERATURE = 0.8


@dataclass(frozen=True)
class Vote:
    sketch: str  # the winning sample as written
    votes: int
    samples: int


def vote(samples: Sequence[str]) -> Vote | None:
    """The most frequent sketch after normalising layout and comments (first seen wins a tie)."""
    if not samples:
        return None
    keys = [normalize_sketch(s) for s in samples]
    counts = Counter(keys)
    winner_key = max(counts, key=lambda k: (counts[k], -keys.index(k)))
    return Vote(samples[keys.index(winner_key)], counts[winner_key], len(samples))


class CertGenerator:
    name = "cert"
    spare = 0  # each candidate is a model's sample

    def __init__(self, sketcher: Backend, generator: Backend):
        self.sketcher = sketcher
        self.generator = generator

    def generate(
        self,
        context: CodeContext,
        apis: Sequence[ApiEntry],
        n: int,
        settings: GenerationSettings,
        cancel: threading.Event | None = None,
    ) -> list[Candidate]:
        sketches = self.sketcher.complete(
            self._request(context.prefix, context, settings.sketches, settings, sketching=True), cancel
        )
        winner = vote([s.text for s in sketches if s.finish_reason != "cancelled"])
        if winner is None or (cancel is not None and cancel.is_set()):
            return []
        imported = [b.local for b in context.editor.imports]
        if winner.sketch.strip() and is_complete_sketch(winner.sketch, keep_names=imported):
            return [
                self._candidate(winner.sketch, apis, winner, "sketch is complete: used as the answer", context.prefix)
            ]
        prompt = context.prefix if not winner.sketch.strip() else self._sketch_prompt(winner.sketch, context)
        completions = self.generator.complete(self._request(prompt, context, n, settings, sketching=False), cancel)
        return [
            self._candidate(c.text, apis, winner, "generated from the sketch", prompt, c.mean_logprob)
            for c in completions
            if c.finish_reason != "cancelled" and c.text.strip()
        ]

    @staticmethod
    def _sketch_prompt(sketch: str, context: CodeContext) -> str:
        """The sketch as the statement it sketches, then the context ([s; x] in CERT §3.2)."""
        statement = (context.editor.line_prefix + sketch).strip()
        return f"{statement}\n{context.prefix}"

    @staticmethod
    def _request(
        prompt: str, context: CodeContext, n: int, settings: GenerationSettings, sketching: bool
    ) -> GenerationRequest:
        temperature = max(settings.temperature, SKETCH_TEMPERATURE) if sketching else settings.temperature
        return GenerationRequest(
            prompt=prompt, max_new_tokens=settings.max_new_tokens, temperature=temperature, top_p=settings.top_p,
            n=n, stop=DEFAULT_STOPS, seed=settings.seed, scope="auto", code_prefix=context.prefix,
        )

    def _candidate(self, text: str, apis: Sequence[ApiEntry], winner: Vote, how: str, prompt: str,
                   logprob: float | None = None) -> Candidate:
        return Candidate(
            text=text,
            score=(logprob or 0.0) + winner.votes / max(winner.samples, 1),
            apis=apis_called(text, apis),
            generator=self.name,
            prompt=prompt,
            notes=(f"{how} ({winner.votes}/{winner.samples} sketches agreed: {winner.sketch.strip()[:120]})",),
        )

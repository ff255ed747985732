"""Context -> retrieve -> generate -> check -> rank, within a time budget. No LSP here: the server,
the CLI and the benchmarks all complete code through this one path.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from apiary.docs.entry import ApiEntry
from apiary.generation.backends.base import BackendError
from apiary.generation.check import check_candidate
from apiary.generation.rank import IntentScorer, rank
from apiary.generation.syntax import fits_in_place
from apiary.generation.types import Candidate, CodeContext, GenerationSettings, Generator
from apiary.retrieval.hybrid import HybridRetriever, ScoredApi
from apiary.retrieval.query import ApiQuery, query_from_context
from apiary.snippet import placeholder_names
from apiary.weights import GenerationRankWeights, load_weights

log = logging.getLogger(__name__)


@dataclass
class Completions:
    candidates: list[Candidate]
    #: the APIs that shaped them (retrieved, or chosen by the user), with their retrieval scores
    apis: list[ScoredApi]
    generator: str
    timings_ms: dict[str, float] = field(default_factory=dict)
    #: why the requested generator was not used, if it was not
    fallback_reason: str | None = None
    #: how many candidates the generator wrote, before the checks dropped any
    written: int = 0


class Pipeline:
    def __init__(
        self,
        retriever: HybridRetriever,
        generators: Mapping[str, Generator],
        default: str = "offline",
        fallback: str = "offline",
        intent_scorer: IntentScorer | None = None,
        rank_weights: GenerationRankWeights | None = None,
    ):
        self.retriever = retriever
        self.generators = dict(generators)
        self.default = default
        self.fallback = fallback
        self.intent_scorer = intent_scorer
        self.rank_weights = rank_weights if rank_weights is not None else load_weights().generation

    def retrieve(self, context: CodeContext, top_k: int = 5, query: ApiQuery | None = None) -> list[ScoredApi]:
        return self.retriever.search(query or query_from_context(context.editor), top_k=top_k)

    def complete(
        self,
        context: CodeContext,
        *,
        generator: str | None = None,
        apis: Sequence[ApiEntry] | None = None,
        n: int = 1,
        settings: GenerationSettings | None = None,
        cancel: threading.Event | None = None,
    ) -> Completions:
        settings = settings or GenerationSettings()
        timings: dict[str, float] = {}
        started = time.perf_counter()
        cancel = cancel or threading.Event()
        timer = _deadline(cancel, settings.time_budget_ms)
        try:
            query = query_from_context(context.editor)  # once per request: retrieval and the checks read it
            scored = [ScoredApi(a, 1.0) for a in apis] if apis is not None else \
                self.retrieve(context, max(settings.top_apis, 1), query)
            chosen = [s.entry for s in scored][: max(settings.top_apis, len(apis or []))]
            timings["retrieve"] = _ms(started)
            name = generator or self.default
            candidates, used, reason = self._generate(name, context, chosen, n, settings, cancel)
            timings["generate"] = _ms(started) - timings["retrieve"]
            final = self._finish(candidates, context, chosen, query, n)
            timings["total"] = _ms(started)
            return Completions(final[:n], scored, used, timings, reason, written=len(candidates))
        finally:
            if timer is not None:
                timer.cancel()

    def _generate(self, name: str, context: CodeContext, apis: list[ApiEntry], n: int, settings: GenerationSettings,
                  cancel: threading.Event) -> tuple[list[Candidate], str, str | None]:
        generator = self.generators.get(name)
        reason = None if generator is not None else f"no generator '{name}' is configured"
        if generator is not None:
            try:
                candidates = generator.generate(context, apis, n + generator.spare, settings, cancel)
                if candidates or generator is self.generators.get(self.fallback):
                    return candidates, name, None
                reason = f"{name} timed out" if cancel.is_set() else f"{name} gave no candidate"
                cancel = threading.Event()  # the fallback is fast; it gets its own chance
            except BackendError as error:
                reason = str(error)
            except Exception as error:  # a generator's bug must not cost the user their completion
                log.exception("generator %s failed", name)
                reason = f"{name} failed: {type(error).__name__}: {error}"
        log.warning("falling back to the %s generator: %s", self.fallback, reason)
        fallback = self.generators.get(self.fallback)
        if fallback is None or fallback is generator:
            return [], name, reason
        try:
            return fallback.generate(context, apis, n + fallback.spare, settings, cancel), self.fallback, reason
        except Exception:
            log.exception("the fallback generator %s failed", self.fallback)
            return [], self.fallback, reason

    def _finish(self, candidates: list[Candidate], context: CodeContext, apis: list[ApiEntry],
                query: ApiQuery, n: int) -> list[Candidate]:
        """Check calls against the index, check syntax in place, rank; drop what cannot be repaired.
        The first ``n`` that pass are ranked: the generator's spare ones only stand in for those dropped."""
        catalogues = [index.catalogue for index in self.retriever.indexes_for(query)]
        checked: list[Candidate] = []
        for candidate in candidates:
            if len(checked) == n:
                break
            result = check_candidate(candidate.text, context.editor, catalogues, placeholder_names(candidate.snippet))
            if not result.ok:
                log.info("dropped a candidate: %s", "; ".join(result.notes))
                continue
            apis_used = tuple(dict.fromkeys((*candidate.apis, *result.apis)))
            snippet = candidate.snippet if result.text == candidate.text else None  # a repair outdates it
            checked.append(replace(candidate, text=result.text, apis=apis_used, notes=(*candidate.notes, *result.notes),
                                   snippet=snippet))
        syntax = [fits_in_place(context.prefix, c.text, context.suffix) for c in checked]
        return rank(checked, context.editor.intent, syntax, [a.import_path for a in apis], self.intent_scorer,
                    self.rank_weights)


def _deadline(cancel: threading.Event, budget_ms: float | None) -> threading.Timer | None:
    if budget_ms is None:
        return None
    timer = threading.Timer(budget_ms / 1000, cancel.set)
    timer.daemon = True
    timer.start()
    return timer


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)

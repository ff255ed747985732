"""A backend that answers from a script: for tests and the demo, with no model at all."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence

from apiary.generation.backends.base import Completion, GenerationRequest
from apiary.generation.stopping import StopChecker

Response = str | Completion
Responses = Sequence[Response] | Callable[[GenerationRequest], Sequence[Response]]

_TOKEN = re.compile(r"\w+|[^\w\s]|\s+")


class FakeBackend:
    """Answers each request with ``responses`` (or what ``responses(request)`` returns), repeated
    to make ``request.n``; cut at the request's stop sequences and scope like a real backend.

    ``delay_s`` sleeps before answering (a set cancel event ends it early, finish_reason
    "cancelled"); ``fail_with`` is raised instead of answering. ``requests`` records every request.
    """

    def __init__(
        self,
        responses: Responses = ("",),
        delay_s: float = 0.0,
        supports_fim: bool = False,
        fail_with: BaseException | None = None,
        id: str = "fake",
        context_window: int = 2048,
    ):
        self.id = id
        self.responses = responses
        self.delay_s = delay_s
        self.fail_with = fail_with
        self.requests: list[GenerationRequest] = []
        self._supports_fim = supports_fim
        self._context_window = context_window

    @property
    def supports_fim(self) -> bool:
        return self._supports_fim

    @property
    def context_window(self) -> int:
        return self._context_window

    def count_tokens(self, text: str) -> int:
        """Words, punctuation marks and runs of whitespace: deterministic, roughly BPE-sized."""
        return len(_TOKEN.findall(text))

    def complete(self, request: GenerationRequest, cancel: threading.Event | None = None) -> list[Completion]:
        self.requests.append(request)
        if self.fail_with is not None:
            raise self.fail_with
        cancel = cancel or threading.Event()
        if cancel.wait(self.delay_s) if self.delay_s > 0 else cancel.is_set():
            return [Completion("", finish_reason="cancelled") for _ in range(request.n)]
        scripted = list(self.responses(request) if callable(self.responses) else self.responses) or [""]
        checker = StopChecker(request.stop, request.code_prefix or request.prompt, request.scope)
        return [self._finish(scripted[i % len(scripted)], checker) for i in range(request.n)]

    @staticmethod
    def _finish(response: Response, checker: StopChecker) -> Completion:
        completion = response if isinstance(response, Completion) else Completion(response)
        text = checker.finish(completion.text)
        reason = "stop" if text != completion.text else completion.finish_reason
        return Completion(text, completion.mean_logprob, reason, dict(completion.extra))


__all__ = ["FakeBackend"]

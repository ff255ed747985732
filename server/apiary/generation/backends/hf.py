"""An in-process Hugging Face causal language model (``AutoModelForCausalLM``).

Loads from a local directory or a hub id already in the local Hugging Face cache: nothing is
downloaded unless the environment variable ``APIARY_ALLOW_DOWNLOAD=1`` is set. Only safetensors
weights are loaded; pickled ``.bin`` weights are refused, since unpickling can run arbitrary code.
Any failure to load raises :class:`BackendError` (the caller falls back to the offline default).

``complete`` blocks: call it from an executor. A :class:`StoppingCriteria` checked after every
token ends generation when the cancel event is set (the prompt's first forward pass cannot be
interrupted) or when the :class:`StopChecker` says the completion is over.
"""

from __future__ import annotations

import logging
import threading

import torch
from transformers import (
    LogitsProcessor,
    LogitsProcessorList,
    StoppingCriteria,
    StoppingCriteriaList,
)

from apiary.generation.backends.base import BackendError, Completion, GenerationRequest
from apiary.generation.backends.fim import FimTokens, detect_fim, fim_input_ids
from apiary.generation.backends.hf_load import (
    ALLOW_DOWNLOAD_ENV,
    context_window_of,
    load_model,
    resolve_device,
    resolve_dtype,
)
from apiary.generation.stopping import StopChecker

log = logging.getLogger(__name__)


class HFBackend:
    """A causal LM from ``model`` (a directory or a cached hub id) on ``device`` ("auto": CUDA when
    available, else CPU) in ``dtype`` ("auto": bfloat16 on CUDA that supports it, else float16
    there, float32 on CPU). ``max_new_tokens`` caps every request's budget; ``context_window``
    overrides the model config's."""

    def __init__(
        self,
        model: str,
        device: str = "auto",
        dtype: str = "auto",
        max_new_tokens: int | None = None,
        context_window: int | None = None,
    ):
        self.id = model
        self.device = resolve_device(device)
        self.dtype = resolve_dtype(dtype, self.device)
        self.max_new_tokens = max_new_tokens
        self.tokenizer, self.model = load_model(model, self.device, self.dtype)
        self.fim: FimTokens | None = detect_fim(self.tokenizer)
        self._context_window = context_window or context_window_of(self.model.config, self.tokenizer)
        self._lock = threading.Lock()  # one generate at a time
        self._tok_lock = threading.Lock()  # CodeLlama's infilling encoder mutates the tokenizer
        eos = self.model.generation_config.eos_token_id
        eos = eos if isinstance(eos, list) else [eos]
        self._eos = {i for i in [*eos, self.tokenizer.eos_token_id] if i is not None}
        self._pad = (
            self.tokenizer.pad_token_id
            if self.tokenizer.pad_token_id is not None
            else min(self._eos, default=0)
        )
        log.info(
            "loaded %s on %s (%s), FIM: %s", model, self.device, self.dtype, self.fim and self.fim.family
        )

    @property
    def supports_fim(self) -> bool:
        return self.fim is not None

    @property
    def context_window(self) -> int:
        return self._context_window

    def count_tokens(self, text: str) -> int:
        with self._tok_lock:
            return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def complete(self, request: GenerationRequest, cancel: threading.Event | None = None) -> list[Completion]:
        cancel = cancel or threading.Event()
        while not self._lock.acquire(timeout=0.05):
            if cancel.is_set():
                return _cancelled(request.n)
        try:
            if cancel.is_set():
                return _cancelled(request.n)
            return self._generate(request, cancel)
        finally:
            self._lock.release()

    def _generate(self, request: GenerationRequest, cancel: threading.Event) -> list[Completion]:
        budget = min(request.max_new_tokens, self.max_new_tokens or request.max_new_tokens)
        budget = max(1, min(budget, self._context_window // 2))
        ids, fim = self._encode(request, self._context_window - budget)
        greedy = request.temperature <= 0
        rows = 1 if greedy else request.n  # greedy answers are all the same
        prefix = request.code_prefix if request.code_prefix is not None else request.prompt
        checker = StopChecker(request.stop, prefix, request.scope)
        eos = self._eos | {self.tokenizer.convert_tokens_to_ids(t) for t in (fim.stop_tokens if fim else ())}
        watch = _Watch(self.tokenizer, len(ids), checker, cancel, eos)
        if request.seed is not None:
            torch.manual_seed(request.seed)
        input_ids = torch.tensor([ids], device=self.device)
        sampling = {} if greedy else {"temperature": request.temperature, "top_p": request.top_p, "top_k": 0}
        try:
            with torch.inference_mode():
                out = self.model.generate(
                    input_ids,
                    attention_mask=torch.ones_like(input_ids),
                    max_new_tokens=budget,
                    do_sample=not greedy,
                    num_return_sequences=rows,
                    stopping_criteria=StoppingCriteriaList([watch]),
                    logits_processor=LogitsProcessorList([watch.logprobs]),
                    eos_token_id=sorted(eos),
                    pad_token_id=self._pad,
                    **sampling,
                )
        except (RuntimeError, ValueError) as exc:  # out of memory, a model that cannot generate...
            raise BackendError(f"{self.id} failed to generate: {type(exc).__name__}: {exc}") from exc
        results = [
            self._result(out[row, len(ids) :].tolist(), row, watch, checker, fim) for row in range(rows)
        ]
        return [results[i % rows] for i in range(request.n)]

    def _result(self, tokens: list[int], row: int, watch: _Watch, checker: StopChecker, fim) -> Completion:
        ended = watch.ended[row] if row < len(watch.ended) else None
        tokens = tokens[:ended] if ended is not None else tokens
        raw = self.tokenizer.decode(tokens, skip_special_tokens=True)
        text = checker.finish(raw)
        if watch.cancelled:
            reason = "cancelled"
        else:
            reason = "stop" if ended is not None or text != raw else "length"
        kept = len(tokens)
        if text != raw:
            kept = min(kept, self.count_tokens(text))
        return Completion(text, watch.mean_logprob(row, kept), reason, {"fim": fim is not None})

    def _encode(self, request: GenerationRequest, room: int) -> tuple[list[int], FimTokens | None]:
        """The prompt's token ids, FIM when there is a suffix and the tokenizer knows how; cut to
        ``room`` tokens (keeping the text nearest the cursor)."""
        with self._tok_lock:
            if self.fim is not None and request.suffix and request.suffix.strip():
                prefix, suffix = request.prompt, request.suffix
                for _ in range(4):
                    ids = fim_input_ids(self.tokenizer, self.fim, prefix, suffix)
                    if len(ids) <= room:
                        return ids, self.fim
                    keep = 0.9 * room / len(ids)
                    prefix, suffix = (
                        prefix[len(prefix) - int(len(prefix) * keep) :],
                        suffix[: int(len(suffix) * keep)],
                    )
            ids = list(self.tokenizer(request.prompt)["input_ids"])
        if len(ids) > room:
            bos = self.tokenizer.bos_token_id
            ids = (
                [bos, *ids[len(ids) - room + 1 :]]
                if bos is not None and ids[0] == bos
                else ids[len(ids) - room :]
            )
        return ids, None


class _LastLogprobs(LogitsProcessor):
    """Keeps the log-probabilities of the step's (processed) distribution; changes nothing."""

    last: torch.Tensor | None = None

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        self.last = torch.log_softmax(scores.float(), dim=-1)
        return scores


class _Watch(StoppingCriteria):
    """After each token: ends every row once ``cancel`` is set, and a row once it produced an
    end-of-text token or its text is complete; records each row's token log-probabilities."""

    def __init__(
        self, tokenizer, prompt_len: int, checker: StopChecker, cancel: threading.Event, eos: set[int]
    ):
        self.tokenizer, self.prompt_len, self.checker = tokenizer, prompt_len, checker
        self.cancel, self.eos = cancel, eos
        self.logprobs = _LastLogprobs()
        self.ended: list[int | None] = []
        self.token_logprobs: list[list[float]] = []
        self.cancelled = False

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor, **kwargs) -> torch.BoolTensor:
        rows, step = input_ids.shape[0], input_ids.shape[1] - self.prompt_len
        if not self.ended:
            self.ended, self.token_logprobs = [None] * rows, [[] for _ in range(rows)]
        last = self.logprobs.last
        for row in range(rows):
            if self.ended[row] is not None:
                continue
            token = int(input_ids[row, -1])
            if last is not None:
                self.token_logprobs[row].append(float(last[row, token]))
            if token in self.eos:
                self.ended[row] = step - 1
            elif self.checker.stops or self.checker.scope:
                text = self.tokenizer.decode(input_ids[row, self.prompt_len :], skip_special_tokens=True)
                if self.checker.should_stop(text):
                    self.ended[row] = step
        if self.cancel.is_set():
            self.cancelled = True
            return torch.ones(rows, dtype=torch.bool, device=input_ids.device)
        return torch.tensor([e is not None for e in self.ended], dtype=torch.bool, device=input_ids.device)

    def mean_logprob(self, row: int, tokens: int) -> float | None:
        values = self.token_logprobs[row][:tokens] if row < len(self.token_logprobs) else []
        return sum(values) / len(values) if values else None


def _cancelled(n: int) -> list[Completion]:
    return [Completion("", finish_reason="cancelled") for _ in range(n)]


__all__ = ["ALLOW_DOWNLOAD_ENV", "HFBackend"]

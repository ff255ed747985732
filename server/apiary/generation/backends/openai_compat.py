"""Any OpenAI-compatible ``/v1/completions`` endpoint: vLLM, llama.cpp's server, TGI, Ollama.

Uses the standard library's ``http.client`` (no extra dependency). Requests stream (server-sent
events) so that a cancel, a finished statement or a deadline closes the connection at once (vLLM
then aborts the request); a server that ignores ``stream`` and answers JSON is read as such.

Fill-in-the-middle is opt-in, since servers differ: ``fim=True`` (or "suffix") sends the text
after the cursor as the ``suffix`` field (Ollama accepts it; vLLM and llama.cpp's
``/v1/completions`` reject it); ``fim="starcoder"|"qwen"|"deepseek"|"codellama"`` lays out the
prompt with that family's FIM tokens here (the servers parse special tokens in the prompt text). The API key
comes from the constructor or
the environment variable ``APIARY_API_KEY``. Token counts are estimated (3.5 characters a token).
"""

from __future__ import annotations

import http.client
import json
import logging
import math
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from apiary.generation.backends.base import BackendError, Completion, GenerationRequest
from apiary.generation.backends.fim import FIM_FAMILIES, FimTokens, build_fim_prompt, fim_tokens_for
from apiary.generation.stopping import StopChecker

log = logging.getLogger(__name__)

API_KEY_ENV = "APIARY_API_KEY"
CHARS_PER_TOKEN = 3.5
#: what an endpoint may send: a whole answer, one server-sent event line, a model list
MAX_RESPONSE_BYTES = 16_000_000
MAX_EVENT_LINE_BYTES = 1_000_000
MAX_MODELS_BYTES = 1_000_000


@dataclass
class _Choice:
    text: str = ""
    finish_reason: str | None = None
    tokens: list[str] = field(default_factory=list)
    logprobs: list[float] = field(default_factory=list)

    def add(self, choice: dict) -> None:
        self.text += choice.get("text") or ""
        self.finish_reason = choice.get("finish_reason") or self.finish_reason
        lp = choice.get("logprobs") or {}
        if isinstance(lp, dict):
            self.tokens += [str(t) for t in lp.get("tokens") or []]
            self.logprobs += [float(v) for v in lp.get("token_logprobs") or [] if v is not None]

    def mean_logprob(self, kept: str) -> float | None:
        """Mean over the tokens that make up ``kept`` (the text after cutting)."""
        values = self.logprobs
        if self.tokens:
            count, length = 0, 0
            while count < len(self.tokens) and length < len(kept):
                length, count = length + len(self.tokens[count]), count + 1
            values = values[:count]
        return sum(values) / len(values) if values else None


class _Watchdog:
    """Shuts the connection's socket when the request is cancelled or past its deadline, so a
    blocked read returns at once."""

    def __init__(self, conn: http.client.HTTPConnection, cancel: threading.Event, deadline: float):
        self.reason: str | None = None
        self._conn, self._cancel, self._deadline = conn, cancel, deadline
        self._done = threading.Event()
        threading.Thread(target=self._run, name="apiary-http-watchdog", daemon=True).start()

    def _run(self) -> None:
        while not self._done.wait(0.02):
            if self._cancel.is_set() or time.monotonic() > self._deadline:
                self.reason = "cancelled" if self._cancel.is_set() else "timeout"
                sock = self._conn.sock
                if sock is not None:
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                return

    def stop(self) -> None:
        self._done.set()


class OpenAICompatBackend:
    """Completions from ``base_url`` (with or without its trailing ``/v1``).

    ``model`` None asks ``GET /v1/models`` once and takes the first id ("default" if that fails).
    ``timeout_s`` bounds a whole request, ``connect_timeout_s`` the connection. ``max_server_stops``
    stop sequences go to the server (TGI and OpenAI accept 4); all of them are applied here.
    """

    def __init__(
        self,
        base_url: str,
        model: str | None = None,
        api_key: str | None = None,
        timeout_s: float = 30.0,
        connect_timeout_s: float = 3.0,
        fim: bool | str = False,
        logprobs: bool = False,
        context_window: int | None = None,
        max_server_stops: int = 4,
    ):
        parts = urlsplit(base_url if "://" in base_url else f"http://{base_url}")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BackendError(f"endpoint {base_url!r} is not an http(s) URL")
        root = parts.path.rstrip("/")
        self._root = root[: -len("/v1")] if root.endswith("/v1") else root
        self._scheme, self._host, self._port = parts.scheme, parts.hostname, parts.port
        self.base_url = f"{parts.scheme}://{parts.netloc}{self._root}"
        self.api_key = api_key if api_key is not None else os.environ.get(API_KEY_ENV)
        self.timeout_s, self.connect_timeout_s = timeout_s, connect_timeout_s
        self.logprobs, self.max_server_stops = logprobs, max_server_stops
        self.fim = bool(fim)
        self._fim_template = None if isinstance(fim, bool) or fim == "suffix" else _template(fim)
        self._model = model
        self._context_window = context_window
        self._models_lock = threading.Lock()
        self._asking = False
        self.id = f"{model or 'default'}@{self.base_url}"

    @property
    def supports_fim(self) -> bool:
        return self.fim

    @property
    def context_window(self) -> int:
        """The constructor's, else what ``/v1/models`` said once asked (vLLM's ``max_model_len``),
        else 4096."""
        return self._context_window or 4096

    @property
    def model(self) -> str:
        """The constructor's, else the first one ``GET /v1/models`` lists (asked once it answers),
        else "default"."""
        with self._models_lock:
            if self._model is not None:
                return self._model
            if self._asking:  # another request is asking: never wait on it (it may trickle)
                return "default"
            self._asking = True
        try:
            asked = self._ask_model()
        finally:
            with self._models_lock:
                self._asking = False
        if asked is None:  # unreachable now: ask again next time
            return "default"
        with self._models_lock:
            self._model, window = asked
            self._context_window = self._context_window or window
            self.id = f"{self._model}@{self.base_url}"
        return self._model

    def count_tokens(self, text: str) -> int:
        return math.ceil(len(text) / CHARS_PER_TOKEN)

    def complete(self, request: GenerationRequest, cancel: threading.Event | None = None) -> list[Completion]:
        cancel = cancel or threading.Event()
        if cancel.is_set():
            return [Completion("", finish_reason="cancelled") for _ in range(request.n)]
        prefix = request.code_prefix if request.code_prefix is not None else request.prompt
        checker = StopChecker(request.stop, prefix, request.scope)
        body = self._body(request)
        choices = [_Choice() for _ in range(request.n)]
        reason = self._post(body, choices, checker, cancel)
        out = []
        for choice in choices:
            text = checker.finish(choice.text)
            if reason == "cancelled":
                finish = "cancelled"
            elif text != choice.text or choice.finish_reason in (None, "stop", "eos"):
                finish = "stop"
            else:
                finish = "length" if choice.finish_reason == "length" else str(choice.finish_reason)
            out.append(Completion(text, choice.mean_logprob(text), finish))
        return out

    # -- HTTP --------------------------------------------------------------------------------

    def _body(self, request: GenerationRequest) -> dict:
        body = {
            "model": self.model,
            "prompt": request.prompt,
            "max_tokens": request.max_new_tokens,
            "temperature": request.temperature,
            "top_p": request.top_p,
            "n": request.n,
            "stream": True,
        }
        if request.stop and self.max_server_stops > 0:
            body["stop"] = list(request.stop[: self.max_server_stops])
        if request.seed is not None:
            body["seed"] = request.seed
        if self.fim and request.suffix:
            if self._fim_template is not None:
                body["prompt"] = build_fim_prompt(self._fim_template, request.prompt, request.suffix)
            else:
                body["suffix"] = request.suffix
        if self.logprobs:
            body["logprobs"] = 1
        return body

    def _url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def _connect(self) -> http.client.HTTPConnection:
        cls = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
        conn = cls(self._host, self._port, timeout=self.connect_timeout_s)
        conn.connect()
        conn.sock.settimeout(self.timeout_s)
        return conn

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream, application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers

    def _post(self, body: dict, choices: list[_Choice], checker: StopChecker, cancel: threading.Event) -> str:
        """Send the request and fill ``choices``; returns "cancelled", "stop" (closed early: every
        choice is complete) or "done"."""
        url = self._url("/v1/completions")
        try:
            conn = self._connect()
        except OSError as exc:
            raise BackendError(f"cannot reach {url}: {type(exc).__name__}: {exc}") from exc
        watchdog = _Watchdog(conn, cancel, time.monotonic() + self.timeout_s)
        error: Exception | None = None
        try:
            outcome = self._exchange(conn, body, choices, checker, url)
        except (OSError, http.client.HTTPException, BackendError) as exc:
            error = exc
        finally:
            watchdog.stop()
            conn.close()
        if watchdog.reason == "cancelled" or (cancel.is_set() and error is not None):
            return "cancelled"
        if watchdog.reason == "timeout" or isinstance(error, TimeoutError):
            raise BackendError(f"{url} did not answer within {self.timeout_s:g} s") from error
        if isinstance(error, BackendError):
            raise error
        if error is not None:
            raise BackendError(f"connection to {url} failed: {type(error).__name__}: {error}") from error
        return outcome

    def _exchange(self, conn, body: dict, choices: list[_Choice], checker: StopChecker, url: str) -> str:
        conn.request("POST", f"{self._root}/v1/completions", json.dumps(body).encode(), self._headers())
        resp = conn.getresponse()
        if resp.status >= 400:
            detail = resp.read(2000).decode("utf-8", "replace").strip()
            raise BackendError(f"{url} answered HTTP {resp.status} {resp.reason}: {detail[:500]}")
        if "text/event-stream" in (resp.getheader("Content-Type") or ""):
            return self._read_stream(resp, choices, checker, url)
        _fill(choices, _json(_read_capped(resp, MAX_RESPONSE_BYTES, url), url), url)
        return "done"

    def _read_stream(self, resp, choices: list[_Choice], checker: StopChecker, url: str) -> str:
        received = 0
        while line := resp.readline(MAX_EVENT_LINE_BYTES + 1):
            received += len(line)
            if len(line) > MAX_EVENT_LINE_BYTES or received > MAX_RESPONSE_BYTES:
                raise BackendError(f"{url} sent more than {MAX_EVENT_LINE_BYTES:,} bytes in one event "
                                   f"or {MAX_RESPONSE_BYTES:,} in all")
            line = line.strip()
            if not line.startswith(b"data:"):
                continue
            data = line[len(b"data:") :].strip()
            if data == b"[DONE]":
                return "done"
            _fill(choices, _json(data, url), url, streamed=True)
            if all(c.finish_reason or checker.should_stop(c.text) for c in choices):
                return "stop"
        return "done"

    def _ask_model(self) -> tuple[str, int | None] | None:
        """The first model id ``GET /v1/models`` lists (and its ``max_model_len``); "default" if
        the server has no such list; None if it cannot be reached."""
        url = self._url("/v1/models")
        conn, watchdog = None, None
        try:
            conn = self._connect()
            conn.sock.settimeout(self.connect_timeout_s)  # a model list is quick, or not there
            # the whole answer within the same time: a list that trickles a byte a second ends too
            watchdog = _Watchdog(conn, threading.Event(), time.monotonic() + self.connect_timeout_s)
            conn.request("GET", f"{self._root}/v1/models", headers=self._headers())
            resp = conn.getresponse()
            raw = _read_capped(resp, MAX_MODELS_BYTES, url)
        except (OSError, http.client.HTTPException, BackendError) as exc:
            log.info("%s: unreachable or unreadable (%s); using model 'default' for now", url, exc)
            return None
        finally:
            if watchdog is not None:
                watchdog.stop()
            if conn is not None:
                conn.close()
        try:
            first = json.loads(raw)["data"][0] if resp.status < 400 else {}
            window = first.get("max_model_len")
            return str(first.get("id") or "default"), window if isinstance(window, int) else None
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            log.info("%s: no model list; using model 'default'", url)
            return "default", None


def _read_capped(resp, limit: int, url: str) -> bytes:
    data = resp.read(limit + 1)
    if len(data) > limit:
        raise BackendError(f"{url} answered more than {limit:,} bytes")
    return data


def _template(family: str) -> FimTokens:
    try:
        return fim_tokens_for(family)
    except KeyError:
        raise BackendError(f"fim={family!r}: expected True, 'suffix' or one of {FIM_FAMILIES}") from None


def _json(raw: bytes, url: str) -> dict:
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise BackendError(f"{url} answered something that is not JSON: {raw[:200]!r}") from exc
    if not isinstance(data, dict):
        raise BackendError(f"{url} answered JSON that is not an object: {raw[:200]!r}")
    if "error" in data:
        raise BackendError(f"{url} answered an error: {str(data['error'])[:500]}")
    return data


def _fill(choices: list[_Choice], data: dict, url: str, streamed: bool = False) -> None:
    received = data.get("choices")
    if not isinstance(received, list):
        if streamed:  # e.g. a usage-only event
            return
        raise BackendError(f"{url} answered without 'choices': {str(data)[:200]}")
    for position, choice in enumerate(received):
        index = choice.get("index", position) if isinstance(choice, dict) else None
        if isinstance(index, int) and 0 <= index < len(choices):
            choices[index].add(choice)


__all__ = ["API_KEY_ENV", "OpenAICompatBackend"]

"""OpenAICompatBackend against a fake OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from apiary.generation.backends.base import BackendError, GenerationRequest
from apiary.generation.backends.openai_compat import OpenAICompatBackend


class FakeServer:
    """Serves /v1/models and /v1/completions; ``mode`` says how completions answer:
    "stream" (SSE, chunked), "json" (ignores ``stream``), "hang", "500", "badjson", "badsse"."""

    def __init__(self):
        self.mode = "stream"
        self.texts = ["def f():\n    return 1\n"]
        self.chunk_delay = 0.0
        self.chunk_size = 4
        self.models = {"data": [{"id": "tiny-coder", "object": "model", "max_model_len": 8192}]}
        self.bodies: list[dict] = []
        self.headers: list[dict] = []
        self.released = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def close(self):
        self.released.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def _handler(server):  # noqa: N805 - the closure's `self` is the handler
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _send(self, status, body: bytes, ctype="application/json"):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path == "/v1/models" and server.models is not None:
                    self._send(200, json.dumps(server.models).encode())
                else:
                    self._send(404, b'{"error": "not found"}')

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.bodies.append(body)
                server.headers.append(dict(self.headers))
                if self.path != "/v1/completions":
                    return self._send(404, b"{}")
                mode = server.mode
                if mode == "hang":
                    server.released.wait(10)
                    return self._send(200, b"{}")
                if mode == "500":
                    return self._send(500, b'{"error": "model exploded"}')
                if mode == "badjson":
                    return self._send(200, b"this is not json")
                texts = [server.texts[i % len(server.texts)] for i in range(body.get("n", 1))]
                if mode == "json" or not body.get("stream"):
                    return self._send(200, json.dumps(_response(texts)).encode())
                self._stream(texts, bad=mode == "badsse")

            def _chunk(self, data: bytes):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()

            def _stream(self, texts, bad=False):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                try:
                    if bad:
                        self._chunk(b"data: {broken\n\n")
                    size = server.chunk_size
                    for start in range(0, max(len(t) for t in texts), size):
                        for index, text in enumerate(texts):
                            piece = text[start : start + size]
                            if piece:
                                last = start + size >= len(text)
                                choice = {
                                    "index": index,
                                    "text": piece,
                                    "finish_reason": "stop" if last else None,
                                }
                                self._chunk(b"data: " + json.dumps({"choices": [choice]}).encode() + b"\n\n")
                        time.sleep(server.chunk_delay)
                    self._chunk(b"data: [DONE]\n\n")
                    self._chunk(b"")
                except OSError:
                    pass  # the client closed the connection

        return Handler


def _response(texts):
    choices = []
    for index, text in enumerate(texts):
        tokens = [text[i : i + 3] for i in range(0, len(text), 3)]
        choices.append(
            {
                "index": index,
                "text": text,
                "finish_reason": "length",
                "logprobs": {"tokens": tokens, "token_logprobs": [-0.5] * len(tokens)},
            }
        )
    return {"id": "cmpl-1", "object": "text_completion", "choices": choices}


@pytest.fixture
def server():
    fake = FakeServer()
    yield fake
    fake.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------------------------
# Requests and answers


def test_sends_the_request_parameters(server):
    backend = OpenAICompatBackend(server.url, model="m", api_key="secret")
    request = GenerationRequest(
        "def f():\n",
        suffix="\nprint(f())",
        max_new_tokens=32,
        temperature=0.2,
        top_p=0.9,
        n=2,
        stop=("\nclass", "\ndef", "\n#", "\nif", "\nprint"),
        seed=3,
    )
    backend.complete(request)
    (body,) = server.bodies
    assert body["model"] == "m" and body["prompt"] == "def f():\n"
    assert (body["max_tokens"], body["temperature"], body["top_p"], body["n"], body["seed"]) == (
        32,
        0.2,
        0.9,
        2,
        3,
    )
    assert body["stop"] == ["\nclass", "\ndef", "\n#", "\nif"]  # 4 to the server, all applied here
    assert body["stream"] is True
    assert "suffix" not in body  # FIM is opt-in
    assert server.headers[0]["Authorization"] == "Bearer secret"


def test_fim_suffix_and_fim_template(server):
    OpenAICompatBackend(server.url, model="m", fim=True).complete(GenerationRequest("a = ", suffix="\nb = 2"))
    assert server.bodies[-1]["suffix"] == "\nb = 2"
    OpenAICompatBackend(server.url, model="m", fim="qwen").complete(
        GenerationRequest("a = ", suffix="\nb = 2")
    )
    assert "suffix" not in server.bodies[-1]
    assert server.bodies[-1]["prompt"] == "<|fim_prefix|>a = <|fim_suffix|>\nb = 2<|fim_middle|>"
    with pytest.raises(BackendError, match="fim="):
        OpenAICompatBackend(server.url, fim="gpt")


def test_streamed_answer_with_n_choices(server):
    server.texts = ["x = 1\n", "y = 22\n", "z = 333\n"]
    backend = OpenAICompatBackend(server.url, model="m")
    result = backend.complete(GenerationRequest("", n=3))
    assert [c.text for c in result] == server.texts
    assert all(c.finish_reason == "stop" for c in result)
    assert all(c.mean_logprob is None for c in result)


def test_json_answer_from_a_server_that_does_not_stream(server):
    server.mode = "json"
    server.texts = ["return a + b\n\ndef sub(a, b):\n"]
    backend = OpenAICompatBackend(server.url, model="m")
    (completion,) = backend.complete(GenerationRequest("def add(a, b):\n    ", stop=("\ndef",)))
    assert completion.text == "return a + b\n"
    assert completion.finish_reason == "stop"  # cut here at the stop sequence
    assert completion.mean_logprob == pytest.approx(-0.5)
    server.texts = ["abc"]
    (completion,) = backend.complete(GenerationRequest("x = "))
    assert completion.finish_reason == "length"


def test_stop_sequences_are_applied_locally(server):
    server.texts = ["a = 1\nprint(a)\n"]
    backend = OpenAICompatBackend(server.url, model="m", max_server_stops=0)
    (completion,) = backend.complete(GenerationRequest("", stop=("\nprint",)))
    assert "stop" not in server.bodies[0]
    assert completion.text == "a = 1" and completion.finish_reason == "stop"


def test_stream_is_closed_once_the_statement_is_complete(server):
    server.texts = ["foo(1)\n" + "y = 2\n" * 40]
    server.chunk_size, server.chunk_delay = 7, 0.05  # about 2 s for the whole answer
    backend = OpenAICompatBackend(server.url, model="m")
    started = time.monotonic()
    (completion,) = backend.complete(GenerationRequest("x = ", scope="auto"))
    assert completion.text == "foo(1)" and completion.finish_reason == "stop"
    assert time.monotonic() - started < 1.0


def test_model_from_v1_models(server):
    backend = OpenAICompatBackend(server.url + "/v1/")  # with /v1 and a trailing slash
    assert backend.context_window == 4096  # not asked yet: no I/O from a property
    backend.complete(GenerationRequest("x"))
    assert server.bodies[0]["model"] == "tiny-coder"
    assert backend.id == f"tiny-coder@{server.url}"
    assert backend.context_window == 8192  # vLLM's max_model_len


def test_model_default_when_the_server_has_no_model_list(server):
    server.models = None
    backend = OpenAICompatBackend(server.url)
    backend.complete(GenerationRequest("x"))
    assert server.bodies[0]["model"] == "default"


def test_model_is_asked_again_while_the_server_is_unreachable(server):
    backend = OpenAICompatBackend(f"http://127.0.0.1:{_free_port()}")
    assert backend.model == "default"
    backend._port = server.httpd.server_address[1]  # the server is up now
    assert backend.model == "tiny-coder"


def test_api_key_from_the_environment(server, monkeypatch):
    monkeypatch.setenv("APIARY_API_KEY", "from-env")
    OpenAICompatBackend(server.url, model="m").complete(GenerationRequest("x"))
    assert server.headers[0]["Authorization"] == "Bearer from-env"


def test_count_tokens_is_an_estimate():
    backend = OpenAICompatBackend("http://127.0.0.1:1")
    assert backend.count_tokens("") == 0
    assert backend.count_tokens("x" * 35) == 10
    assert not backend.supports_fim


# --------------------------------------------------------------------------------------------
# Failures


def test_connection_refused(server):
    url = f"http://127.0.0.1:{_free_port()}"
    backend = OpenAICompatBackend(url, model="m")
    with pytest.raises(BackendError, match="127.0.0.1") as info:
        backend.complete(GenerationRequest("x"))
    assert "/v1/completions" in str(info.value)


def test_hanging_server_times_out(server):
    server.mode = "hang"
    backend = OpenAICompatBackend(server.url, model="m", timeout_s=0.5)
    started = time.monotonic()
    with pytest.raises(BackendError, match="did not answer within 0.5 s"):
        backend.complete(GenerationRequest("x"))
    assert time.monotonic() - started < 1.5


def test_http_error(server):
    server.mode = "500"
    with pytest.raises(BackendError, match="HTTP 500.*model exploded"):
        OpenAICompatBackend(server.url, model="m").complete(GenerationRequest("x"))


@pytest.mark.parametrize("mode", ["badjson", "badsse"])
def test_invalid_json(server, mode):
    server.mode = mode
    with pytest.raises(BackendError, match="not JSON") as info:
        OpenAICompatBackend(server.url, model="m").complete(GenerationRequest("x"))
    assert server.url in str(info.value)


def test_not_an_http_url():
    with pytest.raises(BackendError, match="http"):
        OpenAICompatBackend("ftp://example.invalid")


# --------------------------------------------------------------------------------------------
# Cancellation


def test_cancel_before_sends_nothing(server):
    cancel = threading.Event()
    cancel.set()
    result = OpenAICompatBackend(server.url, model="m").complete(GenerationRequest("x", n=2), cancel)
    assert [c.finish_reason for c in result] == ["cancelled", "cancelled"]
    assert server.bodies == []


def test_cancel_during_a_slow_stream_returns_promptly(server):
    server.texts = ["y = 2\n" * 50]
    server.chunk_size, server.chunk_delay = 6, 0.2  # 10 s for the whole answer
    backend = OpenAICompatBackend(server.url, model="m")
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    started = time.monotonic()
    (completion,) = backend.complete(GenerationRequest("", max_new_tokens=500), cancel)
    assert completion.finish_reason == "cancelled"
    assert completion.text.startswith("y = 2")  # what came before the cancel
    assert time.monotonic() - started < 1.0


def test_cancel_while_the_server_thinks(server):
    server.mode = "hang"
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    (completion,) = OpenAICompatBackend(server.url, model="m").complete(GenerationRequest("x"), cancel)
    assert completion.finish_reason == "cancelled"
    assert time.monotonic() - started < 0.8

"""A hostile OpenAI-compatible endpoint (issue "Security and robustness", item 8): answers of
gigabytes, an event line that never ends, a model list that trickles a byte a second. Every read
has a cap and every call a deadline, and one slow model list holds up no other request."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from apiary.generation.backends.base import BackendError, GenerationRequest
from apiary.generation.backends.openai_compat import MAX_RESPONSE_BYTES, OpenAICompatBackend


class HostileHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):  # /v1/models, one byte a second
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        try:
            for _ in range(60):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(1)
        except OSError:
            pass

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        endless_event = self.server.mode == "sse"
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream" if endless_event else "application/json")
        self.send_header("Content-Length", str(10 * MAX_RESPONSE_BYTES))
        self.end_headers()
        block = (b"data: " if endless_event else b"") + b"x" * 65536
        try:
            for _ in range(10 * MAX_RESPONSE_BYTES // len(block)):
                self.wfile.write(block)
                block = b"x" * 65536
        except OSError:
            pass  # the client stopped reading: what the test wants


@pytest.fixture
def hostile():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), HostileHandler)
    httpd.daemon_threads = True
    httpd.mode = "json"
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def endpoint(httpd, **kwargs) -> OpenAICompatBackend:
    return OpenAICompatBackend(
        f"http://127.0.0.1:{httpd.server_address[1]}", connect_timeout_s=1.0, timeout_s=20, **kwargs
    )


def test_a_trickling_model_list_ends_at_its_deadline_and_blocks_no_one(hostile):
    backend = endpoint(hostile)
    asked: dict = {}

    def ask():
        started = time.monotonic()
        asked["model"] = backend.model
        asked["seconds"] = time.monotonic() - started

    first = threading.Thread(target=ask)
    first.start()
    time.sleep(0.2)
    started = time.monotonic()
    assert backend.model == "default"  # another request does not wait for the first one's answer
    assert time.monotonic() - started < 0.5
    first.join(10)
    assert asked["model"] == "default" and asked["seconds"] < 3  # the connect timeout, not the 60 s trickle


@pytest.mark.parametrize("mode", ["json", "sse"])
def test_an_answer_past_the_caps_is_an_error_not_a_memory_bill(hostile, mode):
    hostile.mode = mode
    backend = endpoint(hostile, model="m")
    with pytest.raises(BackendError, match="more than"):
        backend.complete(GenerationRequest(prompt="x = ", max_new_tokens=8))

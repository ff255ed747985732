"""Robustness of `apiary serve --stdio`: raw malformed JSON-RPC on its stdin, then the odd documents
and requests a real editor sends (pytest-lsp). Each gets an error or an empty result, and the server
keeps serving."""

from __future__ import annotations

import json
import queue
import re
import subprocess
import threading

import pytest
from tests.e2e.lsp_helpers import LIBRARY, SERVER_COMMAND, server_env


def frame(message: dict | bytes) -> bytes:
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class RawServer:
    def __init__(self, tmp_path):
        self.proc = subprocess.Popen(SERVER_COMMAND, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=server_env(tmp_path))
        self.messages: queue.Queue[dict] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            header = b""
            while not header.endswith(b"\r\n\r\n"):
                byte = out.read(1)
                if not byte:
                    return
                header += byte
            length = int(re.search(rb"Content-Length: (\d+)", header).group(1))
            self.messages.put(json.loads(out.read(length)))

    def send(self, data: bytes) -> None:
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def response(self, ident, timeout: float = 20.0) -> dict:
        """The response with id ``ident`` (notifications and other responses are skipped)."""
        while True:
            message = self.messages.get(timeout=timeout)
            if "method" not in message and message.get("id") == ident:
                return message


@pytest.fixture
def raw(tmp_path):
    server = RawServer(tmp_path)
    yield server
    if server.proc.poll() is None:
        server.proc.kill()
    server.proc.wait(10)


def request(ident, method, params=None) -> bytes:
    return frame({"jsonrpc": "2.0", "id": ident, "method": method, "params": params or {}})


def test_malformed_json_rpc_is_answered_and_the_server_keeps_serving(raw):
    options = {"libraries": [str(LIBRARY)], "encoder": "hashing"}
    raw.send(request(1, "initialize", {"processId": None, "rootUri": None, "capabilities": {}, "initializationOptions": options}))
    assert "capabilities" in raw.response(1)["result"]
    raw.send(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))

    raw.send(b"this is not a header\r\n")  # junk between messages
    raw.send(b"Content-Length: many\r\n\r\n")  # a length that is not a number
    assert raw.response(None)["error"]["code"] == -32700
    raw.send(b"Content-Length: 99999999999999\r\n\r\n")  # a huge length
    assert "exceeds" in raw.response(None)["error"]["message"]
    raw.send(frame(b"{this is not json"))  # invalid JSON
    assert raw.response(None)["error"]["code"] == -32700
    raw.send(frame(b"[1, 2, 3]"))  # JSON, but not a message
    assert raw.response(None)["error"]["code"] == -32600
    # a truncated body whose length claims more than was sent: it swallows the next header
    raw.send(b'Content-Length: 60\r\n\r\n{"jsonrpc": "2.0", "id": 2, "method": "shut' + request(3, "apiary/unknown"))
    assert raw.response(None)["error"]["code"] == -32700
    assert raw.response(3)["error"]["code"] == -32601  # the request after it is still answered
    raw.send(request(4, "textDocument/hover", {"textDocument": 42}))  # wrong schema
    assert raw.response(4)["error"]["code"] == -32602
    raw.send(request(5, "textDocument/hover", {"textDocument": {"uri": "file:///nowhere.py"},
                                                "position": {"line": 0, "character": 0}}))
    assert raw.response(5)["result"] is None  # a document that was never opened
    raw.send(frame({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": "file:///nowhere.py", "version": 2}, "contentChanges": [{"text": "x"}]}}))

    raw.send(request(6, "workspace/executeCommand", {"command": "apiary.status"}))
    assert "libraries" in raw.response(6)["result"]
    raw.send(request(7, "shutdown"))
    assert raw.response(7)["result"] is None
    raw.send(frame({"jsonrpc": "2.0", "method": "exit"}))
    assert raw.proc.wait(15) == 0


def test_exit_without_shutdown_ends_with_status_1(raw):
    raw.send(request(1, "initialize", {"processId": None, "rootUri": None, "capabilities": {},
                                       "initializationOptions": {"encoder": "hashing"}}))
    raw.response(1)
    raw.send(frame({"jsonrpc": "2.0", "method": "exit"}))
    assert raw.proc.wait(15) == 1


def test_end_of_input_ends_the_server(raw):
    raw.proc.stdin.close()
    assert raw.proc.wait(15) == 0

"""Attacks on the JSON-RPC stream of `apiary serve --stdio` (issue "Security and robustness", items
5 and 11): each gets the answer the specs ask for, and the server goes on serving."""

from __future__ import annotations

import queue
import time

import pytest
from tests.e2e.lsp_helpers import LIBRARY, frame, request

from apiary.lsp.transport import PARSE_ERROR, FrameError, Framer

INIT = {"processId": None, "rootUri": None, "capabilities": {},
        "initializationOptions": {"libraries": [str(LIBRARY)], "encoder": "hashing"}}


def initialized(raw) -> None:
    raw.send(request(1, "initialize", INIT))
    assert "capabilities" in raw.response(1)["result"]
    raw.send(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))


def ready(raw, first_id: int = 100) -> None:
    """Wait until the library is indexed."""
    for ident in range(first_id, first_id + 200):
        raw.send(request(ident, "workspace/executeCommand", {"command": "apiary.status"}))
        if raw.response(ident)["result"]["ready"]:
            return
        time.sleep(0.1)
    raise AssertionError("the library never became ready")


def alive(raw, ident: int) -> None:
    raw.send(request(ident, "workspace/executeCommand", {"command": "apiary.status"}))
    assert "libraries" in raw.response(ident)["result"]


def no_message(raw, seconds: float = 0.5) -> None:
    """Nothing but notifications from the server for a while (no answer to what was sent)."""
    try:
        while True:
            message = raw.messages.get(timeout=seconds)
            assert "method" in message, f"unexpected answer {message}"
    except queue.Empty:
        pass


def test_a_content_length_of_5000_digits_is_a_parse_error_not_a_crash():
    framer = Framer()
    [error, body] = framer.feed(b"Content-Length: " + b"9" * 5000 + b"\r\n\r\n" + frame({"jsonrpc": "2.0", "id": 1}))
    assert isinstance(error, FrameError) and error.code == PARSE_ERROR and "exceeds" in error.message
    assert body == b'{"jsonrpc": "2.0", "id": 1}'
    assert framer.feed(b"Content-Length: 000000000000000000000000013\r\n\r\n" + b'{"jsonrpc":1}') == [b'{"jsonrpc":1}']


def test_huge_lengths_and_deep_nesting_over_the_wire(raw):
    initialized(raw)
    raw.send(b"Content-Length: " + b"7" * 4400 + b"\r\n\r\n")
    assert raw.response(None)["error"]["code"] == PARSE_ERROR
    deep = b'{"jsonrpc": "2.0", "id": 2, "method": "x", "params": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    raw.send(frame(deep))  # too deep to read, so its id cannot be read either
    assert raw.response(None)["error"]["code"] == PARSE_ERROR
    raw.send(frame(b"[" * 100_000 + b"]" * 100_000))
    assert raw.response(None)["error"]["code"] == PARSE_ERROR
    alive(raw, 3)


def test_requests_before_initialize_get_32002_and_notifications_no_answer(raw):
    raw.send(
        request(
            1, "textDocument/hover", {"textDocument": {"uri": "file:///a.py"}, "position": {"line": 0, "character": 0}}
        )
    )
    assert raw.response(1)["error"]["code"] == -32002
    raw.send(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {}}))
    no_message(raw)
    raw.send(request(2, "initialize", INIT))
    assert "capabilities" in raw.response(2)["result"]


def test_initialize_is_taken_once_per_connection(raw):
    initialized(raw)
    hostile = {**INIT, "initializationOptions": {"python": "/tmp/evil-python", "encoder": "hashing"}}
    raw.send(request(2, "initialize", hostile))
    assert raw.response(2)["error"]["code"] == -32600
    alive(raw, 3)


def test_a_notification_with_bad_params_is_never_answered(raw):
    initialized(raw)
    raw.send(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": 42}}))
    raw.send(frame({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": "nonsense"}))
    no_message(raw)
    alive(raw, 2)


def test_after_shutdown_requests_are_invalid_and_exit_still_ends(raw):
    initialized(raw)
    raw.send(request(2, "shutdown"))
    assert raw.response(2)["result"] is None
    raw.send(request(3, "workspace/executeCommand", {"command": "apiary.status"}))
    assert raw.response(3)["error"]["code"] == -32600
    raw.send(frame({"jsonrpc": "2.0", "method": "exit"}))
    assert raw.proc.wait(15) == 0


@pytest.mark.parametrize("line", [10**9, 2**31 - 1])
def test_inline_completion_far_past_the_end_answers_inside_the_document(raw, line):
    initialized(raw)
    ready(raw)
    uri = (LIBRARY.parent / "workspace" / "far.py").as_uri()
    raw.send(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": "import honeycomb as hc\n# a slug\nstem ="}}}))
    raw.send(request(2, "textDocument/inlineCompletion", {
        "textDocument": {"uri": uri}, "position": {"line": line, "character": 5}, "context": {"triggerKind": 1}}))
    items = raw.response(2)["result"]["items"]
    assert items and all(item["range"]["start"] == {"line": 2, "character": 6} for item in items)

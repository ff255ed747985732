"""Robustness of `apiary serve --stdio`: raw malformed JSON-RPC on its stdin, then the odd documents
and requests a real editor sends (pytest-lsp). Each gets an error or an empty result, and the server
keeps serving."""

from __future__ import annotations

from tests.e2e.lsp_helpers import LIBRARY, frame, request


def test_malformed_json_rpc_is_answered_and_the_server_keeps_serving(raw):
    options = {"libraries": [str(LIBRARY)], "encoder": "hashing"}
    raw.send(
        request(
            1, "initialize", {"processId": None, "rootUri": None, "capabilities": {}, "initializationOptions": options}
        )
    )
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


def test_log_lines_go_to_the_client_not_to_stderr(tmp_path):
    """Editors show stderr as errors: informational lines travel as window/logMessage instead."""
    import subprocess
    import time

    from tests.e2e.lsp_helpers import server_env

    from apiary.lsp.client import SERVER_COMMAND

    proc = subprocess.Popen(SERVER_COMMAND, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=server_env(tmp_path))
    options = {"libraries": [str(LIBRARY)], "encoder": "hashing"}
    proc.stdin.write(
        request(
            1, "initialize", {"processId": None, "rootUri": None, "capabilities": {}, "initializationOptions": options}
        )
    )
    proc.stdin.write(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
    proc.stdin.flush()
    time.sleep(3)  # the library is indexed meanwhile, and says so
    proc.stdin.write(request(2, "shutdown") + frame({"jsonrpc": "2.0", "method": "exit"}))
    proc.stdin.flush()
    out, err = proc.communicate(timeout=30)
    assert b'"method": "window/logMessage"' in out and b"APIs ready" in out
    assert err.decode() == ""

"""A cache directory that cannot be written (issue "Security and robustness", item 15): completions
are served from memory and the status says the cache could not be written. The cache path is a
regular file, which no user (root included) can create directories under."""

from __future__ import annotations

import errno
import time

from tests.e2e.lsp_helpers import LIBRARY, frame, request, server_env

from apiary.docs.locate import locate
from apiary.retrieval import store as store_module
from apiary.retrieval.encoder import HashingEncoder
from apiary.retrieval.store import IndexStore


def test_a_full_disk_keeps_the_index_in_memory(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_module, "write_index", full)
    result = IndexStore(tmp_path / "cache", HashingEncoder()).get_or_build(locate(str(LIBRARY)))
    assert result.index.entries and "No space left on device" in result.cache_problem


def test_an_unwritable_cache_directory_still_serves(tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the cache should be")
    result = IndexStore(blocked / "indexes", HashingEncoder()).get_or_build(locate(str(LIBRARY)))
    assert len(result.index.entries) > 20 and "could not be cached" in result.cache_problem


def test_the_server_completes_with_an_unwritable_cache_and_says_so(tmp_path, monkeypatch):
    from tests.e2e import lsp_helpers

    blocked = tmp_path / "cache-file"
    blocked.write_text("x")
    env = server_env(tmp_path) | {"APIARY_CACHE_DIR": str(blocked)}
    monkeypatch.setattr(lsp_helpers, "server_env", lambda _: env)
    raw = lsp_helpers.RawServer(tmp_path)
    try:
        options = {"libraries": [str(LIBRARY)], "encoder": "hashing"}
        raw.send(
            request(
                1,
                "initialize",
                {"processId": None, "rootUri": None, "capabilities": {}, "initializationOptions": options},
            )
        )
        raw.response(1)
        raw.send(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
        for ident in range(2, 300):
            raw.send(request(ident, "workspace/executeCommand", {"command": "apiary.status"}))
            status = raw.response(ident)["result"]
            if status["ready"] or any(lib["error"] for lib in status["libraries"]):
                break
            time.sleep(0.1)
        assert status["ready"] and status["libraries"][0]["apis"] > 20, status
        assert any("could not be cached" in problem for problem in status["problems"])
        uri = (LIBRARY.parent / "workspace" / "c.py").as_uri()
        raw.send(
            frame(
                {
                    "jsonrpc": "2.0",
                    "method": "textDocument/didOpen",
                    "params": {
                        "textDocument": {
                            "uri": uri,
                            "languageId": "python",
                            "version": 1,
                            "text": "import honeycomb as hc\nt = hc.read_delimited('x')\nt.",
                        }
                    },
                }
            )
        )
        raw.send(
            request(
                400, "textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": 2, "character": 2}}
            )
        )
        assert raw.response(400)["result"]["items"]
    finally:
        raw.proc.kill()
        raw.proc.wait(10)

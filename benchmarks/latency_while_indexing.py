"""Inline completion latency while the server works on a big library its user edits.

The server's builds run in its indexer's thread, seconds of pure Python that share the interpreter's
lock with the threads answering requests. With a copy of an installed package as its library (indexed
cold first, into a scratch cache, with the encoder users get), the real server is asked for inline
completions in a file that imports it, one after another with 30 ms between them: while idle; while
the user types in a module of the library, which makes the library's build memory (`Libraries.remember`);
while the library is re-indexed after an API-adding save; and while a library a settings change adds
(`--added`, cold) is indexed, until the server's work on it ends; then one request just after a pause
long enough for the server's full garbage collection to begin (`lsp.idle_collection.QUIET_S`), the
worst moment to come back. Prints and writes JSON.

    python -m benchmarks.latency_while_indexing [--library transformers+sympy] [--module utils/generic.py]
        [--added click] [--out benchmarks/results/latency-while-indexing.json]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.edit_reindex import PREPARING, ProgressWatch, append_function, copied_library
from benchmarks.lsp_latency import percentiles
from benchmarks.timing import write_figures

ROOT = Path(__file__).resolve().parents[1]
IDLE_REQUESTS = 60


def _user_file(library: str) -> str:
    return f"import {library.split('+')[0]}\n\n# read the input and return a summary of it\nsummary = "


async def _measure(library: Path, edited: Path, workspace: Path, text: str, added: str,
                   timeout: float = 1800) -> dict:
    from lsprotocol import types

    from apiary.lsp.client import (
        SERVER_COMMAND,
        end_position,
        init_params,
        inline_params,
        make_client,
        open_document,
        wait_ready,
    )
    from apiary.lsp.idle_collection import QUIET_S

    watch = ProgressWatch()
    working = watch.working

    async def until(done, what: str) -> None:
        deadline = time.perf_counter() + timeout
        while not done():
            if time.perf_counter() > deadline:
                raise TimeoutError(f"not {what} within the timeout")
            await asyncio.sleep(0.05)

    async def completions(uri: str, stop, at_least: int = 0) -> list[float]:
        """Inline completions one after another, until ``stop()`` (and ``at_least`` of them)."""
        taken: list[float] = []
        while len(taken) < at_least or not stop():
            started = time.perf_counter()
            await client.text_document_inline_completion_async(inline_params(uri, end_position(text)))
            taken.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.03)
        return taken

    client = make_client("apiary-latency-while-indexing", on_progress=watch.on_progress)
    await client.start_io(*SERVER_COMMAND, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    await client.initialize_async(init_params(workspace, {"libraries": [str(library)], "autoDiscover": False}))
    client.initialized(types.InitializedParams())
    try:
        await wait_ready(client, timeout)
        await until(lambda: not working, "started")
        user = (workspace / "user.py").as_uri()
        open_document(client, user, text)
        await completions(user, lambda: True, at_least=5)  # its first requests build what they reuse
        idle = await completions(user, lambda: True, at_least=IDLE_REQUESTS)

        module = edited.read_text()
        open_document(client, edited.as_uri(), module)
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=edited.as_uri(), version=2),
            [types.TextDocumentContentChangeWholeDocument(text=f"{module}\n")]))
        # a small library's work may be over before it is looked at: at least one request is timed then
        await until(lambda: watch.under_way(PREPARING) or PREPARING in watch.took, "preparing")
        preparing = await completions(user, lambda: not working, at_least=1)

        ends = len(watch.ended)
        append_function(edited, f"busy_helper_{time.time_ns()}")
        client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(edited.as_uri())))
        await until(lambda: bool(working) or len(watch.ended) > ends, "re-indexing")
        reindexing = await completions(user, lambda: not working, at_least=1)

        ends = len(watch.ended)
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"apiary": {"libraries": [str(library), added], "autoDiscover": False}}))
        await until(lambda: bool(working) or len(watch.ended) > ends, "indexing the added library")
        adding = await completions(user, lambda: not working, at_least=1)
        await asyncio.sleep(QUIET_S + 0.05)
        after_a_pause = await completions(user, lambda: True, at_least=1)
        return {"idle": percentiles(idle), "while_preparing_for_edits": percentiles(preparing),
                "while_reindexing_a_saved_edit": percentiles(reindexing),
                f"while_indexing_{added}_added_by_a_settings_change": percentiles(adding),
                "first_request_after_a_pause_ms": round(after_a_pause[0], 1)}
    finally:
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()


def measure(library: str, module: str, added: str, scratch: Path) -> dict:
    os.environ["APIARY_CACHE_DIR"] = str(scratch / "cache")
    from apiary.docs.locate import locate
    from apiary.paths import index_dir
    from apiary.retrieval.store import IndexStore
    from benchmarks.scale import users_encoder

    copy, edited = copied_library(library, module, scratch / "src")
    built = IndexStore(index_dir(), users_encoder()).get_or_build(locate(str(copy)))
    workspace = scratch / "workspace"
    workspace.mkdir()
    return {"library": library, "apis": len(built.index.entries), "edited": module, "added": added,
            **asyncio.run(_measure(copy, edited, workspace, _user_file(library), added))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--library", default="transformers+sympy",
                        help="an installed package, or several joined by + indexed as one library")
    parser.add_argument("--module", default="utils/generic.py", help="the file to edit, inside the (first) package")
    parser.add_argument("--added", default="click", help="an installed package a settings change adds, indexed cold")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "latency-while-indexing.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="apiary-busy-") as scratch:
        record = measure(args.library, args.module, args.added, Path(scratch))
    write_figures(record, args.out, "benchmarks.latency_while_indexing", argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())

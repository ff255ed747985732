"""Bursts of edits to big documents, through the real server (issue "Security and robustness", item 10).

For a document just under the parse limit (1.99 M characters, parsed) and one of 10 MB (too large to
assist, still tracked), starts `apiary serve --stdio`, opens the document, sends `--edits` one-character
changes as fast as the pipe takes them (alternating the middle and the end, as a user moving between
two places), then asks for a completion and waits for the answer: the server must have taken every
edit before it answers. Prints and writes per-edit cost (the burst's wall time over the edits) and
the time from the last edit to the answer; the figures before the repair were 72.6 ms (10 MB) and
159 ms (1.99 M) per edit, more than 500 s for 5,000 edits.

    python -m benchmarks.big_documents [--edits 5000] [--out benchmarks/results/big-documents.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

from lsprotocol import types

from benchmarks.lsp_latency import ROOT, WORKSPACE, init_params, make_client

LINE = "value = compute(alpha, beta)  # é\n"
SIZES = {"parsed, 1.99 M characters": 1_990_000, "too large, 10 MB": 10_000_000}


def edit(uri: str, version: int, line: int) -> types.DidChangeTextDocumentParams:
    at = types.Position(line, 5)
    change = types.TextDocumentContentChangePartial(range=types.Range(at, at), text="x")
    return types.DidChangeTextDocumentParams(types.VersionedTextDocumentIdentifier(version=version, uri=uri), [change])


async def burst(chars: int, edits: int) -> dict:
    client = make_client()
    await client.start_io(sys.executable, "-m", "apiary", "serve", "--stdio", env={**os.environ, "HF_HUB_OFFLINE": "1"})
    await client.initialize_async(init_params({"libraries": []}))
    client.initialized(types.InitializedParams())
    text = LINE * (chars // len(LINE))
    lines = text.count("\n")
    uri = (WORKSPACE / "big_document.py").as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, text)))
    await client.workspace_execute_command_async(types.ExecuteCommandParams("apiary.status"))  # opened
    started = time.perf_counter()
    for number in range(edits):
        client.text_document_did_change(edit(uri, number + 2, lines - 3 if number % 2 else lines // 2))
    sent = time.perf_counter()
    end = types.Position(lines - 3, 5 + edits // 2)
    await client.text_document_completion_async(types.CompletionParams(types.TextDocumentIdentifier(uri), end))
    answered = time.perf_counter()
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return {"characters": len(text), "edits": edits, "per_edit_ms": round((answered - started) * 1000 / edits, 3),
            "burst_s": round(answered - started, 2), "answer_after_last_edit_s": round(answered - sent, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edits", type=int, default=5000)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "big-documents.json")
    args = parser.parse_args(argv)
    results = {name: asyncio.run(burst(chars, args.edits)) for name, chars in SIZES.items()}
    for name, figures in results.items():
        print(f"{name}: {figures['edits']} edits in {figures['burst_s']} s ({figures['per_edit_ms']} ms each), "
              f"answered {figures['answer_after_last_edit_s']} s after the last")
    record = {
        "documents": results,
        "cpu_count": os.cpu_count(),
        "load_average": list(os.getloadavg()),
        "command": " ".join(["python -m benchmarks.big_documents", *(argv if argv is not None else sys.argv[1:])]),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

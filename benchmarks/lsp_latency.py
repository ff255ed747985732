"""Latency of the real language server, driven over stdio by an LSP client on the example workspace.

Starts `apiary serve --stdio` with the offline default generator and the bundled encoder, waits for
the first non-empty inline completion (time to first answer, from process start: the index comes
from the cache and, while the encoder's weights load, retrieval is lexical), then for the encoder
(`apiary.status` says `encoder.ready`: time to full answers) and for every library (`ready`), then
opens each prompt of examples/problems.jsonl as a document and times `textDocument/completion` and
`textDocument/inlineCompletion` at its end (warm index, dense retrieval). Peak RSS is the server's
VmHWM. ``--with`` loads more libraries beside the example one (installed modules, indexed into the
user's cache on the first run): a request's cost should be set by the libraries its file imports, not
by every library loaded (issue "Scale and first contact": p95 <= 50 ms with 25k APIs over 6
libraries). Before those requests, the first explicit inline completion in a file that imports each
extra library is timed: its first use (the usages of its docstring examples, mined, or read where an
earlier run kept them).

    python -m benchmarks.lsp_latency [--rounds 3] [--with click,networkx,pandas,torch,transformers]
        [--out benchmarks/results/lsp-latency.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from apiary.lsp.client import (
    SERVER_COMMAND,
    end_position,
    execute,
    init_params,
    inline_params,
    make_client,
    open_document,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
WORKSPACE = EXAMPLES / "workspace"


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]  # noqa: E731
    return {"n": len(ordered), "p50_ms": round(statistics.median(ordered), 1), "p95_ms": round(pick(0.95), 1),
            "max_ms": round(ordered[-1], 1), "mean_ms": round(statistics.fmean(ordered), 1)}


async def first_answer(client: LanguageClient, started: float, timeout: float = 120) -> float:
    """Seconds from process start until an inline completion comes back non-empty."""
    text = (WORKSPACE / "new_report.py").read_text() + "big_orders ="
    uri = (WORKSPACE / "first_answer.py").as_uri()
    open_document(client, uri, text)
    while time.perf_counter() - started < timeout:
        result = await client.text_document_inline_completion_async(inline_params(uri, end_position(text)))
        if result and result.items:
            return time.perf_counter() - started
        await asyncio.sleep(0.05)
    raise TimeoutError("no completion within the timeout")


async def first_request_ms(client: LanguageClient, library: str) -> float:
    """The first explicit inline completion in a file that imports ``library``: what its first use
    costs (the usages of its docstring examples, mined or read where they were kept)."""
    text = f"import {library}\n# read the data from a file\nresult ="
    uri = (WORKSPACE / f"first_use_{library}.py").as_uri()
    open_document(client, uri, text)
    ms, _ = await timed(client.text_document_inline_completion_async(inline_params(uri, end_position(text), True)))
    return ms


async def encoder_ready(client: LanguageClient, started: float, timeout: float = 180) -> float:
    """Seconds from process start until the server reports the encoder's weights loaded."""
    while time.perf_counter() - started < timeout:
        status = await execute(client, "apiary.status")
        if (status or {}).get("encoder", {}).get("ready"):
            return time.perf_counter() - started
        await asyncio.sleep(0.1)
    raise TimeoutError("the encoder did not load within the timeout")


async def timed(coro) -> tuple[float, object]:
    started = time.perf_counter()
    result = await coro
    return (time.perf_counter() - started) * 1000, result


async def all_indexed(client: LanguageClient, timeout: float = 1800) -> list[dict]:
    """The libraries' rows once every one is indexed (a cold index of a big library takes minutes)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        status = await execute(client, "apiary.status")
        if (status or {}).get("ready"):
            return status["libraries"]
        await asyncio.sleep(0.5)
    raise TimeoutError("the libraries were not indexed within the timeout")


async def measure(rounds: int, encoder: str | None, extra: list[str]) -> dict:
    client = make_client("apiary-bench")
    options = {"libraries": [str(EXAMPLES / "library"), *extra], **({"encoder": encoder} if encoder else {})}
    started = time.perf_counter()
    await client.start_io(*SERVER_COMMAND, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    # the capabilities the figures were first measured with: no snippets, plain text
    await client.initialize_async(init_params(WORKSPACE, options, text_document=types.TextDocumentClientCapabilities()))
    client.initialized(types.InitializedParams())
    first = await first_answer(client, started, timeout=120 if not extra else 1800)
    dense = await encoder_ready(client, started)
    libraries = await all_indexed(client)
    indexed = time.perf_counter() - started
    first_use = {library: round(await first_request_ms(client, library), 1) for library in extra}
    problems = [json.loads(line) for line in (EXAMPLES / "problems.jsonl").read_text().splitlines() if line.strip()]
    completion, inline, answered = [], [], 0
    for number, problem in enumerate(problems):
        uri = (WORKSPACE / f"bench_{number}.py").as_uri()
        text = problem["prompt"]
        open_document(client, uri, text)
        for _ in range(rounds):
            ms, _ = await timed(client.text_document_completion_async(
                types.CompletionParams(types.TextDocumentIdentifier(uri), end_position(text))))
            completion.append(ms)
            ms, result = await timed(
                client.text_document_inline_completion_async(inline_params(uri, end_position(text)))
            )
            inline.append(ms)
            answered += bool(result and result.items)
    pid = client._server.pid
    rss = peak_rss_mb(pid)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return {
        "first_answer_s": round(first, 2),
        "encoder_ready_s": round(dense, 2),
        "all_indexed_s": round(indexed, 2),
        "first_request_ms_by_library": first_use,
        "completion": percentiles(completion),
        "inline_completion": percentiles(inline),
        "inline_answered": f"{answered}/{len(inline)}",
        "peak_rss_mb": rss,
        "documents": len(problems),
        "rounds": rounds,
        "libraries": {row["name"]: row["apis"] for row in libraries},
        "apis_loaded": sum(row["apis"] for row in libraries),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="requests of each kind per document")
    parser.add_argument("--encoder", help="encoder setting (default: the bundled all-MiniLM-L6-v2)")
    parser.add_argument("--with", dest="extra", default="", help="more libraries to load, comma-separated")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "lsp-latency.json")
    args = parser.parse_args(argv)
    result = asyncio.run(measure(args.rounds, args.encoder, [x for x in args.extra.split(",") if x]))
    result.update(generator="offline (default)", cpu_count=os.cpu_count(), load_average=list(os.getloadavg()),
                  command=" ".join(["python -m benchmarks.lsp_latency", *(argv if argv is not None else sys.argv[1:])]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

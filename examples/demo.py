"""`make demo`: a real editor session with Apiary's language server.

Starts `apiary serve --stdio` on examples/, drives it with pygls' LSP client the way an editor
would, and prints what a user would see — ghost text after a comment, completion items after a
dot, hover, and the "Choose APIs for this comment…" action — with the latency of each. The index
lives in the user cache directory (`apiary libs` lists it); the second run reuses it.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

from lsprotocol import types

from apiary.lsp.client import (
    SERVER_COMMAND,
    end_position,
    execute,
    init_params,
    inline_params,
    make_client,
    open_document,
)

HERE = Path(__file__).resolve().parent
WORKSPACE = HERE / "workspace"
REPORT = WORKSPACE / "new_report.py"


def _progress(params) -> None:
    value = params.value or {}
    if value.get("kind") in ("begin", "report") and (value.get("message") or value.get("title")):
        print(f"   [progress] {value.get('title') or ''}{value.get('message') or ''}")


def _pick(params: types.ShowMessageRequestParams) -> types.MessageActionItem:
    print(f"   [the editor asks] {params.message}")
    for number, action in enumerate(params.actions or [], 1):
        print(f"      {number}. {action.title}")
    print("   [the user picks 1]")
    return params.actions[0]


def _apply(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
    for uri, edits in (params.edit.changes or {}).items():
        for edit in edits:
            print(f"   [edit] {Path(uri).name} line {edit.range.start.line + 1}: {edit.new_text!r}")
    return types.ApplyWorkspaceEditResult(applied=True)


async def timed(title: str, coro):
    started = time.perf_counter()
    result = await coro
    print(f"\n-- {title}  ({(time.perf_counter() - started) * 1000:.0f} ms)")
    return result


async def session() -> None:
    client = make_client("apiary-demo", on_progress=_progress, on_pick=_pick, on_apply=_apply,
                         on_message=lambda params: print(f"   [message] {params.message}"))
    started = time.perf_counter()
    await client.start_io(*SERVER_COMMAND, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    # a plain client: the inline completion is shown as text, not as a snippet with tab stops
    await client.initialize_async(init_params(WORKSPACE, {"libraries": [str(HERE / "library")]},
                                              text_document=types.TextDocumentClientCapabilities()))
    client.initialized(types.InitializedParams())
    print(f"server started; initialize answered in {time.perf_counter() - started:.2f} s; loading in the background")
    while not (status := await execute(client, "apiary.status"))["ready"]:
        await asyncio.sleep(0.2)
    libraries = ", ".join(f"{lib['name']} {lib['version']} ({lib['apis']} APIs)" for lib in status["libraries"])
    print(f"ready after {time.perf_counter() - started:.1f} s: {libraries}; generator {status['generator']}"
          " (answers already come, APIs found by their words while the encoder loads)")
    while not ((status := await execute(client, "apiary.status")).get("encoder") or {}).get("ready"):
        await asyncio.sleep(0.2)
    print(f"encoder {status['encoder']['id']} loaded after {time.perf_counter() - started:.1f} s")

    # The user opens the report and types an assignment under the comment.
    text = REPORT.read_text()
    uri = REPORT.as_uri()
    open_document(client, uri, text)
    typed = "big_orders ="
    end = end_position(text)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(2, uri),
            [types.TextDocumentContentChangePartial(types.Range(end, end), typed)],
        )
    )
    text += typed
    print(f"\nopened {REPORT.relative_to(HERE.parent)}; the last lines:")
    for line in text.splitlines()[-3:]:
        print(f"   | {line}")

    inline = await timed(
        "inline completion (ghost text) after 'big_orders ='",
        client.text_document_inline_completion_async(inline_params(uri, end_position(text))),
    )
    for item in inline.items[:1]:
        print(f"   {typed}{item.insert_text}")
        why = await execute(client, "apiary.explain", *item.command.arguments)
        print(
            f"   why: generator {why['generator']}; APIs "
            + ", ".join(f"{a['id']} ({a['score']:.2f})" for a in why["apis"])
        )
        await execute(client, "apiary.accepted", *item.command.arguments)

    dotted = text + "\nbig_orders."
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(3, uri), [types.TextDocumentContentChangeWholeDocument(dotted)]))
    items = await timed("completion items after 'big_orders.'", client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri), end_position(dotted))))
    for item in items.items[:5]:
        print(f"   {item.label:<14} {item.detail}")

    line = next(n for n, t in enumerate(dotted.split("\n")) if "read_delimited" in t)
    column = dotted.split("\n")[line].index("read_delimited") + 3
    hover = await timed("hover on 'read_delimited'", client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(line, column))))
    for row in (hover.contents.value.splitlines() if hover else [])[:6]:
        print(f"   {row}")

    comment = dotted.split("\n").index("# keep only the orders above 100 euros")
    here = types.Range(types.Position(comment, 2), types.Position(comment, 2))
    actions = await timed("code actions on the comment", client.text_document_code_action_async(
        types.CodeActionParams(types.TextDocumentIdentifier(uri), here, types.CodeActionContext(diagnostics=[]))))
    print("   " + " | ".join(a.title for a in actions))
    args = {"uri": uri, "position": {"line": comment, "character": 2}}
    result = await timed(
        "Choose APIs for this comment… (the generic client's picker)", execute(client, "apiary.chooseApis", args)
    )
    print(f"   applied: {result['applied']}, with {', '.join(result['apis']) or 'no API'}")

    listing = await timed("Suggest API sequence… (first use mines the library's code and examples)",
                          execute(client, "apiary.suggestSequence", dict(args, list=True)))
    for rank, suggestion in enumerate(listing["suggestions"][:3], 1):
        print(f"   {rank}. {' -> '.join(suggestion['apis'])}   ({suggestion['source']}, {suggestion['score']:.2f})")
    if listing["suggestions"]:
        chosen = dict(args, apis=listing["suggestions"][0]["apis"])
        inserted = await timed(
            "the first sequence inserted as call skeletons", execute(client, "apiary.suggestSequence", chosen)
        )
        for line in inserted["text"].rstrip().splitlines():
            print(f"   | {line}")

    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


def main() -> int:
    asyncio.run(session())
    return 0


if __name__ == "__main__":
    sys.exit(main())

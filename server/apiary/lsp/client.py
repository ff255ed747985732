"""A client that drives an Apiary server over stdio: the demo, the benchmarks and the tests use it.

`make_client` answers what the server asks of an editor (configuration, progress tokens, message
requests, workspace edits) with the callbacks given, and ignores the rest; `init_params` offers
the capabilities a modern editor has (work-done progress, snippets, Markdown) unless told otherwise.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

SERVER_COMMAND = [sys.executable, "-m", "apiary", "serve", "--stdio"]
STATUS_NOTIFICATION = "apiary/status"


def make_client(
    name: str,
    *,
    on_progress: Callable[[types.ProgressParams], None] | None = None,
    on_message: Callable[[types.ShowMessageParams], None] | None = None,
    on_pick: Callable[[types.ShowMessageRequestParams], types.MessageActionItem | None] | None = None,
    on_apply: Callable[[types.ApplyWorkspaceEditParams], types.ApplyWorkspaceEditResult] | None = None,
    on_status: Callable[[Any], None] | None = None,
) -> LanguageClient:
    """A client named ``name``; a server request without a callback gets the answer an editor
    gives when it has nothing to say (no configuration, the request dismissed, the edit refused)."""
    client = LanguageClient(name, "1")
    ignore = lambda ls, params: None  # noqa: E731 - one name for "nothing to do"
    client.feature(types.WORKSPACE_CONFIGURATION)(lambda ls, params: [None for _ in params.items])
    client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)(ignore)
    client.feature(types.PROGRESS)(_calling(on_progress))
    client.feature(STATUS_NOTIFICATION)(_calling(on_status))
    client.feature(types.WINDOW_LOG_MESSAGE)(ignore)
    client.feature(types.WINDOW_SHOW_MESSAGE)(_calling(on_message))
    client.feature(types.WINDOW_SHOW_MESSAGE_REQUEST)(_calling(on_pick))
    client.feature(types.WORKSPACE_APPLY_EDIT)(
        _calling(on_apply) if on_apply else lambda ls, params: types.ApplyWorkspaceEditResult(applied=False))
    return client


def _calling(callback: Callable[[Any], Any] | None) -> Callable[[Any, Any], Any]:
    return (lambda ls, params: callback(params)) if callback else (lambda ls, params: None)


def init_params(workspace: Path, options: dict | None = None, **capabilities) -> types.InitializeParams:
    """``initialize`` for a client opened on ``workspace``; ``capabilities`` replace the defaults
    by field (``text_document=...``), and ``options`` are the initialization options (settings)."""
    defaults: dict[str, Any] = {
        "window": types.WindowClientCapabilities(work_done_progress=True),
        "workspace": types.WorkspaceClientCapabilities(configuration=True, apply_edit=True),
        "text_document": types.TextDocumentClientCapabilities(
            completion=types.CompletionClientCapabilities(completion_item=types.ClientCompletionItemOptions(
                snippet_support=True, documentation_format=[types.MarkupKind.Markdown])),
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown])),
    }
    return types.InitializeParams(
        capabilities=types.ClientCapabilities(**{**defaults, **capabilities}),
        root_uri=workspace.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name=workspace.name)],
        initialization_options=options,
    )


def open_document(client: LanguageClient, uri: str, text: str, language: str = "python", version: int = 1) -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, language, version, text)))


def end_position(text: str) -> types.Position:
    """Where ``text`` ends, in UTF-16 code units (what every client negotiates by default)."""
    lines = text.split("\n")
    return types.Position(len(lines) - 1, len(lines[-1].encode("utf-16-le")) // 2)


def inline_params(uri: str, position: types.Position, manual: bool = False) -> types.InlineCompletionParams:
    kind = types.InlineCompletionTriggerKind.Invoked if manual else types.InlineCompletionTriggerKind.Automatic
    return types.InlineCompletionParams(types.InlineCompletionContext(trigger_kind=kind),
                                        types.TextDocumentIdentifier(uri), position)


async def execute(client: LanguageClient, command: str, *arguments: Any) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=list(arguments)))


async def wait_ready(client: LanguageClient, timeout: float = 60.0) -> dict:
    """``apiary.status`` once its libraries are ready, or the last status when ``timeout`` passes."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        status = await execute(client, "apiary.status")
        if status["ready"] or loop.time() > deadline:
            return status
        await asyncio.sleep(0.1)

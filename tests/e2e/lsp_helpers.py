"""Shared set-up for the end-to-end language server tests: the server command and its environment."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from lsprotocol import types

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
LIBRARY = EXAMPLES / "library"
WORKSPACE = EXAMPLES / "workspace"
SERVER_COMMAND = [sys.executable, "-m", "apiary", "serve", "--stdio"]


def server_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(APIARY_CACHE_DIR=str(tmp / "cache"), APIARY_CONFIG_DIR=str(tmp / "config"), HF_HUB_OFFLINE="1",
               PYTHONPATH=str(ROOT / "server") + os.pathsep + env.get("PYTHONPATH", ""))
    return env


def init_params(options: dict | None = None, **capabilities) -> types.InitializeParams:
    caps = types.ClientCapabilities(
        window=types.WindowClientCapabilities(work_done_progress=True),
        workspace=types.WorkspaceClientCapabilities(configuration=True, apply_edit=True),
        text_document=types.TextDocumentClientCapabilities(completion=types.CompletionClientCapabilities(
            completion_item=types.ClientCompletionItemOptions(
                snippet_support=True, documentation_format=[types.MarkupKind.Markdown])),
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown])),
        **capabilities,
    )
    return types.InitializeParams(
        capabilities=caps,
        root_uri=WORKSPACE.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=WORKSPACE.as_uri(), name="workspace")],
        initialization_options=options if options is not None else {"libraries": [str(LIBRARY)], "encoder": "hashing"},
    )


async def wait_ready(client, timeout: float = 60.0) -> dict:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        status = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="apiary.status"))
        if status["ready"] or loop.time() > deadline:
            return status
        await asyncio.sleep(0.1)


def open_document(client, uri: str, text: str, language: str = "python", version: int = 1) -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, language, version, text)))


def end_position(text: str) -> types.Position:
    lines = text.split("\n")
    return types.Position(len(lines) - 1, len(lines[-1].encode("utf-16-le")) // 2)

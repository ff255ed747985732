"""Shared set-up for the end-to-end language server tests: the server command and its environment."""

from __future__ import annotations

import asyncio
import json
import os
import queue
import re
import subprocess
import sys
import threading
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


# -- a raw-byte client: what no LSP library would send -----------------------------------------

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


def request(ident, method, params=None) -> bytes:
    return frame({"jsonrpc": "2.0", "id": ident, "method": method, "params": params or {}})

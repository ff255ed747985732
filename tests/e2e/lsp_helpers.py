"""Shared set-up for the end-to-end language server tests: the server command and its environment."""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

from apiary.lsp import client
from apiary.lsp.client import SERVER_COMMAND, wait_ready

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
LIBRARY = EXAMPLES / "library"
WORKSPACE = EXAMPLES / "workspace"


def server_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(APIARY_CACHE_DIR=str(tmp / "cache"), APIARY_CONFIG_DIR=str(tmp / "config"), HF_HUB_OFFLINE="1",
               PYTHONPATH=str(ROOT / "server") + os.pathsep + env.get("PYTHONPATH", ""))
    return env


@contextmanager
def private_environment(tmp: Path) -> Iterator[None]:
    """This process's environment with `server_env`'s private caches while inside: pytest-lsp starts
    the server with this process's environment."""
    saved = dict(os.environ)
    os.environ.update(server_env(tmp))
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def init_params(options: dict | None = None, **capabilities) -> types.InitializeParams:
    """``initialize`` on the example workspace, with the example library and the hashing encoder."""
    default = {"libraries": [str(LIBRARY)], "encoder": "hashing"}
    return client.init_params(WORKSPACE, options if options is not None else default, **capabilities)


async def ready_session(language_client: LanguageClient, params: types.InitializeParams | None = None) -> dict:
    """Start ``language_client``'s server with ``params`` (`init_params`' by default) and wait until
    its libraries are ready; their status."""
    await language_client.initialize_session(params if params is not None else init_params())
    status = await wait_ready(language_client)
    assert status["ready"], status
    return status


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

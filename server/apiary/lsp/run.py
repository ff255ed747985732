"""Run the server over stdio (with the robust reader of `transport`) or TCP."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from typing import BinaryIO

from apiary.lsp.server import ApiaryServer, create_server
from apiary.lsp.transport import BinaryWriter, protocol_stdout, serve_stream

log = logging.getLogger(__name__)


def serve_stdio(server: ApiaryServer | None = None, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> int:
    """Serve until `exit` or EOF; returns the exit status (`exit` without `shutdown` is 1, per LSP)."""
    server = server or create_server()
    out = stdout or protocol_stdout()
    server._stop_event = threading.Event()
    server.protocol.set_writer(BinaryWriter(out))
    code = 0
    try:
        asyncio.run(serve_stream(server.protocol, stdin or sys.stdin.buffer, server._stop_event))
    except SystemExit as exit_:  # pygls ends `exit` with sys.exit
        code = int(exit_.code or 0)
    except (BrokenPipeError, KeyboardInterrupt):
        log.info("the client went away")
    finally:
        server.workers.shutdown(wait=False, cancel_futures=True)
        server.indexer.shutdown(wait=False, cancel_futures=True)
    return code


def serve_tcp(host: str, port: int, server: ApiaryServer | None = None) -> int:
    server = server or create_server()
    try:
        server.start_tcp(host, port)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    finally:
        server.workers.shutdown(wait=False, cancel_futures=True)
        server.indexer.shutdown(wait=False, cancel_futures=True)
    return 0

"""Run the server over stdio, TCP or a Unix socket, each through the robust reader of `transport`."""

from __future__ import annotations

import asyncio
import logging
import os
import stat
import sys
import threading
from pathlib import Path
from typing import BinaryIO

from apiary.collector import defer_full_collections
from apiary.lsp.server import ApiaryServer, create_server
from apiary.lsp.transport import BinaryWriter, protocol_stdout, serve_connections, serve_stream

log = logging.getLogger(__name__)

#: The longest a thread keeps the interpreter's lock while another waits for it (Python's default: 5 ms).
#: A build in the indexer's thread is seconds of pure Python, and a request's thread gives the lock back
#: at each numpy call or read, then waited up to that long for it each time: inline completions took
#: a p50 of 452 ms instead of 25 while a 36k-API library was built (2 cores); 93 ms at 0.5 ms, 66 ms at
#: 0.2 ms, measured by hand. The waits it adds to a build are the requests' own work.
LOCK_SWITCH_INTERVAL_S = 0.0002


def _interpreter_for_serving() -> None:
    """The interpreter's settings for a server: requests get the lock quickly, and full garbage
    collections run when the client pauses (`lsp.idle_collection`)."""
    sys.setswitchinterval(LOCK_SWITCH_INTERVAL_S)
    defer_full_collections()


def serve_stdio(
    server: ApiaryServer | None = None, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None
) -> int:
    """Serve until `exit` or EOF; returns the exit status (`exit` without `shutdown` is 1, per LSP)."""
    server = server or create_server()
    _interpreter_for_serving()
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
    """Listen on ``host:port``: one client at a time (any local user can connect to a TCP port;
    `serve_socket` is the private local transport)."""
    return _serve_sockets(lambda connection: asyncio.start_server(connection, host, port), server)


def serve_socket(path: str, server: ApiaryServer | None = None) -> int:
    """Listen on a Unix socket only this user can open (mode 0600, made so before it listens)."""
    socket_path = Path(path)
    if socket_path.exists() or socket_path.is_symlink():
        if not stat.S_ISSOCK(socket_path.lstat().st_mode):
            raise SystemExit(f"{path} exists and is not a socket; not replacing it")
        socket_path.unlink()

    async def start(connection):
        previous = os.umask(0o177)
        try:
            return await asyncio.start_unix_server(connection, path)
        finally:
            os.umask(previous)

    try:
        return _serve_sockets(start, server)
    finally:
        socket_path.unlink(missing_ok=True)


def _serve_sockets(start_server, server: ApiaryServer | None) -> int:
    server = server or create_server()
    _interpreter_for_serving()
    server._stop_event = threading.Event()
    code = 0
    try:
        asyncio.run(serve_connections(server.protocol, start_server, server._stop_event))
    except SystemExit as exit_:  # pygls ends `exit` with sys.exit
        code = int(exit_.code or 0)
    except KeyboardInterrupt:
        log.info("interrupted")
    finally:
        server.workers.shutdown(wait=False, cancel_futures=True)
        server.indexer.shutdown(wait=False, cancel_futures=True)
    return code

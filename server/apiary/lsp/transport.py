"""Reading JSON-RPC from a byte stream without trusting it.

pygls' own reader allocates whatever Content-Length says, stops on a header it does not expect and
drops a request whose params do not fit the schema without answering. Here a bad header, an
oversized or lying length, broken JSON or a wrong schema each get a JSON-RPC error (when there is
an id to answer) and a log line, and the stream is re-synchronised on the next ``Content-Length``
header, so the server keeps serving.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams

log = logging.getLogger(__name__)

#: a 10 MB document of binary content escapes to ~60 MB of JSON; more than this is refused
MAX_BODY = 128 * 1024 * 1024
_MAX_HEADER = 8192
_MAX_LENGTH_DIGITS = 18
_HEADER = re.compile(rb"Content-Length:[ \t]*([^\r\n]*)\r\n(?:[A-Za-z-]+:[^\r\n]*\r\n)*\r\n", re.IGNORECASE)
_HEADER_START = re.compile(rb"Content-Length:", re.IGNORECASE)

PARSE_ERROR, INVALID_REQUEST, SERVER_NOT_INITIALIZED = -32700, -32600, -32002


@dataclass
class FrameError:
    code: int
    message: str
    id: Any = None
    #: JSON-RPC never answers a notification: its error is only logged
    answer: bool = True


@dataclass
class Gate:
    """What LSP lets a connection send at each point of its life: nothing but ``initialize`` before
    it (requests get -32002), ``initialize`` once, nothing but ``exit`` after ``shutdown`` (requests
    get InvalidRequest). Refused notifications are dropped, never answered."""

    initialized: bool = False
    shut_down: bool = False

    def refuse(self, data: dict) -> FrameError | None:
        method = data.get("method")
        if not isinstance(method, str) or method == "exit":
            return None  # a response to a server request, or the end
        answer, ident = "id" in data, data.get("id")
        if method == "initialize":
            return (
                FrameError(INVALID_REQUEST, "initialize was already received", ident, answer)
                if self.initialized
                else None
            )
        if not self.initialized:
            return FrameError(SERVER_NOT_INITIALIZED, f"{method} before initialize", ident, answer)
        if self.shut_down:
            return FrameError(INVALID_REQUEST, f"{method} after shutdown", ident, answer)
        return None

    def passed(self, data: dict) -> None:
        method = data.get("method")
        self.initialized |= method == "initialize"
        self.shut_down |= method == "shutdown"


class Framer:
    """Splits a byte stream into message bodies; never raises on bad input."""

    def __init__(self, max_body: int = MAX_BODY):
        self._buffer = bytearray()
        self._max_body = max_body

    def feed(self, data: bytes) -> list[bytes | FrameError]:
        self._buffer += data
        out: list[bytes | FrameError] = []
        while True:
            item = self._next()
            if item is None:
                return out
            out.append(item)

    def _next(self) -> bytes | FrameError | None:
        start = _HEADER_START.search(self._buffer)
        if start is None:
            self._drop_junk(len(self._buffer) - len("Content-Length:"))
            return None
        if start.start():
            self._drop_junk(start.start())
        header = _HEADER.match(self._buffer)
        if header is None:
            if len(self._buffer) > _MAX_HEADER or b"\r\n\r\n" in self._buffer[:_MAX_HEADER]:
                del self._buffer[: len("Content-Length:")]  # a broken header: look for the next one
                return FrameError(PARSE_ERROR, "malformed message header")
            return None
        raw_length = header.group(1).strip()
        if not raw_length.isdigit():
            del self._buffer[: header.end()]
            return FrameError(PARSE_ERROR, f"bad Content-Length {raw_length[:40]!r}")
        # more digits than any limit has: too large, without asking int() (which refuses 4,300 digits)
        length = int(raw_length) if len(raw_length.lstrip(b"0")) <= _MAX_LENGTH_DIGITS else self._max_body + 1
        if length > self._max_body:
            # the body (if it ever comes) is dropped as junk up to the next header: a lying length
            # must not swallow the messages after it
            del self._buffer[: header.end()]
            return FrameError(PARSE_ERROR, f"message of {length} bytes exceeds the limit of {self._max_body}")
        if len(self._buffer) < header.end() + length:
            return None
        body = bytes(self._buffer[header.end(): header.end() + length])
        del self._buffer[: header.end() + length]
        return self._resync(body)

    def _resync(self, body: bytes) -> bytes:
        """A body that claims more bytes than were sent swallows (part of) the next message's header:
        when it is not JSON but holds a header, or ends in the start of one, give that tail back."""
        if _is_json(body):
            return body
        marker = b"Content-Length:"
        at = body.find(b"C", 1)
        while at != -1:
            tail = body[at:]
            if tail.startswith(marker) or marker.startswith(tail):
                self._buffer[:0] = tail
                return body[:at]
            at = body.find(b"C", at + 1)
        return body

    def _drop_junk(self, upto: int) -> None:
        if upto > 0:
            log.warning("dropped %d bytes that are not a JSON-RPC message", upto)
            del self._buffer[:upto]


def _is_json(body: bytes) -> bool:
    try:
        json.loads(body)
        return True
    except RecursionError:
        return True  # JSON nested too deep to read: `dispatch` answers it
    except ValueError:
        return False


def dispatch(body: bytes, protocol, gate: Gate | None = None) -> FrameError | None:
    """Decode one body and hand it to pygls; an error to answer when it cannot be."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as error:
        return FrameError(PARSE_ERROR, f"invalid JSON: {error}")
    if not isinstance(data, dict) or data.get("jsonrpc") != "2.0":
        ident = data.get("id") if isinstance(data, dict) else None
        return FrameError(INVALID_REQUEST, "not a JSON-RPC 2.0 message", ident)
    ident = data.get("id")
    refused = gate.refuse(data) if gate is not None else None
    if refused is not None:
        return refused
    try:
        message = protocol.structure_message(data)
    except (JsonRpcInvalidParams, JsonRpcInternalError) as error:
        # pygls raises these for params that do not fit the method's schema; a request needs an answer
        return FrameError(-32602, f"invalid params for {data.get('method')!r}: {error.__cause__ or error}", ident,
                          answer="id" in data)
    except RecursionError:
        return FrameError(PARSE_ERROR, "message nested too deep", ident)
    try:
        protocol.handle_message(message)
    except (AttributeError, TypeError, KeyError) as error:
        return FrameError(INVALID_REQUEST, f"malformed message: {error}", ident)
    except RecursionError:
        return FrameError(PARSE_ERROR, "message nested too deep", ident)
    if gate is not None:
        gate.passed(data)
    return None


def send_error(protocol, error: FrameError) -> None:
    log.warning("JSON-RPC error %d: %s", error.code, error.message)
    if not error.answer:
        return
    # JSON-RPC answers with id null when the id cannot be read
    protocol._send_data({"jsonrpc": "2.0", "id": error.id, "error": {"code": error.code, "message": error.message}})


def _reader_thread(stream: BinaryIO, loop: asyncio.AbstractEventLoop, feed: Callable[[bytes], None]) -> None:
    # A daemon thread: a blocked read must never keep the process alive after `exit`.
    read = getattr(stream, "read1", stream.read)
    while True:
        try:
            chunk = read(65536)
        except (OSError, ValueError):
            chunk = b""
        loop.call_soon_threadsafe(feed, chunk)
        if not chunk:
            return


async def serve_stream(protocol, stream: BinaryIO, stop: threading.Event) -> None:
    """Read messages from ``stream`` until EOF or ``stop``; every message is handled on this loop."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    threading.Thread(
        target=_reader_thread, args=(stream, loop, queue.put_nowait), daemon=True, name="apiary-stdin"
    ).start()
    framer, gate = Framer(), Gate()
    while not stop.is_set():
        chunk = await queue.get()
        if not chunk:
            log.info("the client closed the connection")
            return
        for item in framer.feed(chunk):
            error = item if isinstance(item, FrameError) else dispatch(item, protocol, gate)
            if error is not None:
                send_error(protocol, error)


async def serve_connections(protocol, start_server, stop: threading.Event) -> None:
    """Serve one client at a time over sockets (TCP or a Unix socket), with the same framing and
    gate as stdio. While a client is connected any other connection is closed at once; a connection
    that ends before ``initialize`` (a port probe) leaves the server listening; the end of an
    initialized client's connection ends the server, as the end of stdin does."""
    done = asyncio.Event()
    busy = False

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal busy
        if busy:
            log.warning("refused a second connection: this server has a client")
            writer.close()
            return
        busy = True
        protocol.set_writer(StreamWriter(writer))
        framer, gate = Framer(), Gate()
        try:
            while not stop.is_set():
                try:
                    chunk = await reader.read(65536)
                except (ConnectionError, OSError):
                    chunk = b""
                if not chunk:
                    break
                for item in framer.feed(chunk):
                    error = item if isinstance(item, FrameError) else dispatch(item, protocol, gate)
                    if error is not None:
                        send_error(protocol, error)
        finally:
            busy = False
            writer.close()
            if gate.initialized:
                log.info("the client closed the connection")
                done.set()

    server = await start_server(connection)
    log.info("serving on %s", ", ".join(str(sock.getsockname()) for sock in server.sockets))
    async with server:
        await done.wait()


class StreamWriter:
    """pygls' writer interface over an asyncio stream."""

    def __init__(self, writer: asyncio.StreamWriter):
        self._writer = writer

    def write(self, data: bytes) -> None:
        if not self._writer.is_closing():
            self._writer.write(data)

    def close(self) -> None:
        self._writer.close()


class BinaryWriter:
    """pygls' writer interface over a binary stream, flushing each message."""

    def __init__(self, stream: BinaryIO):
        self._stream = stream

    def write(self, data: bytes) -> None:
        # after `exit` closed it, what work in flight still sends (the end of an index's progress) has
        # nowhere to go: dropped, not an error on the client's log (as the socket writer does)
        if self._stream.closed:
            return
        self._stream.write(data)
        self._stream.flush()

    def close(self) -> None:
        try:
            self._stream.close()
        except OSError:
            pass


def protocol_stdout() -> BinaryIO:
    """The real stdout for the protocol; ``sys.stdout`` becomes stderr so a stray print cannot corrupt it."""
    out = sys.stdout.buffer
    sys.stdout = sys.stderr
    return out

"""Forward Apiary's log records to the client as `window/logMessage` (stdout is the protocol).

Records may come from worker threads; they are handed to the event loop, which owns the writer.
"""

from __future__ import annotations

import asyncio
import logging

from lsprotocol import types

_LEVELS = {
    logging.ERROR: types.MessageType.Error,
    logging.WARNING: types.MessageType.Warning,
    logging.INFO: types.MessageType.Info,
}
_handler: logging.Handler | None = None


class ClientLogHandler(logging.Handler):
    def __init__(self, server, loop: asyncio.AbstractEventLoop, level: int = logging.INFO):
        super().__init__(level)
        self._server = server
        self._loop = loop
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        kind = next((t for level, t in _LEVELS.items() if record.levelno >= level), types.MessageType.Log)
        try:
            params = types.LogMessageParams(type=kind, message=self.format(record))
            self._loop.call_soon_threadsafe(self._server.window_log_message, params)
        except RuntimeError:  # the loop is closed: the session is over
            pass


def attach(server, level: int = logging.INFO) -> None:
    global _handler
    detach()
    _handler = ClientLogHandler(server, asyncio.get_running_loop(), level)
    logger = logging.getLogger("apiary")
    logger.addHandler(_handler)
    if logger.getEffectiveLevel() > level:
        logger.setLevel(level)


def detach() -> None:
    global _handler
    if _handler is not None:
        logging.getLogger("apiary").removeHandler(_handler)
        _handler = None

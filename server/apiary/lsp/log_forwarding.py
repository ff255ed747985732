"""Forward Apiary's log records to the client as `window/logMessage` (stdout is the protocol).

Records may come from worker threads; they are handed to the event loop, which owns the writer.
"""

from __future__ import annotations

import asyncio
import logging
import sys

from lsprotocol import types

_LEVELS = {
    logging.ERROR: types.MessageType.Error,
    logging.WARNING: types.MessageType.Warning,
    logging.INFO: types.MessageType.Info,
}
_handler: logging.Handler | None = None
#: stderr handlers and the level they had before the client took the log over
_quieted: list[tuple[logging.Handler, int]] = []


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
    # Editors show the server's stderr as errors ("[error]" in VS Code, "[ERROR]" in Neovim): once the
    # client receives the log, stderr carries only real errors.
    for handler in _stderr_handlers():
        _quieted.append((handler, handler.level))
        handler.setLevel(max(handler.level, logging.ERROR))


def detach() -> None:
    global _handler
    if _handler is not None:
        logging.getLogger("apiary").removeHandler(_handler)
        _handler = None
    while _quieted:
        handler, level = _quieted.pop()
        handler.setLevel(level)


def _stderr_handlers() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers
            if isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler)
            and getattr(h, "stream", None) in (sys.stderr, sys.__stderr__)]

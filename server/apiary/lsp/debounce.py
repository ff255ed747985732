"""Per-document debounce that adapts to typing speed, and cancel-previous for stale requests.

While the user types, an automatic request waits about one typing interval (Tabby's adaptive
debounce): if another keystroke comes first, the newer request supersedes it and the older one
answers empty at once, so a burst of typing never queues work. A pause in typing costs no delay.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field

#: never wait longer than this, however slowly the user types
MAX_DELAY_S = 0.15
#: a change older than this means the user paused: no delay
IDLE_S = 0.6


@dataclass
class _DocState:
    last_change: float = 0.0
    interval: float | None = None  # moving average of the time between changes
    generation: int = 0
    cancel: threading.Event = field(default_factory=threading.Event)


class Debouncer:
    def __init__(self, clock=time.monotonic):
        self._docs: dict[str, _DocState] = {}
        self._clock = clock

    def typed(self, uri: str) -> None:
        """A change arrived: update the typing interval and make pending work stale."""
        state = self._docs.setdefault(uri, _DocState())
        now = self._clock()
        if state.last_change:
            gap = now - state.last_change
            if gap < IDLE_S:
                state.interval = gap if state.interval is None else 0.7 * state.interval + 0.3 * gap
        state.last_change = now

    def delay(self, uri: str) -> float:
        state = self._docs.get(uri)
        if state is None or state.interval is None or self._clock() - state.last_change > IDLE_S:
            return 0.0
        return min(MAX_DELAY_S, state.interval)

    def begin(self, uri: str) -> tuple[int, threading.Event]:
        """Start a request for ``uri``: the previous one is told to stop; returns this one's ticket."""
        state = self._docs.setdefault(uri, _DocState())
        state.cancel.set()
        state.generation += 1
        state.cancel = threading.Event()
        return state.generation, state.cancel

    def is_current(self, uri: str, generation: int) -> bool:
        state = self._docs.get(uri)
        return state is not None and state.generation == generation

    async def wait(self, uri: str, generation: int) -> bool:
        """Sleep the adaptive delay; False when a newer request took over meanwhile."""
        delay = self.delay(uri)
        if delay:
            await asyncio.sleep(delay)
        return self.is_current(uri, generation)

    def forget(self, uri: str) -> None:
        state = self._docs.pop(uri, None)
        if state is not None:
            state.cancel.set()

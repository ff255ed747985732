"""Full garbage collections while the user pauses.

A full collection holds the interpreter's lock while it walks the objects it tracks. Python starts one
wherever the objects promoted since the last make it due, in whichever request runs then; and the
server ran one after each indexing, when its user, who had just opened a file, was likely typing.
What builds and loads make is kept out of that walk (`collector.collector_paused` freezes it), which
makes it short, not free. So the server starts none of its own (`collector.defer_full_collections`):
indexing asks for one, and so does the server every `PERIOD_S` (for the cycles its requests leave);
it runs in the indexer's thread once the client has sent nothing for `QUIET_S`, at the latest
`LONGEST_WAIT_S` after it was asked for. Every `DEEP_PERIOD_S` one is deep
(`collector.deep_collection`: the frozen objects included, 0.5 s with 36,362 APIs and their build
memory), for the few cycles among what builds made.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

#: the client's silence after which a collection runs: keys come 0.1-0.3 s apart while a user types,
#: so this is a pause to read or think, not a gap between two keys
QUIET_S = 1.5
#: the longest a collection asked for waits for such a pause (a user who never pauses meets it as before)
LONGEST_WAIT_S = 120.0
#: a full collection is asked for this often besides after indexing, so that what requests leave in
#: cycles waits no longer (a plain one, of what no build froze, took 1-57 ms at 36,362 APIs)
PERIOD_S = 300.0
#: a deep collection is asked for this often: it frees only cycles among what builds made (~100
#: objects per re-index, measured), and holds the lock ~0.5 s at 36,362 APIs
DEEP_PERIOD_S = 3600.0

#: runs one full collection, deep or not, and says how many unreachable objects it found
Collect = Callable[[bool], Awaitable[int]]


def wait_left(now: float, heard: float, asked: float, quiet_s: float, longest_wait_s: float) -> float:
    """Seconds until a collection asked for at ``asked`` may run, the client last heard at ``heard``
    (0: now)."""
    return max(0.0, min(heard + quiet_s, asked + longest_wait_s) - now)


class IdleCollections:
    """Runs ``collect`` when the client pauses, once a collection is asked for."""

    def __init__(self, collect: Collect, quiet_s: float = QUIET_S, longest_wait_s: float = LONGEST_WAIT_S,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep):
        self._collect, self._quiet_s, self._longest_wait_s = collect, quiet_s, longest_wait_s
        self._clock, self._sleep = clock, sleep
        self._heard = clock()
        self._asked: float | None = None
        self._deep = False
        self._task: asyncio.Task | None = None
        #: the collections run so far, and how many of them were deep
        self.runs = self.deep_runs = 0

    def heard(self) -> None:
        """The client sent a message."""
        self._heard = self._clock()

    def ask(self, deep: bool = False) -> None:
        """One full collection is wanted (several asks before it runs are one, deep if any was)."""
        self._deep = self._deep or deep
        if self._asked is None:
            self._asked = self._clock()
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._when_quiet())

    async def _when_quiet(self) -> None:
        while self._asked is not None:
            left = wait_left(self._clock(), self._heard, self._asked, self._quiet_s, self._longest_wait_s)
            if left > 0:
                await self._sleep(left)
                continue
            waited, deep = self._clock() - self._asked, self._deep
            self._asked, self._deep = None, False
            started = time.perf_counter()
            try:
                found = await self._collect(deep)
            except Exception:  # noqa: BLE001 - a failed collection is tried again at the next ask
                log.warning("a full garbage collection failed", exc_info=True)
                return
            self.runs += 1
            self.deep_runs += deep
            log.info("%s garbage collection while the client paused: %.0f ms, %d unreachable objects, %.1f s "
                     "after it was asked for", "deep" if deep else "full", 1000 * (time.perf_counter() - started),
                     found, waited)

    async def every(self, period_s: float, deep: bool = False) -> None:
        """Ask for a collection (``deep`` or not) every ``period_s``, for as long as the server runs."""
        while True:
            await self._sleep(period_s)
            self.ask(deep=deep)

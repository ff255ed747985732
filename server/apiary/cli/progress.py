"""Progress bars on stderr for long first runs (indexing, mining), one per phase."""

from __future__ import annotations

import sys


class PhaseBars:
    """tqdm bars on stderr driven by ``(what, done, total)`` callbacks: a bar per phase ("mining
    numpy", "encoding descriptions"), each shown from its first callback (what comes from a cache
    shows nothing), the last one closed on exit. A phase's first count is its starting point, not
    work done in no time: vectors reused by an index count as done at once, and a rate that
    included them read millions of APIs a second."""

    def __init__(self, unit: str = "it", units: dict[str, str] | None = None):
        #: the unit of a phase by its first word ("mining" -> "file"), else ``unit``
        self.unit, self.units = unit, units or {}
        self._bar = None
        self._what = ""

    def __enter__(self) -> PhaseBars:
        return self

    def __call__(self, what: str, done: int, total: int) -> None:
        if self._bar is None or what != self._what:
            from tqdm import tqdm

            self._close()
            self._bar, self._what = (
                tqdm(
                    total=total,
                    initial=done,
                    unit=self.units.get(what.split()[0], self.unit),
                    file=sys.stderr,
                    desc=what,
                    leave=False,
                ),
                what,
            )
        self._bar.total = total
        self._bar.n = done
        self._bar.refresh()

    def encoding(self, done: int, total: int) -> None:
        """The indexer's ``(done, total)`` callback."""
        self("encoding", done, total)

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __exit__(self, *exc) -> None:
        self._close()

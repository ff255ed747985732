"""A local log of shown and accepted completions, so acceptance can be measured without telemetry.

One JSON object per line in ``<cache dir>/events.jsonl``; nothing is ever sent anywhere. A line is
written with one ``write`` call in append mode, so concurrent servers do not interleave lines. Past
`MAX_LOG_BYTES` the log moves to ``events.1.jsonl`` (replacing the one before) and starts again:
months of completions never grow it past twice that.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections import Counter
from pathlib import Path

from apiary.docs.files import read_bounded
from apiary.paths import cache_dir

log = logging.getLogger(__name__)

#: the size past which the log starts a new file (~80,000 events), keeping the last one
MAX_LOG_BYTES = 8_000_000


def default_events_path() -> Path:
    return cache_dir() / "events.jsonl"


class EventLog:
    def __init__(self, path: Path | None = None):
        self.path = path or default_events_path()
        #: the full log the current one followed
        self.previous = self.path.with_name(f"{self.path.stem}.1{self.path.suffix}")
        self._lock = threading.Lock()

    def record(self, kind: str, completion_id: str, **fields: object) -> None:
        """Append one event; a full disk or a read-only cache costs the event, never the completion."""
        line = json.dumps({"t": round(time.time(), 3), "event": kind, "id": completion_id, **fields}, sort_keys=True)
        try:
            with self._lock:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._start_again_if_full()
                with self.path.open("a", encoding="utf-8") as out:
                    out.write(line + "\n")
        except OSError as error:
            log.warning("cannot write the event log %s: %s", self.path, error)

    def _start_again_if_full(self) -> None:
        # two servers may both move a full log at once: the second move then replaces the first's
        # old events with the few new ones, a loss a local count can bear
        try:
            if self.path.stat().st_size >= MAX_LOG_BYTES:
                os.replace(self.path, self.previous)
        except FileNotFoundError:
            pass

    def counts(self) -> Counter[str]:
        """Events per kind ("shown", "accepted") in the log and the one before it; damaged lines
        are skipped, and each file is read no further than a full log (another server may be
        writing to it)."""
        counts: Counter[str] = Counter()
        for path in (self.previous, self.path):
            for line in _lines(path):
                try:
                    counts[json.loads(line)["event"]] += 1
                except (ValueError, KeyError, TypeError):
                    continue
        return counts


def _lines(path: Path) -> list[str]:
    try:
        data = read_bounded(path, 2 * MAX_LOG_BYTES)
    except OSError:  # none yet, or not a file the log could be (`NotAFile` is one)
        return []
    return data.decode("utf-8", errors="replace").splitlines()

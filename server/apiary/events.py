"""A local log of shown and accepted completions, so acceptance can be measured without telemetry.

One JSON object per line in ``<cache dir>/events.jsonl``; nothing is ever sent anywhere. A line is
written with one ``write`` call in append mode, so concurrent servers do not interleave lines.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from pathlib import Path

from apiary.paths import cache_dir

log = logging.getLogger(__name__)


def default_events_path() -> Path:
    return cache_dir() / "events.jsonl"


class EventLog:
    def __init__(self, path: Path | None = None):
        self.path = path or default_events_path()
        self._lock = threading.Lock()

    def record(self, kind: str, completion_id: str, **fields: object) -> None:
        """Append one event; a full disk or a read-only cache costs the event, never the completion."""
        line = json.dumps({"t": round(time.time(), 3), "event": kind, "id": completion_id, **fields}, sort_keys=True)
        try:
            with self._lock:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as out:
                    out.write(line + "\n")
        except OSError as error:
            log.warning("cannot write the event log %s: %s", self.path, error)

    def counts(self) -> Counter[str]:
        """Events per kind ("shown", "accepted"); damaged lines are skipped."""
        counts: Counter[str] = Counter()
        if not self.path.is_file():
            return counts
        for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                counts[json.loads(line)["event"]] += 1
            except (ValueError, KeyError, TypeError):
                continue
        return counts

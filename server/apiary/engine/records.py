"""What the server remembers about each completion it showed, so `apiary.explain` can say why.

A record keeps the candidate, the API entries that shaped it (retrieved or chosen) and the exact
prompt. Records live in a small LRU: an explanation is asked for soon after a suggestion, or never.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field

from apiary.generation.types import Candidate
from apiary.retrieval.hybrid import ScoredApi


@dataclass
class CompletionRecord:
    candidate: Candidate
    #: the APIs given to the generator (retrieved with their scores, or chosen by the user)
    apis: list[ScoredApi]
    generator: str
    timings_ms: dict[str, float] = field(default_factory=dict)
    fallback_reason: str | None = None
    id: str = ""

    @property
    def text(self) -> str:
        return self.candidate.text

    def explain(self) -> dict:
        used = set(self.candidate.apis)
        apis = [
            {"id": s.entry.import_path, "name": s.entry.name, "signature": s.entry.signature,
             "description": s.entry.description, "score": round(s.score, 4), "used": s.entry.import_path in used}
            for s in self.apis
        ]
        known = {a["id"] for a in apis}
        # APIs the checker found in the text that were not among those retrieved
        apis += [{"id": p, "name": p.rsplit(".", 1)[-1], "signature": "", "description": "", "score": 0.0, "used": True}
                 for p in self.candidate.apis if p not in known]
        notes = list(self.candidate.notes)
        if self.fallback_reason:
            notes.append(f"fell back to {self.generator}: {self.fallback_reason}")
        return {"id": self.id, "apis": apis, "prompt": self.candidate.prompt, "generator": self.generator,
                "notes": notes, "timings_ms": self.timings_ms}


class RecordCache:
    def __init__(self, capacity: int = 256):
        self._items: OrderedDict[str, CompletionRecord] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def add(self, record: CompletionRecord) -> str:
        record.id = record.id or uuid.uuid4().hex[:16]
        with self._lock:
            self._items[record.id] = record
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)
        return record.id

    def get(self, record_id: str) -> CompletionRecord | None:
        with self._lock:
            return self._items.get(record_id)

"""What a corpus command kept and why it dropped the rest, and the atomic JSON Lines writer."""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any


@dataclass
class CorpusReport:
    """Counts of files and records kept, and of everything dropped, by reason."""

    files_seen: int = 0
    files_kept: int = 0
    records: int = 0
    dropped_files: Counter[str] = field(default_factory=Counter)
    dropped_items: Counter[str] = field(default_factory=Counter)
    #: one example path per file reason, so a surprising count can be looked at
    examples: dict[str, str] = field(default_factory=dict)

    def drop_file(self, reason: str, path: str) -> None:
        self.dropped_files[reason] += 1
        self.examples.setdefault(reason, path)

    def drop_item(self, reason: str, count: int = 1) -> None:
        self.dropped_items[reason] += count

    def to_json(self) -> dict[str, Any]:
        return {
            "files_seen": self.files_seen,
            "files_kept": self.files_kept,
            "records": self.records,
            "dropped_files": dict(sorted(self.dropped_files.items())),
            "dropped_items": dict(sorted(self.dropped_items.items())),
            "examples": dict(sorted(self.examples.items())),
        }

    def format(self) -> str:
        lines = [f"files: {self.files_kept} kept of {self.files_seen}; records written: {self.records}"]
        lines += [f"  file dropped, {reason}: {count} (e.g. {self.examples.get(reason, '?')})"
                  for reason, count in sorted(self.dropped_files.items())]
        lines += [f"  item dropped, {reason}: {count}" for reason, count in sorted(self.dropped_items.items())]
        return "\n".join(lines)


class JsonlWriter:
    """Writes records to a temporary file beside ``path`` and renames it into place only on success,
    so an interrupted run never leaves a half-written corpus under the final name."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, self._temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        self._file = os.fdopen(handle, "w", encoding="utf-8")
        self.count = 0

    def write(self, record: dict[str, Any]) -> None:
        self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.count += 1

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._file.close()
        if kind is None:
            os.replace(self._temporary, self.path)
        else:
            os.unlink(self._temporary)

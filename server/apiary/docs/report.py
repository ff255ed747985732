"""What an ingester hands back: the entries it read and what it had to skip, with why."""

from __future__ import annotations

from dataclasses import dataclass, field

from apiary.docs.entry import ApiEntry


class IngestError(ValueError):
    """A documentation source that cannot be read at all (missing, a directory, undecodable)."""


@dataclass
class Skipped:
    """One line, section or file an ingester passed over."""

    #: ``file:line`` or a path.
    location: str
    #: Human-readable, e.g. ``invalid JSON: Expecting ',' delimiter``.
    reason: str


@dataclass
class IngestReport:
    entries: list[ApiEntry] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    files_read: int = 0


__all__ = ["IngestError", "IngestReport", "Skipped"]

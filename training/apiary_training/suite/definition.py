"""The suite's definition: which libraries, at which versions, on which side of the split.

The file (``benchmarks/unseen/suite.json``) is fixed in the repository, so the split never depends
on what a run finds: a library is dev or test because the file says so.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

SPLITS = ("dev", "test")


class SuiteError(ValueError):
    """The suite file is unusable; the message says where."""


@dataclass(frozen=True)
class SuiteLibrary:
    #: the distribution name on PyPI ("python-dateutil"), not the import name
    name: str
    version: str
    split: str
    kind: str = ""
    #: ``name==version`` of packages whose code calls this library
    users: tuple[str, ...] = ()

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version}"


@dataclass(frozen=True)
class Suite:
    libraries: tuple[SuiteLibrary, ...]
    #: libraries kept out of the suite and of all tuning, for independent checks
    held_out: tuple[str, ...] = ()
    #: problems written in users' own words (HumanEval form, a ``library`` field each), beside the mined ones
    user_problems: Path | None = None

    def select(self, split: str | None = None, names: list[str] | None = None) -> list[SuiteLibrary]:
        """The libraries of one split (or both), optionally only those named, in file order."""
        chosen = [lib for lib in self.libraries if split in (None, "all", lib.split)]
        if names:
            wanted = {normalize(n) for n in names}
            unknown = wanted - {normalize(lib.name) for lib in self.libraries}
            if unknown:
                raise SuiteError(f"not in the suite: {', '.join(sorted(unknown))}")
            chosen = [lib for lib in chosen if normalize(lib.name) in wanted]
        return chosen

    def user_problems_of(self, library: SuiteLibrary) -> list[dict]:
        """The problems in users' own words over ``library`` (none when the suite has no such file)."""
        if self.user_problems is None or not self.user_problems.is_file():
            return []
        records = _jsonl(self.user_problems)
        return [
            dict(r)
            for r in records
            if normalize(r.get("library", "")) == normalize(library.name) and r.get("gold_apis")
        ]

    def split_of(self, name: str) -> str | None:
        return next((lib.split for lib in self.libraries if normalize(lib.name) == normalize(name)), None)


def normalize(name: str) -> str:
    """PEP 503's normalized project name: ``Python_Dateutil`` -> ``python-dateutil``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def load_suite(path: Path) -> Suite:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        libraries = tuple(_library(item) for item in data["libraries"])
        held_out = tuple(data.get("held_out", ()))
        user_problems = path.parent / data["user_problems"] if data.get("user_problems") else None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise SuiteError(f"{path}: {error}") from error
    names = [normalize(lib.name) for lib in libraries]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SuiteError(f"{path}: listed twice: {', '.join(duplicates)}")
    leaked = sorted(set(names) & {normalize(n) for n in held_out})
    if leaked:
        raise SuiteError(f"{path}: held-out libraries may not be in the suite: {', '.join(leaked)}")
    return Suite(libraries, held_out, user_problems)


@functools.lru_cache(maxsize=4)
def _jsonl(path: Path) -> tuple[dict, ...]:
    with path.open(encoding="utf-8") as lines:
        return tuple(json.loads(line) for line in lines if line.strip())


def _library(item: dict) -> SuiteLibrary:
    split = item["split"]
    if split not in SPLITS:
        raise ValueError(f"{item.get('name')}: split must be one of {SPLITS}, not {split!r}")
    users = tuple(item.get("users", ()))
    if any("==" not in u for u in users):
        raise ValueError(f"{item['name']}: users must be pinned as name==version")
    return SuiteLibrary(item["name"], item["version"], split, item.get("kind", ""), users)

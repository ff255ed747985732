"""What one run evaluates: suite libraries with their mined problems, or any library with a problems
file (TorchDataEval's format: ``prompt`` and ``gold_apis``; ``intent`` optional)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from apiary.docs.locate import locate
from apiary.retrieval.index import LibraryIndex
from apiary.retrieval.store import IndexStore
from apiary_training.suite.definition import Suite
from apiary_training.suite.fetch import fetch_wheel
from apiary_training.suite.problems import SuiteCache, library_problems


@dataclass
class ProblemSet:
    name: str
    split: str
    kind: str
    index: LibraryIndex
    #: "mined" and "user" (users' own words) problems
    problems: dict[str, list[dict]]


def suite_sets(suite: Suite, split: str, names: list[str] | None, cache: SuiteCache, store: IndexStore,
               limit: int | None = None) -> Iterator[ProblemSet]:
    for library in suite.select(split, names):
        problems = {
            "mined": [p.to_json() for p in library_problems(library, cache)][:limit],
            "user": suite.user_problems_of(library)[:limit],
        }
        if not any(problems.values()):
            continue
        source = locate(str(cache.wheel(library.requirement)), unpack_dir=cache.root / "sources")
        yield ProblemSet(library.name, library.split, library.kind, store.get_or_build(source).index, problems)


def given_sets(suite_file: Path, split: str, cache: SuiteCache, store: IndexStore) -> Iterator[ProblemSet]:
    """The problem sets the suite file names beside its libraries (the bundled example library's,
    TorchDataEval), each over its own library; a set whose file is not on this machine is skipped."""
    data = json.loads(suite_file.read_text(encoding="utf-8"))
    for given in data.get("given_sets", ()):
        problems = (suite_file.parent / given["problems"]).resolve()
        if split not in ("all", given["split"]) or not problems.is_file():
            continue
        library = (
            given["library"] if "==" in given["library"] else str((suite_file.parent / given["library"]).resolve())
        )
        yield file_set(problems, [library], cache, store, name=given["name"], split=given["split"])


def file_set(problems_file: Path, library_specs: list[str], cache: SuiteCache, store: IndexStore,
             name: str | None = None, split: str = "given") -> ProblemSet:
    """A problems file over one or more libraries (paths, wheels, or ``NAME==VERSION`` fetched from
    the index); their indexes are merged into one candidate pool."""
    problems = [json.loads(line) for line in problems_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    problems = [p for p in problems if p.get("gold_apis")]
    for i, problem in enumerate(problems):
        problem.setdefault("task_id", f"{problems_file.stem}/{i}")
    indexes = [
        store.get_or_build(locate(_library_path(spec, cache), unpack_dir=cache.root / "sources")).index
        for spec in library_specs
    ]
    return ProblemSet(name or problems_file.stem, split, "given problems", _merged(indexes), {"given": problems})


def _library_path(spec: str, cache: SuiteCache) -> str:
    if Path(spec).exists() or "==" not in spec:
        return spec
    return str(fetch_wheel(spec, cache.root / "wheels"))


def _merged(indexes: list[LibraryIndex]) -> LibraryIndex:
    if len(indexes) == 1:
        return indexes[0]
    first = indexes[0]
    entries = [e for ix in indexes for e in ix.entries]
    return LibraryIndex(first.info, entries, np.concatenate([ix.vectors for ix in indexes]))

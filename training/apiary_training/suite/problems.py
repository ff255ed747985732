"""A suite library's problems: fetch its wheel (the API to retrieve from), its sdist (its own tests,
examples and docs) and its users' wheels, mine every file, keep a de-duplicated, deterministic
selection, and cache it."""

from __future__ import annotations

import json
import logging
import os
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from apiary.docs.catalogue import Catalogue
from apiary.docs.ingest import ingest
from apiary.docs.locate import locate
from apiary_training.suite.definition import SuiteLibrary, normalize
from apiary_training.suite.docpages import page_examples
from apiary_training.suite.fetch import fetch_sdist, fetch_wheel
from apiary_training.suite.gold import ApiResolver
from apiary_training.suite.mine import Problem, mine_page, mine_source, stable_key
from apiary_training.suite.unpack import unpack

log = logging.getLogger(__name__)

#: bump when mining changes, so cached problems are mined again
MINER_VERSION = 4
MAX_PER_LIBRARY = 150
#: one long test file must not make a library's whole problem set
MAX_PER_FILE = 25
_MINED_SUFFIXES = (".py", ".rst", ".md", ".txt")
_TEST_PART = re.compile(r"^(?:tests?|testsuite|testing|examples?|docs?|demos?)$|^test_.*\.py$|_test\.py$")


class SuiteCache:
    """Where the suite keeps what it downloads and derives (``benchmarks/.cache/unseen``)."""

    def __init__(self, root: Path):
        self.root = root

    def wheel(self, requirement: str) -> Path:
        return fetch_wheel(requirement, self.root / "wheels")

    def sdist(self, requirement: str) -> Path | None:
        return fetch_sdist(requirement, self.root / "sdists")

    def unpacked(self, archive: Path) -> Path:
        return unpack(archive, self.root / "unpacked" / archive.name)

    def problems_file(self, library: SuiteLibrary) -> Path:
        return self.root / "problems" / f"{normalize(library.name)}-{library.version}-v{MINER_VERSION}.jsonl"


def library_problems(library: SuiteLibrary, cache: SuiteCache) -> list[Problem]:
    """The library's problems, mined once and then read from the cache."""
    path = cache.problems_file(library)
    if path.exists():
        with path.open(encoding="utf-8") as f:
            return [Problem.from_json(json.loads(line)) for line in f if line.strip()]
    problems = select(mine_library(library, cache))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_text("".join(json.dumps(p.to_json()) + "\n" for p in problems), encoding="utf-8")
    os.replace(partial, path)
    return problems


def entry_catalogue(library: Path, unpack_dir: Path | None = None) -> Catalogue:
    """A library's API catalogue (a wheel, sdist or source tree): enough to resolve calls to entries,
    with no search index to build."""
    source = locate(str(library), unpack_dir=unpack_dir)
    return Catalogue(source.name, ingest(source).entries)


def mine_library(library: SuiteLibrary, cache: SuiteCache) -> list[Problem]:
    catalogue = entry_catalogue(cache.wheel(library.requirement), cache.root / "sources")
    resolver = ApiResolver(catalogue)
    own = {e.import_path.split(".")[0] for e in catalogue.entries}
    found: list[Problem] = []
    for label, path in _files(library, cache, own):
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if path.suffix == ".py":
            found.extend(mine_source(source, label, library.name, resolver))
        else:
            header, examples = page_examples(source, markdown=path.suffix == ".md", modules=frozenset(own))
            found.extend(mine_page(header, examples, label, library.name, resolver))
    log.info("%s: %d problems mined", library.name, len(found))
    return found


def _files(library: SuiteLibrary, cache: SuiteCache, own: set[str]) -> Iterator[tuple[str, Path]]:
    sdist = cache.sdist(library.requirement)
    if sdist is not None:
        root = cache.unpacked(sdist)
        for path in sorted(p for p in root.rglob("*") if p.suffix in _MINED_SUFFIXES and p.is_file()):
            relative = path.relative_to(root)
            if _is_usage_file(relative, own):
                kind = "sdist" if path.suffix == ".py" else "doc"
                yield f"{kind}:{relative.as_posix()}", path
    for user in library.users:
        root = cache.unpacked(cache.wheel(user))
        name = user.split("==")[0]
        for path in sorted(root.rglob("*.py")):
            yield f"user:{name}:{path.relative_to(root).as_posix()}", path


def _is_usage_file(relative: Path, own: set[str]) -> bool:
    """Tests, examples and docs of the sdist; not the library's own modules (their comments explain
    the library's internals, and its docstrings are what retrieval reads)."""
    parts = relative.parts[1:] if relative.parts[0] == "src" else relative.parts
    inside_package = parts[0].removesuffix(".py") in own
    return not inside_package or any(_TEST_PART.search(part) for part in parts[1:])


def select(problems: list[Problem]) -> list[Problem]:
    """De-duplicated (same words, same gold), at most ``MAX_PER_FILE`` per file and
    ``MAX_PER_LIBRARY`` in all, chosen by a hash of the task id: the same files give the same set."""
    seen: set[tuple[str, tuple[str, ...]]] = set()
    per_file: dict[str, int] = defaultdict(int)
    chosen: list[Problem] = []
    for problem in sorted(problems, key=lambda p: stable_key(p.task_id)):
        key = (" ".join(problem.intent.lower().split()), problem.gold_apis)
        file = problem.source.rsplit(":", 1)[0]
        if key in seen or per_file[file] >= MAX_PER_FILE:
            continue
        seen.add(key)
        per_file[file] += 1
        chosen.append(problem)
        if len(chosen) == MAX_PER_LIBRARY:
            break
    return sorted(chosen, key=lambda p: p.task_id)

"""The usages a library's docstring examples give, kept between processes and between builds.

Mining them is seconds of one core for a big library (transformers with sympy: 15,907 usages in
~3 s) and the server did it on every start, and again after every edit of the library. They are kept
as JSON in the cache, one file per library: for each example, its usages and every answer its mining
asked of the catalogue (`RecordedLookups`). An example whose answers all still hold gives the same
usages without being mined; an edit mines only the examples it touches (new text, or a name that now
means another API). The file is valid only for the code that mined it; any doubt and it is mined again.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from pathlib import Path

import orjson

from apiary.collector import collector_paused
from apiary.generation.offline.usage import (
    CatalogueLookups,
    RecordedLookups,
    Usage,
    answers_hold,
    docstring_examples,
    mine,
)
from apiary.paths import cache_dir
from apiary.retrieval.cache import atomic_write
from apiary.retrieval.index import LibraryIndex

log = logging.getLogger(__name__)

#: the code whose output is kept: the miner, and what finds a docstring's examples and comments
_MINING_CODE = ("generation/offline/usage.py", "docs/docstrings.py", "docs/catalogue.py", "comments.py")
#: a kept file larger than this is not read (a damaged or foreign file)
MAX_KEPT_BYTES = 512_000_000


def kept_usages_dir() -> Path:
    return cache_dir() / "usages"


def docs_usages(index: LibraryIndex, folder: Path) -> list[Usage]:
    """The usages in ``index``'s docstring examples (as `docstring_usages` gives them): each example
    read where it was kept in ``folder`` and its catalogue answers still hold, else mined; kept anew
    when any was mined or is gone."""
    path = folder / f"{hashlib.sha256(index.info.identity.encode()).hexdigest()[:24]}.json"
    with collector_paused():  # tens of thousands of small records, no cycles
        kept = _read(path)
    lookups = CatalogueLookups(index.catalogue)
    usages: list[Usage] = []
    examples: dict[str, dict] = {}
    mined = 0
    for example, origin in docstring_examples(index.catalogue):
        digest = hashlib.sha256(f"{origin}\n{example}".encode()).hexdigest()[:32]
        memo = kept.get(digest)
        found = _reused(memo, lookups)
        if found is None:
            recorded = RecordedLookups(lookups)
            found = mine(example, index.catalogue, origin, recorded)
            memo = {"usages": [_row(u) for u in found], "asked": recorded.asked}
            mined += 1
        examples[digest] = memo
        usages.extend(found)
    if mined or examples.keys() != kept.keys():
        _keep(path, examples)
    return usages


def _reused(memo: dict | None, lookups: CatalogueLookups) -> list[Usage] | None:
    if not isinstance(memo, dict):
        return None
    try:
        return [_usage(row) for row in memo["usages"]] if answers_hold(memo["asked"], lookups) else None
    except (KeyError, TypeError, ValueError, AttributeError):  # a damaged record: mined again
        return None


@functools.cache
def _mining_code() -> str:
    package = Path(__file__).resolve().parents[2]
    return hashlib.sha256(b"".join((package / name).read_bytes() for name in _MINING_CODE)).hexdigest()


def _read(path: Path) -> dict:
    """The kept examples (digest -> record), if the same code kept them; else {}."""
    try:
        if path.stat().st_size > MAX_KEPT_BYTES:
            return {}
        kept = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:  # damaged: mined again, and kept anew
        log.info("kept usages in %s not used: %s", path, error)
        return {}
    if not isinstance(kept, dict) or kept.get("code") != _mining_code() or not isinstance(kept.get("examples"), dict):
        return {}
    return kept["examples"]


def _usage(row: list) -> Usage:
    apis, call, functions, variables, imports, targets, assigned, comment, origin = row
    return Usage(
        apis=tuple(str(a) for a in apis), call=str(call), functions=frozenset(map(str, functions)),
        variables=frozenset(map(str, variables)), imports=tuple((str(a), str(b)) for a, b in imports),
        targets=int(targets), assigned=None if assigned is None else str(assigned), comment=str(comment),
        origin=str(origin),
    )


def _row(u: Usage) -> list:
    return [list(u.apis), u.call, sorted(u.functions), sorted(u.variables), [list(i) for i in u.imports], u.targets,
            u.assigned, u.comment, u.origin]


def _keep(path: Path, examples: dict[str, dict]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, orjson.dumps({"code": _mining_code(), "examples": examples}))
    except (OSError, TypeError) as error:  # a read-only cache, or a text no UTF-8 file holds
        log.debug("usages not kept in %s: %s", path, error)

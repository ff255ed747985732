"""The usages a library's docstring examples give, kept between server starts.

Mining them is seconds of one core for a big library (transformers with sympy: 15,907 usages in
~3 s) and the server did it on every start, for every library, although they change only with the
library's entries. They are kept as JSON in the cache, one file per library, under a key that is a
digest of exactly what mining reads (each entry's paths, name, kind, owner and docstring) and of
the code that mines; any doubt about the file and they are mined again.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path

import orjson

from apiary.collector import collector_paused
from apiary.docs.entry import ApiEntry
from apiary.generation.offline.usage import Usage, docstring_usages
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
    """The usages in ``index``'s docstring examples: read where a build of the same entries kept
    them in ``folder``, else mined and kept there."""
    path = folder / f"{hashlib.sha256(index.info.identity.encode()).hexdigest()[:24]}.json"
    key = usages_key(index.entries)
    with collector_paused():  # tens of thousands of small records, no cycles
        kept = _read(path, key)
    if kept is not None:
        return kept
    usages = docstring_usages(index.catalogue)
    _keep(path, key, usages)
    return usages


def usages_key(entries: Sequence[ApiEntry]) -> str:
    """A digest of what mining the entries' examples reads, and of the code that mines."""
    read = orjson.dumps([[e.import_path, e.qualname, e.name, e.kind.value, e.owner or "", e.doc] for e in entries])
    return hashlib.sha256(_mining_code().encode() + read).hexdigest()


@functools.cache
def _mining_code() -> str:
    package = Path(__file__).resolve().parents[2]
    return hashlib.sha256(b"".join((package / name).read_bytes() for name in _MINING_CODE)).hexdigest()


def _read(path: Path, key: str) -> list[Usage] | None:
    try:
        if path.stat().st_size > MAX_KEPT_BYTES:
            return None
        kept = orjson.loads(path.read_bytes())
        if not isinstance(kept, dict) or kept.get("key") != key:
            return None
        return [_usage(row) for row in kept["usages"]]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:  # damaged: mined again, and kept anew
        log.info("kept usages in %s not used: %s", path, error)
        return None


def _usage(row: list) -> Usage:
    apis, call, functions, variables, imports, targets, assigned, comment, origin = row
    return Usage(
        apis=tuple(str(a) for a in apis), call=str(call), functions=frozenset(map(str, functions)),
        variables=frozenset(map(str, variables)), imports=tuple((str(a), str(b)) for a, b in imports),
        targets=int(targets), assigned=None if assigned is None else str(assigned), comment=str(comment),
        origin=str(origin),
    )


def _keep(path: Path, key: str, usages: list[Usage]) -> None:
    rows = [[list(u.apis), u.call, sorted(u.functions), sorted(u.variables), [list(i) for i in u.imports], u.targets,
             u.assigned, u.comment, u.origin] for u in usages]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, orjson.dumps({"key": key, "usages": rows}))
    except (OSError, TypeError) as error:  # a read-only cache, or a text no UTF-8 file holds
        log.debug("usages not kept in %s: %s", path, error)

"""The usages a library's docstring examples and code files give, kept between processes and builds.

Mining them is seconds of one core for a big library (transformers with sympy: 15,907 usages of its
docstrings in ~3 s; the 400 files of a workspace that is the library itself, ~16 s) and the server
did it on every start, and again after every edit of the library. They are kept as JSON in the
cache, two files per library (its docstring examples; the test and workspace files last mined): for
each example or file, its usages and every answer its mining asked of the catalogue
(`RecordedLookups`). One whose text is the same and whose answers all still hold gives the same
usages without being mined; an edit mines only what it touches (new text, or a name that now means
another API). A kept file is valid only for the code that mined it; any doubt and it is mined again.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Iterable
from pathlib import Path

import orjson

from apiary.atomic import atomic_write
from apiary.collector import collector_paused
from apiary.generation.offline.usage import (
    CatalogueLookups,
    RecordedLookups,
    Usage,
    answers_hold,
    code_file,
    docstring_examples,
    file_origin,
    mine,
)
from apiary.paths import cache_dir
from apiary.retrieval.index import LibraryIndex

log = logging.getLogger(__name__)

#: the code whose output is kept: the miner, the layout it is kept in, and what finds a docstring's
#: examples and comments
_MINING_CODE = ("generation/offline/usage.py", "generation/offline/kept_usages.py", "docs/docstrings.py",
                "docs/catalogue.py", "comments.py")
#: a kept file larger than this is not read (a damaged or foreign file)
MAX_KEPT_BYTES = 512_000_000


def kept_usages_dir() -> Path:
    return cache_dir() / "usages"


class KeptUsages:
    """The usages kept in ``folder``, and the last ones this process read or mined for each library:
    after a save, what is unchanged is taken from memory, not read back from the file again."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        #: kept file -> digest of each example or file -> (the answers its mining asked, its usages)
        self._last: dict[Path, dict[str, tuple[dict, list[Usage]]]] = {}

    def docs(self, index: LibraryIndex) -> list[Usage]:
        """The usages in ``index``'s docstring examples (as `docstring_usages` gives them)."""
        return self._mined(index, kept_usage_files(self.folder, index.info.identity)[0],
                           docstring_examples(index.catalogue))

    def files(self, index: LibraryIndex, files: Iterable[Path]) -> list[Usage]:
        """The usages in the code ``files`` (a library's tests, the workspace's files that import it),
        in their order."""
        texts = ((code, file_origin(path)) for path in files if (code := code_file(path)) is not None)
        return self._mined(index, kept_usage_files(self.folder, index.info.identity)[1], texts)

    def _mined(self, index: LibraryIndex, path: Path, sources: Iterable[tuple[str, str]]) -> list[Usage]:
        """The usages of each (code, origin) of ``sources``: remembered or read from ``path`` where its
        catalogue answers still hold, else mined; kept anew when any was mined or is gone."""
        lookups = CatalogueLookups(index.catalogue)
        had = path in self._last  # then the file holds what is remembered (or could not be written)
        remembered = self._last.get(path, {})
        kept: dict | None = None  # the file, read once something is not remembered
        now: dict[str, tuple[dict, list[Usage]]] = {}
        usages: list[Usage] = []
        mined = 0
        for example, origin in sources:
            digest = hashlib.sha256(f"{origin}\n{example}".encode()).hexdigest()[:32]
            known = remembered.get(digest)
            if known is None or not answers_hold(known[0], lookups):
                if kept is None:
                    with collector_paused():  # tens of thousands of small records, no cycles
                        kept = {} if had else _read(path)
                known = _reused(kept.get(digest), lookups)
            if known is None:
                recorded = RecordedLookups(lookups)
                known = (recorded.asked, mine(example, index.catalogue, origin, recorded))
                mined += 1
            now[digest] = known
            usages.extend(known[1])
        self._last[path] = now
        if mined or now.keys() != (remembered if had else kept or {}).keys():
            _keep(path, {digest: {**_record(found), "asked": asked} for digest, (asked, found) in now.items()})
        return usages


def kept_usage_files(folder: Path, identity: str) -> tuple[Path, Path]:
    """The files in ``folder`` that keep the usages of the library whose source is ``identity``: its
    docstring examples', and its code files'."""
    key = hashlib.sha256(identity.encode()).hexdigest()[:24]
    return folder / f"{key}.json", folder / f"{key}-files.json"


def _reused(memo: dict | None, lookups: CatalogueLookups) -> tuple[dict, list[Usage]] | None:
    """A kept record's answers and usages, where the answers still hold."""
    if not isinstance(memo, dict):
        return None
    try:
        return (memo["asked"], _usages(memo)) if answers_hold(memo["asked"], lookups) else None
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


def _record(found: list[Usage]) -> dict:
    """The usages one piece of code gave, as JSON: what the code binds (the same for all of them) is
    written once, not per usage (a workspace file that is the library's own module binds hundreds of
    names, and gives hundreds of usages: the 400 files of transformers with sympy were 371 MB so)."""
    first = found[0] if found else None
    functions, variables, imports = (first.functions, first.variables, first.imports) if first else ((), (), ())
    return {"usages": [[list(u.apis), u.call, u.targets, u.assigned, u.comment, u.origin] for u in found],
            "functions": sorted(functions), "variables": sorted(variables), "imports": [list(i) for i in imports]}


def _usages(record: dict) -> list[Usage]:
    """The usages of a `_record`, sharing what their code binds."""
    functions, variables = frozenset(map(str, record["functions"])), frozenset(map(str, record["variables"]))
    imports = tuple((str(a), str(b)) for a, b in record["imports"])
    return [Usage(apis=tuple(str(a) for a in apis), call=str(call), functions=functions, variables=variables,
                  imports=imports, targets=int(targets), assigned=None if assigned is None else str(assigned),
                  comment=str(comment), origin=str(origin))
            for apis, call, targets, assigned, comment, origin in record["usages"]]


def _keep(path: Path, examples: dict[str, dict]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, orjson.dumps({"code": _mining_code(), "examples": examples}))
    except (OSError, TypeError) as error:  # a read-only cache, or a text no UTF-8 file holds
        log.debug("usages not kept in %s: %s", path, error)

"""Mining (description, API sequence) pairs from code on disk, cached by content fingerprint.

Corpora: the workspace, an indexed library's own tree (with examples/tests beside it), and the
standard library and site-packages of the configured interpreter (asked in a subprocess; nothing is
imported). Each root knows its own top-level modules, whose calls are not API calls (Deep API Learning
Revisited §3.1.3).
Pairs are cached per corpus root (the standard library once per Python version, each package on
its own, so a new package costs only itself) as JSON Lines under ``cache_dir()/apiseq``, written
atomically. A first query can mine within a deadline and answer from what is mined by then.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from apiary.atomic import atomic_write
from apiary.code_folders import walk_code
from apiary.interpreter import ask, is_this_interpreter
from apiary.paths import cache_dir
from apiary.sequences.extract import (
    COMMENT,
    DOC,
    FUNCTION,
    ApiSeqPair,
    deduplicate,
    extract_file,
    filter_reason,
)
from apiary.sequences.usage import canonical_names

log = logging.getLogger(__name__)

#: Larger files are generated tables, not usage code.
MAX_FILE_BYTES = 1_000_000
#: Bump when extraction changes: part of every cache key.
EXTRACTOR_VERSION = 4
ALL_KINDS = (FUNCTION, COMMENT, DOC)
#: the standard library's tools and demos, which no one calls as an API
_STDLIB_TOOLS = frozenset({"lib2to3", "idlelib", "turtledemo", "ensurepip", "pydoc_data"})


@dataclass(frozen=True)
class CorpusRoot:
    """A directory (or file) of code; ``project_modules`` are its own top-level modules."""

    path: Path
    project_modules: frozenset[str] = frozenset()
    origin: str = "workspace"


def python_files(root: Path) -> Iterator[Path]:
    """The ``.py`` files under ``root``, in a stable order, skipping caches, VCS and nested environments."""
    for path, _ in _python_file_stats(root):
        yield Path(path)


def _python_file_stats(root: Path) -> Iterator[tuple[str, os.stat_result]]:
    """`python_files` as paths with their ``stat`` (one per file: a fingerprint of 17,000 files is
    checked on every query)."""
    if root.is_file():
        if root.suffix == ".py":
            yield str(root), root.stat()
        return
    for directory, files in _walk(root):
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                try:
                    status = os.stat(path)
                except OSError:
                    continue
                if status.st_size <= MAX_FILE_BYTES:
                    yield path, status


def _walk(root: Path) -> Iterator[tuple[str, list[str]]]:
    """The folders under ``root`` that hold code to mine, with their files, in a stable order."""
    return walk_code(root, _STDLIB_TOOLS)


def top_level_modules(root: Path) -> frozenset[str]:
    """The modules a project at ``root`` defines: packages and module files at its top and under ``src/``."""
    if root.is_file():
        return frozenset({root.stem})
    names: set[str] = set()
    for base in (root, root / "src"):
        if base.is_dir():
            for child in base.iterdir():
                if child.suffix == ".py":
                    names.add(child.stem)
                elif child.is_dir() and (child / "__init__.py").is_file():
                    names.add(child.name)
    if (root / "__init__.py").is_file():
        names.add(root.name)
    return frozenset(names)


def workspace_root(path: Path) -> CorpusRoot:
    return CorpusRoot(path.resolve(), top_level_modules(path.resolve()), "workspace")


def library_roots(root: Path, name: str) -> list[CorpusRoot]:
    """An indexed library's code and, beside a source tree, its examples and tests (``docs.locate``'s root)."""
    root = root.resolve()
    own = top_level_modules(root) | {name} | ({root.name} if (root / "__init__.py").is_file() else set())
    roots = [CorpusRoot(root, frozenset(own), f"library:{name}")]
    project = _project_of(root)
    for sibling in ("examples", "example", "tests", "test", "docs"):
        candidate = project / sibling
        if candidate.is_dir() and not candidate.resolve().is_relative_to(root):
            roots.append(CorpusRoot(candidate, frozenset(own), f"library:{name}"))
    return roots


def _project_of(root: Path) -> Path:
    """The project folder around a library: the package's parent (above ``src/`` in a src layout),
    or the folder itself when it is not a package. Never higher: a repository that merely holds
    the library does not lend it its own tests."""
    if not (root / "__init__.py").is_file():
        return root
    return root.parent.parent if root.parent.name == "src" else root.parent


def interpreter_roots(python: str | None = None) -> list[CorpusRoot]:
    """The standard library (one corpus: its modules call each other's APIs) and each top-level
    package of site-packages (a project of its own) of the interpreter ``python``."""
    paths = _interpreter_paths(python)
    roots = [CorpusRoot(Path(paths["stdlib"]), frozenset(), "stdlib")]
    for site in paths["site"]:
        site_dir = Path(site)
        if not site_dir.is_dir():
            continue
        for child in sorted(site_dir.iterdir()):
            if child.name.startswith(("_", ".")) or child.name.endswith((".dist-info", ".egg-info", ".libs")):
                continue
            if (child.is_dir() and (child / "__init__.py").is_file()) or child.suffix == ".py":
                roots.append(
                    CorpusRoot(child, frozenset({child.stem if child.is_file() else child.name}), "site-packages")
                )
    return roots


def _interpreter_paths(python: str | None) -> dict:
    script = ("import json, site, sysconfig; p = sysconfig.get_paths(); "
              "print(json.dumps({'stdlib': p['stdlib'], 'site': sorted({p['purelib'], p['platlib']})}))")
    if is_this_interpreter(python):
        import sysconfig

        paths = sysconfig.get_paths()
        return {"stdlib": paths["stdlib"], "site": sorted({paths["purelib"], paths["platlib"]})}
    try:
        return json.loads(ask(python, script, timeout_s=30))
    except (OSError, subprocess.SubprocessError, json.JSONDecodeError) as error:
        raise RuntimeError(f"cannot ask the interpreter {python} where its libraries are: {error}") from error


#: ``(what, done, total)``: e.g. ("mining numpy", 120, 480) files, ("encoding", 2048, 9000) descriptions
Progress = Callable[[str, int, int], None]


def mine(roots: Iterable[CorpusRoot], return_types: Mapping[str, str] | None = None, keep_all: bool = False,
         should_stop: Callable[[], bool] = lambda: False, kinds: Collection[str] = ALL_KINDS) -> list[ApiSeqPair]:
    """The pairs of every file under ``roots`` (only those passing the filters of Deep API Learning
    Revisited §3.1.4 unless ``keep_all``): its function pairs, and by default comment and doc pairs too,
    doc pairs renamed to the names the corpus calls them by (`usage.canonical_names`)."""
    pairs: list[ApiSeqPair] = []
    for root in roots:
        pairs.extend(mine_files(root, return_types, keep_all, should_stop, kinds)[0])
    return with_canonical_docs(pairs)


def mine_files(root: CorpusRoot, return_types: Mapping[str, str] | None = None, keep_all: bool = False,
               should_stop: Callable[[], bool] = lambda: False, kinds: Collection[str] = ALL_KINDS,
               progress: Progress | None = None, start: int = 0) -> tuple[list[ApiSeqPair], int, int]:
    """The pairs of the root's files from the ``start``-th on (`python_files` order), until
    ``should_stop``; how many of its files are mined by then, and how many it has. Doc pairs are
    under the names they are defined by (`with_canonical_docs` renames them over the whole corpus)."""
    pairs: list[ApiSeqPair] = []
    paths = list(python_files(root.path))
    for done, path in enumerate(paths[start:], start + 1):
        if should_stop():
            return pairs, done - 1, len(paths)
        found = extract_file(path, MAX_FILE_BYTES, project_modules=root.project_modules, return_types=return_types,
                             kinds=kinds, module=module_name(root, path))
        pairs.extend(p for p in found if keep_all or p.kind == DOC or filter_reason(p) is None)
        if progress is not None and (done % 50 == 0 or done == len(paths)):
            progress(f"mining {root_label(root)}", done, len(paths))
    return pairs, len(paths), len(paths)


def root_label(root: CorpusRoot) -> str:
    return "the standard library" if root.origin == "stdlib" else root.path.name


def module_name(root: CorpusRoot, path: Path) -> str | None:
    """The dotted module a file under ``root`` is imported as (``honeycomb/io.py`` -> honeycomb.io)."""
    base = root.path.parent if root.path.is_file() or (root.path / "__init__.py").is_file() else root.path
    try:
        parts = list(path.with_suffix("").relative_to(base).parts)
    except ValueError:
        return None
    if parts and parts[0] == "src":
        parts = parts[1:]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    if not parts or not all(part.isidentifier() for part in parts):
        return None
    return ".".join(parts)


def with_canonical_docs(pairs: list[ApiSeqPair]) -> list[ApiSeqPair]:
    """Doc pairs renamed to the names the corpus calls their APIs by; those it never calls are left out."""
    called = Counter(api for pair in pairs if pair.kind != DOC for api in pair.apiseq)
    docs = [pair for pair in pairs if pair.kind == DOC]
    names = canonical_names({pair.apiseq[0] for pair in docs}, called)
    renamed = [replace(pair, apiseq=(names[pair.apiseq[0]],)) for pair in docs if pair.apiseq[0] in names]
    return [pair for pair in pairs if pair.kind != DOC] + deduplicate(renamed)


#: Code that changes only by being installed again: the standard library and site-packages.
INSTALLED = ("stdlib", "site-packages")


def fingerprint(roots: Iterable[CorpusRoot], extra: str = "") -> str:
    """Changes when a file's path, size or modification time (or the extractor) changes; for
    installed code, when a folder's entries change (installing replaces files, which changes their
    folder: 3,000 folders are read where 17,000 files would be, on every query)."""
    digest = hashlib.sha256(f"v{EXTRACTOR_VERSION}:{extra}".encode())
    for root in roots:
        digest.update(f"{root.path}|{sorted(root.project_modules)}".encode())
        stats = _folder_stats(root.path) if root.origin in INSTALLED else _python_file_stats(root.path)
        for path, status in stats:
            digest.update(f"{path}:{status.st_size}:{status.st_mtime_ns}".encode())
    return digest.hexdigest()[:20]


def _folder_stats(root: Path) -> Iterator[tuple[str, os.stat_result]]:
    """The folders `python_files` walks (or the file itself), each with its ``stat``."""
    if not root.is_dir():
        yield from _python_file_stats(root)
        return
    for directory, _ in _walk(root):
        try:
            yield directory, os.stat(directory)
        except OSError:
            continue


def root_keys(roots: Iterable[CorpusRoot], return_types: Mapping[str, str] | None = None) -> list[str]:
    """Each root's cache key (`fingerprint` with the return types the extraction used)."""
    types_key = types_key_of(return_types)
    return [fingerprint([root], types_key) for root in roots]


def types_key_of(return_types: Mapping[str, str] | None) -> str:
    return json.dumps(sorted((return_types or {}).items()))


@dataclass(frozen=True)
class MinedCorpus:
    #: every mined root's pairs, doc pairs renamed over all of them
    pairs: list[ApiSeqPair]
    #: the roots not mined yet, or only in part (the deadline passed first): a later query mines them
    left: tuple[CorpusRoot, ...] = ()


class PairCache:
    """Mined pairs per corpus root and fingerprint, in ``<dir>/<fingerprint>.jsonl``."""

    def __init__(self, directory: Path | None = None):
        self.directory = directory or cache_dir() / "apiseq"

    def load_or_mine(self, roots: list[CorpusRoot], return_types: Mapping[str, str] | None = None) -> list[ApiSeqPair]:
        return self.corpus(roots, return_types).pairs

    def corpus(self, roots: Sequence[CorpusRoot], return_types: Mapping[str, str] | None = None,
               progress: Progress | None = None, deadline: float | None = None,
               after_each: Callable[[list[ApiSeqPair]], None] | None = None,
               keys: Sequence[str] | None = None) -> MinedCorpus:
        """Each root's pairs from the cache, or mined and cached, and handed to ``after_each`` (to
        encode them, within the same deadline). Once ``deadline`` (a `time.monotonic` time) has
        passed, packages not cached yet are left for later, and one cut short is dropped for now;
        the standard library is always mined whole (everyday requests need it). ``keys``: the roots'
        `root_keys`, when the caller has them already."""
        keys = root_keys(roots, return_types) if keys is None else keys
        pairs: list[ApiSeqPair] = []
        left: list[CorpusRoot] = []
        for root, key in zip(roots, keys, strict=True):
            late = (
                (lambda: time.monotonic() > deadline)
                if deadline is not None and root.origin != "stdlib"
                else (lambda: False)
            )
            path = self.directory / f"{key}.jsonl"
            cached = read_pairs(path) if path.is_file() else None
            if cached is not None:
                mark_used(path)
            if cached is None and late():
                left.append(root)
                continue
            if cached is None:
                cached = self._mine(root, key, return_types, late, progress)
                if cached is None:  # cut short: a later query goes on where this one stopped
                    left.append(root)
                    continue
            if after_each is not None:
                after_each(cached)
            pairs.extend(cached)
        return MinedCorpus(with_canonical_docs(pairs), tuple(left))


    def _mine(self, root: CorpusRoot, key: str, return_types: Mapping[str, str] | None,
              late: Callable[[], bool], progress: Progress | None) -> list[ApiSeqPair] | None:
        """The root's pairs, mined from where an earlier cut-short run stopped (its pairs so far are
        kept as ``<key>.partial-<files done>.jsonl``) and cached; None when cut short again."""
        earlier, start = self._partial(key)
        found, done, total = mine_files(root, return_types, should_stop=late, progress=progress, start=start)
        for stale in self.directory.glob(f"{key}.partial-*.jsonl"):
            stale.unlink(missing_ok=True)
        if done < total:
            write_pairs(self.directory / f"{key}.partial-{done}.jsonl", earlier + found)
            return None
        write_pairs(self.directory / f"{key}.jsonl", earlier + found)
        log.info("mined %d API-sequence pairs from %s", len(earlier) + len(found), root.path)
        return earlier + found

    def _partial(self, key: str) -> tuple[list[ApiSeqPair], int]:
        for path in sorted(self.directory.glob(f"{key}.partial-*.jsonl")):
            done = path.name.removesuffix(".jsonl").rpartition("-")[2]
            pairs = read_pairs(path) if done.isdigit() else None
            if pairs is not None:
                return pairs, int(done)
        return [], 0


def mark_used(path: Path) -> None:
    """Dates a cache file's last use (its modification time): files unused for long are removed
    (`snapshot.remove_stale`)."""
    try:
        os.utime(path)
    except OSError:  # a read-only cache ages, which costs nothing
        pass


def write_pairs(path: Path, pairs: Iterable[ApiSeqPair]) -> None:
    """JSON Lines, written to a temporary file and renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, b"".join(pair.to_line() for pair in pairs))


def read_pairs(path: Path) -> list[ApiSeqPair] | None:
    """The pairs of a JSON Lines file; None when it is unreadable or malformed (the caller re-mines)."""
    try:
        with path.open(encoding="utf-8") as lines:
            return [ApiSeqPair.from_line(line) for line in lines if line.strip()]
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("ignoring the unreadable pair cache %s: %s", path, error)
        return None

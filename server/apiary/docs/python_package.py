"""Read a whole Python package from files on disk, statically, into API entries.

Walks the package, parses every ``.py`` and ``.pyi`` with ``ast`` (the library's code is never
imported or run), prefers the stub where both describe a module, and reports what it skipped
(syntax errors, undecodable files, generated code without API, files over the read or time bound)
instead of failing: one bad file never loses a library.
"""

from __future__ import annotations

import ast
import hashlib
import io
import logging
import multiprocessing
import os
import sys
import time
import tokenize
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from apiary.docs.exports import build_entries
from apiary.docs.files import FileDigests, NotAFile, is_regular, read_bounded
from apiary.docs.generated import generated_reason
from apiary.docs.parsed_modules import SharedParams, module_from_json, module_json
from apiary.docs.python_module import ModuleDoc, read_module
from apiary.docs.report import IngestError, IngestReport, Skipped

if TYPE_CHECKING:
    from apiary.docs.parsed_modules import ParsedModules

log = logging.getLogger(__name__)

#: The most read of one file: only a sanity bound, since size says nothing about being API (torch's
#: _VariableFunctions.pyi is 1.1 MB, Google's apitools compute messages 5.4 MB, all classes). Parsing
#: dense code costs ~70 MB of memory per MB here, so this also keeps one AST under ~2.5 GB.
MAX_FILE_BYTES = 32_000_000
#: Seconds allowed to decode, parse and read one file: BASE + PER_MB for each MB, at most MAX. A 5 MB
#: module of dense code takes ~2.7 s here on a loaded 2-core machine (ast.parse 1.4-2.3 s, the walk
#: ~0.7 s; docstring-heavy code a tenth of that), so 17 s for it leaves 6x for slower machines, while
#: a pathological file still cannot stall indexing for more than a minute.
FILE_SECONDS_BASE = 2.0
FILE_SECONDS_PER_MB = 3.0
FILE_SECONDS_MAX = 60.0
_SKIP_DIRS = {"tests", "test", "__pycache__", "docs", "doc", "examples", "benchmarks", "node_modules", "build", "dist"}
_SKIP_FILES = {"setup.py", "conftest.py", "noxfile.py", "fabfile.py"}
#: At least this many files to parse are parsed by worker processes: starting them costs ~0.3 s, and
#: torch's 2,300 files parse in about half the time on 2 cores.
PARALLEL_MIN_FILES = 200
MAX_PARSE_WORKERS = 4
_CHUNK = 16  # files a worker parses per task


@dataclass(frozen=True)
class PackageLayout:
    """Where a library's modules live: ``base`` is the directory on ``sys.path``."""

    base: Path
    packages: tuple[str, ...]


@dataclass(frozen=True)
class ModuleFile:
    module: str
    path: Path
    is_package: bool


def find_layout(root: Path) -> PackageLayout:
    """The packages under ``root``: ``root`` itself if it is a package, else the packages in it (or in ``src/``)."""
    root = root.resolve()
    if root.is_file() and root.suffix in (".py", ".pyi"):
        return PackageLayout(root.parent, (root.stem,))
    if (root / "__init__.py").is_file() or (root / "__init__.pyi").is_file():
        return PackageLayout(root.parent, (root.name,))
    for base in (root, root / "src"):
        packages = _top_level_packages(base)
        if packages:
            return PackageLayout(base, packages)
    raise IngestError(f"{root} holds no Python package (no directory with an __init__.py, no module files)")


def _top_level_packages(base: Path) -> tuple[str, ...]:
    if not base.is_dir():
        return ()
    found = []
    for child in sorted(base.iterdir()):
        if child.name.startswith((".", "_")) or child.name in _SKIP_DIRS or child.name in _SKIP_FILES:
            continue
        if child.is_dir() and any((child / f"__init__{s}").is_file() for s in (".py", ".pyi")):
            found.append(child.name.removesuffix("-stubs"))
        elif child.is_file() and child.suffix in (".py", ".pyi") and child.stem.isidentifier():
            found.append(child.stem)
    return tuple(dict.fromkeys(found))


def module_files(layout: PackageLayout) -> list[ModuleFile]:
    """Every ``.py``/``.pyi`` of the layout's packages with its dotted module name (stubs included)."""
    files: list[ModuleFile] = []
    for package in layout.packages:
        for directory in (layout.base / package, layout.base / f"{package}-stubs"):
            if directory.is_dir():
                files.extend(_walk_package(directory, package))
        for suffix in (".py", ".pyi"):
            single = layout.base / f"{package}{suffix}"
            if single.is_file():
                files.append(ModuleFile(package, single, False))
    return files


def _walk_package(directory: Path, package: str) -> list[ModuleFile]:
    # os.walk with the skipped folders pruned, not Path.rglob: rglob went into tests/ and docs/ only for
    # their files to be dropped, and sorting Paths was most of a warm load's check of transformers.
    found: list[tuple[tuple[str, ...], Path]] = []
    for folder, subfolders, names in os.walk(directory):
        subfolders[:] = [name for name in subfolders if name not in _SKIP_DIRS and not name.startswith(".")]
        relative = os.path.relpath(folder, directory)
        parts = () if relative == "." else tuple(relative.split(os.sep))
        for name in names:
            if name.endswith((".py", ".pyi")) and name not in _SKIP_FILES:
                found.append(((*parts, name), Path(folder, name)))
    files: list[ModuleFile] = []
    for relative_parts, path in sorted(found, key=lambda item: item[0]):
        if not is_regular(path):
            continue  # a FIFO or a link to a device named like a module is no module
        parts = [package, *relative_parts[:-1]]
        if not all(p.isidentifier() for p in parts):
            continue
        is_package = path.stem == "__init__"
        if not is_package:
            if not path.stem.isidentifier():
                continue
            parts.append(path.stem)
        files.append(ModuleFile(".".join(parts), path, is_package))
    return files


def content_digest(files: list[ModuleFile], digests: FileDigests | None = None) -> str:
    """A hash of the files' names and bytes: changes whenever the library's documentation can."""
    digests = digests if digests is not None else FileDigests()
    digest = hashlib.sha256()
    for f in sorted(files, key=lambda f: (f.module, str(f.path))):
        digest.update(f"{f.module}\0{f.path.name}\0".encode())
        try:
            digest.update(digests.sha256(f.path, MAX_FILE_BYTES))
        except OSError:
            digest.update(b"<unreadable>")
    return digest.hexdigest()


def file_time_bound(size: int) -> float:
    """Seconds one file of ``size`` bytes may take to decode, parse and read."""
    return min(FILE_SECONDS_MAX, FILE_SECONDS_BASE + FILE_SECONDS_PER_MB * size / 1e6)


#: the mark of a file skipped for its time bound: on another run, or another machine, it may be read
TIME_BOUND = "(time bound)"


class SkipFile(Exception):
    """This file is passed over for the reason given (too big, generated, too slow)."""


class Deadline:
    """A per-file time bound, checked between steps (``check`` raises `SkipFile` once it has passed).

    ``ast.parse`` cannot be interrupted in the thread that runs it, and a process per file would cost
    more than most files take; but its time grows about linearly with size on real code (measured
    ~0.3-0.5 s per MB here) and the size is bounded, so it is checked after ``ast.parse`` and at every
    statement of the tree walk, which bounds everything else.
    """

    def __init__(self, seconds: float, size: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds, self.size, self._clock = seconds, size, clock
        self._end = clock() + seconds

    def check(self) -> None:
        if self._clock() >= self._end:
            limit = f"{self.seconds:.1f} s allowed for {_size(self.size)}"
            raise SkipFile(f"parsing and reading took over the {limit} {TIME_BOUND}")


@dataclass(frozen=True)
class FileLimits:
    """What one file may cost: ``max_bytes`` read, ``time_bound(size)`` seconds on ``clock``."""

    max_bytes: int = MAX_FILE_BYTES
    time_bound: Callable[[int], float] = file_time_bound
    clock: Callable[[], float] = time.monotonic


def read_package(
    layout: PackageLayout,
    library: str,
    max_file_bytes: int = MAX_FILE_BYTES,
    time_bound: Callable[[int], float] = file_time_bound,
    clock: Callable[[], float] = time.monotonic,
    parsed: ParsedModules | None = None,
    files: list[ModuleFile] | None = None,
) -> IngestReport:
    """Parse every module of ``layout`` and build the library's public API entries (modules whose
    file is unchanged come from ``parsed`` when given, and what is parsed goes into it; ``files``:
    its `module_files`, when the caller listed them).

    A file over ``max_file_bytes``, or whose decoding, parsing and reading take over
    ``time_bound(its size)`` seconds on ``clock``, is skipped and reported like a broken one.
    """
    limits = FileLimits(max_file_bytes, time_bound, clock)
    report = IngestReport()
    files = module_files(layout) if files is None else files
    keys = [parsed.key(f.module, f.path, f.is_package) if parsed else None for f in files]
    docs = [parsed.get(key, f.path) if parsed else None for f, key in zip(files, keys, strict=True)]
    report.files_read += sum(doc is not None for doc in docs)
    unread = [i for i, doc in enumerate(docs) if doc is None]
    for i, (doc, written) in zip(unread, _parse_files([files[i] for i in unread], limits, report), strict=True):
        docs[i] = doc
        if parsed and doc is not None:
            parsed.put(keys[i], doc, written)
        elif parsed:
            parsed.put_skipped(keys[i])
    sources: dict[str, ModuleDoc] = {}
    stubs: dict[str, ModuleDoc] = {}
    for doc in docs:
        if doc is not None:
            (stubs if doc.is_stub else sources)[doc.module] = doc
    modules = dict(sources)
    for name, stub in stubs.items():
        modules[name] = stub.merge_stub_over(sources[name]) if name in sources else stub
    report.entries = build_entries(modules, library, parsed.made if parsed else None)
    return report


def read_module_file(module_file: ModuleFile) -> tuple[ModuleDoc | None, IngestReport]:
    """One file's module as `read_package` reads it (None where it is skipped, the report says why)."""
    report = IngestReport()
    return _read_file(module_file, FileLimits(), report), report


def _parse_files(files: list[ModuleFile], limits: FileLimits,
                 report: IngestReport) -> list[tuple[ModuleDoc | None, bytes | None]]:
    """Each file's module (None where skipped, the reason added to ``report``), with its JSON when a
    worker wrote it; many files are parsed by worker processes, one per core."""
    workers = parse_workers()
    # Workers bound each file by the default time bound and clock: a caller's own (a test's) stays here.
    if len(files) >= PARALLEL_MIN_FILES and workers > 1 and limits == FileLimits(limits.max_bytes):
        try:
            return _parse_in_workers(files, limits, report, workers)
        except (OSError, multiprocessing.TimeoutError) as error:
            log.warning("parsing in worker processes failed (%s); parsing here", error)
    return [(_read_file(f, limits, report), None) for f in files]


def parse_workers() -> int:
    """Worker processes for parsing: the cores this process may run on, at most `MAX_PARSE_WORKERS`."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return min(cores, MAX_PARSE_WORKERS)


def _parse_in_workers(files: list[ModuleFile], limits: FileLimits, report: IngestReport,
                      workers: int) -> list[tuple[ModuleDoc | None, bytes | None]]:
    # Spawned, not forked: the server has threads, and a fork copies their locks mid-use. What comes
    # back is plain data (JSON bytes and skip reasons as strings), read into fresh objects here. The
    # whole read has a deadline; past it, or on any failure, the workers are killed (a parse that
    # hangs in C cannot be interrupted).
    deadline = _workers_deadline(len(files))
    here = IngestReport()  # merged into ``report`` once every file is in: a broken pool leaves no trace
    parsed: list[tuple[ModuleDoc | None, bytes | None]] = []
    params: SharedParams = {}  # the modules read back share their parameters
    chunks = [(files[start:start + _CHUNK], limits.max_bytes) for start in range(0, len(files), _CHUNK)]
    pool = multiprocessing.get_context("spawn").Pool(workers, initializer=_stdout_to_stderr)
    try:
        results = pool.imap(_parse_chunk, chunks)  # chunksize 1: then its next() takes a timeout
        for chunk, _ in chunks:  # as they come
            sent = results.next(timeout=max(0.0, deadline - time.monotonic()))
            parsed.extend(_received(f, *answer, limits, here, params) for f, answer in zip(chunk, sent, strict=True))
    finally:
        pool.terminate()
        pool.join()
    report.skipped.extend(here.skipped)
    report.files_read += here.files_read
    return parsed


def _workers_deadline(files: int) -> float:
    """When the workers must have sent every file: the slowest file's bound, and the base bound per file."""
    return time.monotonic() + FILE_SECONDS_MAX + FILE_SECONDS_BASE * files


def _received(module_file: ModuleFile, written: bytes | None, skipped: list[tuple[str, str]], files_read: int,
              limits: FileLimits, here: IngestReport, params: SharedParams) -> tuple[ModuleDoc | None, bytes | None]:
    """What a worker sent for one file, as its module and the module's JSON."""
    here.skipped.extend(Skipped(where, why) for where, why in skipped)
    if written is None and files_read:  # read but not writable as JSON (a lone surrogate): read here
        return _read_file(module_file, limits, here), None
    here.files_read += files_read
    return (module_from_json(orjson.loads(written), module_file.path, params) if written else None), written


def _stdout_to_stderr() -> None:
    # A worker shares the server's stdout, which is the protocol: nothing it prints may land there.
    sys.stdout = sys.stderr


def _parse_chunk(task: tuple[list[ModuleFile], int]) -> list[tuple[bytes | None, list[tuple[str, str]], int]]:
    files, max_bytes = task
    return [_parse_to_json(module_file, max_bytes) for module_file in files]


def _parse_to_json(module_file: ModuleFile, max_bytes: int) -> tuple[bytes | None, list[tuple[str, str]], int]:
    """In a worker: the module as JSON (None when skipped or not writable), why it was skipped, and
    whether the file was read."""
    report = IngestReport()
    doc = _read_file(module_file, FileLimits(max_bytes), report)
    written = None
    if doc is not None:
        try:
            written = module_json(doc)
        except TypeError:
            pass
    return written, [(s.location, s.reason) for s in report.skipped], report.files_read


def _read_file(module_file: ModuleFile, limits: FileLimits, report: IngestReport) -> ModuleDoc | None:
    """The file's module, or ``None`` with the reason it was skipped added to ``report``."""
    path = module_file.path
    try:
        doc = _parse_file(module_file, limits)
    except SkipFile as skip:
        report.skipped.append(Skipped(str(path), str(skip)))
        return None
    except (SyntaxError, ValueError) as error:
        line = getattr(error, "lineno", None)
        report.skipped.append(Skipped(f"{path}:{line}" if line else str(path), _reason(error)))
        return None
    except (OSError, RecursionError, MemoryError) as error:
        report.skipped.append(Skipped(str(path), _reason(error)))
        return None
    report.files_read += 1
    return doc


def _parse_file(module_file: ModuleFile, limits: FileLimits) -> ModuleDoc:
    path = module_file.path
    data = _read_limited(path, limits.max_bytes)
    deadline = Deadline(limits.time_bound(len(data)), len(data), limits.clock)
    source = decode_source(data)
    # A stub exists only to describe API, and tools write most of them (stubgen, mypy-protobuf, torch's
    # "@generated" ones): never skip one as generated.
    reason = None if path.suffix == ".pyi" else generated_reason(source, len(data))
    if reason is not None:
        raise SkipFile(reason)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes and the like in the library's code are not ours
        tree = ast.parse(source, filename=str(path), type_comments=False)
    deadline.check()
    return read_module(tree, module_file.module, path, module_file.is_package, check=deadline.check)


def _read_limited(path: Path, max_bytes: int) -> bytes:
    """The file's bytes; a file over ``max_bytes`` is skipped with its size as the reason."""
    size = path.stat().st_size
    if size > max_bytes:
        raise SkipFile(f"{_size(size)} is over the {_size(max_bytes)} read limit")
    try:
        return read_bounded(path, max_bytes)
    except NotAFile as error:  # grew past the limit since stat, or is no regular file
        raise SkipFile(str(error).partition(": ")[2] or str(error)) from None


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def decode_source(data: bytes) -> str:
    """Decode Python source as the interpreter would (BOM, coding cookie, else UTF-8)."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise ValueError(f"cannot decode as {encoding}: {error}") from error


def _reason(error: BaseException) -> str:
    if isinstance(error, SyntaxError):
        return f"does not parse: {error.msg}"
    return f"{type(error).__name__}: {error}"

"""Build, cache and load library indexes: the one place that decides whether an index is fresh.

An index is fresh when its format, encoder and the hash of the library's files match; otherwise
it is rebuilt (reusing the vectors of unchanged texts) under the directory's lock.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from filelock import Timeout

from apiary.collector import collector_paused
from apiary.docs.edits import lines_moved
from apiary.docs.entry import ApiEntry
from apiary.docs.files import FileDigests
from apiary.docs.ingest import ingest, module_listing, source_digest
from apiary.docs.kept_texts import HeldTexts, held_texts, hold_texts, kept_texts_of_build, seed_kept_texts
from apiary.docs.locate import LibrarySource, locate
from apiary.docs.parsed_modules import ParsedModules, ReadInMemory
from apiary.docs.python_package import MAX_FILE_BYTES, ModuleFile
from apiary.docs.report import IngestError, IngestReport, Skipped
from apiary.retrieval.cache import (
    FILE_DIGESTS,
    INDEX_FORMAT_VERSION,
    KNOWN_FORMATS,
    PARSED_MODULES,
    CacheCorrupt,
    cached_indexes,
    index_key_dir,
    keep_beside,
    keep_texts,
    lock_for,
    read_beside,
    read_index,
    read_kept_texts,
    read_meta,
    remove_index,
    reusable_vectors,
    rewrite_derived,
    rewrite_entries,
    superseded_indexes,
    write_index,
)
from apiary.retrieval.encoder import Encoder
from apiary.retrieval.index import (
    LibraryIndex,
    LibraryInfo,
    ProgressCallback,
    encode_entries,
    entry_text_keys,
    forget_texts,
)

log = logging.getLogger(__name__)


class UnknownLibrary(LookupError):
    def __init__(self, name: str, known: list[str]):
        self.name, self.known = name, known
        listing = ", ".join(known) if known else "none yet; run `apiary index PATH|MODULE|WHEEL`"
        super().__init__(f"no index for library '{name}'; indexed: {listing}")


@dataclass(frozen=True)
class BuildMemory:
    """What a build keeps in memory for the library's next build in the same process (after an edit),
    instead of reading it back from the cache: the modules it read, and what its text memos computed
    (transformers with sympy, 36,440 APIs: ~120 MB of RSS, and seconds off each edit)."""

    read: ReadInMemory
    #: None: none computed (an edit that changed no API), the next build reads the cache's
    texts: HeldTexts | None


@dataclass(frozen=True)
class LastBuild:
    """What a process holds of a library's last index for its next build (after an edit): the index
    it serves, and the build's memory, when this process built it (`BuildResult.memory`)."""

    index: LibraryIndex
    memory: BuildMemory | None = None


@dataclass(frozen=True)
class _Request:
    """One call of `IndexStore.get_or_build`: what it was asked, and what its look at the files found."""

    source: LibrarySource
    directory: Path
    #: the content hash of the library's files now
    digest: str
    files: FileDigests
    #: a Python package's module files (None for doc files)
    listing: list[ModuleFile] | None
    progress: ProgressCallback | None
    serve: Callable[[LibraryIndex], None] | None
    previous: LastBuild | None
    keep_memory: bool

    @property
    def last_index(self) -> LibraryIndex | None:
        """The index of the library the caller holds (`previous`), if any."""
        return self.previous.index if self.previous is not None else None

    @property
    def memory(self) -> BuildMemory | None:
        """What the last build of the library in this process kept for this one, if anything."""
        return self.previous.memory if self.previous is not None else None


@dataclass
class BuildResult:
    index: LibraryIndex
    rebuilt: bool
    reused_vectors: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    #: why the index lives only in memory (a read-only or full cache directory), if it does
    cache_problem: str | None = None
    #: what the build keeps for the library's next build in this process (asked for with ``keep_memory``)
    memory: BuildMemory | None = None


class IndexStore:
    def __init__(self, root: Path, encoder: Encoder, python: str | None = None):
        self.root = root
        self.encoder = encoder
        self.python = python  # the interpreter whose installed packages module names refer to

    def directory_for(self, source: LibrarySource) -> Path:
        return index_key_dir(self.root, source.name, source.version, self.encoder.id, source.identity)

    def get_or_build(
        self, source: LibrarySource, progress: ProgressCallback | None = None, force: bool = False,
        serve: Callable[[LibraryIndex], None] | None = None, previous: LastBuild | None = None,
        keep_memory: bool = False,
    ) -> BuildResult:
        """The fresh index of ``source``, loaded or built. ``serve``: told of each index a build can
        serve before it ends: where it has many texts to encode, first the index without its vectors
        (searchable by its words: encoding is most of a cold build); then the whole index, before it
        is stored (writing the cache is no reason for an edited library to wait). ``previous``: what
        the caller holds of the last index of ``source``, if anything (after an edit that changed no
        API, the new index is made from the last one: `docs.edits`; a build starts from the last
        build's memory). ``keep_memory``: a build hands back what it keeps for the next
        (`BuildResult.memory`: for a process that re-indexes the library after each edit)."""
        started = time.perf_counter()
        request = self._request(source, progress, serve, previous, keep_memory)
        try:
            result = self._fresh_or_built(request, force)
        finally:
            forget_texts()  # what a build remembered of docstrings serves no later one
        if request.files.changed:
            keep_beside(request.directory, FILE_DIGESTS, request.files.remembered)
        result.seconds = time.perf_counter() - started
        return result

    def _request(self, source: LibrarySource, progress: ProgressCallback | None,
                 serve: Callable[[LibraryIndex], None] | None, previous: LastBuild | None,
                 keep_memory: bool) -> _Request:
        """A call for ``source``, with what a look at its files finds (their content hash, its modules)."""
        directory = self.directory_for(source)
        files = FileDigests(read_beside(directory, FILE_DIGESTS))
        listing = module_listing(source)
        return _Request(source, directory, source_digest(source, files, listing), files, listing, progress, serve,
                        previous, keep_memory)

    def _fresh_or_built(self, request: _Request, force: bool) -> BuildResult:
        held = request.last_index
        if not force and held is not None and self._current(held, request.digest):
            # a save that changed no file's bytes: the caller's index is the build, and its memory still holds
            return BuildResult(held, rebuilt=False, memory=request.memory if request.keep_memory else None)
        fresh = None if force else self._fresh(request.directory, request.digest)
        if fresh is not None:
            return BuildResult(fresh, rebuilt=False)
        with _build_lock(request.directory) as locked:
            fresh = (
                None if force or not locked else self._fresh(request.directory, request.digest)
            )  # built meanwhile by another process?
            if fresh is not None:
                return BuildResult(fresh, rebuilt=False)
            # a build makes millions of objects and no cycles: in a server already holding indexes,
            # each collection would walk those too
            with collector_paused():
                parsed = _parsed(request)
                moved = None if force else self._moved(request, parsed)
                return moved if moved is not None else self._build(request, parsed)

    def _current(self, index: LibraryIndex, digest: str) -> bool:
        """Whether ``index`` is the whole build, with this store's encoder, of the files whose hash is ``digest``."""
        info = index.info
        return (index.encoded and info.content_hash == digest and info.encoder_id == self.encoder.id
                and index.dim == self.encoder.dim)

    def _fresh(self, directory: Path, digest: str) -> LibraryIndex | None:
        if not (directory / "meta.json").exists():
            return None
        try:
            meta = read_meta(directory, KNOWN_FORMATS)
            if meta["library"]["content_hash"] != digest or meta["library"]["encoder_id"] != self.encoder.id:
                log.info("index at %s is out of date; rebuilding", directory)
                return None
            if meta["format"] != INDEX_FORMAT_VERSION:
                log.info("index at %s was written by an older version of Apiary; rebuilding", directory)
                return None
            index = read_index(directory)
            if index.dim != self.encoder.dim:  # checksums vouch for the bytes, not their meaning
                raise CacheCorrupt(
                    f"{directory}: vectors of {index.dim} dimensions, the encoder gives {self.encoder.dim}"
                )
            if index.derived_here:
                _store_again(directory, index, rewrite_derived)
            return index
        except (CacheCorrupt, KeyError, TypeError) as error:
            log.warning("rebuilding the index: %s", error)
            return None

    def _moved(self, request: _Request, parsed: ParsedModules) -> BuildResult | None:
        """After an edit that changed no API, the last index with its entries' new places; None where
        the edit may have changed more (the library is then built)."""
        moves = lines_moved(parsed, request.listing) if request.listing is not None else None
        last = self._last_index(request, parsed.last_content_hash) if moves is not None else None
        if moves is None or last is None:
            return None
        index = last.moved(replace(last.info, content_hash=request.digest, built_at=time.time()), moves)
        store = functools.partial(rewrite_entries, moved_from=last.info.content_hash)
        problem = self._stored(index, request, store, parsed, parsed.last_skipped)
        log.info("%s: an edit that changed no API; %d files' lines moved", index.name, len(moves))
        return BuildResult(index, rebuilt=True, reused_vectors=len(index.described_vectors),
                           skipped=[Skipped(*s) for s in parsed.last_skipped], cache_problem=problem,
                           memory=_kept_memory(request, parsed, parsed.last_skipped, moved=True))

    def _last_index(self, request: _Request, content_hash: str | None) -> LibraryIndex | None:
        """The index of the build whose content hash is ``content_hash``: the caller's, else the cache's."""
        last = request.last_index
        if last is None or not last.encoded or last.info.encoder_id != self.encoder.id:
            try:
                last = read_index(request.directory)
            except CacheCorrupt as error:
                log.info("no last index to move entries in: %s", error)
                return None
        return last if content_hash is not None and self._current(last, content_hash) else None

    def remember(self, source: LibrarySource, held: LibraryIndex,
                 abandoned: Callable[[], bool] = lambda: False) -> BuildResult | None:
        """``held``'s build made again from what the cache keeps, for its memory (`BuildResult.memory`):
        a server whose user starts to edit the library, so that its first saved edit is built from
        memory, as the later ones are, not from the cache. The index it gives equals ``held`` and keeps
        its build time; nothing is stored. None where ``held`` is no longer the build of the library's
        files, or was not made with this store's encoder (its next build is then a re-index), or where
        ``abandoned()`` says so between its steps (a saved edit waits: it is built from the cache)."""
        started = time.perf_counter()
        request = self._request(source, None, None, LastBuild(held), keep_memory=True)
        if not self._current(held, request.digest):
            return None
        try:
            with collector_paused():
                parsed = _parsed(request)
                if _gave_way(held, abandoned):
                    return None
                report = self._ingested(request, parsed)
                if _gave_way(held, abandoned):
                    return None
                if report.entries != held.entries:  # another reader's build: its vectors would not fit
                    log.info("%s: the cache holds another build; nothing kept for its edits", held.name)
                    return None
                index = LibraryIndex(held.info, report.entries, held.described_vectors, earlier=held)
                memory = _kept_memory(request, parsed, [(s.location, s.reason) for s in report.skipped])
        finally:
            forget_texts()
        return BuildResult(index, rebuilt=False, skipped=report.skipped, seconds=time.perf_counter() - started,
                           memory=memory)

    def _ingested(self, request: _Request, parsed: ParsedModules) -> IngestReport:
        """The library's entries, with the texts of docstrings the last build read (from its memory,
        else from the cache)."""
        memory = request.memory
        if memory is not None and memory.texts is not None:  # emptied by `forget_texts` after the build
            hold_texts(memory.texts)
        else:
            seed_kept_texts(read_kept_texts(request.directory))
        earlier = request.last_index
        return ingest(request.source, parsed, request.listing, earlier.entries if earlier is not None else ())

    def _build(self, request: _Request, parsed: ParsedModules) -> BuildResult:
        source, directory = request.source, request.directory
        earlier = request.last_index
        report = self._ingested(request, parsed)
        reuse = reusable_vectors(directory, self.encoder.id, self.encoder.dim)
        keys = entry_text_keys(report.entries)
        info = LibraryInfo(
            name=source.name,
            version=source.version,
            kind=source.kind,
            spec=source.spec,
            identity=source.identity,
            content_hash=request.digest,
            encoder_id=self.encoder.id,
            built_at=time.time(),
            api_count=len(report.entries),
            skipped=len(report.skipped),
        )
        index = self._index(info, report.entries, keys, reuse, request, earlier)
        skipped = [(s.location, s.reason) for s in report.skipped]
        problem = self._stored(index, request, lambda at, built: write_index(at, built, keys), parsed, skipped)
        if problem is None:
            keep_texts(directory, kept_texts_of_build())
            _remove_superseded(directory, info)
        reused = sum(1 for key in keys if key is not None and key in reuse)
        return BuildResult(index, rebuilt=True, reused_vectors=reused, skipped=report.skipped, cache_problem=problem,
                           memory=_kept_memory(request, parsed, skipped))

    def _stored(self, index: LibraryIndex, request: _Request, write: Callable[[Path, LibraryIndex], None],
                parsed: ParsedModules, skipped: list[tuple[str, str]]) -> str | None:
        """Serve ``index``, then store it with ``write`` and keep its parsed modules; why it could not
        be stored, if it could not."""
        if request.serve is not None:
            _tell(request.serve, index)
        try:
            write(request.directory, index)
        except OSError as error:  # read-only or full: the index serves from memory all the same
            problem = (
                f"the index of {request.source.name} could not be cached in {request.directory} "
                f"({error.strerror or error}); it is kept in memory"
            )
            log.warning("%s", problem)
            return problem
        if parsed.changed:
            keep_beside(request.directory, PARSED_MODULES, parsed.record(request.digest, skipped))
        return None

    def _index(self, info: LibraryInfo, entries: list[ApiEntry], keys: list[str | None], reuse: dict,
               request: _Request, earlier: LibraryIndex | None) -> LibraryIndex:
        """The index of ``entries`` with their vectors; where many texts are to be encoded, handed to
        the request's ``serve`` first without them."""
        encode = functools.partial(encode_entries, entries, self.encoder, reuse, request.progress, keys)
        if request.serve is None or _texts_to_encode(keys, reuse) < SEARCHABLE_FIRST_TEXTS:
            return LibraryIndex(info, entries, encode(), earlier=earlier)
        words_only = LibraryIndex.without_vectors(info, entries, self.encoder.dim, earlier)
        _tell(request.serve, words_only)
        return words_only.with_vectors(encode())

    def known(self) -> list[LibraryInfo]:
        """Every library indexed with this store's encoder, newest build first."""
        infos = []
        for _, meta in cached_indexes(self.root):
            try:
                info = LibraryInfo(**meta["library"])
            except (KeyError, TypeError):
                continue
            if info.encoder_id == self.encoder.id:
                infos.append(info)
        return sorted(infos, key=lambda i: -i.built_at)

    def load(self, name: str) -> LibraryIndex:
        """The newest index of the library called ``name`` (rebuilt if its files changed)."""
        known = self.known()
        matches = [i for i in known if i.name == name]
        if not matches:
            raise UnknownLibrary(name, sorted({i.name for i in known}))
        info = matches[0]
        try:
            source = locate(info.spec, name=info.name, python=self.python)
        except IngestError as error:
            log.warning("serving the cached index of %s: its files are gone (%s)", name, error)
            return read_index(index_key_dir(self.root, info.name, info.version, info.encoder_id, info.identity))
        return self.get_or_build(source).index


#: a build with at least this many texts to encode (a second or more of work) lets its library be
#: searched by its words first
SEARCHABLE_FIRST_TEXTS = 256


def _remove_superseded(directory: Path, info: LibraryInfo) -> None:
    """The indexes of the library's source at another version go once this one (``info``'s) is stored:
    a cache kept every version a library was ever upgraded through (120 MB each at 36,000 APIs)."""
    try:
        superseded = superseded_indexes(directory, info.identity, info.version)
    except OSError as error:  # the library's folder cannot be listed
        log.debug("no superseded index removed beside %s: %s", directory, error)
        return
    for old in superseded:
        try:
            remove_index(old)
            log.info("removed the index of another version of the same source: %s", old)
        except (OSError, Timeout) as error:  # a build holds it, or the cache is read-only
            log.debug("kept %s: %s", old, error)


def _tell(serve: Callable[[LibraryIndex], None], index: LibraryIndex) -> None:
    """A listener that fails (a server shutting down) does not fail the build."""
    try:
        serve(index)
    except Exception:  # noqa: BLE001 - whatever the listener does, the index is still built
        log.warning("%s: telling that it can serve failed", index.name, exc_info=True)


def _kept_memory(request: _Request, parsed: ParsedModules, skipped: list[tuple[str, str]],
                 moved: bool = False) -> BuildMemory | None:
    """What the build of ``request`` keeps for the next, when asked (before its texts are forgotten;
    ``moved``: the last index was moved, no text was read, the last build's texts still hold)."""
    if not request.keep_memory:
        return None
    read, last = parsed.in_memory(request.digest, skipped), request.memory
    if not moved:
        return BuildMemory(read, held_texts())
    if last is None:
        return BuildMemory(read, None)
    # what the last build made of the modules the move left alone still holds
    return BuildMemory(replace(read, made=last.read.made), last.texts)


def _parsed(request: _Request) -> ParsedModules:
    """The modules the library's last build read: kept in this process's memory, else in the cache."""
    memory = request.memory
    return ParsedModules(memory.read if memory else read_beside(request.directory, PARSED_MODULES),
                         lambda path: request.files.sha256(path, MAX_FILE_BYTES))


def _gave_way(held: LibraryIndex, abandoned: Callable[[], bool]) -> bool:
    if abandoned():
        log.info("%s: no longer prepared for its edits (a saved edit is built first)", held.name)
        return True
    return False


def _texts_to_encode(keys: list[str | None], reuse: dict) -> int:
    return len({k for k in keys if k is not None and k not in reuse})


def _store_again(directory: Path, index: LibraryIndex, write: Callable[[Path, LibraryIndex], None]) -> None:
    """Keep what this load had to do (derive texts, read an older format) when the cache can be
    written (else the next load does it again)."""
    try:
        with lock_for(directory).acquire(timeout=0):  # a builder at work will write its own
            write(directory, index)
    except (OSError, CacheCorrupt, Timeout) as error:
        log.debug("what the load of %s did is not stored: %s", directory, error)


@contextmanager
def _build_lock(directory: Path):
    """The builders' file lock; where it cannot be taken (a read-only cache) the build goes on
    without it, in memory (yields whether the lock is held)."""
    try:
        lock = lock_for(directory)
        lock.acquire()
    except OSError as error:
        log.warning("cannot lock %s (%s): building in memory", directory, error.strerror or error)
        yield False
        return
    try:
        yield True
    finally:
        lock.release()

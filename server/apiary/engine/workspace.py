"""Which libraries the server knows, and how far their indexing has got.

Libraries come from the settings (paths, module names, wheels, doc files) and from the imports of
the open files, looked up on the configured interpreter's path without importing anything.
Indexing happens off the event loop (the caller runs `build` in a worker); until a library is
ready, `indexes()` simply leaves it out, so features answer from what is ready.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from apiary.docs.locate import LibrarySource, locate
from apiary.retrieval.index import LibraryIndex, ProgressCallback
from apiary.retrieval.store import BuildMemory, IndexStore, LastBuild

log = logging.getLogger(__name__)

#: Libraries found through imports are indexed automatically only up to this many source files
#: (a framework such as torch would take minutes; name it in `libraries` to index it anyway).
MAX_DISCOVERED_FILES = 1500


@dataclass
class LibraryState:
    spec: str
    name: str
    version: str = ""
    apis: int = 0
    ready: bool = False
    error: str | None = None
    discovered: bool = False
    index: LibraryIndex | None = None
    #: what works but not as it should (the index could not be cached)
    warning: str | None = None
    #: the folder or file its docs were read from, once located (a saved file under it re-indexes it)
    root: Path | None = None
    #: its first index is served by its words while the vectors are encoded (not yet ``ready``)
    encoding: bool = False
    #: what the build of ``index`` keeps for the next, once the library is being edited (re-indexed here,
    #: or prepared for its edits: `Libraries.remember`)
    memory: BuildMemory | None = None
    #: its build's memory was asked for while it served this index (once: `Libraries.to_remember`)
    memory_asked: bool = False

    def row(self) -> dict:
        """Its status row; ``built_at``: when the index it serves was built (Unix time; None before it
        has one), which changes with every re-index, also one that changes no API count."""
        built_at = self.index.info.built_at if self.index is not None else None
        return {"name": self.name, "version": self.version, "apis": self.apis, "ready": self.ready, "error": self.error,
                "warning": self.warning, "encoding": self.encoding, "built_at": built_at}


class Libraries:
    def __init__(self) -> None:
        self._states: dict[str, LibraryState] = {}
        #: top-level modules already looked up (found or not), so each import is resolved once
        self._seen_modules: set[str] = set()
        self._lock = threading.Lock()

    def configure(self, specs: Iterable[str]) -> list[str]:
        """Make ``specs`` the configured libraries (discovered ones stay); returns the new specs."""
        with self._lock:
            wanted = list(dict.fromkeys(specs))
            for spec in [s for s, st in self._states.items() if not st.discovered and s not in wanted]:
                del self._states[spec]
            added = [s for s in wanted if s not in self._states]
            for spec in added:
                self._states[spec] = LibraryState(spec=spec, name=spec)
            return added

    def reset(self) -> list[str]:
        """Forget every index (a new encoder, a reindex); returns all specs to build again."""
        with self._lock:
            for state in self._states.values():
                state.ready, state.index, state.error, state.encoding, state.memory = False, None, None, False, None
                state.memory_asked = False
            return list(self._states)

    def discover(self, modules: Iterable[str], python: str | None) -> list[str]:
        """Specs for imported top-level modules not known yet that the interpreter can find."""
        added: list[str] = []
        for module in modules:
            with self._lock:
                if module in self._seen_modules or self._covers(module):
                    continue
                self._seen_modules.add(module)
            source = _installed(module, python)
            if source is None:
                continue
            with self._lock:
                if source.spec not in self._states:
                    self._states[source.spec] = LibraryState(spec=source.spec, name=source.name, discovered=True)
                    added.append(source.spec)
        return added

    def forget_discoveries(self) -> None:
        with self._lock:
            self._seen_modules.clear()
            for spec in [s for s, st in self._states.items() if st.discovered]:
                del self._states[spec]

    def holding(self, path: Path, within: Iterable[Path] | None = None) -> list[str]:
        """The libraries read from ``path`` or a folder above it (a saved file of theirs re-indexes
        them); with ``within``, those whose folder lies in one of these folders (the workspace's), and
        not among installed packages there (a virtual environment in the workspace)."""
        folders = None if within is None else list(within)
        with self._lock:
            return [spec for spec, st in self._states.items()
                    if st.root is not None and _under(path, st.root)
                    and (folders is None or (any(_under(st.root, folder) for folder in folders)
                                             and not _INSTALLED.intersection(st.root.parts)))]

    def _covers(self, module: str) -> bool:
        return any(st.name == module or (st.index and module in st.index.top_levels) for st in self._states.values())

    def build(
        self, spec: str, store: IndexStore, python: str | None, progress: ProgressCallback | None = None,
        served: Callable[[LibraryState], None] | None = None,
    ) -> LibraryState | None:
        """Index one library (blocking: run it in a worker). Errors are kept in its state, not raised.
        A library indexed for the first time is served by its words while its vectors are encoded;
        one indexed before keeps its old index until the new is whole. The new index serves as soon
        as it is whole, while the cache is written; ``served`` hears each time what serves changes
        during the build."""
        with self._lock:
            state = self._states.get(spec)
        if state is None:
            return None
        try:
            source = locate(spec, python=python)
            state.root = source.root.resolve()
            if state.discovered and _too_big(source):
                raise ValueError(f"more than {MAX_DISCOVERED_FILES} files; add it to `libraries` to index it")
            new = state.index is None

            def serve(index: LibraryIndex) -> None:
                if index.encoded or new:
                    self._serve(state, index, served)

            # a library indexed again is being edited: what its build reads is kept for the next edit
            previous = LastBuild(state.index, state.memory) if state.index is not None else None
            result = store.get_or_build(source, progress=progress, serve=serve, previous=previous,
                                        keep_memory=not new)
        except Exception as error:  # one bad library must not stop the others
            log.warning("cannot index %s: %s", spec, error)
            state.error, state.ready, state.encoding = str(error), False, False
            return state
        self._serve(state, result.index)  # a cached index is served here; a built one again, unchanged
        state.warning, state.memory = result.cache_problem, result.memory
        info = result.index.info
        log.info("%s %s: %d APIs ready (%s in %.1f s)", info.name, info.version, info.api_count,
                 "built" if result.rebuilt else "cached", result.seconds)
        return state

    def to_remember(self, specs: Iterable[str]) -> list[str]:
        """Those of ``specs`` whose build's memory is to be made now (`remember`): ready, keeping none,
        and not asked for before (each is asked for once)."""
        with self._lock:
            chosen = [spec for spec in specs if (state := self._states.get(spec)) is not None and state.ready
                      and state.index is not None and state.memory is None and not state.memory_asked]
            for spec in chosen:
                self._states[spec].memory_asked = True
            return chosen

    def remember(self, spec: str, store: IndexStore, python: str | None,
                 abandoned: Callable[[], bool] = lambda: False) -> bool:
        """Make the memory of the build of ``spec``'s index (blocking: run it in the indexer's worker):
        the user starts to edit the library, and its first saved edit is then built from memory (seconds
        less on a big library). The index made with it, equal to the one served, serves from now on (a
        next build takes what was derived from its entries). Whether it was made (not where
        ``abandoned()`` says so between its steps: `IndexStore.remember`)."""
        with self._lock:
            state = self._states.get(spec)
            held = state.index if state is not None and state.ready and state.memory is None else None
        if held is None:
            return False
        try:
            result = store.remember(locate(spec, python=python), held, abandoned)
        except Exception as error:  # the edits are built from the cache then, as without it
            log.warning("cannot prepare %s for its edits: %s", spec, error)
            return False
        with self._lock:
            if result is None or state.index is not held:  # its files changed, or it was indexed meanwhile
                return False
            state.index, state.memory = result.index, result.memory
        log.info("%s: ready for its edits in %.1f s", held.name, result.seconds)
        return True

    def _serve(self, state: LibraryState, index: LibraryIndex,
               served: Callable[[LibraryState], None] | None = None) -> None:
        """Serve ``index`` for ``state``'s library: ready when whole, else searched by its words."""
        info = index.info
        with self._lock:
            state.name, state.version, state.apis = info.name, info.version, info.api_count
            state.index, state.ready, state.encoding, state.error = index, index.encoded, not index.encoded, None
        if not index.encoded:
            log.info("%s %s: %d APIs searchable by their words while their vectors are encoded",
                     info.name, info.version, info.api_count)
        if served is not None:
            served(state)

    def indexes(self) -> list[LibraryIndex]:
        with self._lock:
            return [st.index for st in self._states.values() if (st.ready or st.encoding) and st.index is not None]

    def states(self) -> list[LibraryState]:
        with self._lock:
            return list(self._states.values())

    def pending(self) -> list[str]:
        with self._lock:
            return [s for s, st in self._states.items() if not st.ready and st.error is None]

    def all_ready(self) -> bool:
        """Every configured library indexed (a failed one is not pending: it is reported)."""
        return not self.pending()


#: the folders installed packages live in
_INSTALLED = frozenset({"site-packages", "dist-packages"})


def _under(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _installed(module: str, python: str | None) -> LibrarySource | None:
    try:
        source = locate(module, python=python)
    except Exception as error:  # not installed, or an interpreter that does not answer
        log.debug("import %s: not indexed (%s)", module, error)
        return None
    return source if source.kind == "module" else None


def _too_big(source: LibrarySource) -> bool:
    if not source.root.is_dir():
        return False
    count = 0
    for _ in source.root.rglob("*.py*"):
        count += 1
        if count > MAX_DISCOVERED_FILES:
            return True
    return False

"""Where the offline generator's usage examples come from, built once per library version.

Besides the docstring examples in the index, a library's own tests (next to its source tree) and the
workspace files that import it are mined: code the team wrote is the best example of how the team
uses its library. Their usages are kept between starts and edits (`kept_usages`).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from apiary.generation.offline.kept_usages import KeptUsages
from apiary.generation.offline.usage import UsageCorpus, code_file
from apiary.retrieval.index import LibraryIndex

log = logging.getLogger(__name__)

_MAX_FILES = 400
_TEST_DIRS = ("tests", "test", "testing")


class CorpusStore:
    def __init__(self, workspace_files: Callable[[], Iterable[Path]] = lambda: (), kept_usages: Path | None = None):
        self._workspace_files = workspace_files
        #: where the usages are kept between processes (None: mined each time)
        self._kept_usages = KeptUsages(kept_usages) if kept_usages is not None else None
        self._cache: dict[tuple[str, str], UsageCorpus] = {}
        self._lock = threading.Lock()
        #: held while mining, so that requests arriving together (the first completion, the warm-up)
        #: wait for one corpus instead of each mining their own
        self._mining = threading.Lock()

    def for_index(self, index: LibraryIndex, anew: bool = False) -> UsageCorpus:
        """The usage examples of ``index``, mined once per build of its library and kept. Until a new
        build's are mined (the server mines them in its indexer, right after the build), a request takes
        those of the library's last build rather than mining or waiting: at 36,000 APIs that held an
        inline completion 0.28 s after each saved edit. ``anew``: mine them even if kept (the server,
        after each indexing: the workspace's files that import the library change)."""
        key = (index.info.identity, index.info.content_hash)
        if not anew:
            corpus = self._of_build(key[0])  # this build's, or the last build's until this one's are mined
            if corpus is not None:
                return corpus
        with self._mining:
            corpus = None if anew else self._cached(key)
            if corpus is None:
                corpus = self._mined(index)
                with self._lock:  # this build's examples replace those of the library's last
                    for kept in [k for k in self._cache if k[0] == key[0]]:
                        del self._cache[kept]
                    self._cache[key] = corpus
        return corpus

    def _mined(self, index: LibraryIndex) -> UsageCorpus:
        started = time.perf_counter()
        files = [*library_test_files(index), *self._files_importing(index)][:_MAX_FILES]
        kept = self._kept_usages
        corpus = (UsageCorpus.from_catalogue(index.catalogue, files) if kept is None
                  else UsageCorpus([*kept.docs(index), *kept.files(index, files)]))
        log.info("mined %d usage examples of %s from its docs and %d files in %.2f s", len(corpus), index.name,
                 len(files), time.perf_counter() - started)
        return corpus

    def _cached(self, key: tuple[str, str]) -> UsageCorpus | None:
        with self._lock:
            return self._cache.get(key)

    def _of_build(self, identity: str) -> UsageCorpus | None:
        """The corpus kept for the library whose identity is ``identity`` (one build's at most: a
        build's examples replace those of the last), if any."""
        with self._lock:
            return next((corpus for (kept, _), corpus in self._cache.items() if kept == identity), None)

    def _files_importing(self, index: LibraryIndex) -> list[Path]:
        tops = sorted({e.import_path.split(".")[0] for e in index.entries})
        pattern = re.compile(rf"^\s*(?:import|from)\s+(?:{'|'.join(map(re.escape, tops))})\b", re.MULTILINE)
        found: list[Path] = []
        for path in self._workspace_files():
            code = code_file(path) if path.suffix == ".py" else None  # what could not be mined is not looked at
            if code is not None and pattern.search(code):
                found.append(path)
            if len(found) >= _MAX_FILES:
                break
        return found


def library_test_files(index: LibraryIndex) -> list[Path]:
    """The test files of a library read from a source tree (``tests/`` beside or inside it)."""
    if index.info.kind != "tree":
        return []
    root = Path(index.info.spec)
    if root.is_file():
        root = root.parent
    candidates: list[Path] = []
    for base in (root, root.parent):
        for name in _TEST_DIRS:
            folder = base / name
            if folder.is_dir():
                candidates.extend(sorted(folder.rglob("test*.py")))
    return list(dict.fromkeys(candidates))[:_MAX_FILES]

"""API documentation for the libraries a corpus file calls, and which of its calls they document.

As in APICoder (When Language Model Meets Private Library §3.1 and footnote 3), a call is matched to
the docs by its API *name* (``read_csv`` in ``pd.read_csv(...)``, ``head`` in ``df.head()``) among the
libraries the file imports; a name that matches several APIs gets one of them at random.
Libraries are located and read statically (`apiary.docs`), each once per run; one that cannot be
found or read is remembered as having no docs.
"""

from __future__ import annotations

import ast
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from apiary.docs.entry import ApiEntry, ApiKind
from apiary.docs.ingest import ingest
from apiary.docs.locate import locate
from apiary.docs.report import IngestError

log = logging.getLogger(__name__)

_CALLABLE = frozenset({ApiKind.CLASS, ApiKind.FUNCTION, ApiKind.METHOD, ApiKind.ALIAS})


class DocIndex:
    """API entries by library and name. ``docs`` are extra sources (a private library's tree, an API
    doc file); with ``installed=False`` only those are used, never the installed packages."""

    def __init__(self, docs: Sequence[str] = (), installed: bool = True, unpack_dir: Path | None = None) -> None:
        self.installed = installed
        self._unpack_dir = unpack_dir
        self._libraries: dict[str, dict[str, list[ApiEntry]]] = {}
        for spec in docs:
            source = locate(spec, unpack_dir=unpack_dir)
            self._libraries[source.name] = _by_name(ingest(source).entries)

    @classmethod
    def from_entries(cls, entries: Iterable[ApiEntry]) -> DocIndex:
        index = cls(installed=False)
        grouped: dict[str, list[ApiEntry]] = defaultdict(list)
        for entry in entries:
            grouped[entry.library].append(entry)
        index._libraries = {library: _by_name(items) for library, items in grouped.items()}
        return index

    def library(self, name: str) -> dict[str, list[ApiEntry]]:
        """The library's APIs by name; empty when it has no docs we can read."""
        if name not in self._libraries:
            self._libraries[name] = self._load(name) if self.installed else {}
        return self._libraries[name]

    def candidates(self, libraries: Iterable[str], name: str) -> list[ApiEntry]:
        return [entry for library in sorted(libraries) for entry in self.library(library).get(name, ())]

    def _load(self, name: str) -> dict[str, list[ApiEntry]]:
        try:
            return _by_name(ingest(locate(name, unpack_dir=self._unpack_dir)).entries)
        except (IngestError, OSError, ValueError, RecursionError) as error:
            log.info("no docs for %s: %s", name, error)
            return {}


def _by_name(entries: Iterable[ApiEntry]) -> dict[str, list[ApiEntry]]:
    grouped: dict[str, list[ApiEntry]] = defaultdict(list)
    for entry in entries:
        if entry.kind in _CALLABLE and not entry.name.startswith("_"):
            grouped[entry.name].append(entry)
    return dict(grouped)


def called_names(node: ast.AST) -> list[str]:
    """Names of the calls under ``node``, first appearance first: ``f`` for ``f()``, ``g`` for ``x.g()``."""
    calls = sorted((n for n in ast.walk(node) if isinstance(n, ast.Call)), key=lambda c: (c.lineno, c.col_offset))
    names = []
    for call in calls:
        function = call.func
        name = (
            function.id
            if isinstance(function, ast.Name)
            else function.attr
            if isinstance(function, ast.Attribute)
            else None
        )
        if name and name not in names:
            names.append(name)
    return names

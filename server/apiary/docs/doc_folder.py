"""A library's documentation folder on disk: reST sources, Markdown pages, built HTML.

No crawler and no URL: walk the folder, read every page we understand, turn each API section
into an entry. Best effort: a page that cannot be decoded or parsed is skipped with its reason and
the walk goes on. The same API documented twice (a reST source and the HTML built from it) is kept
once, the better-documented copy, with gaps filled from the other.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from apiary.docs.entry import ApiEntry, ApiKind
from apiary.docs.files import MAX_DOC_FILE_BYTES, read_bounded
from apiary.docs.formats.markdown import read_markdown
from apiary.docs.formats.rst import has_py_directive, read_rst
from apiary.docs.formats.sphinx_html import read_html
from apiary.docs.report import IngestError, IngestReport, Skipped

logger = logging.getLogger(__name__)

_Reader = Callable[[str, str, str], tuple[list[ApiEntry], list[Skipped]]]
_READERS: dict[str, _Reader] = {
    ".rst": read_rst, ".txt": read_rst, ".md": read_markdown, ".markdown": read_markdown,
    ".html": read_html, ".htm": read_html,
}
# Sphinx build by-products (page sources, assets, highlighted code) and dependency trees.
_SKIP_DIRS = {"_sources", "_static", "_images", "_modules", "_downloads", "node_modules", "__pycache__",
              "site-packages"}
_SKIP_FILES = {"genindex.html", "search.html", "py-modindex.html"}


def read_doc_folder(root: Path, library: str) -> IngestReport:
    """Every API the documentation under ``root`` describes (``root`` may also be a single page)."""
    if not root.exists():
        raise IngestError(f"documentation folder not found: {root}")
    report = IngestReport()
    found: list[ApiEntry] = []
    for path in [root] if root.is_file() else _doc_files(root):
        rel = path.name if path == root else path.relative_to(root).as_posix()
        found += _read_page(path, rel, library, report)
    report.entries = merge_duplicates(found)
    logger.info("read %d APIs from %d pages under %s (%d skipped)", len(report.entries), report.files_read,
                root, len(report.skipped))
    return report


def _doc_files(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
        for name in sorted(files):
            if not name.startswith(".") and name not in _SKIP_FILES and Path(name).suffix.lower() in _READERS:
                yield Path(folder, name)


def _read_page(path: Path, rel: str, library: str, report: IngestReport) -> list[ApiEntry]:
    text = _decode(path, rel, report)
    if text is None:
        return []
    suffix = path.suffix.lower()
    if suffix == ".txt" and not has_py_directive(text):
        return []  # any text file; only reST with API directives is documentation
    report.files_read += 1
    try:
        entries, skipped = _READERS.get(suffix, read_rst)(text, rel, library)
    except Exception as exc:  # a reader's bug on one odd page must not lose the rest of the folder
        logger.warning("could not read %s: %r", path, exc)
        report.skipped.append(Skipped(rel, f"could not parse: {type(exc).__name__}: {exc}"))
        return []
    report.skipped += skipped
    return entries


def _decode(path: Path, rel: str, report: IngestReport) -> str | None:
    try:
        data = read_bounded(path, MAX_DOC_FILE_BYTES)
    except OSError as exc:
        report.skipped.append(Skipped(rel, f"cannot read: {exc.strerror or exc}"))
        return None
    if b"\x00" in data[:8192]:
        report.skipped.append(Skipped(rel, "binary file"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report.skipped.append(Skipped(rel, f"not UTF-8 text: {exc.reason} at byte {exc.start}"))
        return None


def merge_duplicates(entries: list[ApiEntry]) -> list[ApiEntry]:
    """One entry per qualname, in first-seen order: the longer doc wins, the other fills its gaps."""
    kept: dict[str, ApiEntry] = {}
    for entry in entries:
        other = kept.get(entry.qualname)
        if other is None:
            kept[entry.qualname] = entry
        elif len(entry.doc) > len(other.doc):
            kept[entry.qualname] = _fill_gaps(entry, other)
        else:
            kept[entry.qualname] = _fill_gaps(other, entry)
    return _modules_by_members(list(kept.values()))


def _fill_gaps(winner: ApiEntry, loser: ApiEntry) -> ApiEntry:
    changes: dict[str, object] = {}
    if not winner.signature and loser.signature:
        changes.update(signature=loser.signature, params=loser.params, returns=winner.returns or loser.returns)
    for name in ("description", "examples", "owner", "bases", "returns"):
        if not getattr(winner, name) and getattr(loser, name) and name not in changes:
            changes[name] = getattr(loser, name)
    return dataclasses.replace(winner, **changes) if changes else winner


def _modules_by_members(entries: list[ApiEntry]) -> list[ApiEntry]:
    """A bare name guessed to be a function (``::: honeycomb.io``) that other APIs live under is a module."""
    prefixes = {e.qualname.rsplit(".", 1)[0] for e in entries if "." in e.qualname}
    return [
        dataclasses.replace(e, kind=ApiKind.MODULE)
        if e.kind is ApiKind.FUNCTION and not e.signature and not e.doc and e.qualname in prefixes
        else e
        for e in entries
    ]


__all__ = ["merge_duplicates", "read_doc_folder"]

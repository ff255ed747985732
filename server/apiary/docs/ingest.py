"""One entry point from a located library to its API entries, whatever form its docs take."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from apiary.collector import collector_paused
from apiary.docs.entry import ApiEntry, ApiKind
from apiary.docs.files import MAX_DOC_FILE_BYTES, FileDigests, is_regular
from apiary.docs.locate import LibrarySource
from apiary.docs.parsed_modules import ParsedModules
from apiary.docs.python_package import ModuleFile, content_digest, find_layout, module_files, read_package
from apiary.docs.report import IngestError, IngestReport


def ingest(
    source: LibrarySource, parsed: ParsedModules | None = None, listing: list[ModuleFile] | None = None,
    before: Sequence[ApiEntry] = (),
) -> IngestReport:
    """Read every API the library documents; raise `IngestError` only if nothing could be read
    (``parsed``: modules kept from an earlier read of a Python package, by their files' content;
    ``listing``: its `module_listing`, when the caller has it; ``before``: the entries of the
    library's last read in this process, which are not checked again)."""
    with collector_paused():
        report = _read(source, parsed, listing)
    report.entries = _storable_entries(report.entries, before)
    if not any(e.kind != ApiKind.MODULE for e in report.entries):
        detail = f"; {len(report.skipped)} file(s) skipped" if report.skipped else ""
        raise IngestError(f"{source.spec}: no public APIs found{detail}")
    return report


def _read(source: LibrarySource, parsed: ParsedModules | None, listing: list[ModuleFile] | None) -> IngestReport:
    if source.kind == "apidoc":
        from apiary.docs.apidoc_file import read_apidoc_file

        report = read_apidoc_file(source.root, source.name)
    elif source.kind == "docfolder":
        from apiary.docs.doc_folder import read_doc_folder

        report = read_doc_folder(source.root, source.name)
    else:
        report = read_package(find_layout(source.root), source.name, parsed=parsed, files=listing)
    return report


def _storable_entries(entries: list[ApiEntry], before: Sequence[ApiEntry]) -> list[ApiEntry]:
    """``entries``, each `storable`: those of ``before`` are (the very objects the last build made and
    made storable: `exports.MadeEntries` gives them again)."""
    storable_already = {id(entry) for entry in before}  # alive: ``before`` holds them
    return [entry if id(entry) in storable_already else storable(entry) for entry in entries]


def storable(entry: ApiEntry) -> ApiEntry:
    """``entry`` with every text as valid Unicode: a docstring may hold a lone surrogate
    (``"\\ud800"`` in the source or a JSON escape), which no UTF-8 cache or encoder takes."""
    if _encodable("".join(_texts(entry))):  # nearly every entry: one test of all its texts at once
        return entry
    changes = {}
    for name, value in vars(entry).items():
        if isinstance(value, str) and not _encodable(value):
            changes[name] = _replace_surrogates(value)
        elif isinstance(value, tuple) and any(isinstance(v, str) and not _encodable(v) for v in value):
            changes[name] = tuple(_replace_surrogates(v) if isinstance(v, str) else v for v in value)
    return replace(entry, **changes) if changes else entry


def _texts(entry: ApiEntry) -> Iterator[str]:
    for value in vars(entry).values():
        if type(value) is str:
            yield value
        elif type(value) is tuple:
            yield from (v for v in value if type(v) is str)


def _encodable(text: str) -> bool:
    if text.isascii():  # nearly every text, and checked without encoding it
        return True
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _replace_surrogates(text: str) -> str:
    return text.encode("utf-8", "replace").decode("utf-8")


def module_listing(source: LibrarySource) -> list[ModuleFile] | None:
    """A Python package's module files (None for doc files): listed once, a check and a build can
    share them (walking transformers' folders took 0.15 s, each time)."""
    if source.kind in ("apidoc", "docfolder"):
        return None
    return module_files(find_layout(source.root))


def source_digest(
    source: LibrarySource, digests: FileDigests | None = None, listing: list[ModuleFile] | None = None
) -> str:
    """Hash of everything the ingester reads: equal digests mean an unchanged index (``digests``
    remembers files' hashes by their ``stat``, so unchanged files are not read again)."""
    digests = digests if digests is not None else FileDigests()
    if source.kind in ("apidoc", "docfolder"):
        return _files_digest(source.root, digests)
    return content_digest(listing if listing is not None else module_listing(source) or [], digests)


def _files_digest(root: Path, digests: FileDigests) -> str:
    digest = hashlib.sha256()
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if is_regular(p))
    if not files:
        raise IngestError(f"{root}: no files to read")
    for path in files:
        digest.update(str(path.relative_to(root) if root.is_dir() else path.name).encode())
        try:
            digest.update(digests.sha256(path, MAX_DOC_FILE_BYTES))
        except OSError:
            digest.update(b"<unreadable>")
    return digest.hexdigest()

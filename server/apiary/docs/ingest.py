"""One entry point from a located library to its API entries, whatever form its docs take."""

from __future__ import annotations

import hashlib
from pathlib import Path

from apiary.docs.entry import ApiKind
from apiary.docs.files import MAX_DOC_FILE_BYTES, file_sha256, is_regular
from apiary.docs.locate import LibrarySource
from apiary.docs.python_package import content_digest, find_layout, module_files, read_package
from apiary.docs.report import IngestError, IngestReport


def ingest(source: LibrarySource) -> IngestReport:
    """Read every API the library documents; raise `IngestError` only if nothing could be read."""
    if source.kind == "apidoc":
        from apiary.docs.apidoc_file import read_apidoc_file

        report = read_apidoc_file(source.root, source.name)
    elif source.kind == "docfolder":
        from apiary.docs.doc_folder import read_doc_folder

        report = read_doc_folder(source.root, source.name)
    else:
        report = read_package(find_layout(source.root), source.name)
    if not any(e.kind != ApiKind.MODULE for e in report.entries):
        detail = f"; {len(report.skipped)} file(s) skipped" if report.skipped else ""
        raise IngestError(f"{source.spec}: no public APIs found{detail}")
    return report


def source_digest(source: LibrarySource) -> str:
    """Hash of everything the ingester reads: equal digests mean an unchanged index."""
    if source.kind in ("apidoc", "docfolder"):
        return _files_digest(source.root)
    return content_digest(module_files(find_layout(source.root)))


def _files_digest(root: Path) -> str:
    digest = hashlib.sha256()
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if is_regular(p))
    if not files:
        raise IngestError(f"{root}: no files to read")
    for path in files:
        digest.update(str(path.relative_to(root) if root.is_dir() else path.name).encode())
        try:
            digest.update(file_sha256(path, MAX_DOC_FILE_BYTES))
        except OSError:
            digest.update(b"<unreadable>")
    return digest.hexdigest()

"""Find a library's documentation from what the user names: a source tree, an installed module, a
wheel or sdist, an API doc file (JSON Lines) or a documentation folder.

Installed packages are found on the configured interpreter's ``sys.path`` and versioned from their
``.dist-info`` metadata; nothing of the library is imported. Archives are unpacked (Python sources
and stubs only, path traversal refused) into the cache.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from email.parser import HeaderParser
from importlib import metadata
from pathlib import Path

from apiary.docs.files import file_sha256, read_bounded
from apiary.docs.python_package import MAX_FILE_BYTES, find_layout
from apiary.docs.report import IngestError
from apiary.interpreter import ask, is_this_interpreter

log = logging.getLogger(__name__)

_ARCHIVE_MEMBER = re.compile(r".*\.(py|pyi)$|.*(METADATA|PKG-INFO|top_level\.txt)$")
_DOC_SUFFIXES = (".rst", ".md", ".html", ".htm", ".txt")


@dataclass(frozen=True)
class LibrarySource:
    """A library as Apiary reads it."""

    name: str
    version: str
    #: "tree" | "module" | "wheel" | "sdist" | "apidoc" | "docfolder"
    kind: str
    #: What the user gave (a module name, or a path made absolute): enough to locate it again.
    spec: str
    #: The directory (or file) the ingester reads.
    root: Path

    @property
    def identity(self) -> str:
        """Stable across runs and versions: which library, from where."""
        return f"{self.kind}:{self.root if self.kind == 'module' else self.spec}"


def locate(
    spec: str, name: str | None = None, python: str | None = None, unpack_dir: Path | None = None
) -> LibrarySource:
    """Resolve ``spec`` (path, module name, archive, doc file or folder) to a `LibrarySource`."""
    path = Path(spec).expanduser()
    if path.exists():
        return _from_path(path.resolve(), name, unpack_dir)
    if re.fullmatch(r"[A-Za-z_][\w]*(\.[A-Za-z_]\w*)*", spec):
        return _from_module(spec, name, python)
    raise IngestError(f"'{spec}' is neither an existing path nor an importable module name")


def _from_path(path: Path, name: str | None, unpack_dir: Path | None) -> LibrarySource:
    if path.is_file():
        if path.suffix == ".whl":
            return _unpack(path, "wheel", name, unpack_dir)
        if path.name.endswith((".tar.gz", ".tgz", ".zip")):
            return _unpack(path, "sdist", name, unpack_dir)
        if path.suffix in (".jsonl", ".json", ".ndjson"):
            return LibrarySource(name or path.stem, "0", "apidoc", str(path), path)
        if path.suffix in (".py", ".pyi"):
            return LibrarySource(name or path.stem, _static_version(path.parent, path.stem), "tree", str(path), path)
        raise IngestError(f"{path}: not a Python package, wheel, sdist, API doc file (.jsonl) or doc folder")
    try:
        layout = find_layout(path)
    except IngestError:
        if _has_docs(path):
            return LibrarySource(name or path.name, "0", "docfolder", str(path), path)
        raise
    library = name or (layout.packages[0] if len(layout.packages) == 1 else path.name)
    return LibrarySource(library, _static_version(layout.base, layout.packages[0]), "tree", str(path), path)


def _has_docs(path: Path) -> bool:
    return any(p.suffix in _DOC_SUFFIXES for p in path.rglob("*") if p.is_file())


def _static_version(root: Path, package: str) -> str:
    """A version without importing, for the package ``package`` in the directory ``root``:
    ``__version__ = "x"`` in it, else a ``pyproject.toml``, else installed metadata beside it, else "0"."""
    pattern = re.compile(r"^__version__\s*(?::\s*str\s*)?=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
    for candidate in (root / package / "__init__.py", root / package / "version.py", root / f"{package}.py",
                      root / package / "_version.py"):
        match = pattern.search(_small_text(candidate))
        if match:
            return match.group(1)
    for project_file in (root / "pyproject.toml", root.parent / "pyproject.toml"):
        match = re.search(r'^version\s*=\s*["\']([^"\']+)["\']', _small_text(project_file), re.MULTILINE)
        if match:
            return match.group(1)
    return installed_version(package, root)  # a *.dist-info or *.egg-info beside the package, read not imported


def _small_text(path: Path) -> str:
    """The text of a version or metadata file; "" where there is none: not a regular file (a FIFO is
    not waited on), or over the bound of a source file."""
    try:
        return read_bounded(path, MAX_FILE_BYTES).decode("utf-8", errors="replace")
    except OSError:  # `NotAFile` is one
        return ""


def _is_module(candidate: Path) -> bool:
    """A package directory or a ``.py`` module; a same-named script (``bin/tqdm``) is not one."""
    if candidate.is_dir():
        return any((candidate / f"__init__{s}").is_file() for s in (".py", ".pyi"))
    return candidate.is_file() and candidate.suffix == ".py"


def _from_module(module: str, name: str | None, python: str | None) -> LibrarySource:
    top = module.split(".")[0]
    search_path = interpreter_path(python)
    for entry in search_path:
        base = Path(entry)
        for candidate in (base / top, base / f"{top}.py", base / f"{top}-stubs"):
            if _is_module(candidate):
                root = base / Path(*module.split(".")) if "." in module else candidate
                if not root.exists():
                    root = candidate
                return LibrarySource(name or top, installed_version(top, base), "module", module, root.resolve())
    raise IngestError(
        f"no installed module '{module}' on the interpreter's path ({python or sys.executable}); "
        f"looked in {len(search_path)} directories"
    )


def interpreter_path(python: str | None) -> list[str]:
    """``sys.path`` of the configured interpreter (asked in a subprocess), or of this one."""
    if is_this_interpreter(python):
        return [p for p in sys.path if p]
    try:
        answer = ask(python, "import json, sys; print(json.dumps(sys.path))", timeout_s=20)
        return [p for p in json.loads(answer) if p]
    except (OSError, subprocess.SubprocessError, json.JSONDecodeError) as error:
        raise IngestError(f"cannot ask the interpreter {python} for its path: {error}") from error


def installed_version(top_level: str, site_dir: Path) -> str:
    """The version in the ``.dist-info`` that provides ``top_level`` in ``site_dir`` (read, not imported)."""
    # The distribution named like the module first, found by its folder's name: asking every one of
    # a site's distributions for its files (RECORD) took 0.1-0.3 s of a warm load of transformers.
    for dist in metadata.distributions(name=top_level, path=[str(site_dir)]):
        if dist.version:
            return dist.version
    for dist in metadata.distributions(path=[str(site_dir)]):
        provided = (dist.read_text("top_level.txt") or "").split()
        if not provided and dist.files:
            provided = [str(f).split("/")[0].removesuffix(".py") for f in dist.files]
        normalized = (dist.metadata["Name"] or "").replace("-", "_").lower()
        if top_level in provided or normalized == top_level.lower():
            return dist.version
    return "0"


#: the bounds of what an archive may cost: read, unpacked in all, and how much one member may expand
MAX_ARCHIVE_BYTES = 4_000_000_000
MAX_UNPACKED_BYTES = 1_000_000_000
MAX_RATIO = 200


def _unpack(archive: Path, kind: str, name: str | None, unpack_dir: Path | None) -> LibrarySource:
    try:
        digest = file_sha256(archive, MAX_ARCHIVE_BYTES).hex()[:16]
    except OSError as error:
        raise IngestError(f"{archive}: cannot read the archive: {error}") from error
    if unpack_dir is None:
        from apiary.paths import cache_dir

        unpack_dir = cache_dir() / "sources"
    target = unpack_dir / f"{archive.name}-{digest}"
    if not (target / ".complete").exists():
        _extract_sources(archive, target)
    root = _sdist_root(target) if kind == "sdist" else target
    dist_name, version = _archive_name_version(archive, target)
    return LibrarySource(name or dist_name, version, kind, str(archive), root)


def _extract_sources(archive: Path, target: Path) -> None:
    """Python sources and metadata only; members that would land outside ``target`` are refused."""
    target.mkdir(parents=True, exist_ok=True)
    try:
        if archive.suffix in (".whl", ".zip"):
            with zipfile.ZipFile(archive) as zf:
                members = [
                    m for m in zf.infolist() if _ARCHIVE_MEMBER.match(m.filename) and _inside(target, m.filename)
                ]
                _check_unpacked_size(archive, [(m.file_size, m.compress_size) for m in members])
                for member in members:  # zipfile never writes more than a member's declared size
                    zf.extract(member, target)
        else:
            with tarfile.open(archive) as tf:
                members = [
                    m
                    for m in tf.getmembers()
                    if m.isfile() and _ARCHIVE_MEMBER.match(m.name) and _inside(target, m.name)
                ]
                _check_unpacked_size(archive, [(m.size, None) for m in members])
                tf.extractall(target, members=members, filter="data")
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError) as error:
        raise IngestError(f"{archive}: cannot read the archive: {error}") from error
    (target / ".complete").touch()


def _check_unpacked_size(archive: Path, sizes: list[tuple[int, int | None]]) -> None:
    """An archive whose sources unpack to more than `MAX_UNPACKED_BYTES`, or one member of which
    expands more than `MAX_RATIO` times (a zip bomb), is refused before anything is written."""
    total = sum(size for size, _ in sizes)
    if total > MAX_UNPACKED_BYTES:
        raise IngestError(
            f"{archive}: its sources unpack to {total:,} bytes, over the {MAX_UNPACKED_BYTES:,}-byte limit"
        )
    for size, packed in sizes:
        if packed is not None and size > 1_000_000 and size > MAX_RATIO * max(packed, 1):
            raise IngestError(
                f"{archive}: a member expands {size // max(packed, 1)} times (limit {MAX_RATIO}): refused"
            )


def _inside(target: Path, member: str) -> bool:
    return (target / member).resolve().is_relative_to(target.resolve())


def _sdist_root(target: Path) -> Path:
    children = [c for c in target.iterdir() if c.is_dir()]
    return children[0] if len(children) == 1 else target


def _archive_name_version(archive: Path, target: Path) -> tuple[str, str]:
    for meta in list(target.rglob("METADATA")) + list(target.rglob("PKG-INFO")):
        headers = HeaderParser().parsestr(_small_text(meta))
        if headers.get("Name") and headers.get("Version"):
            return headers["Name"].replace("-", "_").lower(), headers["Version"]
    stem = archive.name.split(".tar")[0].removesuffix(".zip").removesuffix(".whl")
    parts = stem.split("-")
    return parts[0].lower(), parts[1] if len(parts) > 1 else "0"

"""Read a whole Python package from files on disk, statically, into API entries.

Walks the package, parses every ``.py`` and ``.pyi`` with ``ast`` (the library's code is never
imported or run), prefers the stub where both describe a module, and reports what it skipped
(syntax errors, undecodable or oversized files) instead of failing.
"""

from __future__ import annotations

import ast
import hashlib
import io
import tokenize
import warnings
from dataclasses import dataclass
from pathlib import Path

from apiary.docs.exports import build_entries
from apiary.docs.python_module import ModuleDoc, read_module
from apiary.docs.report import IngestError, IngestReport, Skipped

#: Larger files are almost always generated (protobuf, tables of data); parsing them costs seconds.
MAX_FILE_BYTES = 2_000_000
_SKIP_DIRS = {"tests", "test", "__pycache__", "docs", "doc", "examples", "benchmarks", "node_modules", "build", "dist"}
_SKIP_FILES = {"setup.py", "conftest.py", "noxfile.py", "fabfile.py"}


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
    files: list[ModuleFile] = []
    for path in sorted(directory.rglob("*.py*")):
        if path.suffix not in (".py", ".pyi") or path.name in _SKIP_FILES:
            continue
        relative = path.relative_to(directory)
        if any(part in _SKIP_DIRS or part.startswith(".") for part in relative.parts[:-1]):
            continue
        parts = [package, *relative.parts[:-1]]
        if not all(p.isidentifier() for p in parts):
            continue
        is_package = path.stem == "__init__"
        if not is_package:
            if not path.stem.isidentifier():
                continue
            parts.append(path.stem)
        files.append(ModuleFile(".".join(parts), path, is_package))
    return files


def content_digest(files: list[ModuleFile]) -> str:
    """A hash of the files' names and bytes: changes whenever the library's documentation can."""
    digest = hashlib.sha256()
    for f in sorted(files, key=lambda f: (f.module, str(f.path))):
        digest.update(f"{f.module}\0{f.path.name}\0".encode())
        try:
            digest.update(hashlib.sha256(f.path.read_bytes()).digest())
        except OSError:
            digest.update(b"<unreadable>")
    return digest.hexdigest()


def read_package(layout: PackageLayout, library: str, max_file_bytes: int = MAX_FILE_BYTES) -> IngestReport:
    """Parse every module of ``layout`` and build the library's public API entries."""
    report = IngestReport()
    sources: dict[str, ModuleDoc] = {}
    stubs: dict[str, ModuleDoc] = {}
    for module_file in module_files(layout):
        doc = _read_file(module_file, max_file_bytes, report)
        if doc is not None:
            (stubs if doc.is_stub else sources)[doc.module] = doc
    modules = dict(sources)
    for name, stub in stubs.items():
        modules[name] = stub.merge_stub_over(sources[name]) if name in sources else stub
    report.entries = build_entries(modules, library)
    return report


def _read_file(module_file: ModuleFile, max_bytes: int, report: IngestReport) -> ModuleDoc | None:
    path = module_file.path
    try:
        size = path.stat().st_size
        if size > max_bytes:
            report.skipped.append(Skipped(str(path), f"{size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit (generated?)"))
            return None
        source = decode_source(path.read_bytes())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes and the like in the library's code are not ours
            tree = ast.parse(source, filename=str(path), type_comments=False)
    except (SyntaxError, ValueError) as error:
        line = getattr(error, "lineno", None)
        report.skipped.append(Skipped(f"{path}:{line}" if line else str(path), _reason(error)))
        return None
    except (OSError, RecursionError, MemoryError) as error:
        report.skipped.append(Skipped(str(path), _reason(error)))
        return None
    report.files_read += 1
    return read_module(tree, module_file.module, path, module_file.is_package)


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

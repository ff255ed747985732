"""Where corpus files come from: a directory, a single file, an installed package (by module name), a
wheel or sdist, or ``site-packages`` (every site-packages directory of this interpreter).

Nothing is imported or executed: packages are found with `apiary.docs.locate` and read as text.
"""

from __future__ import annotations

import ast
import io
import os
import tokenize
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from apiary.docs.locate import interpreter_path, locate
from apiary.sequences.mine import top_level_modules

SITE_PACKAGES = "site-packages"
_SKIPPED_DIRS = frozenset({"__pycache__", "node_modules"})


class SkipFile(Exception):
    """A file that cannot be used; the message is the reason counted in the report."""


@dataclass(frozen=True)
class SourceFile:
    #: where the bytes are read from
    path: Path
    #: the name records carry: the path below the source root, prefixed with the root's name
    name: str
    #: the directory (or file) given, or the site-packages directory it was found in
    root: Path | None = None

    @property
    def project_modules(self) -> frozenset[str]:
        """Top-level modules of the file's own project, whose calls are not library API calls: the
        first package of its path, and, unless the root is a site-packages, the root's own modules."""
        if self.root is None or self.root.is_file():
            return frozenset({self.path.stem})
        first = self.path.relative_to(self.root).parts[0].removesuffix(".py")
        own = {first} | ({self.root.name} if (self.root / "__init__.py").is_file() else set())
        if self.root.name not in ("site-packages", "dist-packages"):
            own |= top_level_modules(self.root)
        return frozenset(own)


def expand_sources(specs: Sequence[str], unpack_dir: Path | None = None) -> list[SourceFile]:
    """Every ``.py`` file under the given sources, in a stable order, each real file once."""
    seen: set[Path] = set()
    files: list[SourceFile] = []
    for spec in specs:
        for source in _files_of(spec, unpack_dir):
            real = source.path.resolve()
            if real not in seen:
                seen.add(real)
                files.append(source)
    return files


def _files_of(spec: str, unpack_dir: Path | None) -> Iterator[SourceFile]:
    if spec == SITE_PACKAGES:
        for directory in site_packages_dirs():
            yield from _walk(directory)
        return
    path = Path(spec).expanduser()
    if path.is_dir():
        yield from _walk(path)
    elif path.is_file() and path.suffix == ".py":
        yield SourceFile(path, path.name, path)
    else:  # an archive or an installed module name: locate() unpacks or finds it, and raises if neither
        root = locate(spec, unpack_dir=unpack_dir).root
        if root.is_file() and root.suffix != ".py":  # e.g. a console script named like the module
            raise ValueError(f"'{spec}' was located at {root}, which is not Python source")
        yield from (_walk(root) if root.is_dir() else [SourceFile(root, root.name, root)])


def site_packages_dirs() -> list[Path]:
    return [Path(p) for p in interpreter_path(None)
            if Path(p).name in ("site-packages", "dist-packages") and Path(p).is_dir()]


def _walk(root: Path) -> Iterator[SourceFile]:
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in _SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(names):
            if name.endswith(".py"):
                path = Path(directory, name)
                yield SourceFile(path, f"{root.name}/{path.relative_to(root).as_posix()}", root)


def read_source(path: Path, max_bytes: int) -> str:
    """The file's text (PEP 263 encoding, UTF-8 by default); `SkipFile` says why not."""
    try:
        if path.stat().st_size > max_bytes:
            raise SkipFile("too large")
        data = path.read_bytes()
    except OSError as error:
        raise SkipFile("unreadable") from error
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as error:
        raise SkipFile("undecodable") from error
    if not text.strip():
        raise SkipFile("empty")
    return text.lstrip("\ufeff")


def imported_modules(tree: ast.Module) -> set[str]:
    """Top-level names of the absolute imports anywhere in the file (``import a.b`` -> ``a``)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def imports_any(tree: ast.Module, libraries: Iterable[str]) -> bool:
    """CERT's library-oriented sub-corpus test (§3.2): the file imports one of ``libraries``."""
    return not imported_modules(tree).isdisjoint(libraries)

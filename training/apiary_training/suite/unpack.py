"""Unpack the readable text of a wheel or sdist (Python files and doc pages), safely."""

from __future__ import annotations

import tarfile
import zipfile
from pathlib import Path

TEXT_SUFFIXES = (".py", ".pyi", ".rst", ".md", ".txt")
#: a member larger than this is no source file or doc page anyone writes by hand
MAX_MEMBER_BYTES = 8 * 1024 * 1024
_DONE = ".complete"


def unpack(archive: Path, target: Path) -> Path:
    """Extract ``archive``'s text members under ``target`` once; the directory to read (an sdist's
    single top folder, or ``target`` itself)."""
    if not (target / _DONE).exists():
        target.mkdir(parents=True, exist_ok=True)
        if archive.name.endswith((".whl", ".zip")):
            _unzip(archive, target)
        else:
            _untar(archive, target)
        (target / _DONE).touch()
    folders = [c for c in target.iterdir() if c.is_dir()]
    return folders[0] if len(folders) == 1 and archive.name.endswith(".tar.gz") else target


def _wanted(name: str, size: int) -> bool:
    return name.endswith(TEXT_SUFFIXES) and size <= MAX_MEMBER_BYTES


def _unzip(archive: Path, target: Path) -> None:
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            if _wanted(info.filename, info.file_size) and _inside(target, info.filename):
                zf.extract(info, target)


def _untar(archive: Path, target: Path) -> None:
    with tarfile.open(archive) as tf:
        members = [m for m in tf.getmembers() if m.isfile() and _wanted(m.name, m.size) and _inside(target, m.name)]
        tf.extractall(target, members=members, filter="data")


def _inside(target: Path, member: str) -> bool:
    return (target / member).resolve().is_relative_to(target.resolve())

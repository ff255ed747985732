"""Files written whole or not at all: the old file stays where a write fails, and nothing is left behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from apiary import atomic
from apiary.atomic import atomic_write


def test_a_file_is_replaced_whole_with_the_mode_asked_for(tmp_path: Path):
    path = tmp_path / "weights.json"
    path.write_text("old")
    atomic_write(path, b"new", mode=0o644)
    assert path.read_bytes() == b"new" and (path.stat().st_mode & 0o777) == 0o644
    atomic_write(path, b"newer")
    assert path.read_bytes() == b"newer" and (path.stat().st_mode & 0o777) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["weights.json"]


def test_a_write_that_fails_leaves_the_old_file_and_no_temporary_one(tmp_path: Path, monkeypatch):
    path = tmp_path / "entries.json"
    path.write_bytes(b"old")

    def full_disk(fd: int) -> None:
        raise OSError(28, os.strerror(28))

    monkeypatch.setattr(atomic.os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left"):
        atomic_write(path, b"new")
    assert path.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["entries.json"]

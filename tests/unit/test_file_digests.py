"""Files' hashes remembered by their stat, as git's index does: unchanged files are not read again,
a changed one always is, and one changed just now is not remembered."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from apiary.docs import files
from apiary.docs.files import RACY_NS, FileDigests


def _old_file(tmp_path: Path, text: str = "def f(): ...\n") -> Path:
    path = tmp_path / "module.py"
    path.write_text(text)
    return path


def _later(path: Path) -> int:
    """A clock well past the file's last change, so it is not racy."""
    status = path.stat()
    return max(status.st_mtime_ns, status.st_ctime_ns) + 10 * RACY_NS


def test_an_unchanged_file_is_not_read_again(tmp_path: Path, monkeypatch):
    path = _old_file(tmp_path)
    first = FileDigests(clock_ns=lambda: _later(path))
    digest = first.sha256(path, 1_000)
    assert digest == hashlib.sha256(path.read_bytes()).digest()
    monkeypatch.setattr(files, "file_sha256", lambda *a: pytest.fail("read again"))
    second = FileDigests(first.remembered, clock_ns=lambda: _later(path))
    assert second.sha256(path, 1_000) == digest
    assert not second.changed


def test_a_file_rewritten_with_the_same_size_and_modification_time_is_read_again(tmp_path: Path):
    path = _old_file(tmp_path, "A = 1\n")
    first = FileDigests(clock_ns=lambda: _later(path))
    first.sha256(path, 1_000)
    before = path.stat()
    time.sleep(0.05)  # past the file system's timestamp tick, so the change time can move
    path.write_text("B = 2\n")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the change time still moves
    second = FileDigests(first.remembered, clock_ns=lambda: _later(path))
    assert second.sha256(path, 1_000) == hashlib.sha256(b"B = 2\n").digest()
    assert second.changed


def test_a_file_changed_just_now_is_not_remembered(tmp_path: Path):
    path = _old_file(tmp_path)
    digests = FileDigests(clock_ns=lambda: path.stat().st_ctime_ns + RACY_NS // 2)
    digests.sha256(path, 1_000)
    assert digests.remembered == {}


@pytest.mark.parametrize("entry", [[1, 2], "text", [0, 0, 0, 0, "zz"], [0, 0, 0, 0, "ab"]])
def test_a_remembered_entry_of_the_wrong_shape_is_ignored(tmp_path: Path, entry):
    path = _old_file(tmp_path)
    status = path.stat()
    if isinstance(entry, list) and len(entry) == 5:
        entry[:4] = [status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns]
    digests = FileDigests({str(path): entry}, clock_ns=lambda: _later(path))
    assert digests.sha256(path, 1_000) == hashlib.sha256(path.read_bytes()).digest()


def test_a_file_asked_twice_in_one_run_is_read_once_even_when_just_changed(tmp_path: Path, monkeypatch):
    path = _old_file(tmp_path)
    digests = FileDigests(clock_ns=lambda: path.stat().st_ctime_ns)  # racy: not remembered for later runs
    first = digests.sha256(path, 1_000)
    monkeypatch.setattr(files, "file_sha256", lambda *a: pytest.fail("read again"))
    assert digests.sha256(path, 1_000) == first and digests.remembered == {}

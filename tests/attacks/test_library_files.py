"""Hostile files in a library (issue "Security and robustness", item 6): a FIFO or a link to a
device named like a module, and an archive that unpacks to far more than it weighs. Each is passed
over or refused, quickly, and the rest of the library is read."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from tests.attacks.bounds import within

from apiary.docs.files import NotAFile, read_bounded
from apiary.docs.ingest import ingest, source_digest
from apiary.docs.locate import locate
from apiary.docs.report import IngestError


def hostile_package(root: Path) -> Path:
    package = root / "trapped"
    package.mkdir()
    (package / "__init__.py").write_text('def ok():\n    """Fine."""\n')
    (package / "good.py").write_text('def good(x):\n    """A good one."""\n')
    os.mkfifo(package / "pipe.py")
    (package / "zero.py").symlink_to("/dev/zero")
    return package


def test_a_fifo_and_a_device_named_like_modules_are_passed_over(tmp_path):
    source = locate(str(hostile_package(tmp_path)))
    within(20, lambda: source_digest(source))
    report = within(20, lambda: ingest(source))
    assert {e.import_path for e in report.entries} >= {"trapped.ok", "trapped.good.good"}


def test_reading_a_fifo_or_a_device_never_blocks(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(NotAFile):
        within(5, lambda: read_bounded(tmp_path / "pipe", 1000))
    with pytest.raises(NotAFile):
        read_bounded(Path("/dev/zero"), 1000)
    with pytest.raises(IsADirectoryError):
        read_bounded(tmp_path, 1000)


def test_a_zip_bomb_wheel_is_refused_before_it_is_unpacked(tmp_path):
    wheel = tmp_path / "bomb-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bomb/__init__.py", "x = 1\n")
        zf.writestr("bomb/huge.py", b"#" * 30_000_000)  # 30 MB that deflates to ~30 KB
    assert wheel.stat().st_size < 200_000
    with pytest.raises(IngestError, match="expands"):
        locate(str(wheel), unpack_dir=tmp_path / "unpacked")
    assert not any((tmp_path / "unpacked").rglob("huge.py"))

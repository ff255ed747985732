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


def _code_with_a_fifo(root: Path) -> Path:
    """A folder of code (a library's tests, a workspace) with a FIFO named like a module beside a
    real module."""
    root.mkdir()
    (root / "test_good.py").write_text(
        "import trapped\n\ndef copy_over(src):\n    # make a copy of it\n    return trapped.good(src)\n")
    os.mkfifo(root / "test_pipe.py")
    return root


def test_a_fifo_among_the_code_mined_for_usages_is_passed_over(tmp_path):
    from apiary.generation.offline.corpus import CorpusStore
    from apiary.generation.offline.usage import code_file

    folder = _code_with_a_fifo(tmp_path / "tests")
    assert within(5, lambda: code_file(folder / "test_pipe.py")) is None
    assert within(5, lambda: code_file(folder / "test_good.py")).startswith("import trapped\n")
    store = CorpusStore(lambda: sorted(folder.iterdir()))
    index = type("Index", (), {"entries": [type("Entry", (), {"import_path": "trapped.good"})()]})()
    assert within(5, lambda: store._files_importing(index)) == [folder / "test_good.py"]


def test_a_fifo_among_the_code_mined_for_api_sequences_is_passed_over(tmp_path):
    from apiary.sequences.mine import CorpusRoot, mine_files

    folder = _code_with_a_fifo(tmp_path / "code")
    pairs, done, total = within(20, lambda: mine_files(CorpusRoot(folder, frozenset({"code"}))))
    assert (done, total) == (2, 2)
    assert {p.path for p in pairs} <= {str(folder / "test_good.py")}


def test_a_fifo_where_a_package_keeps_its_version_is_passed_over(tmp_path):
    package = tmp_path / "versioned"
    package.mkdir()
    (package / "__init__.py").write_text('"""A package."""\n')
    os.mkfifo(package / "version.py")
    (package / "_version.py").write_text('__version__ = "2.5.1"\n')
    assert within(20, lambda: locate(str(package))).version == "2.5.1"

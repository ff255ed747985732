"""A library indexed by its path gets its version without being imported: from ``__version__``,
from the metadata installed beside it, or from ``pyproject.toml``."""

from __future__ import annotations

from apiary.docs.locate import locate


def package(root, name: str, init: str = 'def f():\n    """F."""\n'):
    (root / name).mkdir(parents=True)
    (root / name / "__init__.py").write_text(init)
    return root / name


def test_the_package_directory_itself_reads_its_own_version(tmp_path):
    path = package(tmp_path, "verlib", '__version__ = "2.4.1"\n\ndef f():\n    """F."""\n')
    assert locate(str(path)).version == "2.4.1"
    assert locate(str(tmp_path)).version == "2.4.1"  # and through the folder that holds it


def test_installed_metadata_beside_the_package(tmp_path):
    path = package(tmp_path, "metalib")
    info = tmp_path / "metalib-0.9.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: metalib\nVersion: 0.9.3\n")
    (info / "top_level.txt").write_text("metalib\n")
    assert locate(str(path)).version == "0.9.3"


def test_no_version_anywhere_is_0(tmp_path):
    assert locate(str(package(tmp_path, "plainlib"))).version == "0"

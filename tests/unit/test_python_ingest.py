"""Static ingestion of Python packages: public names, re-exports, stubs, aliases, broken files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from apiary.docs.entry import ApiEntry, ApiKind
from apiary.docs.ingest import storable
from apiary.docs.python_package import find_layout, read_package
from apiary.docs.report import IngestError


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content))
    return root


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return write_tree(tmp_path, {
        "beekit/__init__.py": '''
            """Beekit: tools for hives."""
            from ._core import _FastJoin as Joiner
            from .tables import Table, read_table
            from . import stats

            __all__ = ["Joiner", "Table", "read_table", "stats"]
        ''',
        "beekit/_core.py": '''
            class _FastJoin:
                """Join two tables on a key column.

                Example:
                    >>> Joiner("id").join(a, b)
                """
                def __init__(self, key: str, how: str = "inner") -> None: ...
                def join(self, left, right):
                    """Return the joined table."""
            def _helper(): ...
        ''',
        "beekit/tables.py": '''
            import os.path
            from typing import Optional

            class Table:
                """An in-memory table of rows."""

                def __init__(self, rows, *, columns: Optional[list] = None):
                    self.rows = rows

                def keep(self, predicate, limit=None):
                    """Keep only the rows where ``predicate`` is true. Others are dropped."""

                @property
                def width(self) -> int:
                    """Number of columns."""
                    return 0

                def _private(self): ...
                def __len__(self): ...

            def read_table(path: str, sep: str = ",") -> Table:
                """Read a delimited file into a :class:`Table`."""
        ''',
        "beekit/stats.py": '''
            """Statistics over columns."""
            def mean(values):
                """Arithmetic mean of the values."""
            def median(values): ...
        ''',
        "beekit/stream.py": '''
            class Stream:
                def batch(self, *args, **kwargs): ...
            class Batcher(Stream):
                """Group items into lists of a fixed size (functional name: ``chunk``)."""
                def __init__(self, source: Stream, size: int, drop_last: bool = False): ...
        ''',
        "beekit/stream.pyi": '''
            class Stream:
                def batch(self, size: int, drop_last: bool = False) -> Stream:
                    """Group items into lists of ``size`` items."""
            class Batcher(Stream):
                def __init__(self, source: Stream, size: int, drop_last: bool = ...) -> None: ...
        ''',
        "beekit/tests/test_tables.py": "def test_x(): pass\n",
    })


def by_path(entries):
    return {e.import_path: e for e in entries}


def test_reexports_follow_init_and_all_including_private_modules(package: Path):
    entries = by_path(read_package(find_layout(package), "beekit").entries)
    joiner = entries["beekit.Joiner"]
    assert joiner.kind == ApiKind.CLASS
    assert joiner.qualname == "beekit._core._FastJoin"
    assert joiner.signature == "(key: str, how: str = 'inner')"
    assert joiner.examples == ('Joiner("id").join(a, b)',)
    assert "beekit.Joiner.join" in entries
    # re-exported names get the shortest public path, not their defining module's
    assert "beekit.Table" in entries and "beekit.tables.Table" not in entries
    assert entries["beekit.read_table"].signature == "(path: str, sep: str = ',') -> Table"
    assert entries["beekit.read_table"].description == "Read a delimited file into a Table."


def test_private_and_dunder_names_and_tests_are_not_public(package: Path):
    paths = set(by_path(read_package(find_layout(package), "beekit").entries))
    assert not any("_private" in p or "__len__" in p or "_helper" in p or "._core" in p for p in paths)
    assert not any(".tests" in p for p in paths)
    assert "beekit.stats.mean" in paths and "beekit.stats.median" in paths


def test_methods_properties_and_keyword_only_params(package: Path):
    entries = by_path(read_package(find_layout(package), "beekit").entries)
    keep = entries["beekit.Table.keep"]
    assert (keep.kind, keep.owner, keep.signature) == (ApiKind.METHOD, "beekit.Table", "(predicate, limit=None)")
    assert keep.description == "Keep only the rows where predicate is true."
    assert entries["beekit.Table"].signature == "(rows, *, columns: Optional[list] = None)"
    width = entries["beekit.Table.width"]
    assert width.kind == ApiKind.PROPERTY and width.returns == "int"


def test_stub_signature_wins_over_source_and_source_docstring_fills_the_stub(package: Path):
    entries = by_path(read_package(find_layout(package), "beekit").entries)
    assert entries["beekit.stream.Stream.batch"].signature == "(size: int, drop_last: bool = False) -> Stream"
    batcher = entries["beekit.stream.Batcher"]
    assert batcher.signature == "(source: Stream, size: int, drop_last: bool = ...)"
    assert batcher.description == "Group items into lists of a fixed size."  # from the .py docstring


def test_declared_functional_name_is_indexed_as_a_method_of_the_first_argument_type(package: Path):
    entries = by_path(read_package(find_layout(package), "beekit").entries)
    chunk = entries["beekit.stream.Stream.chunk"]
    assert chunk.kind == ApiKind.ALIAS
    assert chunk.alias_of == "beekit.stream.Batcher"
    assert chunk.signature == "(size: int, drop_last: bool = ...)"
    assert chunk.owner == "beekit.stream.Stream"


def test_module_entries_carry_their_docstring(package: Path):
    entries = by_path(read_package(find_layout(package), "beekit").entries)
    assert entries["beekit.stats"].kind == ApiKind.MODULE
    assert entries["beekit.stats"].description == "Statistics over columns."


def test_syntax_errors_bad_encodings_and_huge_files_are_skipped_and_reported(tmp_path: Path):
    root = write_tree(tmp_path, {
        "pkg/__init__.py": "def ok():\n    '''Fine.'''\n",
        "pkg/broken.py": "def broken(:\n",
        "pkg/latin.py": b"# -*- coding: ascii -*-\nx = '\xe9'\n",
        "pkg/generated.py": "X = 1\n" * 10,
    })
    report = read_package(find_layout(root), "pkg", max_file_bytes=50)
    reasons = {Path(s.location.split(":")[0]).name: s.reason for s in report.skipped}
    assert reasons["broken.py"].startswith("does not parse")
    assert "decode" in reasons["latin.py"]
    assert "limit" in reasons["generated.py"]
    assert [e.name for e in report.entries if e.kind == ApiKind.FUNCTION] == ["ok"]


def test_src_layout_and_missing_package(tmp_path: Path):
    write_tree(tmp_path / "proj", {"src/hive/__init__.py": "def f():\n    pass\n", "README.md": "x"})
    assert find_layout(tmp_path / "proj").packages == ("hive",)
    (tmp_path / "empty").mkdir()
    with pytest.raises(IngestError, match="holds no Python package"):
        find_layout(tmp_path / "empty")


def test_star_imports_resolve_each_name_where_it_is_bound_first(tmp_path: Path):
    """``pkg`` star-imports ``a`` then ``b``; both bind ``shared``, only ``b`` binds ``late`` (through a
    star import of its own), and ``a`` imports ``missing`` from a module that lacks it."""
    write_tree(tmp_path, {
        "pkg/__init__.py": "from .a import *\nfrom .b import *\n",
        "pkg/a.py": '''
            from .c import missing

            def shared():
                """The first one."""
        ''',
        "pkg/b.py": '''
            from .deep import *

            def shared():
                """The second one."""
        ''',
        "pkg/c.py": "def present():\n    '''Here.'''\n",
        "pkg/deep.py": "def late():\n    '''Bound two star imports down.'''\n",
    })
    entries = {e.import_path: e for e in read_package(find_layout(tmp_path / "pkg"), "pkg").entries}
    assert entries["pkg.shared"].qualname == "pkg.a.shared"
    assert entries["pkg.late"].qualname == "pkg.deep.late"
    assert "pkg.missing" not in entries


def test_a_cycle_of_star_imports_ends_and_keeps_both_modules_names(tmp_path: Path):
    write_tree(tmp_path, {
        "pkg/__init__.py": "from .one import *\n",
        "pkg/one.py": "from .two import *\n\ndef first():\n    '''One.'''\n",
        "pkg/two.py": "from .one import *\n\ndef second():\n    '''Two.'''\n",
    })
    entries = {e.import_path: e for e in read_package(find_layout(tmp_path / "pkg"), "pkg").entries}
    assert (entries["pkg.first"].qualname, entries["pkg.second"].qualname) == ("pkg.one.first", "pkg.two.second")


def test_storable_keeps_valid_text_and_mends_only_lone_surrogates():
    valid = ApiEntry(name="naïve", qualname="m.naïve", import_path="m.naïve", kind=ApiKind.FUNCTION, library="m",
                     doc="Café ☕ — naïve.", examples=("naïve() # ✓",))
    assert storable(valid) is valid
    broken = ApiEntry(name="odd", qualname="m.odd", import_path="m.odd", kind=ApiKind.FUNCTION, library="m",
                      doc="Café", examples=("ok()", "bad('\ud800')"), bases=("m.Base",))
    mended = storable(broken)
    assert mended.examples == ("ok()", "bad('?')") and mended.doc == "Café" and mended.bases == ("m.Base",)

"""An edit that changes no API (a function's body, a comment, lines added above a definition) costs no
rebuild: the last index serves again with its entries' new places, exactly what a build would give;
any other edit is built."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import orjson
import pytest

from apiary.docs import edits, python_package
from apiary.docs.ingest import ingest
from apiary.docs.locate import locate
from apiary.docs.parsed_modules import module_json, moved_lines
from apiary.docs.python_package import ModuleFile, read_module_file
from apiary.engine.workspace import Libraries
from apiary.retrieval import store as store_module
from apiary.retrieval.cache import PARSED_MODULES, keep_beside, read_beside
from apiary.retrieval.encoder import HashingEncoder
from apiary.retrieval.store import IndexStore, LastBuild

HONEYCOMB = Path(__file__).resolve().parents[2] / "examples" / "library" / "honeycomb"


def _module(tmp_path: Path, text: str) -> dict:
    path = tmp_path / "combs.py"
    path.write_text(text)
    doc, report = read_module_file(ModuleFile("combs", path, False))
    assert doc is not None, report.skipped
    return orjson.loads(module_json(doc))


BEFORE = '''"""Combs."""
import os


def fill(cells):
    """Fill the cells."""
    return cells


class Frame:
    """A frame of combs."""

    size = 3

    def lift(self):
        """Lift the frame."""
        return self
'''


@pytest.mark.parametrize(("after", "moves"), [
    (BEFORE.replace("return cells", "cells = list(cells)\n    return cells"), {5: 5, 10: 11, 13: 14, 15: 16}),
    (BEFORE.replace("import os\n", "import os\n# a comment\n\n"), {5: 7, 10: 12, 13: 15, 15: 17}),
    (BEFORE.replace("return self", "return None"), {5: 5, 10: 10, 13: 13, 15: 15}),
])
def test_lines_that_moved_are_followed(tmp_path: Path, after: str, moves: dict[int, int]):
    assert moved_lines(_module(tmp_path, BEFORE), _module(tmp_path, after)) == moves


@pytest.mark.parametrize("after", [
    BEFORE.replace("Fill the cells.", "Fill every cell."),  # a docstring
    BEFORE.replace("def fill(cells)", "def fill(cells, limit=None)"),  # a signature
    BEFORE + "\n\ndef drain(cells):\n    return cells\n",  # a new function
    BEFORE.replace("import os", "import sys"),  # an import
    BEFORE.replace("size = 3", "size: int = 3"),  # an attribute's annotation
    BEFORE.replace('"""Combs."""', '"""Combs of a hive."""'),  # the module's own docstring
    # the same definitions in another order
    BEFORE.replace('def fill(cells):\n    """Fill the cells."""\n    return cells\n\n\n', "")
    + '\n\ndef fill(cells):\n    """Fill the cells."""\n    return cells\n',
])
def test_an_edit_of_anything_an_entry_is_made_of_is_not_a_move(tmp_path: Path, after: str):
    assert moved_lines(_module(tmp_path, BEFORE), _module(tmp_path, after)) is None


def test_a_definition_on_the_first_line_cannot_move(tmp_path: Path):
    """The module's own entry is placed on line 1: what was there too cannot be told apart from it."""
    source = 'def fill(cells):\n    """Fill the cells."""\n'
    assert moved_lines(_module(tmp_path, source), _module(tmp_path, "\n" + source)) is None
    assert moved_lines(_module(tmp_path, source), _module(tmp_path, source + "\n# the end\n")) == {1: 1}
    assert moved_lines(_module(tmp_path, BEFORE), _module(tmp_path, "\n" + BEFORE)) == {5: 6, 10: 11, 13: 14, 15: 16}


def test_one_line_that_went_to_two_places_is_not_a_move(tmp_path: Path):
    before = _module(tmp_path, '"""Combs."""\nLIMIT = 1; WIDTH = 2\n"""The limit."""\n')
    after = _module(tmp_path, '"""Combs."""\nLIMIT = 1\nWIDTH = 2\n"""The limit."""\n')
    assert moved_lines(before, after) is None


class Counted:
    """The store's whole-library read, counted."""

    def __init__(self, monkeypatch) -> None:
        self.calls = 0
        real = store_module.ingest

        def counted(*args, **kwargs):
            self.calls += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(store_module, "ingest", counted)


def _honeycomb(tmp_path: Path) -> tuple[Path, IndexStore]:
    library = tmp_path / "honeycomb"
    shutil.copytree(HONEYCOMB, library)
    store = IndexStore(tmp_path / "cache", HashingEncoder())
    store.get_or_build(locate(str(library)))
    return library, store


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def _as_built(library: Path) -> list[dict]:
    return [e.to_json() for e in ingest(locate(str(library))).entries]


def test_lines_added_above_definitions_move_the_entries_without_a_build(tmp_path: Path, monkeypatch):
    library, store = _honeycomb(tmp_path)
    before = store.get_or_build(locate(str(library))).index
    builds = Counted(monkeypatch)
    _edit(library / "table.py", "Row = dict[str, Any]\n", "# rows are plain dicts\n\nRow = dict[str, Any]\n")
    after = store.get_or_build(locate(str(library)))
    assert after.rebuilt and builds.calls == 0
    assert [e.to_json() for e in after.index.entries] == _as_built(library)
    moved = [(b.source, a.source) for b, a in zip(before.entries, after.index.entries, strict=True) if b != a]
    assert moved and all(a.endswith(f":{int(b.rsplit(':', 1)[1]) + 2}") for b, a in moved)
    assert all("table.py:" in a for _, a in moved)
    np.testing.assert_array_equal(after.index.vectors, before.vectors)
    assert after.index.info.content_hash != before.info.content_hash
    loaded = store.get_or_build(locate(str(library)))  # what was stored is the new index
    assert not loaded.rebuilt and [e.to_json() for e in loaded.index.entries] == _as_built(library)


def test_a_body_edit_then_an_api_edit_each_give_what_a_build_gives(tmp_path: Path, monkeypatch):
    library, store = _honeycomb(tmp_path)
    builds = Counted(monkeypatch)
    _edit(library / "table.py", "    return sum(values)\n", "    total = sum(values)\n    return total\n")
    assert store.get_or_build(locate(str(library))).rebuilt and builds.calls == 0
    _edit(library / "text.py", '"""', '"""Edited. ', )  # the module's docstring: built
    edited = store.get_or_build(locate(str(library)))
    assert builds.calls == 1 and [e.to_json() for e in edited.index.entries] == _as_built(library)
    _edit(library / "table.py", "    total = sum(values)\n", "    total = sum(values)  # a comment\n")
    again = store.get_or_build(locate(str(library)))
    assert builds.calls == 1 and [e.to_json() for e in again.index.entries] == _as_built(library)


def test_the_callers_index_is_moved_and_shares_what_it_derived(tmp_path: Path):
    library, store = _honeycomb(tmp_path)
    held = store.get_or_build(locate(str(library))).index
    _edit(library / "table.py", "Row = dict[str, Any]\n", "\nRow = dict[str, Any]\n")
    served = []
    after = store.get_or_build(locate(str(library)), serve=served.append, previous=LastBuild(held)).index
    assert served == [after] and after.lexical is held.lexical and after.tables is held.tables
    assert after.entries is not held.entries and after.catalogue.entries is after.entries
    assert held.catalogue.entries is held.entries  # the index still served is untouched


def test_an_edit_of_a_module_read_from_a_stub_and_its_source_is_built(tmp_path: Path, monkeypatch):
    library, store = _honeycomb(tmp_path)
    builds = Counted(monkeypatch)
    _edit(library / "stream.py", "    def __iter__(self):\n", "\n    def __iter__(self):\n")
    result = store.get_or_build(locate(str(library)))
    assert builds.calls == 1 and [e.to_json() for e in result.index.entries] == _as_built(library)


def test_after_a_file_skipped_for_its_time_bound_every_edit_is_built(tmp_path: Path, monkeypatch):
    library, store = _honeycomb(tmp_path)
    (library / "slow.py").write_text("def slow():\n    pass\n")
    real = python_package._parse_file

    def timed_out(module_file, limits):
        if module_file.path.name == "slow.py":
            raise python_package.SkipFile(f"took too long {python_package.TIME_BOUND}")
        return real(module_file, limits)

    monkeypatch.setattr(python_package, "_parse_file", timed_out)
    assert store.get_or_build(locate(str(library))).skipped
    builds = Counted(monkeypatch)
    _edit(library / "table.py", "Row = dict[str, Any]\n", "\nRow = dict[str, Any]\n")
    store.get_or_build(locate(str(library)))
    assert builds.calls == 1


def test_a_file_skipped_before_stays_skipped_and_reported_when_lines_move(tmp_path: Path, monkeypatch):
    library, store = _honeycomb(tmp_path)
    (library / "broken.py").write_text("def broken(:\n")
    first = store.get_or_build(locate(str(library)))
    builds = Counted(monkeypatch)
    _edit(library / "table.py", "Row = dict[str, Any]\n", "\nRow = dict[str, Any]\n")
    moved = store.get_or_build(locate(str(library)))
    assert builds.calls == 0 and moved.skipped == first.skipped and len(moved.skipped) == 1
    assert [e.to_json() for e in moved.index.entries] == _as_built(library)


def test_an_added_or_removed_file_is_built(tmp_path: Path, monkeypatch):
    library, store = _honeycomb(tmp_path)
    builds = Counted(monkeypatch)
    (library / "text.py").unlink()
    _edit(library / "table.py", "Row = dict[str, Any]\n", "\nRow = dict[str, Any]\n")
    result = store.get_or_build(locate(str(library)))
    assert builds.calls == 1 and [e.to_json() for e in result.index.entries] == _as_built(library)


def test_the_servers_libraries_move_the_index_they_serve(tmp_path: Path):
    library, store = _honeycomb(tmp_path)
    libraries = Libraries()
    libraries.configure([str(library)])
    state = libraries.build(str(library), store, None)
    served, row = state.index, state.row()
    _edit(library / "table.py", "Row = dict[str, Any]\n", "\nRow = dict[str, Any]\n")
    moved = libraries.build(str(library), store, None)
    assert moved.ready and moved.index is not served and moved.index.lexical is served.lexical
    # the status tells that the index was built again, though its API count is the same
    assert moved.row()["apis"] == row["apis"] and moved.row()["built_at"] > row["built_at"] == served.info.built_at
    assert [e.to_json() for e in moved.index.entries] == _as_built(library)


def test_more_changed_files_than_are_read_to_find_out_are_built(tmp_path: Path, monkeypatch):
    library, store = _honeycomb(tmp_path)
    monkeypatch.setattr(edits, "MAX_CHANGED_FILES", 1)
    builds = Counted(monkeypatch)
    for name in ("table.py", "text.py"):
        _edit(library / name, "from __future__", "# a comment\nfrom __future__")
    result = store.get_or_build(locate(str(library)))
    assert builds.calls == 1 and [e.to_json() for e in result.index.entries] == _as_built(library)
    _edit(library / "table.py", "# a comment\n", "# a comment\n\n")
    store.get_or_build(locate(str(library)))
    assert builds.calls == 1  # one file: moved


def test_a_damaged_cache_under_a_served_index_is_written_whole_when_lines_move(tmp_path: Path):
    library, store = _honeycomb(tmp_path)
    held = store.get_or_build(locate(str(library))).index
    (store.directory_for(locate(str(library))) / "meta.json").write_text("{ damaged")
    _edit(library / "table.py", "Row = dict[str, Any]\n", "\nRow = dict[str, Any]\n")
    moved = store.get_or_build(locate(str(library)), previous=LastBuild(held))
    assert moved.rebuilt and moved.index.lexical is held.lexical and moved.cache_problem is None
    loaded = store.get_or_build(locate(str(library)))
    assert not loaded.rebuilt and [e.to_json() for e in loaded.index.entries] == _as_built(library)


@pytest.mark.parametrize("damage", [{"definitions": 3}, {"attachments": [{"no": "line"}]}, {"bindings": {"x": []}}])
def test_a_damaged_record_of_the_last_build_is_no_move_and_the_library_is_built(tmp_path: Path, monkeypatch, damage):
    library, store = _honeycomb(tmp_path)
    directory = store.directory_for(locate(str(library)))
    record = read_beside(directory, PARSED_MODULES)
    key = next(k for k in record["modules"] if ":honeycomb.table:" in k)
    record["modules"][key] = {**orjson.loads(record["modules"][key]), **damage}
    keep_beside(directory, PARSED_MODULES, record)
    builds = Counted(monkeypatch)
    _edit(library / "table.py", "Row = dict[str, Any]\n", "\nRow = dict[str, Any]\n")
    result = store.get_or_build(locate(str(library)))
    assert builds.calls == 1 and [e.to_json() for e in result.index.entries] == _as_built(library)

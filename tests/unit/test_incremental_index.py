"""Re-indexing after an edit (parsed modules and vectors kept from the last build)
gives exactly the index a build from nothing gives: entries, vectors, name words, alternatives, BM25."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

from apiary.docs.locate import locate
from apiary.retrieval.encoder import HashingEncoder
from apiary.retrieval.store import IndexStore, LastBuild

FILES = {
    "__init__.py": '''
        """Combs."""
        from .core import *
        from .extra import old_name
        from . import sub
    ''',
    "core.py": '''
        __all__ = ["fill", "count"]
        def fill(cells, value=0):
            """Fill every empty cell with a value. Use :func:`count` instead to count them."""
        def count(cells):
            """Count the cells that hold honey."""
        def _seal(cells):
            """Seal the cells."""
    ''',
    "extra.py": '''
        def old_name(frame):
            """Read a frame of the hive."""
    ''',
    "sub/__init__.py": '''
        """Sub."""
        from .leaf import *
        from .middle import *
    ''',
    "sub/middle.py": '''
        from .leaf import *
        def smoke(hive):
            """Smoke the hive to calm it."""
    ''',
    "sub/leaf.py": '''
        def harvest(frame):
            """Harvest the honey of a frame."""
    ''',
    "sub/gone.py": '''
        def swarm(queen):
            """Follow the queen when she swarms."""
    ''',
}

EDITS = {
    "all_names": ("core.py", lambda text: text.replace('["fill", "count"]', '["fill", "_seal"]')),
    "wildcard_chain": ("sub/leaf.py", lambda text: text + '\ndef extract(frame):\n    """Extract the wax."""\n'),
    "deleted_file": ("sub/gone.py", None),
    "renamed_function": ("extra.py", lambda text: text.replace("old_name", "new_name")),
}


def _write(root: Path) -> None:
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def _edit(root: Path, edit: str) -> None:
    name, change = EDITS[edit]
    path = root / name
    if change is None:
        path.unlink()
    else:
        path.write_text(change(path.read_text()))
    if edit == "renamed_function":
        init = root / "__init__.py"
        init.write_text(init.read_text().replace("old_name", "new_name"))


def _same_index(incremental, full) -> None:
    assert [e.to_json() for e in incremental.entries] == [e.to_json() for e in full.entries]
    np.testing.assert_array_equal(incremental.vectors, full.vectors)
    assert incremental.name_words == full.name_words and incremental.alternatives == full.alternatives
    assert incremental.param_classes == full.param_classes
    np.testing.assert_array_equal(incremental.popularity, full.popularity)
    for words in (["fill", "cell"], ["harvest"], ["extract", "wax"], ["read", "frame"], ["seal"]):
        np.testing.assert_array_equal(incremental.lexical_scores(words), full.lexical_scores(words))


@pytest.mark.parametrize("in_memory", [False, True], ids=["cache", "memory"])
@pytest.mark.parametrize("edit", sorted(EDITS))
def test_an_edit_reindexed_incrementally_equals_a_build_from_nothing(tmp_path: Path, edit: str, in_memory: bool):
    """From what the cache kept of the last build; or, as a server re-indexes, from what the last
    build in the same process kept in memory (`BuildMemory`): its modules, entries and texts."""
    root = tmp_path / "src" / "combs"
    _write(root)
    kept = IndexStore(tmp_path / "kept", HashingEncoder())
    first = kept.get_or_build(locate(str(root)), keep_memory=in_memory)
    _edit(root, edit)
    previous = LastBuild(first.index, first.memory) if in_memory else None
    again = kept.get_or_build(locate(str(root)), previous=previous)
    full = IndexStore(tmp_path / "full", HashingEncoder()).get_or_build(locate(str(root)))
    assert again.rebuilt and full.rebuilt and again.reused_vectors > 0
    _same_index(again.index, full.index)
    assert [e.to_json() for e in again.index.entries] != [e.to_json() for e in first.index.entries]
    paths = {e.import_path for e in again.index.entries}
    expected = {"all_names": ("combs._seal", "combs.count"), "wildcard_chain": ("combs.sub.extract", None),
                "deleted_file": (None, "combs.sub.gone.swarm"),
                "renamed_function": ("combs.new_name", "combs.old_name")}[edit]
    assert expected[0] is None or expected[0] in paths
    assert expected[1] is None or expected[1] not in paths

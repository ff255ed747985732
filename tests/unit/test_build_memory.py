"""A process that builds a library again (a server, after each edit) starts from what its last build
kept in memory (`BuildMemory`): the modules it read, and what its text memos computed, instead of
reading them back from the cache. Each build still gives exactly what a build from nothing gives."""

from __future__ import annotations

import copy
import os
import shutil
from pathlib import Path

import pytest

from apiary.docs.entry import ApiKind
from apiary.docs.ingest import ingest
from apiary.docs.locate import locate
from apiary.docs.python_module import Definition, ModuleDoc
from apiary.engine.workspace import Libraries
from apiary.retrieval import store as store_module
from apiary.retrieval.cache import PARSED_MODULES
from apiary.retrieval.encoder import HashingEncoder
from apiary.retrieval.index import LibraryIndex
from apiary.retrieval.store import IndexStore, LastBuild

HONEYCOMB = Path(__file__).resolve().parents[2] / "examples" / "library" / "honeycomb"

#: edits that change APIs (each is built), in the order they are made
EDITS = [
    ("table.py", "Row = dict[str, Any]\n", 'Row = dict[str, Any]\n\n\ndef tally(rows):\n    """Count the rows."""\n'),
    ("text.py", '"""', '"""Edited. '),  # a module's docstring
    ("stream.pyi", "class ", "def pulse(rate: int) -> None:\n    '''Beat at ``rate``.'''\n\n\nclass "),  # a stub
    ("table.py", "def tally(rows):", "def tally(rows, limit=None):"),  # a signature
]


def _copy(tmp_path: Path) -> tuple[Path, IndexStore]:
    library = tmp_path / "honeycomb"
    shutil.copytree(HONEYCOMB, library)
    return library, IndexStore(tmp_path / "cache", HashingEncoder())


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


class CacheReads:
    """What stores read from the cache under ``root``: the files read beside an index, and its kept texts."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
        self.beside: list[str] = []
        self.texts = 0
        read_beside, read_kept_texts = store_module.read_beside, store_module.read_kept_texts

        def beside(directory, name):
            if root in directory.parents:
                self.beside.append(name)
            return read_beside(directory, name)

        def kept_texts(directory):
            self.texts += root in directory.parents
            return read_kept_texts(directory)

        monkeypatch.setattr(store_module, "read_beside", beside)
        monkeypatch.setattr(store_module, "read_kept_texts", kept_texts)


def test_each_build_from_the_last_ones_memory_gives_what_a_build_from_nothing_gives(tmp_path: Path, monkeypatch):
    library, store = _copy(tmp_path)
    first = store.get_or_build(locate(str(library)), keep_memory=True)
    assert first.memory is not None and first.memory.texts
    last = LastBuild(first.index, first.memory)
    reads = CacheReads(monkeypatch, store.root)
    for name, old, new in EDITS:
        _edit(library / name, old, new)
        built = store.get_or_build(locate(str(library)), previous=last, keep_memory=True)
        fresh = IndexStore(tmp_path / f"fresh-{name}-{len(old)}", HashingEncoder()).get_or_build(
            locate(str(library))).index
        assert built.rebuilt and [e.to_json() for e in built.index.entries] == [e.to_json() for e in fresh.entries]
        _assert_derived_alike(built.index, fresh)
        last = LastBuild(built.index, built.memory)
    assert PARSED_MODULES not in reads.beside and reads.texts == 0
    assert [e.to_json() for e in last.index.entries] == [e.to_json() for e in ingest(locate(str(library))).entries]


def _assert_derived_alike(index: LibraryIndex, fresh: LibraryIndex) -> None:
    assert index.name_words == fresh.name_words and index.alternatives == fresh.alternatives
    assert index.lexical_tokens == fresh.lexical_tokens
    assert index.popularity.tolist() == fresh.popularity.tolist() and index.param_classes == fresh.param_classes
    for query in (["table"], ["count", "rows"], ["pulse", "rate"], ["heart", "beat"]):
        assert index.lexical_scores(query).tolist() == fresh.lexical_scores(query).tolist()


def test_what_an_edit_left_alone_is_the_earlier_builds_own(tmp_path: Path):
    """The entries of modules and definitions of unchanged files are the objects the last build made
    (but a stub's, merged over its source anew: ``stream.pyi``), and their BM25 tokens are taken."""
    library, store = _copy(tmp_path)
    first = store.get_or_build(locate(str(library)), keep_memory=True)
    edited = library / "timeutil.py"
    edited.write_text(edited.read_text() + '\n\ndef tally(rows):\n    """Count the rows."""\n')
    second = store.get_or_build(locate(str(library)), previous=LastBuild(first.index, first.memory)).index
    earlier = {id(entry) for entry in first.index.entries}
    made = [e for e in second.entries if e.kind in (ApiKind.MODULE, ApiKind.CLASS, ApiKind.FUNCTION, ApiKind.METHOD)]
    again = [e for e in made if id(e) not in earlier]
    assert {Path(e.source.rpartition(":")[0]).name for e in again} == {"timeutil.py", "stream.pyi"}
    assert "tally" in {e.name for e in again} and len(made) - len(again) == 49
    row = next(i for i, e in enumerate(second.entries) if e.import_path == "honeycomb.Table")
    was = next(i for i, e in enumerate(first.index.entries) if e.import_path == "honeycomb.Table")
    assert second.entries[row] is first.index.entries[was]
    assert second.lexical_tokens[row] is first.index.lexical_tokens[was]


def test_a_word_an_edit_brings_into_the_descriptions_splits_the_names_made_of_it(tmp_path: Path):
    """``heartbeat`` is one word until a description uses "heart": then its name reads heart, beat."""
    library = tmp_path / "pulse"
    library.mkdir()
    module = library / "__init__.py"
    module.write_text('def heartbeat():\n    """Beat once."""\n\n\ndef rest():\n    """Wait a while."""\n')
    store = IndexStore(tmp_path / "cache", HashingEncoder())
    first = store.get_or_build(locate(str(library)), keep_memory=True)
    assert first.index.name_words[[e.name for e in first.index.entries].index("heartbeat")] == ["heartbeat"]
    module.write_text(module.read_text() + '\n\ndef pump():\n    """Pump like a heart."""\n')
    second = store.get_or_build(locate(str(library)), previous=LastBuild(first.index, first.memory)).index
    assert second.name_words[[e.name for e in second.entries].index("heartbeat")] == ["heart", "beat"]
    _assert_derived_alike(second, IndexStore(tmp_path / "fresh", HashingEncoder()).get_or_build(
        locate(str(library))).index)


def test_the_modules_of_unchanged_files_are_the_last_builds_own(tmp_path: Path):
    library, store = _copy(tmp_path)
    first = store.get_or_build(locate(str(library)), keep_memory=True)
    _edit(library / EDITS[0][0], EDITS[0][1], EDITS[0][2])
    second = store.get_or_build(locate(str(library)), previous=LastBuild(first.index, first.memory), keep_memory=True)
    before, after = first.memory.read.docs, second.memory.read.docs
    same = {key for key in before.keys() & after.keys() if before[key] is after[key]}
    assert len(before) == len(after) == 9
    assert {after[key].path.name for key in after.keys() - same} == {"table.py"}
    assert len(same) == 8
    assert "tally" in next(after[key] for key in after.keys() - same).definitions


def test_without_asking_a_build_keeps_nothing(tmp_path: Path):
    library, store = _copy(tmp_path)
    assert store.get_or_build(locate(str(library))).memory is None


def test_a_build_after_an_edit_that_moved_lines_keeps_the_last_texts(tmp_path: Path):
    library, store = _copy(tmp_path)
    first = store.get_or_build(locate(str(library)), keep_memory=True)
    _edit(library / "table.py", "Row = dict[str, Any]\n", "\nRow = dict[str, Any]\n")
    moved = store.get_or_build(locate(str(library)), previous=LastBuild(first.index, first.memory), keep_memory=True)
    assert moved.index.lexical is first.index.lexical  # moved, not built
    assert moved.memory is not None and moved.memory.texts is first.memory.texts
    assert moved.memory.read.made is first.memory.read.made
    stats = library / "stats.py"
    stats.write_text(stats.read_text() + '\n\ndef spread(values):\n    """How far the values spread."""\n')
    built = store.get_or_build(locate(str(library)), previous=LastBuild(moved.index, moved.memory)).index
    _assert_derived_alike(built, IndexStore(tmp_path / "fresh", HashingEncoder()).get_or_build(
        locate(str(library))).index)
    made_before = {id(entry) for entry in first.index.entries}
    made = [e for e in built.entries if e.kind in (ApiKind.MODULE, ApiKind.CLASS, ApiKind.FUNCTION, ApiKind.METHOD)]
    again = {Path(e.source.rpartition(":")[0]).name for e in made if id(e) not in made_before}
    assert again == {"stats.py", "table.py", "stream.pyi"}  # edited, moved, a stub merged anew


def test_merging_a_stub_over_its_source_changes_neither():
    source = ModuleDoc("pkg.m", Path("m.py"), False, False, "The source.", imports={"a": "x.a", "b": "x.b"},
                       definitions={"f": Definition(ApiKind.FUNCTION, "f", 3, doc="Does f.")})
    stub = ModuleDoc("pkg.m", Path("m.pyi"), False, True, imports={"b": "y.b"},
                     definitions={"f": Definition(ApiKind.FUNCTION, "f", 1)})
    kept_source, kept_stub = copy.deepcopy(source), copy.deepcopy(stub)
    merged = stub.merge_stub_over(source)
    assert source == kept_source and stub == kept_stub
    assert merged.definitions["f"].doc == "Does f." and merged.definitions["f"].line == 1
    assert list(merged.imports.items()) == [("b", "y.b"), ("a", "x.a")] and merged.doc == "The source."


def test_the_server_keeps_a_builds_memory_once_the_library_is_indexed_again(tmp_path: Path, monkeypatch):
    library, store = _copy(tmp_path)
    libraries = Libraries()
    libraries.configure([str(library)])
    state = libraries.build(str(library), store, None)
    assert state.ready and state.memory is None  # indexed once: nothing kept
    _edit(library / EDITS[0][0], EDITS[0][1], EDITS[0][2])
    state = libraries.build(str(library), store, None)
    assert state.memory is not None and state.memory.read.record["content_hash"] == state.index.info.content_hash
    reads = CacheReads(monkeypatch, store.root)
    _edit(library / EDITS[3][0], EDITS[3][1], EDITS[3][2])
    state = libraries.build(str(library), store, None)
    assert PARSED_MODULES not in reads.beside and reads.texts == 0
    assert [e.to_json() for e in state.index.entries] == [e.to_json() for e in ingest(locate(str(library))).entries]
    libraries.reset()
    assert state.memory is None and state.index is None


def _cache_loaded(store: IndexStore, library: Path) -> LibraryIndex:
    """The library's index as a process starting after its build loads it (from the cache)."""
    store.get_or_build(locate(str(library)))
    loaded = IndexStore(store.root, HashingEncoder()).get_or_build(locate(str(library)))
    assert not loaded.rebuilt and loaded.memory is None
    return loaded.index


def test_a_served_index_remembered_is_the_same_index_with_its_builds_memory(tmp_path: Path, monkeypatch):
    """What `IndexStore.remember` gives a process that loaded the index equals that index, build time
    included, and its memory builds the next edit as a build's own would: nothing read from the cache."""
    library, store = _copy(tmp_path)
    held = _cache_loaded(store, library)
    remembered = store.remember(locate(str(library)), held)
    assert remembered is not None and not remembered.rebuilt and remembered.index is not held
    assert remembered.index.info == held.info
    assert [e.to_json() for e in remembered.index.entries] == [e.to_json() for e in held.entries]
    _assert_derived_alike(remembered.index, IndexStore(tmp_path / "fresh", HashingEncoder()).get_or_build(
        locate(str(library))).index)
    assert remembered.index.described_vectors.tolist() == held.described_vectors.tolist()
    assert remembered.memory is not None and remembered.memory.texts
    reads = CacheReads(monkeypatch, store.root)
    last = LastBuild(remembered.index, remembered.memory)
    for name, old, new in EDITS:
        _edit(library / name, old, new)
        built = store.get_or_build(locate(str(library)), previous=last, keep_memory=True)
        fresh = IndexStore(tmp_path / f"fresh-{name}-{len(old)}", HashingEncoder()).get_or_build(
            locate(str(library))).index
        assert [e.to_json() for e in built.index.entries] == [e.to_json() for e in fresh.entries]
        _assert_derived_alike(built.index, fresh)
        last = LastBuild(built.index, built.memory)
    assert PARSED_MODULES not in reads.beside and reads.texts == 0


def test_the_first_edit_after_remembering_takes_the_remembered_builds_entries(tmp_path: Path):
    library, store = _copy(tmp_path)
    remembered = store.remember(locate(str(library)), _cache_loaded(store, library))
    edited = library / "timeutil.py"
    edited.write_text(edited.read_text() + '\n\ndef tally(rows):\n    """Count the rows."""\n')
    built = store.get_or_build(locate(str(library)), previous=LastBuild(remembered.index, remembered.memory)).index
    row = next(i for i, e in enumerate(built.entries) if e.import_path == "honeycomb.Table")
    was = next(i for i, e in enumerate(remembered.index.entries) if e.import_path == "honeycomb.Table")
    assert built.entries[row] is remembered.index.entries[was]
    assert built.lexical_tokens[row] is remembered.index.lexical_tokens[was]


def test_an_index_its_files_no_longer_match_is_not_remembered(tmp_path: Path):
    library, store = _copy(tmp_path)
    held = _cache_loaded(store, library)
    _edit(library / EDITS[0][0], EDITS[0][1], EDITS[0][2])  # saved, not yet re-indexed
    assert store.remember(locate(str(library)), held) is None
    other_encoder = IndexStore(tmp_path / "cache", HashingEncoder(dim=32))
    assert other_encoder.remember(locate(str(library)), _cache_loaded(store, library)) is None


def test_the_server_remembers_a_library_once_when_its_user_starts_editing_it(tmp_path: Path, monkeypatch):
    library, store = _copy(tmp_path)
    libraries = Libraries()
    libraries.configure([str(library)])
    _cache_loaded(store, library)
    state = libraries.build(str(library), store, None)
    served = state.index
    assert libraries.to_remember([str(library), "unknown"]) == [str(library)]
    assert libraries.to_remember([str(library)]) == []  # asked for once
    assert libraries.remember(str(library), store, None)
    assert state.memory is not None and state.index is not served and state.index.info == served.info
    assert not libraries.remember(str(library), store, None)  # it keeps one already
    reads = CacheReads(monkeypatch, store.root)
    _edit(library / EDITS[0][0], EDITS[0][1], EDITS[0][2])
    state = libraries.build(str(library), store, None)
    assert PARSED_MODULES not in reads.beside and reads.texts == 0
    assert [e.to_json() for e in state.index.entries] == [e.to_json() for e in ingest(locate(str(library))).entries]
    libraries.reset()
    assert libraries.to_remember([str(library)]) == []  # not ready
    libraries.build(str(library), store, None)
    assert libraries.to_remember([str(library)]) == [str(library)]  # served anew: asked for again


def test_an_index_served_anew_while_it_was_remembered_is_kept(tmp_path: Path, monkeypatch):
    library, store = _copy(tmp_path)
    libraries = Libraries()
    libraries.configure([str(library)])
    state = libraries.build(str(library), store, None)
    remember = store.remember

    def edited_meanwhile(source, held):
        remembered = remember(source, held)
        _edit(library / EDITS[0][0], EDITS[0][1], EDITS[0][2])
        libraries.build(str(library), store, None)  # a re-index of a save, done first
        return remembered

    monkeypatch.setattr(store, "remember", edited_meanwhile)
    assert not libraries.remember(str(library), store, None)
    assert "tally" in {e.name for e in state.index.entries}


def test_remembering_gives_way_to_a_saved_edit_between_its_steps(tmp_path: Path):
    library, store = _copy(tmp_path)
    held = _cache_loaded(store, library)
    asked: list[int] = []

    def saved_after(steps: int):
        def abandoned() -> bool:
            asked.append(steps)
            return len(asked) > steps
        return abandoned

    assert store.remember(locate(str(library)), held, saved_after(0)) is None and asked == [0]
    asked.clear()
    assert store.remember(locate(str(library)), held, saved_after(1)) is None and asked == [1, 1]
    asked.clear()
    assert store.remember(locate(str(library)), held, saved_after(2)) is not None and asked == [2, 2]


def test_the_libraries_a_file_belongs_to_can_be_those_in_given_folders(tmp_path: Path):
    library, store = _copy(tmp_path)
    libraries = Libraries()
    libraries.configure([str(library), str(HONEYCOMB)])
    libraries.build(str(library), store, None)
    libraries.build(str(HONEYCOMB), store, None)
    module = (library / "table.py").resolve()
    assert libraries.holding(module) == [str(library)]
    assert libraries.holding(module, within=[tmp_path.resolve()]) == [str(library)]
    assert libraries.holding(module, within=[HONEYCOMB.parent.resolve()]) == []
    assert libraries.holding((HONEYCOMB / "table.py").resolve(), within=[]) == []
    installed = tmp_path / ".venv" / "lib" / "site-packages" / "honeycomb"
    shutil.copytree(HONEYCOMB, installed)
    libraries.configure([str(library), str(HONEYCOMB), str(installed)])
    libraries.build(str(installed), store, None)
    assert libraries.holding((installed / "table.py").resolve()) == [str(installed)]
    assert libraries.holding((installed / "table.py").resolve(), within=[tmp_path.resolve()]) == []


def test_a_save_that_changes_no_files_bytes_keeps_the_served_index_and_its_memory(tmp_path: Path, monkeypatch):
    """Saving an unchanged file (its time changes, not its bytes) loads nothing and loses no memory."""
    library, store = _copy(tmp_path)
    libraries = Libraries()
    libraries.configure([str(library)])
    libraries.build(str(library), store, None)
    _edit(library / EDITS[0][0], EDITS[0][1], EDITS[0][2])
    state = libraries.build(str(library), store, None)
    served, memory = state.index, state.memory
    assert memory is not None
    module = library / "text.py"
    module.write_bytes(module.read_bytes())
    os.utime(module, (module.stat().st_atime + 5, module.stat().st_mtime + 5))
    loads = []
    monkeypatch.setattr(store_module, "read_index", lambda directory: loads.append(directory))
    state = libraries.build(str(library), store, None)
    assert state.index is served and state.memory is memory and loads == []
    assert not store.get_or_build(locate(str(library)), previous=LastBuild(served, memory)).memory  # not asked
    _edit(library / EDITS[3][0], EDITS[3][1], EDITS[3][2])
    state = libraries.build(str(library), store, None)
    assert state.index is not served and state.memory is not memory
    assert [e.to_json() for e in state.index.entries] == [e.to_json() for e in ingest(locate(str(library))).entries]

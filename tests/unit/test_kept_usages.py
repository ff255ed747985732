"""The usages of a library's docstring examples are kept between processes: read back equal to a
fresh mining, mined again when the entries (or the file) say otherwise, and never a failure."""

from __future__ import annotations

import dataclasses

import pytest
from tests.unit.generation_fixtures import example_index

from apiary.generation.offline import kept_usages
from apiary.generation.offline.corpus import CorpusStore
from apiary.generation.offline.usage import UsageCorpus, docstring_usages
from apiary.retrieval.index import LibraryIndex


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> LibraryIndex:
    return example_index(tmp_path_factory.mktemp("cache"))


def _counting(monkeypatch) -> list[int]:
    """Counts the minings of docstring examples (each still mines)."""
    mined: list[int] = []

    def counted(catalogue, callees=None):
        mined.append(1)
        return docstring_usages(catalogue, callees)

    monkeypatch.setattr(kept_usages, "docstring_usages", counted)
    return mined


def test_kept_usages_are_read_back_as_mined(index, tmp_path, monkeypatch):
    mined = _counting(monkeypatch)
    first = kept_usages.docs_usages(index, tmp_path)
    again = kept_usages.docs_usages(index, tmp_path)
    assert len(mined) == 1 and len(first) > 10
    assert again == first == docstring_usages(index.catalogue)
    assert [p.suffix for p in tmp_path.iterdir()] == [".json"]


def test_changed_entries_are_mined_again(index, tmp_path, monkeypatch):
    mined = _counting(monkeypatch)
    kept_usages.docs_usages(index, tmp_path)
    entries = list(index.entries)
    documented = next(i for i, e in enumerate(entries) if e.examples)
    entries[documented] = dataclasses.replace(entries[documented], doc=entries[documented].doc + "\n\nMore words.")
    changed = LibraryIndex(index.info, entries, index.vectors)
    kept_usages.docs_usages(changed, tmp_path)
    kept_usages.docs_usages(changed, tmp_path)
    assert len(mined) == 2


@pytest.mark.parametrize("damage", [b"\x00garbage", b"[1, 2]", b'{"key": 1}', b"{}", "wrong rows"])
def test_a_damaged_file_is_mined_again_and_replaced(index, tmp_path, monkeypatch, damage):
    mined = _counting(monkeypatch)
    expected = kept_usages.docs_usages(index, tmp_path)
    [kept] = tmp_path.iterdir()
    if damage == "wrong rows":  # the right key, rows of another shape
        data = kept.read_bytes()
        damage = data[: data.index(b'"usages"')] + b'"usages": [[1, 2, 3]]}'
    kept.write_bytes(damage)
    assert kept_usages.docs_usages(index, tmp_path) == expected
    assert kept_usages.docs_usages(index, tmp_path) == expected
    assert len(mined) == 2  # once at first, once for the damage, then read


def test_a_folder_that_cannot_be_written_still_gives_the_usages(index, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert kept_usages.docs_usages(index, blocked / "usages") == docstring_usages(index.catalogue)


def test_the_corpus_store_keeps_them_only_where_told(index, tmp_path, monkeypatch):
    mined = _counting(monkeypatch)
    kept = CorpusStore(kept_usages=tmp_path).for_index(index)
    assert CorpusStore(kept_usages=tmp_path).for_index(index).for_api("honeycomb.read_delimited") == \
        kept.for_api("honeycomb.read_delimited")
    assert len(mined) == 1
    plain = CorpusStore().for_index(index)  # no folder: mined each time, nothing kept
    assert len(list(tmp_path.iterdir())) == 1
    assert len(kept) == len(plain) > len(UsageCorpus(docstring_usages(index.catalogue)))  # the tests' usages too
    assert all(kept.for_api(e.import_path) == plain.for_api(e.import_path) for e in index.entries)

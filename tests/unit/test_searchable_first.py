"""A library indexed for the first time is searchable by its words while its vectors are encoded
(encoding is most of a cold build): the store hands out the index before its vectors, the
retriever ranks it by its words, and the server's libraries serve it meanwhile."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from apiary.docs.locate import locate
from apiary.engine.workspace import Libraries
from apiary.retrieval import store as store_module
from apiary.retrieval.encoder import HashingEncoder
from apiary.retrieval.hybrid import HybridRetriever
from apiary.retrieval.index import LibraryIndex
from apiary.retrieval.query import ApiQuery
from apiary.retrieval.store import IndexStore

WORDS = ["read", "write", "table", "row", "column", "filter", "sort", "group", "merge", "join", "split", "parse"]


def _api_file(folder: Path, count: int, undescribed: int = 0) -> Path:
    """``count`` described APIs, each with a distinct text to encode, and ``undescribed`` without one."""
    path = folder / "combs.jsonl"
    lines = []
    for i in range(count):
        a, b, c = WORDS[i % 12], WORDS[(i // 12) % 12], WORDS[(i * 7 + 3) % 12]
        name = f"{a}_{b}_{i}"
        lines.append(json.dumps({"name": name, "signature": f"{name}(value)",
                                 "description": f"{a.capitalize()} the {b} of a {c} number {i}."}))
    lines += [json.dumps({"name": f"bare_{i}", "signature": f"bare_{i}()"}) for i in range(undescribed)]
    path.write_text("\n".join(lines) + "\n")
    return path


class NotReady(HashingEncoder):
    """The same vectors, but reported as still loading: search then ranks by words alone."""

    ready = False


class Failing(HashingEncoder):
    def encode(self, texts):
        raise RuntimeError("the encoder broke")


def _many(tmp_path: Path) -> Path:
    return _api_file(tmp_path, store_module.SEARCHABLE_FIRST_TEXTS + 20)


@pytest.mark.parametrize("undescribed", [0, 7])
def test_a_cold_build_with_many_texts_hands_out_its_index_before_the_vectors(tmp_path: Path, undescribed: int):
    source = locate(str(_api_file(tmp_path, store_module.SEARCHABLE_FIRST_TEXTS + 20, undescribed)), name="combs")
    early: list[LibraryIndex] = []
    built = IndexStore(tmp_path / "cache", HashingEncoder()).get_or_build(source, serve=early.append)
    plain = IndexStore(tmp_path / "plain", HashingEncoder()).get_or_build(source)
    words_only, final = early
    assert final is built.index
    assert not words_only.encoded and final.encoded and plain.index.encoded
    assert [e.to_json() for e in words_only.entries] == [e.to_json() for e in plain.index.entries]
    np.testing.assert_array_equal(final.vectors, plain.index.vectors)
    assert not words_only.vectors.any()  # nothing encoded yet
    assert len(final.entries) == store_module.SEARCHABLE_FIRST_TEXTS + 20 + undescribed
    assert (final.described_rows is None) == (undescribed == 0)
    assert final.lexical is words_only.lexical  # what the entries gave is shared, not derived again
    # what was written is the whole index: a load gives the vectors
    loaded = IndexStore(tmp_path / "cache", HashingEncoder()).get_or_build(source)
    assert not loaded.rebuilt and loaded.index.encoded
    np.testing.assert_array_equal(loaded.index.vectors, plain.index.vectors)


def test_a_listener_that_fails_does_not_fail_the_build(tmp_path: Path):
    def closed(index: LibraryIndex) -> None:
        raise RuntimeError("Event loop is closed")

    built = IndexStore(tmp_path / "cache", HashingEncoder()).get_or_build(
        locate(str(_many(tmp_path)), name="combs"), serve=closed)
    assert built.rebuilt and built.index.encoded and built.index.vectors.any()


def test_few_texts_to_encode_build_in_one_step(tmp_path: Path):
    early: list[LibraryIndex] = []
    source = locate(str(_api_file(tmp_path, store_module.SEARCHABLE_FIRST_TEXTS - 1)), name="combs")
    built = IndexStore(tmp_path / "cache", HashingEncoder()).get_or_build(source, serve=early.append)
    assert early == [built.index] and built.rebuilt and built.index.encoded


def test_the_whole_index_is_served_before_it_is_stored(tmp_path: Path):
    source = locate(str(_api_file(tmp_path, 5)), name="combs")
    store = IndexStore(tmp_path / "cache", HashingEncoder())
    stored_when_told: list[bool] = []
    built = store.get_or_build(source, serve=lambda index: stored_when_told.append(
        (store.directory_for(source) / "meta.json").exists()))
    assert stored_when_told == [False] and built.rebuilt
    assert (store.directory_for(source) / "meta.json").exists()
    assert not store.get_or_build(source, serve=stored_when_told.append).rebuilt
    assert stored_when_told == [False]  # a load from the cache tells nothing


def test_an_index_without_its_vectors_ranks_by_words_as_a_search_without_query_vectors(tmp_path: Path):
    source = locate(str(_many(tmp_path)), name="combs")
    early: list[LibraryIndex] = []
    final = IndexStore(tmp_path / "cache", HashingEncoder()).get_or_build(source, serve=early.append).index
    query = ApiQuery(intent="merge the rows of a table")
    words = HybridRetriever(HashingEncoder(), [early[0]]).search(query, top_k=8)
    lexical = HybridRetriever(NotReady(), [final]).search(query, top_k=8)
    dense = HybridRetriever(HashingEncoder(), [final]).search(query, top_k=8)
    assert [(r.entry.import_path, r.score) for r in words] == [(r.entry.import_path, r.score) for r in lexical]
    assert all("dense" not in r.parts for r in words) and any("dense" in r.parts for r in dense)
    assert words[0].entry.name.startswith("merge_row") or words[0].entry.name.startswith("row_merge")


def _libraries(spec: str) -> Libraries:
    libraries = Libraries()
    libraries.configure([spec])
    return libraries


def test_the_server_serves_a_new_library_by_its_words_until_its_vectors_are_encoded(tmp_path: Path):
    spec = str(_many(tmp_path))
    libraries = _libraries(spec)
    seen: list[tuple[bool, bool, list[bool]]] = []

    def searchable(state) -> None:
        seen.append((state.ready, state.encoding, [ix.encoded for ix in libraries.indexes()]))

    store = IndexStore(tmp_path / "cache", HashingEncoder())
    state = libraries.build(spec, store, None, served=searchable)
    assert seen == [(False, True, [False]), (True, False, [True])]
    assert state.ready and not state.encoding and state.row()["encoding"] is False
    assert [ix.encoded for ix in libraries.indexes()] == [True]
    assert libraries.all_ready()  # ready once the vectors are in

    # built again (a saved file, into a cache without its vectors): the whole old index serves until
    # the new is whole, which serves before it is stored
    seen.clear()
    with Path(spec).open("a") as api_file:
        api_file.write(json.dumps({"name": "saved_later", "description": "Added by a saved edit."}) + "\n")
    again = libraries.build(spec, IndexStore(tmp_path / "other-cache", HashingEncoder()), None, served=searchable)
    assert seen == [(True, False, [True])] and again.ready and again.index.encoded
    assert again.apis == store_module.SEARCHABLE_FIRST_TEXTS + 21


def test_a_build_that_fails_after_it_was_searchable_serves_nothing_and_says_why(tmp_path: Path):
    spec = str(_many(tmp_path))
    libraries = _libraries(spec)
    states = []
    state = libraries.build(spec, IndexStore(tmp_path / "cache", Failing()), None, served=states.append)
    assert len(states) == 1
    assert state.error == "the encoder broke" and not state.ready and not state.encoding
    assert libraries.indexes() == []
    assert libraries.pending() == []  # reported, not waited for


@pytest.mark.parametrize("count", [0, 3])
def test_with_vectors_of_the_wrong_shape_is_refused(tmp_path: Path, count: int):
    source = locate(str(_many(tmp_path)), name="combs")
    early: list[LibraryIndex] = []
    IndexStore(tmp_path / "cache", HashingEncoder()).get_or_build(source, serve=early.append)
    with pytest.raises(ValueError, match="vectors of shape"):
        early[0].with_vectors(np.zeros((count, 256), dtype=np.float32))

"""The index cache: freshness, incremental rebuilds, corruption, and concurrent builders."""

from __future__ import annotations

import json
import multiprocessing
import textwrap
from pathlib import Path

import numpy as np
import pytest

from apiary.docs.locate import locate
from apiary.retrieval.cache import ENTRIES_FILE, INDEX_FORMAT_VERSION, read_index
from apiary.retrieval.encoder import HashingEncoder
from apiary.retrieval.store import IndexStore, UnknownLibrary


class CountingEncoder(HashingEncoder):
    """Counts how many texts it was asked to encode."""

    def __init__(self):
        super().__init__()
        self.encoded = 0

    def encode(self, texts):
        self.encoded += len(texts)
        return super().encode(texts)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "src" / "combs"
    root.mkdir(parents=True)
    (root / "__init__.py").write_text(textwrap.dedent('''
        """Combs."""
        def fill(cells, value=0):
            """Fill every empty cell with a value."""
        def count(cells):
            """Count the cells that hold honey."""
    '''))
    return root


def test_second_build_is_served_from_cache(tmp_path: Path, library: Path):
    encoder = CountingEncoder()
    store = IndexStore(tmp_path / "cache", encoder)
    first = store.get_or_build(locate(str(library)))
    assert first.rebuilt and encoder.encoded > 0
    encoded = encoder.encoded
    second = store.get_or_build(locate(str(library)))
    assert not second.rebuilt and encoder.encoded == encoded
    assert [e.import_path for e in second.index.entries] == [e.import_path for e in first.index.entries]
    np.testing.assert_array_equal(second.index.vectors, first.index.vectors)


def test_content_change_rebuilds_incrementally(tmp_path: Path, library: Path):
    encoder = CountingEncoder()
    store = IndexStore(tmp_path / "cache", encoder)
    store.get_or_build(locate(str(library)))
    before = encoder.encoded
    init = library / "__init__.py"
    init.write_text(init.read_text() + '\ndef drain(cells):\n    """Drain the honey from every cell."""\n')
    result = store.get_or_build(locate(str(library)))
    assert result.rebuilt
    assert "combs.drain" in {e.import_path for e in result.index.entries}
    assert encoder.encoded - before == 1  # only the new API's text was encoded
    assert result.reused_vectors == len(result.index.entries) - 1


@pytest.mark.parametrize("damage", ["truncate_vectors", "garbage_meta", "flip_entries", "delete_meta"])
def test_corrupt_cache_is_detected_and_rebuilt(tmp_path: Path, library: Path, damage: str):
    store = IndexStore(tmp_path / "cache", HashingEncoder())
    source = locate(str(library))
    directory = store.directory_for(source)
    store.get_or_build(source)
    if damage == "truncate_vectors":
        data = (directory / "vectors.npy").read_bytes()
        (directory / "vectors.npy").write_bytes(data[: len(data) // 2])
    elif damage == "garbage_meta":
        (directory / "meta.json").write_text("{not json")
    elif damage == "flip_entries":
        entries = directory / ENTRIES_FILE
        entries.write_text(entries.read_text().replace("Fill", "Flip"))
    else:
        (directory / "meta.json").unlink()
    result = store.get_or_build(source)
    assert result.rebuilt
    assert read_index(directory).info.api_count == result.index.info.api_count


def test_vectors_are_never_unpickled(tmp_path: Path, library: Path):
    store = IndexStore(tmp_path / "cache", HashingEncoder())
    source = locate(str(library))
    store.get_or_build(source)
    directory = store.directory_for(source)
    # An object array needs pickle to load; the cache must refuse it even with matching checksums.
    import hashlib
    import io

    buffer = io.BytesIO()
    np.save(buffer, np.array([object()], dtype=object), allow_pickle=True)
    (directory / "vectors.npy").write_bytes(buffer.getvalue())
    meta = json.loads((directory / "meta.json").read_text())
    meta["files"]["vectors.npy"] = hashlib.sha256(buffer.getvalue()).hexdigest()
    (directory / "meta.json").write_text(json.dumps(meta))
    assert store.get_or_build(source).rebuilt


def _build_in_process(cache: str, library: str, queue) -> None:
    store = IndexStore(Path(cache), CountingEncoder())
    result = store.get_or_build(locate(library))
    queue.put((result.rebuilt, len(result.index.entries)))


def test_two_processes_building_at_once_build_once(tmp_path: Path, library: Path):
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [
        context.Process(target=_build_in_process, args=(str(tmp_path / "cache"), str(library), queue)) for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    outcomes = [queue.get(timeout=5) for _ in workers]
    assert sorted(rebuilt for rebuilt, _ in outcomes) == [False, True]
    assert outcomes[0][1] == outcomes[1][1]
    store = IndexStore(tmp_path / "cache", HashingEncoder())
    assert not store.get_or_build(locate(str(library))).rebuilt


def test_unknown_library_lists_the_known_ones(tmp_path: Path, library: Path):
    store = IndexStore(tmp_path / "cache", HashingEncoder())
    store.get_or_build(locate(str(library)))
    with pytest.raises(UnknownLibrary, match="indexed: combs"):
        store.load("nope")
    assert store.load("combs").info.name == "combs"


@pytest.mark.slow
def test_the_plain_transformer_encoder_gives_sentence_transformers_vectors():
    from apiary.retrieval.encoder import (
        PooledTransformerEncoder,
        SentenceEncoder,
        default_encoder_dir,
        load_encoder,
    )

    texts = ["Creates mini-batches of data.", "read a csv file into a table", "x", "a longer description " * 40]
    fast = load_encoder(quantize=False)
    assert isinstance(fast, PooledTransformerEncoder)
    reference = SentenceEncoder(default_encoder_dir(), "reference").encode(texts)
    assert np.allclose((fast.encode(texts) * reference).sum(axis=1), 1.0, atol=1e-4)


def test_the_query_cache_encodes_a_repeated_text_once():
    from apiary.retrieval.encoder import CachedEncoder, HashingEncoder

    class Counting(HashingEncoder):
        calls: list[list[str]] = []

        def encode(self, texts):
            self.calls.append(list(texts))
            return super().encode(texts)

    inner = Counting()
    cached = CachedEncoder(inner, size=2)
    first = cached.encode(["read the csv", "keep big orders"])
    again = cached.encode(["keep big orders", "read the csv"])
    assert np.array_equal(first[::-1], again) and inner.calls == [["read the csv", "keep big orders"]]
    cached.encode(["a third text"])  # the cache holds two: the least recently used goes
    cached.encode(["read the csv"])
    assert inner.calls[-1] == ["a third text"]
    cached.encode(["keep big orders"])
    assert inner.calls[-1] == ["keep big orders"]
    assert cached.encode([]).shape == (0, 256) and cached.id == inner.id
    many = [f"text {i}" for i in range(40)]  # a bulk batch passes straight through
    assert np.array_equal(cached.encode(many), HashingEncoder().encode(many)) and inner.calls[-1] == many


def test_loading_a_cpu_encoder_leaves_numpy_one_blas_thread():
    """OpenBLAS's spinning idle threads slow the encoder's next pass on the same cores."""
    from threadpoolctl import threadpool_info

    from apiary.retrieval.encoder import load_encoder

    load_encoder(quantize=False)
    numpy_blas = [pool["num_threads"] for pool in threadpool_info() if "numpy" in pool["filepath"]]
    assert numpy_blas == [1]


def _derived_file(store: IndexStore, library: Path) -> Path:
    return store.directory_for(locate(str(library))) / "derived.json"


def test_a_warm_load_reads_the_derived_texts_and_ranks_as_a_fresh_index(tmp_path: Path, library: Path, monkeypatch):
    from apiary.retrieval.index import LibraryIndex

    store = IndexStore(tmp_path / "cache", HashingEncoder())
    fresh = store.get_or_build(locate(str(library))).index
    assert json.loads(_derived_file(store, library).read_text())["name_words"] == fresh.name_words
    monkeypatch.setattr(LibraryIndex, "derive", lambda self: pytest.fail("derived again on a warm load"))
    monkeypatch.setattr(
        LibraryIndex, "_lexical_index", lambda self, words: pytest.fail("BM25 built again on a warm load")
    )
    warm = read_index(store.directory_for(locate(str(library))))
    assert warm.name_words == fresh.name_words and warm.alternatives == fresh.alternatives
    assert warm.entries == fresh.entries and warm.param_classes == fresh.param_classes
    np.testing.assert_array_equal(warm.popularity, fresh.popularity)
    np.testing.assert_allclose(warm.lexical_scores(["fill", "cell"]), fresh.lexical_scores(["fill", "cell"]))
    assert warm.lexical.vocab_dict == fresh.lexical.vocab_dict and warm.lexical.method == fresh.lexical.method


def test_a_warm_load_checks_every_file_by_its_checksum(tmp_path: Path, library: Path, monkeypatch):
    """Each of the index's files is read once through the checksum check (bm25s then loads its own)."""
    store = IndexStore(tmp_path / "cache", HashingEncoder())
    store.get_or_build(locate(str(library)))
    directory = store.directory_for(locate(str(library)))
    reads: list[str] = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self.name) or real(self))
    read_index(directory)
    assert sorted(reads) == sorted(n for n in json.loads((directory / "meta.json").read_text())["files"])


@pytest.mark.parametrize("lie", ["code", "shape", "index", "popularity", "param_classes"])
def test_derived_texts_that_do_not_fit_are_derived_again(tmp_path: Path, library: Path, lie: str):
    """Another version's texts, lists of the wrong length, an alternative pointing past the entries:
    the load derives them anew (checksums only vouch for the bytes)."""
    import hashlib

    store = IndexStore(tmp_path / "cache", HashingEncoder())
    fresh = store.get_or_build(locate(str(library))).index
    path = _derived_file(store, library)
    data = json.loads(path.read_text())
    if lie == "code":
        data["code"] = "older"
    elif lie == "shape":
        data["name_words"] = data["name_words"][:-1]
    elif lie == "index":
        data["alternatives"][0] = [[len(fresh.entries) + 5]]
    elif lie == "popularity":
        data["popularity"] = ["many"] * len(fresh.entries)
    else:
        data["param_classes"] = data["param_classes"][:-1]
    path.write_text(json.dumps(data))
    meta_path = path.parent / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["files"]["derived.json"] = hashlib.sha256(path.read_bytes()).hexdigest()
    meta_path.write_text(json.dumps(meta))
    warm = read_index(path.parent)
    assert warm.alternatives == fresh.alternatives and warm.name_words == fresh.name_words
    assert warm.param_classes == fresh.param_classes and warm.popularity.tolist() == fresh.popularity.tolist()
    np.testing.assert_allclose(warm.lexical_scores(["count"]), fresh.lexical_scores(["count"]))


def test_damaged_bm25_files_are_built_again_from_the_entries(tmp_path: Path, library: Path):
    store = IndexStore(tmp_path / "cache", HashingEncoder())
    fresh = store.get_or_build(locate(str(library))).index
    directory = store.directory_for(locate(str(library)))
    (directory / "bm25.data.csc.index.npy").write_bytes(b"\x93NUMPY nonsense")
    warm = read_index(directory)
    np.testing.assert_allclose(warm.lexical_scores(["fill", "cell"]), fresh.lexical_scores(["fill", "cell"]))
    assert warm.lexical_scores(["fill", "cell"]).max() > 0


def test_texts_an_upgrade_made_stale_are_derived_on_one_load_and_stored_for_the_next(tmp_path: Path, library: Path,
                                                                                      monkeypatch):
    import hashlib

    store = IndexStore(tmp_path / "cache", HashingEncoder())
    fresh = store.get_or_build(locate(str(library))).index
    path = _derived_file(store, library)
    data = json.loads(path.read_text())
    data["code"] = "older"
    path.write_text(json.dumps(data))
    meta_path = path.parent / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["files"]["derived.json"] = hashlib.sha256(path.read_bytes()).hexdigest()
    meta_path.write_text(json.dumps(meta))
    first = store.get_or_build(locate(str(library)))
    assert not first.rebuilt and first.index.derived_here
    second = store.get_or_build(locate(str(library)))
    assert not second.rebuilt and not second.index.derived_here
    assert second.index.name_words == fresh.name_words and second.index.alternatives == fresh.alternatives
    np.testing.assert_allclose(second.index.lexical_scores(["count"]), fresh.lexical_scores(["count"]))
    assert json.loads(path.read_text())["code"] != "older"


def test_damaged_bm25_files_are_built_on_one_load_and_stored_for_the_next(tmp_path: Path, library: Path):
    store = IndexStore(tmp_path / "cache", HashingEncoder())
    fresh = store.get_or_build(locate(str(library))).index
    directory = store.directory_for(locate(str(library)))
    (directory / "bm25.data.csc.index.npy").write_bytes(b"\x93NUMPY nonsense")
    first = store.get_or_build(locate(str(library)))
    assert not first.rebuilt and first.index.derived_here
    second = store.get_or_build(locate(str(library)))
    assert not second.rebuilt and not second.index.derived_here
    np.testing.assert_allclose(second.index.lexical_scores(["fill", "cell"]), fresh.lexical_scores(["fill", "cell"]))


def _with_undocumented(library: Path) -> None:
    init = library / "__init__.py"
    init.write_text(init.read_text() + "\ndef spare(cells):\n    return cells\n")


def _rewrite(directory: Path, name: str, data: bytes) -> None:
    """``name`` replaced by ``data`` with its checksum in the meta: as another writer would leave it."""
    import hashlib

    (directory / name).write_bytes(data)
    meta = json.loads((directory / "meta.json").read_text())
    meta["files"][name] = hashlib.sha256(data).hexdigest()
    (directory / "meta.json").write_text(json.dumps(meta))


def test_only_the_described_entries_vectors_are_stored(tmp_path: Path, library: Path):
    _with_undocumented(library)
    store = IndexStore(tmp_path / "cache", HashingEncoder())
    source = locate(str(library))
    built = store.get_or_build(source).index
    spare = built.catalogue.by_path["combs.spare"]
    assert len(built.entries) == 4 and not built.entries[spare].description
    stored = np.load(store.directory_for(source) / "vectors.npy")
    assert stored.shape == (3, HashingEncoder().dim)
    loaded = store.get_or_build(source)
    assert not loaded.rebuilt
    np.testing.assert_array_equal(loaded.index.vectors, built.vectors)
    assert not loaded.index.vectors[spare].any() and not loaded.index.vector(spare).any()
    fill = built.catalogue.by_path["combs.fill"]
    np.testing.assert_array_equal(loaded.index.vector(fill), built.vectors[fill])
    query = HashingEncoder().encode(["fill the empty cells"])
    np.testing.assert_array_equal(loaded.index.dense_scores(query), built.dense_scores(query))


def test_a_cache_with_a_vector_for_every_entry_still_loads_and_is_reused(tmp_path: Path, library: Path):
    import io

    _with_undocumented(library)
    encoder = CountingEncoder()
    store = IndexStore(tmp_path / "cache", encoder)
    source = locate(str(library))
    built = store.get_or_build(source).index
    directory = store.directory_for(source)
    buffer = io.BytesIO()
    np.save(buffer, built.vectors, allow_pickle=False)  # one row per entry, as caches before 2026-12
    _rewrite(directory, "vectors.npy", buffer.getvalue())
    loaded = store.get_or_build(source)
    assert not loaded.rebuilt
    np.testing.assert_array_equal(loaded.index.vectors, built.vectors)
    before = encoder.encoded
    init = library / "__init__.py"
    init.write_text(init.read_text() + '\ndef drain(cells):\n    """Drain the honey from every cell."""\n')
    again = store.get_or_build(source)
    assert again.rebuilt and encoder.encoded - before == 1 and again.reused_vectors == 3


@pytest.mark.parametrize("index_format", [4, 5, 6])
def test_a_cache_of_an_older_format_is_known_and_rebuilt_reusing_its_vectors(tmp_path: Path, library: Path,
                                                                           index_format: int):
    """Format 7 reads from the code whether a method is called on its class: no older cache holds it,
    so one is rebuilt; until then it is listed and found by name, and its vectors are reused."""
    encoder = CountingEncoder()
    store = IndexStore(tmp_path / "cache", encoder)
    source = locate(str(library))
    built = store.get_or_build(source).index
    directory = store.directory_for(source)
    meta = json.loads((directory / "meta.json").read_text())
    meta["format"] = index_format
    (directory / "meta.json").write_text(json.dumps(meta))
    assert [info.name for info in store.known()] == ["combs"]
    before = encoder.encoded
    again = store.get_or_build(source)
    assert again.rebuilt and encoder.encoded == before and again.reused_vectors == 3
    assert again.index.entries == built.entries
    assert json.loads((directory / "meta.json").read_text())["format"] == INDEX_FORMAT_VERSION == 7
    assert sorted(p.name for p in directory.glob("entries.*")) == [ENTRIES_FILE] == ["entries.columns.jsonl"]


def test_encode_entries_gives_the_described_entries_vectors_each_text_encoded_once():
    from apiary.docs.entry import ApiEntry, ApiKind
    from apiary.retrieval.index import dense_text, encode_entries, entry_text_keys, text_key

    def entry(name: str, description: str) -> ApiEntry:
        return ApiEntry(name, f"combs.{name}", f"combs.{name}", ApiKind.FUNCTION, "combs", description=description)

    entries = [entry("fill", "Fill the cells."), entry("spare", ""), entry("fill", "Fill the cells."),
               entry("count", "Count the cells.")]
    keys = entry_text_keys(entries)
    assert keys == [text_key(dense_text(entries[0])), None, keys[0], text_key(dense_text(entries[3]))]
    encoder = CountingEncoder()
    vectors = encode_entries(entries, encoder)
    assert vectors.shape == (3, encoder.dim) and vectors.dtype == np.float32
    assert encoder.encoded == 2  # the twice-written text once
    expected = HashingEncoder().encode([dense_text(entries[0]), dense_text(entries[3])])
    np.testing.assert_array_equal(vectors, expected[[0, 0, 1]])
    reused = encode_entries(entries, encoder, reuse={keys[0]: np.ones(encoder.dim, np.float32)}, keys=keys)
    assert encoder.encoded == 3  # only "count" again
    np.testing.assert_array_equal(reused[0], np.ones(encoder.dim))
    np.testing.assert_array_equal(reused[2], expected[1])
    assert encode_entries([entries[1]], encoder).shape == (0, encoder.dim)

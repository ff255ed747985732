"""The encoder that loads in the background: lexical answers while it loads, never an index built
from a stand-in, and a clear error when the weights cannot be loaded."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from apiary.docs.ingest import ingest
from apiary.docs.locate import locate
from apiary.retrieval.encoder import DeferredEncoder, EncoderError, HashingEncoder, deferred_encoder, is_ready
from apiary.retrieval.hybrid import HybridRetriever
from apiary.retrieval.index import LibraryIndex, LibraryInfo, encode_entries
from apiary.retrieval.query import ApiQuery

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "library"


def gated(encoder, gate: threading.Event):
    def load():
        gate.wait(10)
        return encoder
    return load


def test_queries_answer_lexically_until_the_weights_are_in_and_densely_after():
    inner, gate = HashingEncoder(), threading.Event()
    deferred = DeferredEncoder(gated(inner, gate), inner.id, inner.dim)
    assert not is_ready(deferred)
    with pytest.raises(EncoderError, match="still loading"):
        deferred.wait(timeout=0.01)
    entries = ingest(locate(str(EXAMPLE))).entries
    info = LibraryInfo("honeycomb", "1", "tree", str(EXAMPLE), "tree:x", "h", inner.id, 0.0, len(entries))
    index = LibraryIndex(info, entries, encode_entries(entries, inner))
    retriever = HybridRetriever(deferred, [index])
    lexical = retriever.search(ApiQuery(intent="read a delimited text file"), top_k=3)
    assert lexical and all("dense" not in s.parts for s in lexical)  # answered without waiting
    gate.set()
    assert deferred.wait(timeout=5) is inner and is_ready(deferred)
    dense = retriever.search(ApiQuery(intent="read a delimited text file"), top_k=3)
    assert any("dense" in s.parts for s in dense)


def test_encode_waits_for_the_weights_so_no_index_is_built_from_a_stand_in():
    inner, gate = HashingEncoder(), threading.Event()
    deferred = DeferredEncoder(gated(inner, gate), inner.id, inner.dim)
    threading.Timer(0.05, gate.set).start()
    assert deferred.encode(["x"]).shape == (1, inner.dim)


def test_a_broken_encoder_is_reported_to_whoever_waits():
    def broken():
        raise EncoderError("cannot load the encoder at /nowhere: no config")

    deferred = DeferredEncoder(broken, "x", 4)
    with pytest.raises(EncoderError, match="no config"):
        deferred.wait(timeout=5)
    assert not is_ready(deferred)


def test_an_encoder_that_is_not_what_its_files_said_is_refused():
    deferred = DeferredEncoder(lambda: HashingEncoder(dim=8), "hashing-8", 16)
    with pytest.raises(EncoderError, match="8 dimensions"):
        deferred.wait(timeout=5)


def test_the_bundled_encoder_is_known_before_it_loads(tmp_path, monkeypatch):
    import apiary.retrieval.encoder as module
    import apiary.retrieval.onnx_encoder as onnx_module

    monkeypatch.setenv("APIARY_CACHE_DIR", str(tmp_path / "cache"))  # no exported encoder there
    monkeypatch.setattr(onnx_module, "export_for_queries", lambda spec=None: None)  # and none can be made

    with pytest.raises(EncoderError, match="not a directory"):  # no files to read: loaded (and refused) at once
        deferred_encoder(str(tmp_path / "missing"))
    loaded = []
    monkeypatch.setattr(module, "load_encoder", lambda *args: loaded.append(args) or HashingEncoder())
    encoder = deferred_encoder(None)  # its id and size from its files; the (stand-in) load runs behind
    assert (encoder.id, encoder.dim) == ("all-MiniLM-L6-v2-int8", 384)
    with pytest.raises(EncoderError, match="not all-MiniLM-L6-v2-int8"):
        encoder.wait(timeout=5)  # the stand-in is not what the files said: refused, not used
    assert loaded == [(None, "cpu", True)]
    assert deferred_encoder("hashing").id == HashingEncoder().id  # no weights: at once

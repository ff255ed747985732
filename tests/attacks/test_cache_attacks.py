"""A cache that lies (issue "Security and robustness", item 13): valid JSON of the wrong shape in
meta.json, and vectors of the wrong dimension whose checksums match. Both are rebuilt, never trusted."""

from __future__ import annotations

import hashlib
import io
import json

import numpy as np
import pytest
from tests.e2e.lsp_helpers import LIBRARY

from apiary.docs.locate import locate
from apiary.retrieval.encoder import HashingEncoder
from apiary.retrieval.store import IndexStore


def built(tmp_path):
    store = IndexStore(tmp_path / "cache", HashingEncoder())
    source = locate(str(LIBRARY))
    result = store.get_or_build(source)
    return store, source, store.directory_for(source), len(result.index.entries)


@pytest.mark.parametrize("damage", [
    lambda meta: {**meta, "library": "honeycomb"},
    lambda meta: {**meta, "library": {**meta["library"], "encoder_id": 7}},
    lambda meta: {**meta, "files": []},
    lambda meta: {**meta, "text_keys": {"a": 1}},
    lambda meta: {k: v for k, v in meta.items() if k != "library"},
])
def test_meta_of_the_wrong_shape_is_rebuilt(tmp_path, damage):
    store, source, directory, count = built(tmp_path)
    meta_file = directory / "meta.json"
    meta_file.write_text(json.dumps(damage(json.loads(meta_file.read_text()))))
    again = IndexStore(tmp_path / "cache", HashingEncoder()).get_or_build(source)
    assert again.rebuilt and len(again.index.entries) == count


def test_vectors_of_another_dimension_with_matching_checksums_are_rebuilt(tmp_path):
    store, source, directory, count = built(tmp_path)
    buffer = io.BytesIO()
    np.save(buffer, np.ones((count, 7), dtype=np.float32), allow_pickle=False)
    (directory / "vectors.npy").write_bytes(buffer.getvalue())
    meta = json.loads((directory / "meta.json").read_text())
    meta["files"]["vectors.npy"] = hashlib.sha256(buffer.getvalue()).hexdigest()
    (directory / "meta.json").write_text(json.dumps(meta))
    again = IndexStore(tmp_path / "cache", HashingEncoder()).get_or_build(source)
    assert again.rebuilt and again.index.vectors.shape == (count, HashingEncoder().dim)

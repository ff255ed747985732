"""The corpus snapshot: a warm build reads one folder instead of assembling the per-root caches."""

from __future__ import annotations

import json
import math
import os
import textwrap
import time

import numpy as np
import pytest

from apiary.retrieval.encoder import HashingEncoder
from apiary.sequences import mine as mining
from apiary.sequences import snapshot as snapshots
from apiary.sequences.compose import ApiNames, SequenceStats
from apiary.sequences.extract import COMMENT, ApiSeqPair
from apiary.sequences.mine import CorpusRoot, fingerprint
from apiary.sequences.service import build_recommender
from apiary.sequences.snapshot import LazyPairs, read_snapshot, remove_stale, write_snapshot

HASHING = '''
    import hashlib
    def md5_hex(data):
        """Compute the md5 hash code of some bytes."""
        h = hashlib.md5()
        h.update(data)
        return h.hexdigest()
    def sha_hex(data):
        """Compute the sha256 digest of some bytes."""
        h = hashlib.sha256()
        h.update(data)
        return h.hexdigest()
'''
FILES = '''
    import shutil
    def copy_file(src, dst):
        """Copy a file to the destination path."""
        shutil.copy(src, dst)
'''


def _roots(tmp_path) -> list[CorpusRoot]:
    roots = []
    for name, code, origin in (("hashing", HASHING, "stdlib"), ("files", FILES, "workspace")):
        folder = tmp_path / name
        folder.mkdir()
        (folder / f"{name}_ops.py").write_text(textwrap.dedent(code))
        roots.append(CorpusRoot(folder, frozenset(), origin))
    return roots


NO_NAMES = ApiNames({}, 2, {})
PAIRS = [
    ApiSeqPair("Compute the md5 hash code.", ("hashlib.md5", "hashlib.HASH::update"), "a.py", "md5_hex"),
    ApiSeqPair("Copy a file somewhere.", ("shutil.copy",), "b.py", "copy_file", COMMENT),
]


def test_a_snapshot_reads_back_what_was_written_and_decodes_pairs_on_demand(tmp_path):
    vectors = np.arange(2 * 4, dtype=np.float32).reshape(2, 4)
    names = ApiNames({"md5": 1, "copy": 1}, 3, {"md5": ["hashlib.md5"]})
    write_snapshot(tmp_path, "k1", PAIRS, vectors, names, "lex")
    snapshot = read_snapshot(tmp_path, "k1", 4)
    assert isinstance(snapshot.pairs, LazyPairs) and len(snapshot.pairs) == 2
    assert snapshot.pairs[1] == PAIRS[1] and list(snapshot.pairs) == PAIRS and snapshot.pairs[0:1] == PAIRS[:1]
    np.testing.assert_array_equal(snapshot.vectors, vectors)
    assert (snapshot.names, snapshot.lexical_key) == (names, "lex")
    assert read_snapshot(tmp_path, "other", 4) is None
    assert list(tmp_path.iterdir()) == [tmp_path / "corpus-k1"]  # nothing half-written left beside it


@pytest.mark.parametrize("damage", ["pairs", "vectors", "dimension", "meta"])
def test_a_damaged_snapshot_is_ignored(tmp_path, damage):
    write_snapshot(tmp_path, "k", PAIRS, np.zeros((2, 4), dtype=np.float32), NO_NAMES, "lex")
    folder = tmp_path / "corpus-k"
    if damage == "pairs":
        (folder / "pairs.jsonl").write_bytes((folder / "pairs.jsonl").read_bytes().splitlines()[0] + b"\n")
    elif damage == "vectors":
        (folder / "vectors.npy").write_bytes(b"\x93NUMPY garbage")
    elif damage == "meta":
        (folder / "meta.json").write_text("{")
    assert read_snapshot(tmp_path, "k", 5 if damage == "dimension" else 4) is None


def test_only_the_most_recent_snapshots_are_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(snapshots, "KEPT_SNAPSHOTS", 2)
    now = time.time()
    for age, key in enumerate(("old", "mid", "new")):
        write_snapshot(tmp_path, key, PAIRS, np.zeros((2, 4), dtype=np.float32), NO_NAMES, "lex")
        os.utime(tmp_path / f"corpus-{key}", (now - 100 + age, now - 100 + age))
    write_snapshot(tmp_path, "newest", PAIRS, np.zeros((2, 4), dtype=np.float32), NO_NAMES, "lex")
    assert sorted(p.name for p in tmp_path.glob("corpus-*")) == ["corpus-new", "corpus-newest"]


def test_a_second_build_answers_the_same_from_the_snapshot_without_the_root_caches(tmp_path, monkeypatch):
    roots = _roots(tmp_path)
    cache = tmp_path / "cache"
    first = build_recommender(HashingEncoder(), roots=roots, cache=cache).suggest("md5 hash code", top_k=3)
    [snapshot] = cache.glob("corpus-*")
    uses = set(json.loads((snapshot / "meta.json").read_text())["uses"])
    assert {p.name for p in cache.glob("*.jsonl")} | {p.name for p in cache.glob("vectors-*.npy")} == uses
    assert len(uses) == 4  # each root's pairs and vectors
    for per_root in cache.glob("*.jsonl"):
        per_root.unlink()  # the snapshot alone must answer
    monkeypatch.setattr(mining, "mine_files", lambda *a, **k: pytest.fail("mined again"))
    again = build_recommender(HashingEncoder(), roots=roots, cache=cache)
    assert isinstance(again.index.pairs, LazyPairs)
    assert again.suggest("md5 hash code", top_k=3) == first
    assert first[0].apis[0] == "hashlib.md5"


def test_an_edited_workspace_file_makes_a_new_snapshot(tmp_path):
    roots = _roots(tmp_path)
    cache = tmp_path / "cache"
    build_recommender(HashingEncoder(), roots=roots, cache=cache)
    (roots[1].path / "files_ops.py").write_text(textwrap.dedent(FILES) + textwrap.dedent('''
        import os
        def rename_file(a, b):
            """Rename a file on disk."""
            os.rename(a, b)
    '''))
    rebuilt = build_recommender(HashingEncoder(), roots=roots, cache=cache)
    assert rebuilt.suggest("rename a file on disk", top_k=1)[0].apis == ("os.rename",)
    assert len(list(cache.glob("corpus-*"))) == 2


def test_a_build_cut_short_by_its_deadline_keeps_no_snapshot(tmp_path):
    roots = _roots(tmp_path)
    roots[1] = CorpusRoot(roots[1].path, frozenset(), "site-packages")
    recommender = build_recommender(HashingEncoder(), roots=roots, cache=tmp_path / "cache", deadline=0.0)
    assert recommender.unmined == (roots[1],)
    assert list((tmp_path / "cache").glob("corpus-*")) == []


def test_installed_code_is_fingerprinted_by_its_folders_and_a_workspace_by_its_files(tmp_path):
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "mod.py").write_text("x = 1\n")
    installed, workspace = CorpusRoot(folder, origin="site-packages"), CorpusRoot(folder, origin="workspace")
    keys = fingerprint([installed]), fingerprint([workspace])
    os.utime(folder, ns=(0, 0))  # the folder's own time, kept apart from its file's below
    folder_only = fingerprint([installed])
    (folder / "mod.py").write_text("x = 22\n")
    os.utime(folder, ns=(0, 0))
    assert fingerprint([installed]) == folder_only != keys[0]  # an edit in place: installed code is not edited
    assert fingerprint([workspace]) != keys[1]
    (folder / "new.py").write_text("y = 1\n")  # installing adds or replaces files: the folder changes
    assert fingerprint([installed]) != folder_only


def test_stats_with_names_from_a_snapshot_weigh_words_without_counting_the_pairs():
    counted = SequenceStats(PAIRS)
    assert counted.names() == ApiNames({"hashlib": 1, "md": 1, "md5": 1, "updat": 1, "hash": 1, "shutil": 1, "copi": 1},
                                       3, {"md5": ["hashlib.md5"]})

    class Untouchable(list):
        def __iter__(self):
            raise AssertionError("the pairs were read")

    given = SequenceStats(Untouchable(PAIRS), names=counted.names())
    assert given.name_word_weight("md5") == counted.name_word_weight("md5") == pytest.approx(math.log(4 / 2))
    assert given.name_word_weight("absent") == counted.name_word_weight("absent") == pytest.approx(math.log(4))


def test_cache_files_unused_for_a_month_are_removed_and_a_snapshots_own_stay_in_use(tmp_path):
    now, month = time.time(), snapshots.STALE_AFTER_S
    for name in ("old.jsonl", "vectors-old.npy", "fresh.jsonl", "used.jsonl", ".bm25-scratch"):
        (tmp_path / name).write_text("x")
    (tmp_path / "bm25-old").mkdir()
    for name in ("old.jsonl", "vectors-old.npy", "bm25-old", ".bm25-scratch"):
        os.utime(tmp_path / name, (now - month - 60, now - month - 60))
    write_snapshot(tmp_path, "k", PAIRS, np.zeros((2, 4), dtype=np.float32), NO_NAMES, "lex", uses=["used.jsonl"])
    assert sorted(p.name for p in tmp_path.iterdir()) == [".bm25-scratch", "corpus-k", "fresh.jsonl", "used.jsonl"]
    os.utime(tmp_path / "used.jsonl", (now - month - 60, now - month - 60))  # a month of warm queries later
    assert read_snapshot(tmp_path, "k", 4) is not None  # a warm read dates what it was made from as used
    assert remove_stale(tmp_path) == []
    assert sorted(remove_stale(tmp_path, now=now + month + 3600)) == ["corpus-k", "fresh.jsonl", "used.jsonl"]

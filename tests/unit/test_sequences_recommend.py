"""The recommender on a small mined set, with the hashing encoder (no model weights needed)."""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pytest

from apiary.retrieval.encoder import HashingEncoder
from apiary.sequences import mine as mining
from apiary.sequences.compose import SequenceStats, compose
from apiary.sequences.extract import ApiSeqPair
from apiary.sequences.mine import (
    CorpusRoot,
    PairCache,
    fingerprint,
    library_roots,
    mine,
    read_pairs,
    with_canonical_docs,
    workspace_root,
)
from apiary.sequences.neighbours import PairIndex, description_vectors
from apiary.sequences.recommend import Recommender, Suggestion, merge

CODE = {
    "files.py": '''
        import os, shutil
        def copy_file(src, dst):
            """Copy a file to the destination path."""
            shutil.copy(src, dst)
        def remove_tree(top):
            """Delete files and folders in a directory."""
            for root, dirs, files in os.walk(top):
                for name in files:
                    os.remove(os.path.join(root, name))
                os.rmdir(root)
        def rename_file(a, b):
            """Rename a file on disk."""
            os.rename(a, b)
    ''',
    "hashing.py": '''
        import hashlib
        def md5_hex(data):
            """Compute the md5 hash code of some bytes."""
            h = hashlib.md5()
            h.update(data)
            return h.hexdigest()
        def md5_again(data):
            """Another md5 hash code of the data."""
            h = hashlib.md5()
            h.update(data)
            return h.hexdigest()
        def test_md5():
            """Check md5 hash code works in a test."""
            hashlib.md5()
    ''',
    "broken.py": "def f(:\n",
}


@pytest.fixture
def workspace(tmp_path):
    for name, text in CODE.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    return tmp_path


RETURNS = {"hashlib.md5": "hashlib.HASH"}


def test_mining_filters_and_skips_bad_files(workspace):
    pairs = mine([workspace_root(workspace)], RETURNS)
    assert {p.function for p in pairs} == {"copy_file", "remove_tree", "rename_file", "md5_hex", "md5_again"}
    assert all(p.path.startswith(str(workspace)) for p in pairs)


def test_pair_cache_mines_once_and_remines_on_change(workspace, tmp_path_factory):
    cache = PairCache(tmp_path_factory.mktemp("cache"))
    roots = [workspace_root(workspace)]
    first = cache.load_or_mine(roots, RETURNS)
    files = list(cache.directory.glob("*.jsonl"))
    assert len(files) == 1 and with_canonical_docs(read_pairs(files[0])) == first
    assert cache.load_or_mine(roots, RETURNS) == first
    before = fingerprint(roots)
    (workspace / "more.py").write_text(
        'import json\ndef save_object(o):\n    """Serialize an object as JSON."""\n    return json.dumps(o)\n'
    )
    assert fingerprint(roots) != before
    assert any(p.function == "save_object" for p in cache.load_or_mine(roots, RETURNS))
    files[0].write_text("{not json\n")  # a damaged cache is ignored, not trusted
    assert read_pairs(files[0]) is None


def test_library_roots_include_examples_and_tests_beside_the_package(tmp_path):
    (tmp_path / "lib" / "mylib").mkdir(parents=True)
    (tmp_path / "lib" / "mylib" / "__init__.py").write_text("")
    (tmp_path / "lib" / "examples").mkdir()
    roots = library_roots(tmp_path / "lib" / "mylib", "mylib")
    assert [r.path.name for r in roots] == ["mylib", "examples"]
    assert all("mylib" in r.project_modules for r in roots)


def test_neighbours_rank_the_matching_description_first(workspace, tmp_path_factory):
    pairs = mine([workspace_root(workspace)], RETURNS)
    cache = tmp_path_factory.mktemp("vectors")
    recommender = Recommender(PairIndex(pairs, HashingEncoder(), cache))
    top = recommender.suggest("generate md5 hash code", top_k=3)
    assert top[0].apis == ("hashlib.md5", "hashlib.HASH::update", "hashlib.HASH::hexdigest")
    assert top[0].source == "mined" and "md5" in top[0].example
    assert len({s.apis for s in top}) == len(top)  # one suggestion per sequence
    assert recommender.suggest("copy a file to your destination path")[0].apis == ("shutil.copy",)
    assert recommender.suggest("   ") == []
    vectors = list(cache.glob("*.npy"))
    assert len(vectors) == 1 and np.load(vectors[0], allow_pickle=False).shape == (len(pairs), 256)


def test_votes_and_agreement_raise_scores():
    a, b = ("x.a",), ("x.b",)
    merged = merge([Suggestion(a, 0.5, "mined"), Suggestion(b, 0.52, "mined"), Suggestion(a, 0.4, "docs")])
    assert [s.apis for s in merged] == [a, b]


class FakeModel:
    def predict(self, query, k):
        return [(("socket.socket",), 0.99)] if "socket" in query else []


def test_model_and_documentation_sources(workspace):
    pairs = mine([workspace_root(workspace)], RETURNS)

    def api_search(query, k):
        return [("hashlib.md5", 0.8), ("os.rename", 0.3)]

    recommender = Recommender(PairIndex(pairs, HashingEncoder()), model=FakeModel(), api_search=api_search)
    top = recommender.suggest("create socket", top_k=5)
    assert (top[0].apis, top[0].source) == (("socket.socket",), "model")
    assert top[0].score > 0.99  # the model's probability, plus the query naming socket
    docs = [s for s in top if s.source == "docs"]
    # the retrieved API extended with the calls mined code makes on its result
    assert docs and docs[0].apis == ("hashlib.md5", "hashlib.HASH::update", "hashlib.HASH::hexdigest")


def test_composition_orders_retrieved_apis_as_mined_code_calls_them():
    pairs = [ApiSeqPair("d e f", ("a.open", "a.read", "a.close"), "p", "f")] * 3
    stats = SequenceStats(pairs)
    assert stats.order(["a.close", "a.open"]) == ["a.open", "a.close"]
    composed = dict(compose([("a.read", 0.9), ("a.open", 0.7)], stats))
    assert ("a.open", "a.read") in composed and ("a.read",) in composed


def test_suggestion_json():
    assert json.loads(json.dumps(Suggestion(("a.b",), 0.123456, "mined").to_json())) == {
        "apis": ["a.b"], "score": 0.1235, "source": "mined"}


def _two_roots(tmp_path):
    roots = []
    for name in ("alpha", "beta"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / f"{name}_ops.py").write_text(
            textwrap.dedent(CODE["files.py"] if name == "alpha" else CODE["hashing.py"])
        )
        roots.append(CorpusRoot(folder, frozenset(), "site-packages"))
    return roots


def test_each_root_is_mined_and_cached_on_its_own(tmp_path, monkeypatch):
    roots = _two_roots(tmp_path)
    cache = PairCache(tmp_path / "cache")
    first = cache.corpus(roots)
    assert len(list(cache.directory.glob("*.jsonl"))) == 2 and first.left == ()
    (roots[1].path / "more.py").write_text(
        'import json\ndef save_object(o):\n    """Serialize an object as JSON."""\n    return json.dumps(o)\n'
    )
    mined = []
    real = mining.mine_files
    monkeypatch.setattr(mining, "mine_files", lambda root, *a, **k: mined.append(root.path.name) or real(root, *a, **k))
    again = cache.corpus(roots)
    assert mined == ["beta"]
    assert {p.function for p in again.pairs} == {p.function for p in first.pairs} | {"save_object"}


def test_roots_not_cached_by_the_deadline_are_left_for_later(tmp_path):
    roots = _two_roots(tmp_path)
    cache = PairCache(tmp_path / "cache")
    cache.corpus(roots[:1])
    late = cache.corpus(roots, deadline=0.0)  # long past: only what is cached already
    assert late.left == (roots[1],)
    assert {p.function for p in late.pairs} == {"copy_file", "remove_tree", "rename_file"}
    assert cache.corpus(roots).left == ()


def test_description_vectors_are_cached_per_set_so_a_new_root_encodes_only_its_own(tmp_path):
    class Counting(HashingEncoder):
        texts = 0

        def encode(self, texts, **kwargs):
            Counting.texts += len(texts)
            return super().encode(texts, **kwargs)

    encoder = Counting()
    first = description_vectors(["Copy a file."], encoder, tmp_path) | description_vectors(
        ["Rename a file."], encoder, tmp_path
    )
    assert Counting.texts == 2
    again = {}
    for descriptions in (["Copy a file."], ["Rename a file."], ["Hash the bytes.", "Copy a file."]):
        again |= description_vectors(descriptions, encoder, tmp_path)
    assert Counting.texts == 4  # the new group's two texts; the first two were read back
    np.testing.assert_array_equal(again["Copy a file."], first["Copy a file."])


def test_a_package_cut_short_by_the_deadline_waits_and_the_standard_library_is_mined_whole(tmp_path, monkeypatch):
    roots = _two_roots(tmp_path)
    for root in roots:
        (root.path / "zz_more.py").write_text(
            'import json\ndef save_object(o):\n    """Serialize an object as JSON."""\n    return json.dumps(o)\n'
        )
    roots[0] = CorpusRoot(roots[0].path, frozenset(), "stdlib")
    now = [0.0]
    monkeypatch.setattr(mining.time, "monotonic", lambda: now[0])
    real = mining.extract_file

    def slow_extract(*args, **kwargs):
        now[0] += 10.0  # each file takes ten (fake) seconds
        return real(*args, **kwargs)

    monkeypatch.setattr(mining, "extract_file", slow_extract)
    cache = PairCache(tmp_path / "cache")
    cut = cache.corpus(roots, deadline=25.0)  # the second root's first file is mined, then time is up
    assert cut.left == (roots[1],)
    assert {p.function for p in cut.pairs} == {"copy_file", "remove_tree", "rename_file", "save_object"}
    assert len(list(cache.directory.glob("*.partial-1.jsonl"))) == 1
    extracted = []
    monkeypatch.setattr(
        mining, "extract_file", lambda path, *args, **kwargs: extracted.append(path.name) or real(path, *args, **kwargs)
    )
    whole = cache.corpus(roots)  # goes on where the first run stopped
    assert whole.left == () and extracted == ["zz_more.py"]
    assert {p.function for p in whole.pairs} >= {"md5_hex", "save_object"}
    assert list(cache.directory.glob("*.partial-*")) == []


def test_bm25_over_the_pairs_is_built_once_per_corpus_and_read_back(workspace, tmp_path, monkeypatch):
    from apiary.sequences import neighbours

    pairs = mine([workspace_root(workspace)], RETURNS)
    first = PairIndex(pairs, HashingEncoder(), lexical_cache=tmp_path).search("md5 hash code", k=3)
    assert len(list(tmp_path.glob("bm25-*"))) == 1
    monkeypatch.setattr(neighbours, "_lexical_index", lambda documents: pytest.fail("BM25 built again"))
    again = PairIndex(pairs, HashingEncoder(), lexical_cache=tmp_path).search("md5 hash code", k=3)
    assert [(n.pair, round(n.similarity, 6)) for n in again] == [(n.pair, round(n.similarity, 6)) for n in first]


def test_variant_words_keep_letters_and_digits_together():
    from apiary.words import variant_words

    assert variant_words("generate md5 and SHA256 of base64 into a BZ2File") == ["md5", "sha256", "base64", "bz2"]
    assert variant_words("copy a file") == []


def test_a_query_naming_a_variant_prefers_it_over_its_siblings():
    from apiary.sequences.recommend import with_mentions
    from apiary.weights import SequenceWeights

    weights = SequenceWeights(mention_bonus=0.3)
    candidates = [Suggestion(("hashlib.sha256",), 0.86, "mined"), Suggestion(("hashlib.md5",), 0.84, "mined"),
                  Suggestion(("hashlib.sha1",), 0.80, "mined")]
    for query, wanted in (("sha1 of a file", "hashlib.sha1"), ("md5 hex of a string", "hashlib.md5"),
                          ("sha256 checksum", "hashlib.sha256")):
        ranked = with_mentions(candidates, query, weights=weights)
        assert ranked[0].apis == (wanted,), query
    sha1 = {s.apis[0]: round(s.score, 4) for s in with_mentions(candidates, "sha1 digest", weights=weights)}
    # the query's words are sha, digest and sha1, one each: hashlib.sha1 spells two of the three;
    # hashlib.sha256 spells "sha" but names another variant of "sha1", which takes one back
    assert sha1 == {"hashlib.sha1": round(0.80 + 0.3 * 2 / 3, 4), "hashlib.sha256": 0.86, "hashlib.md5": 0.84}


def test_a_request_is_cut_into_steps_only_where_each_says_something():
    from apiary.sequences.recommend import query_steps

    assert query_steps("read a csv file and sum a column") == ["read a csv file", "sum a column"]
    assert query_steps("download a page, then parse its json") == ["download a page", "parse its json"]
    assert query_steps("mean and standard deviation of a list") == ["mean and standard deviation of a list"]
    assert query_steps("copy file") == ["copy file"]
    assert query_steps("a b and c d and e f and g h and i j") == ["a b and c d and e f and g h and i j"]


def test_a_request_in_two_steps_gets_both_in_order(workspace, tmp_path_factory):
    from apiary.weights import SequenceWeights

    pairs = mine([workspace_root(workspace)], RETURNS)
    weights = SequenceWeights(steps_weight=1.5)  # above any one sequence, to see the joined one
    recommender = Recommender(PairIndex(pairs, HashingEncoder(), weights=weights), weights=weights)
    top = recommender.suggest("compute the md5 hash code of some bytes and then rename a file on disk")[0]
    assert top.source == "steps"
    assert top.apis == ("hashlib.md5", "hashlib.HASH::update", "hashlib.HASH::hexdigest", "os.rename")
    assert top.example.endswith("rename a file on disk: os.rename")
    single = Recommender(PairIndex(pairs, HashingEncoder(), weights=weights), weights=weights)
    assert all(s.source != "steps" for s in single.suggest("rename a file on disk"))


def test_a_query_naming_a_variant_gets_it_where_nearby_code_only_calls_a_sibling():
    from apiary.weights import SequenceWeights

    pairs = [ApiSeqPair("Compute the sha256 checksum of a file on disk.", ("hashlib.sha256",), "a.py", "of_file"),
             ApiSeqPair("Make the object id of a git blob.", ("hashlib.sha1",), "b.py", "blob_id"),
             ApiSeqPair("Make the digest of a zip member.", ("zlib.crc32",), "c.py", "member_digest")]
    weights = SequenceWeights(mention_bonus=0.25, steps_weight=0.0)
    recommender = Recommender(PairIndex(pairs, HashingEncoder(), weights=weights), weights=weights)
    top = recommender.suggest("get the sha1 checksum of a file", top_k=3)
    assert [s.apis for s in top[:2]] == [("hashlib.sha1",), ("hashlib.sha256",)]
    assert top[0].example == top[1].example  # the same neighbours' evidence, the named variant swapped in
    assert recommender.suggest("the sha256 checksum of a file", top_k=1)[0].apis == ("hashlib.sha256",)


def test_sibling_swaps_name_the_querys_variant_in_the_siblings_module():
    from apiary.sequences.recommend import sibling_swaps

    by_variant = {"sha1": ["hashlib.sha1"], "sha256": ["hashlib.sha256", "hub.insecure_hashlib.sha256"],
                  "sha512": ["hashlib.sha512"], "md5": ["hashlib.md5"]}
    assert sibling_swaps("the sha1 of a file", by_variant) == {"hashlib.sha256": "hashlib.sha1",
                                                               "hashlib.sha512": "hashlib.sha1"}
    assert sibling_swaps("md5 of a string", by_variant) == {}  # no other "md" variant
    assert sibling_swaps("copy a file", by_variant) == {}


def test_asked_about_a_library_its_apis_outrank_what_its_internals_call():
    from apiary.weights import SequenceWeights

    pairs = [ApiSeqPair("Sum the amounts of every row of the table.", ("decimal.Decimal", "builtins.sum"),
                        "agate/aggregations/sum.py", "Sum.run")]

    def api_search(query, k):
        return [("agate.Table::aggregate", 0.4), ("agate.Sum", 0.3)]

    weights = SequenceWeights(steps_weight=0.0, library_bonus=1.0)
    anywhere = Recommender(PairIndex(pairs, HashingEncoder(), weights=weights), api_search=api_search,
                           weights=weights)
    assert anywhere.suggest("sum the amounts of every row", top_k=1)[0].apis == ("decimal.Decimal", "builtins.sum")
    asked = Recommender(PairIndex(pairs, HashingEncoder(), weights=weights), api_search=api_search,
                        weights=weights, libraries={"agate"})
    top = asked.suggest("sum the amounts of every row", top_k=3)
    assert [s.apis for s in top] == [("agate.Table::aggregate",), ("agate.Sum",), ("decimal.Decimal", "builtins.sum")]


def test_library_share_counts_each_call_and_needs_a_library():
    from apiary.docs.entry import ApiEntry, ApiKind
    from apiary.retrieval.index import LibraryIndex, LibraryInfo
    from apiary.sequences.recommend import library_modules, with_library_share
    from apiary.weights import SequenceWeights

    weights = SequenceWeights(library_bonus=1.0)
    mixed = Suggestion(("agate.Table", "os.path.join"), 0.5, "mined")
    pure = Suggestion(("agate.Table",), 0.2, "docs")
    other = Suggestion(("csv.reader",), 0.9, "mined")
    ranked = with_library_share([other, mixed, pure], {"agate"}, weights)
    assert [(s.apis, round(s.score, 3)) for s in ranked] == [
        (("agate.Table",), 1.2), (("agate.Table", "os.path.join"), 1.0), (("csv.reader",), 0.9)]
    assert with_library_share([other, mixed], frozenset(), weights) == [other, mixed]

    def index(*paths):
        entries = [ApiEntry(name=p.rsplit(".", 1)[-1], qualname=p, import_path=p, kind=ApiKind.CLASS, library="x")
                   for p in paths]
        info = LibraryInfo("x", "1", "tree", "x", "x", "h", "e", 0.0, len(entries))
        return LibraryIndex(info, entries,
                            np.zeros((0, 4), dtype=np.float32))

    assert library_modules([index("agate.Table", "agate"), index("leather.Chart.add_line")]) == {
        "agate", "leather", "x"}  # and each library's own name


def test_documentation_is_searched_with_the_code_around_the_request_when_there_is_some():
    from apiary.retrieval.query import ApiQuery
    from apiary.weights import SequenceWeights

    asked = []

    def api_search(query, k):
        asked.append(query)
        return [("agate.Table::where", 0.5)]

    recommender = Recommender(api_search=api_search, weights=SequenceWeights(steps_weight=0.85))
    assert recommender.suggest("keep the big orders", top_k=1)[0].apis == ("agate.Table::where",)
    assert asked == ["keep the big orders"]
    asked.clear()
    context = ApiQuery(intent="read the orders and keep the big ones", clauses=("read the orders", "keep the big ones"),
                       libraries=("agate",), receiver="orders")
    recommender.suggest("read the orders and keep the big ones", top_k=1, context=context)
    assert [(q.intent, q.clauses, q.libraries, q.receiver) for q in asked] == [
        ("read the orders and keep the big ones", context.clauses, ("agate",), "orders"),  # the whole request
        ("read the orders", (), ("agate",), "orders"),  # then each step
        ("keep the big ones", (), ("agate",), "orders"),
    ]


def test_a_librarys_own_code_calls_its_apis_where_they_are_defined_and_answers_name_them_as_users_import_them():
    from apiary.docs.catalogue import Catalogue
    from apiary.docs.entry import ApiEntry, ApiKind
    from apiary.sequences.recommend import public_names

    def entry(path, qualname, kind, owner=None):
        return ApiEntry(name=path.rsplit(".", 1)[-1], qualname=qualname, import_path=path, kind=kind,
                        library="agate", owner=owner)

    class Index:
        catalogue = Catalogue("agate", [entry("agate.Column", "agate.columns.Column", ApiKind.CLASS),
                                        entry("agate.Column.values", "agate.columns.Column.values", ApiKind.METHOD,
                                              owner="agate.Column")])

    public = public_names([Index()])
    assert [public(a) for a in ("agate.columns.Column", "agate.columns.Column::values", "os.path.join")] == [
        "agate.Column", "agate.Column::values", "os.path.join"]
    assert public_names([]) is None
    pairs = [ApiSeqPair("List the values of a column.", ("agate.columns.Column", "agate.columns.Column::values",
                                                         "agate.columns.Column::values"), "agate/x.py", "f")]
    recommender = Recommender(PairIndex(pairs, HashingEncoder()), public_name=public)
    assert recommender.suggest("list the values of a column")[0].apis == (
        "agate.Column", "agate.Column::values", "agate.Column::values")  # repeated calls stay


def test_the_best_documented_api_is_scored_on_the_neighbours_scale_not_as_a_probability_among_hundreds():
    from apiary.sequences.recommend import relative_to_best

    assert relative_to_best([("t.keep_where", 0.2), ("t.pick", 0.05)]) == [("t.keep_where", 1.0), ("t.pick", 0.25)]
    assert relative_to_best([]) == [] and relative_to_best([("t.x", 0.0)]) == [("t.x", 0.0)]
    pairs = [ApiSeqPair("Drop re-sent orders and tidy the names.", ("t.Table::dedupe",), "w/clean.py", "clean")]

    def api_search(query, k):
        return [("t.Table::keep_where", 0.17), ("t.Table::pick", 0.03)]

    recommender = Recommender(PairIndex(pairs, HashingEncoder()), api_search=api_search, libraries={"t"})
    top = recommender.suggest("keep only the orders above 100 euros", top_k=2)
    assert top[0].apis == ("t.Table::keep_where",) and top[0].source == "docs"


def test_a_request_in_steps_gets_the_librarys_bonus_once_as_any_other_sequence():
    from apiary.weights import SequenceWeights

    def api_search(query, k):
        step = query.intent if hasattr(query, "intent") else query
        return [("agate.Table::from_csv" if step.startswith("read") else "agate.Table::where", 0.5)]

    weights = SequenceWeights(steps_weight=0.85, library_bonus=1.0, mention_bonus=0.0)
    recommender = Recommender(api_search=api_search, weights=weights, libraries={"agate"})
    found = {s.source: s for s in recommender.suggest("read the orders file and keep the big orders", top_k=5)}
    one_api = weights.docs_weight  # a step's best documented API, before the bonus for the library asked about
    assert found["steps"].apis == ("agate.Table::from_csv", "agate.Table::where")
    assert round(found["steps"].score, 6) == round(0.85 * one_api + 1.0, 6)
    assert round(found["docs"].score, 6) == round(one_api + 1.0, 6)

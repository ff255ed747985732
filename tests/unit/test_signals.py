"""The retriever's signals, each on a small library with exact values: what the file calls, what it
imports, which objects are in scope, where an API sits, and the ranks of the dense and lexical scores."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from apiary.context import extract_context_from_prefix
from apiary.docs.python_package import find_layout, read_package
from apiary.retrieval.encoder import HashingEncoder
from apiary.retrieval.index import LibraryIndex, LibraryInfo, encode_entries
from apiary.retrieval.query import context_text, enclosing_function, query_from_context
from apiary.retrieval.signals import compute_signals, query_vectors
from apiary.retrieval.tables import StemColumns

LIBRARY = {
    "shop/__init__.py": "from .orders import Orders, load\n",
    "shop/orders.py": '''
        class Orders:
            """A list of orders."""
            def total(self) -> float:
                """Sum the order amounts."""
            @property
            def count(self) -> int:
                """How many orders."""
        def load(path) -> Orders:
            """Read orders from a file."""
    ''',
}


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> LibraryIndex:
    root = tmp_path_factory.mktemp("lib")
    for relative, text in LIBRARY.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(textwrap.dedent(text))
    entries = read_package(find_layout(root / "shop"), "shop").entries
    encoder = HashingEncoder()
    info = LibraryInfo("shop", "1", "tree", str(root), "tree:x", "h", encoder.id, 0.0, len(entries))
    return LibraryIndex(info, entries, encode_entries(entries, encoder))


def _signals(index: LibraryIndex, code: str) -> dict[str, dict[str, float]]:
    query = query_from_context(extract_context_from_prefix(code))
    values = compute_signals(index, query, query_vectors(HashingEncoder(), query, 2))
    return {name: {e.import_path: float(v[i]) for i, e in enumerate(index.entries)} for name, v in values.items()}


def test_the_shape_of_each_api(index):
    shape = {name: {e.import_path: float(v[i]) for i, e in enumerate(index.entries)} for name, v in index.shape.items()}
    assert shape["kind_class"]["shop.Orders"] == 1.0 and shape["kind_method"]["shop.Orders.total"] == 1.0
    assert shape["kind_attribute"]["shop.Orders.count"] == 1.0 and shape["kind_function"]["shop.load"] == 1.0
    assert shape["path_depth"]["shop.load"] == 0.0 and shape["path_depth"]["shop.Orders.total"] == pytest.approx(1 / 3)
    assert set(shape) == {"kind_class", "kind_function", "kind_method", "kind_attribute", "kind_external", "path_depth"}


def test_what_the_file_calls_imports_and_holds(index):
    code = "import shop\norders = shop.load('a')\nshop.load('b')\nshop.load('c')\n# how much did we sell\n"
    signals = _signals(index, code)
    assert signals["file_calls"]["shop.load"] == pytest.approx(np.log1p(3) / np.log1p(10))
    assert signals["file_calls"]["shop.Orders.total"] == 0.0
    assert signals["imported_parent"]["shop.load"] == 1.0 and signals["imported_parent"]["shop.Orders.total"] == 0.0
    # `orders` is an Orders: its members are reachable, so not "unreachable"
    assert signals["member_unreachable"]["shop.Orders.total"] == 0.0
    bare = _signals(index, "import shop\n# how much did we sell\n")
    assert bare["member_unreachable"]["shop.Orders.total"] == 1.0 and bare["member_unreachable"]["shop.load"] == 0.0


def test_ranks_are_one_over_one_plus_the_rank_and_zero_without_a_score(index):
    signals = _signals(index, "import shop\n# read orders from a file\n")
    lexical = signals["lexical"]
    best = max(lexical, key=lexical.get)
    assert signals["lexical_rank"][best] == 1.0
    assert all(signals["lexical_rank"][path] == 0.0 for path, score in lexical.items() if score == 0)
    assert sorted(signals["dense_rank"].values(), reverse=True)[:2] == [1.0, 0.5]


def test_the_context_text_reads_the_enclosing_function_and_the_assigned_name():
    code = "import shop\n\ndef monthly_report(path):\n    # add them up\n    grand_total = "
    assert context_text(extract_context_from_prefix(code)) == "add them up (in monthly report) -> grand total"
    assert context_text(extract_context_from_prefix("import shop\n# add them up\n")) == ""
    assert enclosing_function("def a():\n    pass\ndef b():\n    x = 1\n", 4) == "b"
    assert enclosing_function("def a():\n    pass\n", 0) is None


def test_a_rebound_name_keeps_the_type_of_what_it_was_made_from(index):
    code = "import shop\norders = shop.load('a')\norders = orders\n# how much\n"
    assert _signals(index, code)["type_affinity"]["shop.Orders.total"] == 1.0
    rebound = "import shop\norders = shop.load('a')\norders = orders.total()\norders = shop.load('b')\n# sum\n"
    assert _signals(index, rebound)["type_affinity"]["shop.Orders.total"] == 1.0


def test_a_subclass_the_file_defines_has_its_library_bases_methods(index):
    code = "from shop import Orders\n\nclass Mine(Orders):\n    pass\n\nmine = Mine()\n# how much did we sell\n"
    query = query_from_context(extract_context_from_prefix(code))
    assert query.local_classes == (("Mine", ("shop.Orders",)),)
    signals = _signals(index, code)
    assert signals["type_affinity"]["shop.Orders.total"] == 1.0
    assert signals["has_instance"]["shop.Orders"] == 1.0 and signals["has_instance_short"]["shop.Orders"] == 1.0


def test_a_short_file_turns_its_setup_signals_into_their_short_twins(index):
    short = _signals(index, "import shop\norders = shop.load('a')\n# how much did we sell\n")
    assert short["recently_called"]["shop.load"] == 1.0 and short["recently_called_short"]["shop.load"] == 1.0
    long_file = "import shop\n" + "x = 1\n" * 20 + "orders = shop.load('a')\n# how much did we sell\n"
    signals = _signals(index, long_file)
    assert signals["recently_called"]["shop.load"] == 1.0 and signals["recently_called_short"]["shop.load"] == 0.0


def test_name_words_match_as_stems_or_prefixes_of_three_letters_or_more():
    columns = StemColumns.of([["read", "table"], ["tab"], ["re"], ["keep", "where"]])
    assert sorted(columns.matching("tabl")) == ["tab", "tabl"]
    assert list(columns.scores({"tabl"}, 4)) == [0.5, 1.0, 0.0, 0.0]
    assert list(columns.scores({"re"}, 4)) == [0.0, 0.0, 1.0, 0.0]  # two letters: the word itself only


def test_prefix_lookup_finds_exactly_the_paths_under_a_module():
    from apiary.retrieval.tables import PrefixLookup

    lookup = PrefixLookup.of(["a.b.c", "a.bc.d", None, "a.b", "a.b.e.f", "b.a.b.x"])
    assert sorted(lookup.under("a.b").tolist()) == [0, 4]  # not "a.bc.d", not "a.b" itself
    assert lookup.under("zzz").tolist() == []


def test_array_lookup_makes_each_array_on_first_use_and_misses_like_a_dict():
    from collections import defaultdict

    from apiary.retrieval.tables import ArrayLookup

    rows = defaultdict(list, {"pkg.Table": [1, 2], "pkg.io": [5]})
    lookup = ArrayLookup(rows)
    assert lookup["pkg.Table"].tolist() == [1, 2] and lookup["pkg.Table"].dtype == np.int64
    assert lookup["pkg.Table"] is lookup["pkg.Table"]
    assert "pkg.Frame" not in lookup and lookup.get("pkg.Frame") is None and len(rows) == 2
    assert sorted(lookup) == ["pkg.Table", "pkg.io"] and len(lookup) == 2
    assert ArrayLookup({"w": [0.5]}, np.float32)["w"].dtype == np.float32


def test_a_query_vector_asked_twice_scores_as_asked_once(index):
    vectors = HashingEncoder().encode(["read orders from a file", "sum the amounts"])
    twice = index.dense_scores(np.stack([vectors[0], vectors[1], vectors[0]]))
    once = np.stack([index.dense_scores(vectors[i : i + 1])[0] for i in (0, 1, 0)])
    assert twice.shape == (3, len(index.entries)) and np.array_equal(twice, once)


def test_without_other_context_the_context_scores_and_ranks_are_the_intents(index):
    values = compute_signals(index, *_query_and_vectors("import shop\n# read orders from a file\n"))
    assert values["dense_context"] is values["dense"] and values["dense_context_rank"] is values["dense_rank"]
    inside = compute_signals(index, *_query_and_vectors("import shop\ndef report():\n    # read orders from a file\n"))
    assert inside["dense_context"] is not inside["dense"]


def _query_and_vectors(code: str):
    query = query_from_context(extract_context_from_prefix(code))
    return query, query_vectors(HashingEncoder(), query, 2)

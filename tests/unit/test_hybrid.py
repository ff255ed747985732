"""Ranking with the weight-free hashing encoder: each context signal moves the right API. The
weights are the hand-set ones, fixed here, so these tests pin the mechanism whatever a refit ships
(the fitted file's own tests are in test_weights.py and the e2e retrieval examples)."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from apiary.context import extract_context_from_prefix
from apiary.docs.python_package import find_layout, read_package
from apiary.retrieval.encoder import HashingEncoder
from apiary.retrieval.hybrid import HybridRetriever
from apiary.retrieval.index import LibraryIndex, LibraryInfo, encode_entries
from apiary.retrieval.query import query_from_context
from apiary.weights import RetrievalWeights

LIBRARY = {
    "hive/__init__.py": '''
        from .frames import Frame, load_frame
        from .pipes import Pipe, Repeater, Cycler
        __all__ = ["Frame", "load_frame", "Pipe", "Repeater", "Cycler"]
    ''',
    "hive/frames.py": '''
        class Frame:
            """A table of rows."""
            def __init__(self, rows): ...
            def keep(self, predicate) -> "Frame":
                """Keep the rows for which the predicate holds."""
            def split(self, n: int) -> list["Frame"]:
                """Cut the frame into n frames of equal size."""
            def sort_rows(self, key) -> "Frame":
                """Sort the rows by a key."""
        def load_frame(path) -> Frame:
            """Load a frame from a file of rows."""
        def keep_rows(frame, predicate):
            """Keep rows of any frame-like sequence where predicate holds."""
    ''',
    "hive/pipes.py": '''
        class Pipe:
            """A lazy stream of items."""
            def repeat(self, times: int) -> "Pipe":
                """Repeat each item several times before the next item.

                To repeat the whole stream in order several times, use :class:`.Cycler`.
                """
            def cycle(self, times: int) -> "Pipe":
                """Go through the whole stream again from its start."""
        class Repeater(Pipe):
            """Repeat each item several times before the next item (functional name: ``repeat``)."""
            def __init__(self, source: Pipe, times: int): ...
        class Cycler(Pipe):
            """Go through the whole stream again from its start (functional name: ``cycle``)."""
            def __init__(self, source: Pipe, times: int): ...
    ''',
}


@pytest.fixture(scope="module")
def retriever(tmp_path_factory) -> HybridRetriever:
    root = tmp_path_factory.mktemp("lib")
    for relative, text in LIBRARY.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    entries = read_package(find_layout(root / "hive"), "hive").entries
    encoder = HashingEncoder()
    info = LibraryInfo("hive", "1", "tree", str(root), "tree:x", "h", encoder.id, 0.0, len(entries))
    index = LibraryIndex(info, entries, encode_entries(entries, encoder))
    return HybridRetriever(encoder, [index], RetrievalWeights())


def names(retriever: HybridRetriever, code: str, k: int = 5) -> list[str]:
    return [r.entry.name for r in retriever.search(query_from_context(extract_context_from_prefix(code)), top_k=k)]


def test_the_comment_finds_the_api(retriever):
    assert names(retriever, "import hive\n# load a frame from the rows file\nf =")[0] == "load_frame"


def test_results_are_distinct_by_name(retriever):
    found = names(retriever, "from hive import Pipe\np = Pipe()\n# repeat items\nq =", k=10)
    assert len(found) == len(set(found))


def test_methods_of_the_receiver_only_after_a_dot(retriever):
    code = "from hive import load_frame\nf = load_frame('x')\nf."
    found = retriever.search(query_from_context(extract_context_from_prefix(code)), top_k=10)
    assert {r.entry.owner for r in found} == {"hive.Frame"}


def test_an_imported_but_unused_name_comes_first(retriever):
    code = "from hive import Frame, Cycler\nf = Frame([])\n# do it\nx ="
    assert names(retriever, code)[0] == "Cycler"


def test_methods_of_objects_in_scope_beat_free_functions(retriever):
    code = "from hive import load_frame\nf = load_frame('x')\n# keep rows where the predicate holds\ng ="
    assert names(retriever, code)[0] == "keep"
    bare = "import hive\n# keep rows where the predicate holds\ng ="
    assert "keep_rows" in names(retriever, bare)[:2]


def test_unpacking_several_names_prefers_apis_returning_a_list(retriever):
    code = "from hive import load_frame\nf = load_frame('x')\n# sort or cut the frame\na, b ="
    assert names(retriever, code)[0] == "split"


def test_the_alternative_the_docs_recommend_is_lifted_next_to_the_top_result(retriever):
    code = "from hive import Pipe\np = Pipe()\n# repeat each item several times\nq ="
    found = names(retriever, code)
    assert found[0] == "repeat"
    assert found.index("cycle") <= 2  # Pipe.repeat's docs say: to repeat the whole stream, use Cycler


def test_no_intent_and_no_receiver_gives_nothing(retriever):
    assert names(retriever, "x = 1\n") == []


def test_documentation_search_for_sequences_keeps_the_retrievers_ranking(retriever):
    from apiary.sequences.recommend import hybrid_api_search

    search = hybrid_api_search(retriever)
    found = search("keep the rows where the predicate holds", 3)
    assert found[0][0] == "hive.Frame::keep"  # methods in sequence notation
    assert [score for _, score in found] == sorted((score for _, score in found), reverse=True)
    assert all(0.0 <= score <= 1.0 for _, score in found)


class _Loading(HashingEncoder):
    ready = False  # an encoder whose weights are still loading gives no query vectors


def test_without_query_vectors_the_lexical_weights_rank(retriever):
    index = retriever._indexes()[0]
    query = query_from_context(extract_context_from_prefix("import hive\n# load a frame from the rows file\nf ="))
    dense_weights, lexical_weights = RetrievalWeights(lexical=0.0), RetrievalWeights(lexical=5.0)
    loading = HybridRetriever(_Loading(), [index], dense_weights, lexical_weights=lexical_weights)
    ready = HybridRetriever(HashingEncoder(), [index], dense_weights, lexical_weights=lexical_weights)
    assert any("lexical" in s.parts for s in loading.search(query))
    assert not any("lexical" in s.parts for s in ready.search(query)) and any(
        "dense" in s.parts for s in ready.search(query)
    )


class _Favours:
    """A stand-in API reranker that likes one name, and counts its calls."""

    def __init__(self, name: str):
        self.name, self.calls = name, 0

    def scores(self, query, entries):
        self.calls += 1
        return np.asarray([10.0 if e.name == self.name else 0.0 for e in entries], dtype=np.float32)


def test_the_api_reranker_reorders_the_best_candidates_by_its_weight(retriever):
    from dataclasses import replace

    index = retriever._indexes()[0]
    query = query_from_context(extract_context_from_prefix("import hive\n# load a frame from the rows file\nf ="))
    first = retriever.search(query)[0].entry.name
    favoured = next(name for name in ("keep_rows", "Cycler") if name != first)
    reranker = _Favours(favoured)
    weighed = HybridRetriever(HashingEncoder(), [index], replace(RetrievalWeights(), cross_encoder=1.0), reranker)
    top = weighed.search(query)[0]
    assert top.entry.name == favoured and top.parts["cross_encoder"] == 10.0
    unweighed = HybridRetriever(HashingEncoder(), [index], RetrievalWeights(), _Favours(favoured))
    assert unweighed.search(query)[0].entry.name == first and unweighed.reranker.calls == 0  # weight 0: never run


def test_a_recommended_api_comes_with_its_twins(retriever):
    """Pipe.repeat's docs recommend Cycler; Cycler's declared functional name makes Pipe.cycle its twin."""
    from apiary.retrieval.index import alternative_groups

    index = retriever._indexes()[0]
    at = index.catalogue.by_path
    groups = alternative_groups(index.entries, index.catalogue.by_name)
    assert groups[at["hive.Pipe.repeat"]] == [sorted([at["hive.Cycler"], at["hive.Pipe.cycle"]])]
    assert groups[at["hive.Pipe.cycle"]] == []


def test_an_api_in_two_groups_of_twins_has_both():
    """B shares its summary with A and declares C as its functional name: all three are one API."""
    from apiary.docs.catalogue import Catalogue
    from apiary.docs.entry import ApiEntry, ApiKind
    from apiary.retrieval.index import alternative_groups

    shared = "Go through the whole stream again from its start."
    entries = [
        ApiEntry("A", "m.A", "m.A", ApiKind.CLASS, "m", doc=shared),
        ApiEntry("B", "m.B", "m.B", ApiKind.CLASS, "m", doc=f"{shared}\n\nFunctional name: ``c``."),
        ApiEntry("c", "m.P.c", "m.P.c", ApiKind.METHOD, "m", doc="Cycle."),
        ApiEntry("d", "m.P.d", "m.P.d", ApiKind.METHOD, "m",
                 doc="Repeat each item.\n\nTo repeat the whole stream in order several times, use :class:`.B`."),
    ]
    groups = alternative_groups(entries, Catalogue("m", entries).by_name)
    assert groups == [[], [], [], [[0, 1, 2]]]

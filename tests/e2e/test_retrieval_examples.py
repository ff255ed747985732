"""The real dense encoder on the bundled example library: comments written for it find their API."""

from __future__ import annotations

from pathlib import Path

import pytest

from apiary.context import extract_context_from_prefix
from apiary.docs.locate import locate
from apiary.retrieval.encoder import load_encoder
from apiary.retrieval.hybrid import HybridRetriever
from apiary.retrieval.query import query_from_context
from apiary.retrieval.store import IndexStore

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "library"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def retriever(tmp_path_factory) -> HybridRetriever:
    encoder = load_encoder()
    store = IndexStore(tmp_path_factory.mktemp("cache"), encoder)
    index = store.get_or_build(locate(str(EXAMPLES))).index
    return HybridRetriever(encoder, [index])


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            "import honeycomb as hc\nt = hc.read_delimited('orders.csv')\n"
            "# sort the orders by total, largest first\nt =",
            "arrange",
        ),
        (
            "import honeycomb as hc\nt = hc.read_delimited('orders.csv')\n# count the orders per country\ncounts =",
            "tally",
        ),
        ("import honeycomb as hc\n# read the orders from the csv file\norders =", "read_delimited"),
        (
            "from honeycomb.stats import percentile\nlatencies = [1, 2, 3]\n# 90th percentile of the latencies\np90 =",
            "percentile",
        ),
        ("import honeycomb as hc\ntitle = 'Quarterly report'\n# make a url slug from the title\nname =", "slug"),
        (
            "import honeycomb as hc\nt = hc.Table([])\nother = hc.Table([])\n"
            "# join the two tables on the customer id\njoined =",
            "stitch",
        ),
    ],
)
def test_comment_finds_the_api_in_the_top_three(retriever, code, expected):
    found = [r.entry.name for r in retriever.search(query_from_context(extract_context_from_prefix(code)), top_k=3)]
    assert expected in found, found


def test_receiver_type_restricts_completions_to_its_methods(retriever):
    code = "import honeycomb as hc\nt = hc.read_delimited('orders.csv')\nt."
    found = retriever.search(query_from_context(extract_context_from_prefix(code)), top_k=50, distinct_names=False)
    assert found and {r.entry.owner for r in found} == {"honeycomb.Table"}

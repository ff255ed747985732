"""`make demo`: index the bundled private library and ask Apiary what a few comments need.

Each query is the text before the cursor, as an editor would send it. The index lives in the user
cache directory (`apiary libs` lists it); the second run reuses it.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from apiary.context import extract_context_from_prefix  # noqa: E402
from apiary.docs.locate import locate  # noqa: E402
from apiary.paths import index_dir  # noqa: E402
from apiary.retrieval.encoder import load_encoder  # noqa: E402
from apiary.retrieval.hybrid import HybridRetriever  # noqa: E402
from apiary.retrieval.query import query_from_context  # noqa: E402
from apiary.retrieval.store import IndexStore  # noqa: E402

HERE = Path(__file__).parent
WORKSPACE = HERE / "workspace"

CONTEXTS = [
    ("the unfinished report in the workspace", (WORKSPACE / "new_report.py").read_text() + "big_orders ="),
    ("a method on a table in scope", "import honeycomb as hc\nt = hc.read_delimited('orders.csv')\n# count the orders per country\nper_country ="),
    ("two values unpacked", "from honeycomb import Stream\nids = Stream(range(10))\n# split the ids into batches of three\nfirst, second ="),
    ("a name imported for the job", "from honeycomb.stats import percentile\nlatency_ms = [120, 95, 310]\n# what 95% of requests stay under\np95 ="),
    ("completion after a dot", "import honeycomb as hc\norders = hc.read_delimited('orders.csv')\norders."),
]


def main() -> int:
    started = time.perf_counter()
    encoder = load_encoder()
    print(f"encoder {encoder.id} loaded in {time.perf_counter() - started:.1f} s")
    store = IndexStore(index_dir(), encoder)
    build = store.get_or_build(locate(str(HERE / "library")))
    info = build.index.info
    state = "built" if build.rebuilt else "loaded from cache"
    print(f"{info.name} {info.version}: {info.api_count} APIs {state} in {build.seconds:.2f} s ({index_dir()})\n")
    retriever = HybridRetriever(encoder, [build.index])
    for title, text in CONTEXTS:
        context = extract_context_from_prefix(text)
        query = query_from_context(context)
        started = time.perf_counter()
        results = retriever.search(query, top_k=5)
        elapsed = (time.perf_counter() - started) * 1000
        last_line = text.rstrip("\n").splitlines()[-1]
        print(f"-- {title}: intent {context.intent!r}, cursor after {last_line!r}  ({elapsed:.1f} ms)")
        for rank, result in enumerate(results, 1):
            entry = result.entry
            print(f"   {rank}. {result.score:5.2f}  {entry.import_path}{entry.signature}")
            if entry.description:
                print(f"            {entry.description}")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

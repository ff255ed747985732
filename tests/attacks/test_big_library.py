"""A library of 100,000 APIs (issue "Security and robustness", item 7): it indexes and answers in
bounded memory, since nothing is sized APIs times distinct name words (the name-stem table is sparse)."""

from __future__ import annotations

import json
import random
import subprocess
import sys

from tests.e2e.lsp_helpers import ROOT

WORDS = ["read", "write", "table", "row", "column", "filter", "sort", "group", "merge", "join", "split", "parse",
         "format", "date", "time", "url", "path", "file", "cache", "retry", "graph", "node", "edge", "matrix"]

PROGRAM = """
import resource, sys, tempfile
from pathlib import Path
from apiary.docs.locate import locate
from apiary.retrieval.encoder import HashingEncoder
from apiary.retrieval.hybrid import HybridRetriever
from apiary.retrieval.query import ApiQuery
from apiary.retrieval.store import IndexStore
built = IndexStore(Path(tempfile.mkdtemp()), HashingEncoder()).get_or_build(locate(sys.argv[1]))
found = HybridRetriever(HashingEncoder(), [built.index]).search(ApiQuery(intent="merge the graph nodes"))
print(len(built.index.entries), found[0].entry.name, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def test_a_100000_api_library_indexes_and_answers_in_under_1_5_gb(tmp_path):
    rng = random.Random(0)
    doc_file = tmp_path / "big.jsonl"
    with doc_file.open("w") as out:
        for i in range(100_000):
            words = rng.sample(WORDS, 3)
            name = "_".join(words) + f"_{i}"
            out.write(
                json.dumps(
                    {
                        "name": name,
                        "signature": f"{name}(x)",
                        "description": f"{words[0]} the {words[1]} of {words[2]}.",
                    }
                )
                + "\n"
            )
    done = subprocess.run([sys.executable, "-c", PROGRAM, str(doc_file)], capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(ROOT / "server"), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    count, best, peak_mb = done.stdout.split()
    assert count == "100000" and {"merge", "graph", "node"} <= set(best.split("_"))
    assert int(peak_mb) < 1536, f"peak {peak_mb} MB"

"""De-duplication, the block split and the CERT corpora."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from apiary.generation.sketch import CONSTANT_SYMBOLS
from apiary_training.corpus.blocks import split_blocks
from apiary_training.corpus.cert import generator_text, sketcher_text
from apiary_training.corpus.dedup import Deduplicator, jaccard
from apiary_training.corpus.pipeline import CleanFile

PROJECT = Path(__file__).parents[1] / "fixtures" / "corpus" / "project"
SUMMARY = (PROJECT / "reports" / "summary.py").read_text()
CLEANING = (PROJECT / "cleaning.py").read_text()


def clean(text: str) -> CleanFile:
    return CleanFile("x.py", text, ast.parse(text))


def test_exact_duplicates_ignore_whitespace():
    dedup = Deduplicator()
    assert dedup.check(SUMMARY) is None
    assert dedup.check(SUMMARY.replace("\n\n\n", "\n\n").replace("    ", "  ")) == "exact duplicate"


def test_near_duplicates_by_minhash():
    copy = (PROJECT / "reports" / "summary_copy.py").read_text()
    assert jaccard(SUMMARY, copy) > 0.85  # one changed number
    dedup = Deduplicator(threshold=0.85)
    assert dedup.check(SUMMARY) is None
    assert dedup.check(copy) == "near duplicate"
    assert dedup.check(CLEANING) is None  # a different file is kept


def test_distinct_files_below_the_threshold_are_kept():
    dedup = Deduplicator(threshold=0.85)
    half = "\n".join(SUMMARY.splitlines()[:8]) + "\n" + CLEANING
    assert jaccard(SUMMARY, half) < 0.85
    assert dedup.check(SUMMARY) is None and dedup.check(half) is None


def test_bad_threshold_is_refused():
    with pytest.raises(ValueError, match="threshold"):
        Deduplicator(threshold=0)


def test_blocks_functions_classes_and_statement_groups():
    blocks = split_blocks(CLEANING, ast.parse(CLEANING))
    assert [(b.kind, b.name) for b in blocks] == [
        ("statements", ""), ("function", "load_orders"), ("function", "customer_key"), ("class", "OrderBook"),
        ("statements", ""),
    ]
    assert blocks[0].text.startswith('"""Clean the order export') and "MINIMUM_AMOUNT = 25" in blocks[0].text
    assert blocks[1].text.startswith("def load_orders(name):") and blocks[1].text.endswith('"order_id")\n')
    assert blocks[4].text.startswith('if __name__ == "__main__":')
    lines = [line for line in CLEANING.splitlines() if line.strip()]
    assert [line for b in blocks for line in b.text.splitlines() if line.strip()] == lines  # lossless


def test_comments_before_a_block_belong_to_it():
    text = "import os\n\n# the helper below\n@staticmethod\ndef f():\n    return os.sep\n# trailing note\n"
    blocks = split_blocks(text, ast.parse(text))
    assert blocks[1].text == "# the helper below\n@staticmethod\ndef f():\n    return os.sep\n# trailing note\n"
    assert (blocks[1].start, blocks[1].end) == (3, 7)


def test_sketcher_corpus_keeps_comments_and_library_names():
    sketched = sketcher_text(clean(CLEANING), "constants")
    assert 'read_delimited(os.path.join(DATA_DIR, name), sep=string)' in sketched
    assert "# read the raw export as a table" in sketched
    assert "MINIMUM_AMOUNT = number" in sketched and '"order_id"' not in sketched


def test_generator_corpus_cross_merges_comment_free_sketches():
    merged = generator_text(clean(CLEANING), "both")
    blocks = split_blocks(CLEANING, ast.parse(CLEANING))
    for block in blocks:
        assert block.text in merged  # every code block, comments included
    load = merged.index(blocks[1].text)
    sketch_of_load = merged[merged.rindex("def func(", 0, load) : load]
    assert "read_delimited(os.path.join(variable, variable), sep=string)" in sketch_of_load
    assert "#" not in sketch_of_load and '"""' not in sketch_of_load
    assert merged.index("class AnClass") < merged.index("class OrderBook")  # sketch before code
    names = {"read_delimited", "slug", "os", "dedupe", "append", "join"}
    assert all(name in merged for name in names)


@pytest.mark.parametrize("mode", ["constants", "names", "both"])
def test_generator_sketch_uses_the_modes_symbols(mode):
    merged = generator_text(clean(CLEANING), mode)
    first_sketch = merged[: merged.index(CLEANING.splitlines()[0])]
    has_constant = any(f"={s}" in first_sketch.replace(" ", "") for s in CONSTANT_SYMBOLS)
    assert has_constant == (mode != "names")
    assert ("variable" in first_sketch) == (mode != "constants")

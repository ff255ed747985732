"""Retriever pairs (1:8 same-library negatives) and intent-snippet pairs (matched vs re-paired)."""

from __future__ import annotations

import ast
import random

from apiary.docs.entry import ApiEntry, ApiKind
from apiary_training.corpus.apidocs import DocIndex
from apiary_training.corpus.described import described_code
from apiary_training.corpus.intent_snippet import labelled_records, matched_pairs
from apiary_training.corpus.pipeline import CleanFile
from apiary_training.corpus.report import CorpusReport
from apiary_training.corpus.retriever_pairs import retriever_records


def api(name: str, library: str) -> ApiEntry:
    return ApiEntry(name, f"{library}.{name}", f"{library}.{name}", ApiKind.FUNCTION, library, "(x)",
                    description=f"{library} {name}.")


INDEX = DocIndex.from_entries([*(api(f"h{i}", "hive") for i in range(12)), *(api(f"c{i}", "comb") for i in range(12)),
                               api("tiny", "small")])
CODE = '''import comb
import hive
import small


def gather(path):
    """Gather the honey from every hive in the yard."""
    first = hive.h1(path)
    return comb.c2(first)


def process(rows):
    # sort the rows by their weight
    ordered = hive.h3(rows)

    # this calls nothing documented
    return len(ordered)


def shrink(x):
    """Shrink the thing to its smallest size."""
    return small.tiny(x)
'''
FILE = CleanFile("p/m.py", CODE, ast.parse(CODE))


def test_described_code_from_docstrings_and_comments():
    units = {unit.description: unit for unit in described_code(FILE)}
    gather = units["Gather the honey from every hive in the yard."]
    assert gather.code.startswith("def gather(path):\n    first = hive.h1(path)") and '"""' not in gather.code
    assert units["sort the rows by their weight"].code == "ordered = hive.h3(rows)\n"
    assert units["this calls nothing documented"].code == "return len(ordered)\n"


def test_retriever_positives_and_same_library_negatives():
    report = CorpusReport()
    records = list(retriever_records(FILE, INDEX, random.Random(0), report))
    positives = {(r["query"], r["positive"]) for r in records}
    assert positives == {
        ("Gather the honey from every hive in the yard.", "h1(x): hive h1."),
        ("Gather the honey from every hive in the yard.", "c2(x): comb c2."),
        ("sort the rows by their weight", "h3(x): hive h3."),
    }
    for record in records:
        assert len(record["negatives"]) == 8 and len(set(record["negatives"])) == 8  # 1:8
        assert all(n.split(": ")[1].startswith(record["library"]) for n in record["negatives"])  # same library
        assert record["positive"] not in record["negatives"]
    gather_negatives = {n for r in records if r["query"].startswith("Gather") for n in r["negatives"]}
    assert not gather_negatives & {"h1(x): hive h1.", "c2(x): comb c2."}  # what the code calls is no negative
    assert report.dropped_items["library too small for the negatives"] == 1  # small has one API
    assert report.dropped_items["description without documented API calls"] == 1


def test_retriever_pairs_are_not_repeated():
    seen: set = set()
    first = list(retriever_records(FILE, INDEX, random.Random(0), CorpusReport(), seen=seen))
    report = CorpusReport()
    assert first and not list(retriever_records(FILE, INDEX, random.Random(1), report, seen=seen))
    assert report.dropped_items["duplicate pair"] == len(first)


def test_intent_snippet_labels():
    pairs = matched_pairs(FILE, CorpusReport())
    assert ("sort the rows by their weight", "ordered = hive.h3(rows)") in pairs
    records = labelled_records(pairs * 2, random.Random(3))  # repeated pairs count once
    positives = [r for r in records if r["label"] == 1]
    negatives = [r for r in records if r["label"] == 0]
    assert len(positives) == len(negatives) == len(pairs)
    matched = set(pairs)
    assert {(r["intent"], r["snippet"]) for r in positives} == matched
    assert all((r["intent"], r["snippet"]) not in matched for r in negatives)
    assert {r["intent"] for r in negatives} == {intent for intent, _ in pairs}
    assert [r["label"] for r in records] != [1] * len(pairs) + [0] * len(pairs)  # shuffled


def test_long_snippets_are_dropped():
    report = CorpusReport()
    assert not [p for p in matched_pairs(FILE, report, max_lines=1) if p[0].startswith("Gather")]
    assert report.dropped_items["snippet too long"] >= 2

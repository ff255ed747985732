"""One bad API never costs the library (issue "Security and robustness", item 12): an expression
nested too deep to write, a lone surrogate in a docstring, a JSON Lines line nested too deep. The
one entry is written as far as it can be, or skipped and reported; the rest is indexed."""

from __future__ import annotations

import json

from apiary.docs.ingest import ingest
from apiary.docs.locate import locate
from apiary.retrieval.encoder import HashingEncoder
from apiary.retrieval.store import IndexStore


def test_a_default_and_a_return_nested_900_deep_keep_their_api(tmp_path):
    package = tmp_path / "deeplib"
    package.mkdir()
    chain = " | ".join(f"n{i}" for i in range(900))
    (package / "__init__.py").write_text(
        f'def deep(x={chain}) -> {chain}:\n    """Deep."""\n\ndef fine(y):\n    """Fine."""\n'
    )
    entries = {e.import_path: e for e in ingest(locate(str(package))).entries}
    assert entries["deeplib.deep"].signature == "(x=...) -> ..." and "deeplib.fine" in entries


def test_a_lone_surrogate_in_a_docstring_is_indexed_and_cached(tmp_path):
    package = tmp_path / "surlib"
    package.mkdir()
    (package / "__init__.py").write_text('def odd():\n    """Bad \\ud800 char."""\n\ndef fine():\n    """Fine."""\n')
    store = IndexStore(tmp_path / "cache", HashingEncoder())
    built = store.get_or_build(locate(str(package)))
    docs = {e.import_path: e.doc for e in built.index.entries}
    assert docs["surlib.odd"] == "Bad ? char." and docs["surlib.fine"] == "Fine."
    again = IndexStore(tmp_path / "cache", HashingEncoder()).get_or_build(locate(str(package)))
    assert len(again.index.entries) == len(built.index.entries)


def test_a_json_lines_line_nested_5000_deep_is_skipped_and_reported(tmp_path):
    doc_file = tmp_path / "apis.jsonl"
    lines = [json.dumps({"name": "good", "signature": "good(x)", "description": "A good API."}),
             '{"name": "deep", "x": ' + "[" * 5000 + "]" * 5000 + "}",
             json.dumps({"name": "other", "signature": "other()", "description": "Another."})]
    doc_file.write_text("\n".join(lines) + "\n")
    report = ingest(locate(str(doc_file)))
    assert [e.name for e in report.entries] == ["good", "other"]
    assert [(s.location.rsplit(":", 1)[-1], s.reason) for s in report.skipped] == [
        ("2", "JSON nested too deep to read")
    ]

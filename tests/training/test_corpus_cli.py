"""``apiary-train corpus ...`` end to end on the fixture tree plus broken files: every corpus is written,
broken input is counted under its reason and skipped."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from apiary_training.cli import main

FIXTURES = Path(__file__).parents[1] / "fixtures" / "corpus" / "project"
HONEYCOMB = Path(__file__).parents[2] / "examples" / "library" / "honeycomb"


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus") / "project"
    shutil.copytree(FIXTURES, root)
    (root / "broken.py").write_text("def broken(:\n    return 1\n" * 3)
    (root / "binary.py").write_bytes(b"import os\nname = '\xff\xfe'\n" * 3)
    (root / "blank.py").write_text("\n\n")
    shutil.copy(root / "cleaning.py", root / "reports" / "cleaning_again.py")
    (root / "notes.txt").write_text("not python")
    return root


def run(tree: Path, tmp: Path, corpus: str, *options: str) -> tuple[list[dict], dict]:
    out, summary = tmp / f"{corpus}.jsonl", tmp / f"{corpus}.summary.json"
    assert main(["corpus", corpus, str(tree), "--out", str(out), "--summary", str(summary), "--no-progress",
                 *options]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return records, json.loads(summary.read_text())


def test_files_corpus_reports_broken_and_duplicate_files(tree, tmp_path, capsys):
    records, summary = run(tree, tmp_path, "files")
    assert sorted(r["path"] for r in records) == ["project/cleaning.py", "project/reports/summary.py"]
    assert all(r["weight"] == 1.0 and r["text"] for r in records)
    assert summary["files_seen"] == 7 and summary["files_kept"] == 2
    assert summary["dropped_files"] == {"empty": 1, "exact duplicate": 1, "near duplicate": 1,
                                        "syntax error": 1, "undecodable": 1}
    assert "undecodable: 1 (e.g. project/binary.py)" in capsys.readouterr().err


def test_library_oriented_subcorpus_and_blocks(tree, tmp_path):
    records, summary = run(tree, tmp_path, "files", "--library", "honeycomb", "--blocks")
    assert {r["path"] for r in records} == {"project/cleaning.py"}
    assert len(records) == 5 and records[1]["text"].startswith("def load_orders")
    assert summary["dropped_files"]["does not import the library"] == 2  # checked before dedup


def test_cert_corpora(tree, tmp_path):
    sketches, _ = run(tree, tmp_path, "cert", "--kind", "sketcher", "--mode", "constants", "--library", "honeycomb")
    assert "sep=string" in sketches[0]["text"] and "# read the raw export" in sketches[0]["text"]
    merged, _ = run(tree, tmp_path, "cert", "--kind", "generator", "--mode", "names", "--library", "honeycomb")
    assert merged[0]["text"].count("def func(") == 3 and merged[0]["text"].count("def load_orders(") == 1


def test_codegenapi_and_retriever_with_private_docs(tree, tmp_path):
    docs = ["--docs", str(HONEYCOMB), "--no-installed-docs", "--library", "honeycomb"]
    files, _ = run(tree, tmp_path, "codegenapi", *docs)
    text = files[0]["text"]
    header = text[: text.index("def load_orders")].rsplit("# [start]", 1)[1]
    assert "# read_delimited(" in header and header.rstrip().endswith("# [end]")
    assert files[0]["weight"] == pytest.approx(5.0)
    pairs, _ = run(tree, tmp_path, "retriever", *docs)
    assert {p["library"] for p in pairs} == {"honeycomb"} and all(len(p["negatives"]) == 8 for p in pairs)
    assert any(
        p["query"] == "Load the order export from the data folder." and p["positive"].startswith("read_delimited(")
        for p in pairs
    )


def test_intent_snippet_pairs(tree, tmp_path):
    records, summary = run(tree, tmp_path, "intent-snippet")
    assert summary["records"] == len(records) > 0
    assert sum(r["label"] for r in records) * 2 == len(records)


def test_apiseq_pairs_and_disjoint_split(tree, tmp_path):
    records, summary = run(tree, tmp_path, "apiseq", "--no-dedup")
    by_function = {r["function"]: r for r in records}
    assert by_function["load_orders"]["apiseq"][:2] == ["os.path.join", "honeycomb.read_delimited"]
    assert by_function["load_orders"]["desc"].startswith("Load the order export")
    assert set(records[0]) == {"desc", "apiseq", "path", "function"}
    assert summary["dropped_items"]["duplicate pair"] >= 2  # the duplicated files' pairs
    test_out = tmp_path / "test.jsonl"
    train, _ = run(tree, tmp_path, "apiseq", "--test-out", str(test_out), "--test-fraction", "0.5")
    test = [json.loads(line) for line in test_out.read_text().splitlines()]
    key = lambda r: (r["desc"].lower(), tuple(r["apiseq"]))  # noqa: E731
    assert test and train and not {key(r) for r in test} & {key(r) for r in train}


def test_bad_source_is_a_clear_error(tmp_path, capsys):
    assert main(["corpus", "files", str(tmp_path / "nowhere" / "x.whl"), "--out", str(tmp_path / "o.jsonl")]) == 2
    assert "neither an existing path nor an importable module" in capsys.readouterr().err
    assert not (tmp_path / "o.jsonl").exists()

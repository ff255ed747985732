"""Parsed modules kept by their file's content: a library re-indexed after an edit parses only the
files that changed, and reads exactly what a parse of every file would."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import orjson
import pytest

from apiary.docs import python_package
from apiary.docs.ingest import ingest
from apiary.docs.locate import locate
from apiary.docs.parsed_modules import module_from_json, module_json
from apiary.docs.python_package import find_layout, module_files
from apiary.retrieval.encoder import HashingEncoder
from apiary.retrieval.store import IndexStore

HONEYCOMB = Path(__file__).resolve().parents[2] / "examples" / "library" / "honeycomb"


def test_a_parsed_module_reads_back_as_it_was(tmp_path: Path):
    limits, report = python_package.FileLimits(), python_package.IngestReport()
    for module_file in module_files(find_layout(HONEYCOMB)):
        doc = python_package._read_file(module_file, limits, report)
        assert module_from_json(orjson.loads(module_json(doc)), module_file.path) == doc


def test_modules_read_back_together_share_their_parameters():
    limits, report = python_package.FileLimits(), python_package.IngestReport()
    docs = [python_package._read_file(f, limits, report) for f in module_files(find_layout(HONEYCOMB))]
    shared: dict = {}
    read_back = [module_from_json(orjson.loads(module_json(doc)), doc.path, shared) for doc in docs]
    assert read_back == docs
    params = [p for doc in read_back for d in doc.definitions.values() for p in d.params]
    assert len({id(p) for p in params}) == len(set(params)) == len(shared) < len(params)


def test_a_kept_parameter_with_fields_of_its_own_is_refused_as_before():
    table = next(f for f in module_files(find_layout(HONEYCOMB)) if f.path.name == "table.py")
    doc = python_package._read_file(table, python_package.FileLimits(), python_package.IngestReport())
    data = orjson.loads(module_json(doc))
    definition = next(d for d in data["definitions"].values() if d["params"])
    definition["params"][0]["unknown"] = 1
    with pytest.raises(TypeError):
        module_from_json(data, doc.path, {})


def _counting_parses(monkeypatch) -> list[str]:
    parsed: list[str] = []
    real = python_package._read_file
    monkeypatch.setattr(python_package, "_read_file",
                        lambda module_file, *args: parsed.append(module_file.path.name) or real(module_file, *args))
    return parsed


def test_an_edit_re_parses_only_the_edited_file(tmp_path: Path, monkeypatch):
    library = tmp_path / "honeycomb"
    shutil.copytree(HONEYCOMB, library)
    store = IndexStore(tmp_path / "cache", HashingEncoder())
    first = store.get_or_build(locate(str(library))).index
    parsed = _counting_parses(monkeypatch)
    edited = library / "table.py"
    edited.write_text(edited.read_text() + '\n\ndef count_hives(table):\n    """Count the hives in a table."""\n')
    again = store.get_or_build(locate(str(library)))
    assert again.rebuilt and parsed == ["table.py"]
    assert [e.to_json() for e in again.index.entries] == [e.to_json() for e in ingest(locate(str(library))).entries]
    assert len(again.index.entries) == len(first.entries) + 1


def test_a_module_whose_text_cannot_be_written_is_parsed_again_and_the_others_are_kept(tmp_path: Path, monkeypatch):
    package = tmp_path / "surlib"
    package.mkdir()
    (package / "__init__.py").write_text('from .odd import odd\nfrom .fine import fine\n')
    (package / "odd.py").write_text('def odd():\n    """Bad \\ud800 char."""\n')
    (package / "fine.py").write_text('def fine():\n    """Fine."""\n')
    store = IndexStore(tmp_path / "cache", HashingEncoder())
    store.get_or_build(locate(str(package)))
    parsed = _counting_parses(monkeypatch)
    (package / "fine.py").write_text('def fine():\n    """Fine, and edited."""\n')
    again = store.get_or_build(locate(str(package)))
    assert sorted(parsed) == ["fine.py", "odd.py"]
    assert {e.name for e in again.index.entries} >= {"odd", "fine"}


def test_worker_processes_read_what_this_process_reads(tmp_path: Path, monkeypatch):
    library = tmp_path / "honeycomb"
    shutil.copytree(HONEYCOMB, library)
    (library / "broken.py").write_text("def broken(:\n")
    (library / "odd.py").write_text('def odd():\n    """A lone \\ud800 surrogate."""\n')
    layout = find_layout(library)
    here = python_package.read_package(layout, "honeycomb")
    monkeypatch.setattr(python_package, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(python_package, "parse_workers", lambda: 2)
    in_workers = python_package.read_package(layout, "honeycomb")
    assert [e.to_json() for e in in_workers.entries] == [e.to_json() for e in here.entries]
    assert in_workers.skipped == here.skipped and [s.location for s in here.skipped] == [f"{library / 'broken.py'}:1"]
    assert in_workers.files_read == here.files_read == len(module_files(layout)) - 1
    assert any(e.name == "odd" for e in in_workers.entries)  # its docstring cannot be written: read here


def test_workers_past_their_deadline_are_killed_and_the_files_parsed_here(monkeypatch, caplog):
    layout = find_layout(HONEYCOMB)
    here = python_package.read_package(layout, "honeycomb")
    monkeypatch.setattr(python_package, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(python_package, "parse_workers", lambda: 2)
    monkeypatch.setattr(python_package, "_workers_deadline", lambda files: time.monotonic())
    late = python_package.read_package(layout, "honeycomb")
    assert [e.to_json() for e in late.entries] == [e.to_json() for e in here.entries]
    assert late.files_read == here.files_read and late.skipped == here.skipped
    assert "parsing in worker processes failed" in caplog.text

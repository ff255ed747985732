"""The big files kept beside an index are lines, each read in a call of its own. The parsed modules:
one line per module, each read when it is needed; a damaged module is parsed again from its file,
damaged lines make the whole record unused, and a record of the format before is removed once the
lines are written (the library is never lost). The kept texts: their code, then chunks of results."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest

from apiary.docs import python_package
from apiary.docs.ingest import ingest, module_listing
from apiary.docs.locate import locate
from apiary.retrieval import cache
from apiary.retrieval.cache import KEPT_TEXTS, PARSED_MODULES, keep_beside, read_beside
from apiary.retrieval.encoder import HashingEncoder
from apiary.retrieval.store import IndexStore

HONEYCOMB = Path(__file__).resolve().parents[2] / "examples" / "library" / "honeycomb"


def _built(tmp_path: Path) -> tuple[Path, IndexStore, Path]:
    library = tmp_path / "honeycomb"
    shutil.copytree(HONEYCOMB, library)
    store = IndexStore(tmp_path / "cache", HashingEncoder())
    store.get_or_build(locate(str(library)))
    return library, store, store.directory_for(locate(str(library)))


def _parsed_files(monkeypatch) -> list[str]:
    """The modules parsed from their files from now on (not taken from the record)."""
    parsed: list[str] = []
    real = python_package._read_file

    def counted(module_file, *args, **kwargs):
        parsed.append(module_file.module)
        return real(module_file, *args, **kwargs)

    monkeypatch.setattr(python_package, "_read_file", counted)
    return parsed


def _add_function(library: Path) -> None:
    with (library / "table.py").open("a") as module:
        module.write('\n\ndef added(values):\n    """Add the values."""\n    return values\n')


def _entries(store: IndexStore, library: Path) -> list[dict]:
    return [e.to_json() for e in store.get_or_build(locate(str(library))).index.entries]


def test_one_line_per_module_after_the_record_without_them(tmp_path: Path):
    library, _, directory = _built(tmp_path)
    header, *lines = (directory / PARSED_MODULES).read_bytes().split(b"\n")
    record = orjson.loads(header)
    assert record["format"] == 2 and "modules" not in record and record["skipped"] == []
    keys = [orjson.loads(line.partition(b"\t")[0]) for line in lines]
    assert sorted(k.split(":")[1] for k in keys) == sorted(f.module for f in module_listing(locate(str(library))))
    kept = read_beside(directory, PARSED_MODULES)["modules"]
    assert all(isinstance(module, bytes) and isinstance(orjson.loads(module), dict) for module in kept.values())


def test_a_damaged_module_is_parsed_again_and_the_others_are_not(tmp_path: Path, monkeypatch):
    library, store, directory = _built(tmp_path)
    path = directory / PARSED_MODULES
    header, *lines = path.read_bytes().split(b"\n")
    damaged = next(i for i, line in enumerate(lines) if b":honeycomb.io:" in line.partition(b"\t")[0])
    lines[damaged] = lines[damaged].partition(b"\t")[0] + b'\t{"module": "honeycomb.io", "defin'
    path.write_bytes(b"\n".join([header, *lines]))
    parsed = _parsed_files(monkeypatch)
    _add_function(library)
    entries, parsed_by_the_build = _entries(store, library), sorted(parsed)
    assert entries == [e.to_json() for e in ingest(locate(str(library))).entries]
    assert parsed_by_the_build == ["honeycomb.io", "honeycomb.table"]


def test_damaged_lines_leave_the_record_unused_and_lose_nothing(tmp_path: Path, monkeypatch):
    library, store, directory = _built(tmp_path)
    path = directory / PARSED_MODULES
    path.write_bytes(path.read_bytes() + b"\nno key and no tab")
    assert read_beside(directory, PARSED_MODULES) == {}
    parsed = _parsed_files(monkeypatch)
    _add_function(library)
    entries, parsed_by_the_build = _entries(store, library), len(parsed)
    assert entries == [e.to_json() for e in ingest(locate(str(library))).entries]
    assert parsed_by_the_build == len(module_listing(locate(str(library))))


def test_the_record_of_the_format_before_is_removed_when_the_lines_are_written(tmp_path: Path):
    library, store, directory = _built(tmp_path)
    before = directory / "parsed-modules.json"
    before.write_bytes(b'{"format": 2, "modules": {}}')
    _add_function(library)
    store.get_or_build(locate(str(library)))
    assert not before.exists() and (directory / PARSED_MODULES).is_file()


def test_the_kept_texts_are_read_back_whole_from_their_chunks(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(cache, "_TEXTS_PER_LINE", 2)
    kept = {"code": "c0de", "texts": {"first_sentence": {f"d{i}": f"Sentence {i}." for i in range(5)},
                                      "lexical_tokens": {"d9": ["fill", "cells"]}, "plain_summary": {}}}
    (tmp_path / "kept-texts.json").write_bytes(orjson.dumps(kept))  # the format before
    keep_beside(tmp_path, KEPT_TEXTS, kept)
    header, *lines = (tmp_path / KEPT_TEXTS).read_bytes().split(b"\n")
    assert orjson.loads(header) == {"code": "c0de"} and len(lines) == 4  # 2 + 2 + 1 first sentences, 1 token list
    assert read_beside(tmp_path, KEPT_TEXTS) == {**kept, "texts": {k: v for k, v in kept["texts"].items() if v}}
    assert not (tmp_path / "kept-texts.json").exists()
    (tmp_path / KEPT_TEXTS).write_bytes(b"\n".join([header, *lines[:-1], b'["lexical_tokens", ["no", "dict"]]']))
    assert read_beside(tmp_path, KEPT_TEXTS) == {}


@pytest.mark.parametrize("data", [b"", b"head", b"head\n", b"\n", b"head\nline", b"head\n\nline\n"])
def test_the_lines_are_read_one_at_a_time_as_a_split_would_give_them(data):
    assert list(cache._lines(data)) == data.split(b"\n")

"""`apiary index/search/libs` on good and bad input: clear messages, non-zero exits, no tracebacks."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from apiary.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "library"


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("APIARY_CACHE_DIR", str(tmp_path / "cache"))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_index_then_search_then_libs(capsys):
    code, out, _ = run(capsys, "index", str(EXAMPLES), "--encoder", "hashing")
    assert code == 0 and "honeycomb 0.3.1:" in out and "APIs, built" in out
    code, out, _ = run(capsys, "index", str(EXAMPLES), "--encoder", "hashing")
    assert "up to date" in out
    code, out, _ = run(capsys, "search", "--lib", "honeycomb", "--encoder", "hashing", "--json", "median of the values")
    results = json.loads(out)
    assert code == 0 and results[0]["name"] == "median" and results[0]["library"] == "honeycomb"
    code, out, _ = run(capsys, "libs", "--json")
    assert [row["name"] for row in json.loads(out)] == ["honeycomb"]


def test_missing_path_is_a_clear_error(capsys, tmp_path):
    code, _, err = run(capsys, "index", str(tmp_path / "nope" / "pkg"), "--encoder", "hashing")
    assert code == 2 and "neither an existing path nor an importable module name" in err
    assert "Traceback" not in err


def test_directory_without_a_package(capsys, tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.bin").write_bytes(b"\x00\x01")
    code, _, err = run(capsys, "index", str(tmp_path / "empty"), "--encoder", "hashing")
    assert code == 2 and "holds no Python package" in err


def test_unknown_module_name(capsys):
    code, _, err = run(capsys, "index", "no_such_module_anywhere_42", "--encoder", "hashing")
    assert code == 2 and "no installed module 'no_such_module_anywhere_42'" in err


def test_unknown_library_lists_known_ones(capsys):
    run(capsys, "index", str(EXAMPLES), "--encoder", "hashing")
    code, _, err = run(capsys, "search", "--lib", "pandas", "--encoder", "hashing", "x")
    assert code == 2 and "no index for library 'pandas'; indexed: honeycomb" in err


def test_broken_and_huge_files_are_skipped_counted_and_reported(capsys, tmp_path):
    package = tmp_path / "gen" / "gen"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent('''
        def useful():
            """Something useful."""
    '''))
    (package / "broken.py").write_text("def broken(:\n")
    (package / "latin.py").write_bytes(b"x = '\xff\xfe'\n")
    (package / "table_pb2.py").write_text("DATA = 1\n" * 600_000)  # ~5 MB of data, no definitions
    code, out, err = run(capsys, "index", str(package), "--encoder", "hashing")
    assert code == 0 and "gen 0:" in out
    assert "3 file(s) skipped" in err
    assert "broken.py" in err and "latin.py" in err and "table_pb2.py: mostly data, not code: 5.4 MB" in err


def test_a_library_with_no_public_api(capsys, tmp_path):
    package = tmp_path / "hollow"
    package.mkdir()
    (package / "__init__.py").write_text("_private = 1\n")
    code, _, err = run(capsys, "index", str(package), "--encoder", "hashing")
    assert code == 2 and "no public APIs found" in err


def test_a_fresh_cached_index_never_waits_for_the_encoder(capsys, monkeypatch):
    """The encoder's weights load in the background: `apiary index` on a cache hit answers at once."""
    import threading

    from apiary.retrieval import encoder as encoders

    assert run(capsys, "index", str(EXAMPLES), "--encoder", "hashing")[0] == 0
    released = threading.Event()
    never = encoders.DeferredEncoder(lambda: released.wait() or encoders.HashingEncoder(), "hashing-256", 256)
    monkeypatch.setattr(encoders, "deferred_encoder", lambda spec=None, *a, **k: never)
    code, out, _ = run(capsys, "index", str(EXAMPLES), "--encoder", "hashing")
    loaded_meanwhile = never.ready
    released.set()
    assert code == 0 and "up to date" in out and not loaded_meanwhile

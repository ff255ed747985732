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


def _tiny_package(root: Path) -> Path:
    package = root / "tinylib"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('__version__ = "1.0"\n\ndef scale(x):\n    """Scale a value."""\n')
    return package


def test_libs_shows_what_each_index_takes_and_forget_removes_a_librarys(capsys, tmp_path):
    from apiary.generation.offline.kept_usages import kept_usage_files, kept_usages_dir
    from apiary.paths import index_dir
    from apiary.retrieval.cache import cached_indexes

    assert run(capsys, "index", str(EXAMPLES), "--encoder", "hashing")[0] == 0
    assert run(capsys, "index", str(_tiny_package(tmp_path)), "--encoder", "hashing")[0] == 0
    [(honeycomb, meta)] = [(d, m) for d, m in cached_indexes(index_dir()) if m["library"]["name"] == "honeycomb"]
    on_disk = sum(p.stat().st_size for p in honeycomb.iterdir())
    rows = {row["name"]: row for row in json.loads(run(capsys, "libs", "--json")[1])}
    assert rows["honeycomb"]["cache_bytes"] == on_disk and rows["tinylib"]["cache_bytes"] > 0
    listing = run(capsys, "libs")[1].splitlines()
    assert f"{on_disk / 1e6:.1f} MB" in listing[0] and len(listing) == 3
    total = (on_disk + rows["tinylib"]["cache_bytes"]) / 1e6
    assert listing[2] == f"2 indexes, {total:.1f} MB in {index_dir()} (`apiary forget NAME` removes a library's)"
    usages = kept_usage_files(kept_usages_dir(), meta["library"]["identity"])
    for path in usages:  # what the offline generator keeps of the library goes with it
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}")

    code, out, _ = run(capsys, "forget", "honeycomb")
    assert (code, out) == (0, f"forgot honeycomb 0.3.1 (hashing-256): {on_disk / 1e6:.1f} MB freed\n")
    assert not honeycomb.exists() and not honeycomb.parent.exists() and not any(p.exists() for p in usages)
    assert [row["name"] for row in json.loads(run(capsys, "libs", "--json")[1])] == ["tinylib"]
    code, out, _ = run(capsys, "search", "--lib", "tinylib", "--encoder", "hashing", "--json", "scale a value")
    assert code == 0 and json.loads(out)[0]["name"] == "scale"


@pytest.mark.parametrize(("argv", "message"), [
    (["forget", "nosuch"], "apiary forget: no index for library 'nosuch'; indexed: tinylib"),
    (["forget", "tinylib", "--version", "2.0"], "apiary forget: no index of tinylib 2.0; its indexed versions: 1.0"),
])
def test_forgetting_what_is_not_there_says_what_is(capsys, tmp_path, argv, message):
    assert run(capsys, "index", str(_tiny_package(tmp_path)), "--encoder", "hashing")[0] == 0
    code, _, err = run(capsys, *argv)
    assert (code, err.strip()) == (2, message)


def test_an_index_another_process_is_building_is_kept(capsys, tmp_path):
    import subprocess
    import sys

    from apiary.paths import index_dir
    from apiary.retrieval.cache import cached_indexes

    assert run(capsys, "index", str(_tiny_package(tmp_path)), "--encoder", "hashing")[0] == 0
    [(directory, _)] = list(cached_indexes(index_dir()))
    holder = subprocess.Popen(  # holds the builders' lock, as a build at work does
        [sys.executable, "-c", "import sys, filelock; lock = filelock.FileLock(sys.argv[1]); lock.acquire(); "
         "print('held', flush=True); sys.stdin.read()", str(directory / ".lock")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        code, out, err = run(capsys, "forget", "tinylib")
    finally:
        holder.communicate("", timeout=30)
    assert (code, out, err) == (1, "", "tinylib 1.0 (hashing-256): another process is building it; kept\n")
    assert (directory / "meta.json").exists()


def test_indexing_a_new_version_of_a_source_removes_its_older_versions_index(capsys, tmp_path):
    from apiary.paths import index_dir
    from apiary.retrieval.cache import cached_indexes

    package = _tiny_package(tmp_path / "one")
    elsewhere = _tiny_package(tmp_path / "two")  # the same library from another source (another venv)
    assert run(capsys, "index", str(package), "--encoder", "hashing")[0] == 0
    assert run(capsys, "index", str(elsewhere), "--encoder", "hashing")[0] == 0
    (package / "__init__.py").write_text('__version__ = "1.1"\n\ndef scale(x):\n    """Scale a value."""\n')
    assert run(capsys, "index", str(package), "--encoder", "hashing")[0] == 0
    kept = sorted((m["library"]["version"], m["library"]["spec"]) for _, m in cached_indexes(index_dir()))
    assert kept == [("1.0", str(elsewhere)), ("1.1", str(package))]

"""``apiary suggest``: JSON output, the library's docs and code as the corpus, and user errors."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from apiary.cli import main

ROOT = Path(__file__).resolve().parents[2]
HONEYCOMB = ROOT / "examples" / "library" / "honeycomb"
WORKSPACE = ROOT / "examples" / "workspace"


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("APIARY_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def corpus(tmp_path):
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "net.py").write_text(textwrap.dedent('''
        import ftplib, shutil
        def open_connection(host):
            """Connect to the FTP server and log in."""
            ftp = ftplib.FTP(host)
            ftp.login()
            return ftp
        def copy_over(src, dst):
            """Copy a file and keep its metadata."""
            shutil.copy2(src, dst)
    '''))
    return tmp_path / "code"


def test_json_output_from_a_local_corpus(corpus, capsys):
    code = main(["suggest", "log in to an ftp server", "--corpus", str(corpus), "--corpus-only",
                 "--encoder", "hashing", "--top-k", "2", "--json"])
    assert code == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0] == {"apis": ["ftplib.FTP", "ftplib.FTP::login"], "score": rows[0]["score"], "source": "mined"}
    assert len(rows) == 2 and rows[0]["score"] >= rows[1]["score"]


def test_table_output(corpus, capsys):
    assert (
        main(["suggest", "copy a file with metadata", "--corpus", str(corpus), "--corpus-only", "--encoder", "hashing"])
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith(" 1. ") and "[mined] shutil.copy2" in out and "e.g. " in out


def test_an_indexed_library_gives_documentation_and_usage_suggestions(capsys):
    assert main(["index", str(HONEYCOMB), "--encoder", "hashing"]) == 0
    capsys.readouterr()
    code = main(["suggest", "read a delimited text file into a table", "--lib", "honeycomb", "--corpus", str(WORKSPACE),
                 "--encoder", "hashing", "--top-k", "10", "--json"])
    assert code == 0
    rows = json.loads(capsys.readouterr().out)
    assert {row["source"] for row in rows} >= {"docs", "mined"}
    docs = [row["apis"] for row in rows if row["source"] == "docs"]
    assert docs[0] == ["honeycomb.read_delimited"]
    assert all(api.startswith("honeycomb.") for apis in docs for api in apis)


@pytest.mark.parametrize(("argv", "message"), [
    (["suggest", "x", "--top-k", "0"], "--top-k must be at least 1"),
    (["suggest", "  "], "the query is empty"),
    (["suggest", "x", "--corpus", "/no/such/dir"], "no such corpus directory"),
    (["suggest", "x", "--lib", "nosuchlib", "--encoder", "hashing"], "nosuchlib"),
])
def test_user_errors_are_one_line(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_first_query_past_its_mining_time_says_what_waits_and_all_mines_it(corpus, capsys):
    assert main(["suggest", "copy a file with metadata", "--corpus", str(corpus), "--corpus-only",
                 "--encoder", "hashing", "--mine-for", "0"]) == 0
    captured = capsys.readouterr()
    assert "answered from 0 of 1 code folders; 1 not mined yet" in captured.err and "no suggestions" in captured.err
    assert main(["suggest", "copy a file with metadata", "--corpus", str(corpus), "--corpus-only",
                 "--encoder", "hashing", "--all"]) == 0
    captured = capsys.readouterr()
    assert "[mined] shutil.copy2" in captured.out and "not mined yet" not in captured.err


def test_mining_time_must_be_a_duration(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["suggest", "x", "--mine-for", "-1"])
    assert exit_.value.code == 2
    assert "is not 0 seconds or more" in capsys.readouterr().err


def _suggested(argv: list[str], capsys) -> list[list[str]]:
    assert main([*argv, "--lib", "honeycomb", "--encoder", "hashing", "--top-k", "3", "--json"]) == 0
    return [row["apis"] for row in json.loads(capsys.readouterr().out)]


REPORT = "import honeycomb as hc\norders = hc.read_delimited('orders.csv')\n{comment}\n{below}\n"


@pytest.mark.parametrize(("comment", "below", "alone", "in_file"), [
    # the file has read a delimited file already: what was just called comes first
    ("# read it", "table = hc.", ["honeycomb.read_jsonl"], ["honeycomb.read_delimited"]),
    # the statement below the comment is a call on a table: a table's methods, not other classes
    ("# the rows we want", "wanted = orders.",
     ["honeycomb.Table::row_count", "honeycomb.Lookup", "honeycomb.Table"],
     ["honeycomb.Table::arrange", "honeycomb.Table::row_count", "honeycomb.Table::dedupe"]),
])
def test_a_comment_in_a_file_is_read_with_the_code_above_it(tmp_path, capsys, comment, below, alone, in_file):
    assert main(["index", str(HONEYCOMB), "--encoder", "hashing"]) == 0
    capsys.readouterr()
    path = tmp_path / "report.py"
    path.write_text(REPORT.format(comment=comment, below=below))
    by_comment = _suggested(["suggest", comment.removeprefix("# ")], capsys)
    assert [apis[0] for apis in by_comment][: len(alone)] == alone
    by_file = _suggested(["suggest", "--file", str(path), "--line", "3"], capsys)
    assert [apis[0] for apis in by_file][: len(in_file)] == in_file
    assert _suggested(["suggest", "--file", str(path)], capsys) == by_file  # by default, the last comment


@pytest.mark.parametrize(("argv", "text", "message"), [
    (["--line", "3", "x"], None, "--line needs --file"),
    ([], None, "give the query, or --file FILE"),
    (["--file", "{path}", "--line", "2"], "import honeycomb\nx = 1\n# sort\n",
     "line 2 of {path} is not a comment that says what to do: point --line at one"),
    (["--file", "{path}", "--line", "9"], "# sort\n", "--line 9 is outside {path} (1..2)"),
    (["--file", "{path}"], "x = 1  # one\n", "{path} has no comment line to read"),
    (["x", "--file", "{path}"], "# sort\n", "give the query or --file, not both: the comment in the file is the query"),
])
def test_a_file_without_the_comment_asked_for_says_so(tmp_path, capsys, argv, text, message):
    path = tmp_path / "code.py"
    if text is not None:
        path.write_text(text)
    argv = [a.format(path=path) for a in argv]
    assert main(["suggest", *argv, "--encoder", "hashing"]) == 2
    assert capsys.readouterr().err.strip() == f"apiary suggest: {message.format(path=path)}"

"""`apiary complete` puts the code where the editor's "Insert completion" would: on a comment line,
under the comment (or at the end of the statement begun below it), not inside the comment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apiary.cli import main
from apiary.cli.complete_command import NOTHING_GOES_HERE

ROOT = Path(__file__).resolve().parents[2]
REPORT = (ROOT / "examples" / "workspace" / "new_report.py").read_text()  # its last line is a comment


@pytest.fixture(autouse=True)
def indexed(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("APIARY_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["index", str(ROOT / "examples" / "library" / "honeycomb"), "--encoder", "hashing"]) == 0
    capsys.readouterr()


def _complete(capsys, path: Path, *argv: str) -> tuple[int, list[str]]:
    code = main(["complete", str(path), *argv, "--lib", "honeycomb", "--encoder", "hashing", "-n", "1"])
    return code, capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("cursor", [[], ["--line", "11"], ["--line", "11", "--column", "3"]])
def test_a_comment_at_the_cursor_gets_its_code_on_a_new_line_under_it(tmp_path, capsys, cursor):
    path = tmp_path / "report.py"
    path.write_text(REPORT)
    assert REPORT.splitlines()[10] == "# keep only the orders above 100 euros"
    assert _complete(capsys, path, *cursor) == (0, ["1. result = orders.keep_where(lambda r: r['amount'] > 100)"])


def test_a_comment_above_a_begun_statement_gets_the_rest_of_it(tmp_path, capsys):
    path = tmp_path / "report.py"
    path.write_text(REPORT + "big_orders = \n")
    assert _complete(capsys, path, "--line", "11") == (0, ["1. orders.keep_where(lambda r: r['amount'] > 100)"])
    assert _complete(capsys, path) == (0, ["1. orders.keep_where(lambda r: r['amount'] > 100)"])  # its end


@pytest.mark.parametrize(("ending", "message"), [
    ("name = 'orders", NOTHING_GOES_HERE),  # in a string
    ("orders = hc.read_delimited('orders.csv')\n", NOTHING_GOES_HERE),  # after a complete statement
    ("orders = hc.zzz", "the offline generator wrote nothing that continues the code at the cursor"),
])
def test_where_nothing_is_written_it_says_why(tmp_path, capsys, ending, message):
    path = tmp_path / "code.py"
    path.write_text(f"import honeycomb as hc\n# read the orders\n{ending}")
    code = main(["complete", str(path), "--lib", "honeycomb", "--encoder", "hashing"])
    captured = capsys.readouterr()
    assert (code, captured.out, captured.err.splitlines()[-1]) == (1, "", f"no suggestion: {message}")


def test_a_call_whose_value_nothing_gives_is_offered_with_a_tab_stop(tmp_path, capsys):
    """``text`` is the user's to write: the candidate is not dropped as reading a name defined nowhere."""
    path = tmp_path / "code.py"
    path.write_text("import honeycomb as hc\n\n# squash the spaces\n")
    api = ["--api", "honeycomb.text.squash_spaces"]
    assert main(["complete", str(path), "--lib", "honeycomb", "--encoder", "hashing", *api, "-n", "3", "--json"]) == 0
    candidates = [(c["text"], c["snippet"]) for c in json.loads(capsys.readouterr().out)["candidates"]]
    assert ("result = hc.squash_spaces(text)", "result = hc.squash_spaces(${1:text})") in candidates
    # printed plainly, it says which names are the user's to write
    assert main(["complete", str(path), "--lib", "honeycomb", "--encoder", "hashing", *api, "-n", "3"]) == 0
    assert "result = hc.squash_spaces(text)  # to fill in: text" in capsys.readouterr().out

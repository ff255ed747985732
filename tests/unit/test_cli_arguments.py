"""Numbers and paths the CLI cannot use are refused with a sentence and exit status 2."""

from __future__ import annotations

import pytest

from apiary.cli import main


@pytest.mark.parametrize("argv, says", [
    (["search", "honeycomb", "read a file", "--top-k", "0"], "--top-k: 0 is below 1"),
    (["search", "honeycomb", "read a file", "--top-k", "-3"], "--top-k: -3 is below 1"),
    (["complete", "x.py", "--lib", "honeycomb", "--column", "-1"], "--column: -1 is below 0"),
    (["complete", "x.py", "--lib", "honeycomb", "-n", "0"], "-n: 0 is below 1"),
    (["serve", "--tcp", "--port", "99999"], "--port: 99999 is not a TCP port (1-65535)"),
    (["serve", "--log-file", "/no/such/dir/x.log"], "--log-file: the folder /no/such/dir does not exist"),
])
def test_a_value_that_makes_no_sense_is_refused(argv, says, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2 and says in capsys.readouterr().err


def test_complete_says_in_words_when_it_has_no_suggestion(capsys, tmp_path):
    from pathlib import Path

    examples = Path(__file__).resolve().parents[2] / "examples" / "library"
    assert main(["index", str(examples), "--encoder", "hashing"]) == 0
    source = tmp_path / "use.py"
    source.write_text("import honeycomb\n\n# median of the values\n")
    capsys.readouterr()
    code = main(["complete", str(source), "--lib", "honeycomb", "--encoder", "hashing", "--top-apis", "0"])
    err = capsys.readouterr().err
    assert code == 1 and "no suggestion: no API to write with (--top-apis 0, or none retrieved)" in err


def test_index_counts_skipped_lines_of_an_api_doc_file_as_lines(capsys, tmp_path):
    doc_file = tmp_path / "apis.jsonl"
    doc_file.write_text('{"name": "good", "signature": "good(x)", "description": "A good API."}\n{broken\n')
    assert main(["index", str(doc_file), "--encoder", "hashing"]) == 0
    err = capsys.readouterr().err
    assert "1 line(s) of the API doc file skipped" in err and f"skipped {doc_file}:2: invalid JSON" in err

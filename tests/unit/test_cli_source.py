"""The code a command reads (`apiary complete`, `sketch`, `search -`, `suggest --file`): a file or
stdin, decoded as Python does, and never more than the largest document the editor assists."""

from __future__ import annotations

import io
import os

import pytest

from apiary.cli.errors import CliError
from apiary.cli.source import read_source


def test_a_file_is_read_with_its_line_endings_and_coding_line(tmp_path):
    path = tmp_path / "latin.py"
    path.write_bytes(b"# -*- coding: latin-1 -*-\r\nname = '\xe9'\r\n")
    assert read_source(str(path)) == "# -*- coding: latin-1 -*-\r\nname = 'é'\r\n"


def test_stdin_is_read_as_bytes(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbfx = 1\r\n"), encoding="utf-8"))
    assert read_source("-") == "x = 1\r\n"  # the BOM dropped, the line ending kept


def test_a_file_larger_than_the_editor_assists_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("apiary.context.document.MAX_CHARS", 10)
    (tmp_path / "big.py").write_text("x = 1\n" * 100_000)
    with pytest.raises(CliError, match=r"big.py is over 40 bytes: too large to assist \(the editor's limit is 10 char"):
        read_source(str(tmp_path / "big.py"))


def test_stdin_is_read_no_further_than_the_limit(monkeypatch):
    monkeypatch.setattr("apiary.context.document.MAX_CHARS", 10)
    stream = io.BytesIO(b"x = 1\n" * 100_000)
    sizes = []
    read = stream.read
    stream.read = lambda size=-1: sizes.append(size) or read(size)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(stream))
    with pytest.raises(CliError, match=r"^stdin is over 40 bytes: too large to assist"):
        read_source("-")
    assert sizes == [41]


def test_characters_over_the_limit_are_refused_though_the_bytes_fit(tmp_path, monkeypatch):
    monkeypatch.setattr("apiary.context.document.MAX_CHARS", 10)
    (tmp_path / "wide.py").write_text("x = 12345678", encoding="utf-8")  # 12 characters, 12 bytes
    with pytest.raises(CliError, match=r"wide.py has over 10 characters: too large to assist"):
        read_source(str(tmp_path / "wide.py"))


@pytest.mark.parametrize(("name", "message"), [
    ("missing.py", "no such file: {path}"),
    ("folder", "{path} is a folder, not a Python file"),
    ("fifo", "{path} is not a regular file (a FIFO, a device or a socket)"),  # refused, not waited on
])
def test_what_cannot_be_read_says_why(tmp_path, name, message):
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "fifo")
    path = tmp_path / name
    with pytest.raises(CliError) as raised:
        read_source(str(path))
    assert str(raised.value) == message.format(path=path)


def test_undecodable_bytes_say_so(tmp_path):
    path = tmp_path / "latin.py"
    path.write_bytes(b"x = '\xe9'\n")
    with pytest.raises(CliError, match="cannot decode .*latin.py \\(not UTF-8 and no usable coding line\\)"):
        read_source(str(path))

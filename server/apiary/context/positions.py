"""Conversions between LSP positions and Python string offsets.

An LSP position is (line, character). Lines end at "\\n", "\\r\\n" or a lone "\\r"; characters count
code units of the negotiated position encoding, UTF-16 by default, so an astral character such as
"😀" is one Python character but two UTF-16 units. Everything here is pure and never needs a parse.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")
_ENCODINGS = ("utf-16", "utf-8", "utf-32")


def line_starts(text: str) -> list[int]:
    """Offsets where each line of `text` begins; the first is always 0."""
    if "\r" not in text:
        return _split_starts(text.split("\n"))
    return [0, *(m.end() for m in _LINE_BREAK.finditer(text))]


def byte_line_starts(data: bytes) -> list[int]:
    """`line_starts` for UTF-8 bytes: byte offsets where each line begins."""
    if b"\r" not in data:
        return _split_starts(data.split(b"\n"))
    return [0, *(m.end() for m in _LINE_BREAK_BYTES.finditer(data))]


def _split_starts(lines: list[str] | list[bytes]) -> list[int]:
    # Only "\n" breaks: running sums of line lengths, all in C (this runs on every document version).
    with_breaks = map((1).__add__, map(len, lines))
    return list(accumulate(with_breaks, initial=0))[:-1]


def line_of(starts: list[int], offset: int) -> int:
    """The line holding `offset`, given the line starts of its text."""
    return bisect_right(starts, offset) - 1


def line_text(text: str, starts: list[int], line: int) -> str:
    """The text of one line without its line ending."""
    end = starts[line + 1] if line + 1 < len(starts) else len(text)
    return text[starts[line] : end].rstrip("\r\n")


def column_units(line: str, column: int, encoding: str = "utf-16") -> int:
    """Code units of `encoding` in the first `column` characters of a line (the LSP character)."""
    _check_encoding(encoding)
    head = line[:column]
    if head.isascii() or encoding == "utf-32":
        return len(head)
    if encoding == "utf-8":
        return len(head.encode("utf-8", "surrogatepass"))
    return len(head) + sum(1 for ch in head if ord(ch) > 0xFFFF)


def column_index(line: str, units: int, encoding: str = "utf-16") -> int:
    """Inverse of `column_units`: the Python index of an LSP character in a line, clamped to its end.

    A position inside a character (the second half of a surrogate pair, the middle of a UTF-8
    sequence) rounds down to that character's start.
    """
    _check_encoding(encoding)
    if units < 0:
        raise ValueError(f"negative character {units}")
    if line.isascii() or encoding == "utf-32":
        return min(units, len(line))
    used = 0
    for index, ch in enumerate(line):
        used += _units_of(ch, encoding)
        if used > units:
            return index
    return len(line)


def offset_at(text: str, line: int, character: int, encoding: str = "utf-16") -> int:
    """The Python string index of an LSP position in `text`.

    A character past the end of its line clamps to the line end; a line past the last clamps to the
    end of the text. Negative values raise ValueError.
    """
    if line < 0 or character < 0:
        raise ValueError(f"negative position ({line}, {character})")
    start = _nth_line_start(text, line)
    if start is None:
        return len(text)
    match = _LINE_BREAK.search(text, start)
    end = match.start() if match else len(text)
    return start + column_index(text[start:end], character, encoding)


def position_at(text: str, offset: int, encoding: str = "utf-16") -> tuple[int, int]:
    """The LSP (line, character) of a string index; an offset past the end clamps to the end.

    An offset between the "\\r" and "\\n" of a line break counts as the end of that line.
    """
    if offset < 0:
        raise ValueError(f"negative offset {offset}")
    offset = min(offset, len(text))
    starts = line_starts(text[:offset])
    line = len(starts) - 1
    start = starts[-1]
    if offset and text[offset - 1] == "\r" and offset < len(text) and text[offset] == "\n":
        line, start = line - 1, starts[-2]  # inside "\r\n": still the line the break ends
    content = text[start:offset].rstrip("\r\n")
    return line, column_units(content, len(content), encoding)


def _nth_line_start(text: str, line: int) -> int | None:
    if line == 0:
        return 0
    for count, match in enumerate(_LINE_BREAK.finditer(text), start=1):
        if count == line:
            return match.end()
    return None


def _units_of(ch: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(ch.encode("utf-8", "surrogatepass"))
    return 2 if ord(ch) > 0xFFFF else 1


def _check_encoding(encoding: str) -> None:
    if encoding not in _ENCODINGS:
        raise ValueError(f"unknown position encoding {encoding!r}; expected one of {_ENCODINGS}")

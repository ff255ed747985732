"""Conversions between LSP positions and Python string offsets.

An LSP position is (line, character). Lines end at "\\n", "\\r\\n" or a lone "\\r"; characters count
code units of the negotiated position encoding, UTF-16 by default, so an astral character such as
"😀" is one Python character but two UTF-16 units. Everything here is pure and never needs a parse.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate
from typing import overload

import numpy as np

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


def line_of(starts: Sequence[int], offset: int) -> int:
    """The line holding `offset`, given the line starts of its text."""
    if isinstance(starts, LineStarts):
        return starts.line_of(offset)
    return bisect_right(starts, offset) - 1


def line_text(text: str, starts: Sequence[int], line: int) -> str:
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


def offset_at(text: str, line: int, character: int, encoding: str = "utf-16",
              starts: Sequence[int] | None = None) -> int:
    """The Python string index of an LSP position in `text` (whose line starts, when given, save a
    scan of the text).

    A character past the end of its line clamps to the line end; a line past the last clamps to the
    end of the text. Negative values raise ValueError.
    """
    if line < 0 or character < 0:
        raise ValueError(f"negative position ({line}, {character})")
    starts = line_starts(text) if starts is None else starts
    if line >= len(starts):
        return len(text)
    return starts[line] + column_index(line_text(text, starts, line), character, encoding)


def position_at(
    text: str, offset: int, encoding: str = "utf-16", starts: Sequence[int] | None = None
) -> tuple[int, int]:
    """The LSP (line, character) of a string index; an offset past the end clamps to the end.

    An offset between the "\\r" and "\\n" of a line break counts as the end of that line.
    """
    if offset < 0:
        raise ValueError(f"negative offset {offset}")
    offset = min(offset, len(text))
    starts = line_starts(text) if starts is None else starts
    line = line_of(starts, offset)
    content = text[starts[line]:offset].rstrip("\r\n")
    return line, column_units(content, len(content), encoding)


class LineStarts(Sequence[int]):
    """The offsets where each line of a text (or of its bytes) begins, kept in step with edits: an
    edit rescans only the text it touched, and the lines after it move with one vector add, so a
    keystroke in a document of a million lines costs no Python loop over them."""

    def __init__(self, starts: np.ndarray) -> None:
        self._starts = starts

    @classmethod
    def of(cls, text: str | bytes) -> LineStarts:
        starts = line_starts(text) if isinstance(text, str) else byte_line_starts(text)
        return cls(np.asarray(starts, dtype=np.int64))

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> list[int]: ...
    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, slice):
            return self._starts[index].tolist()
        return int(self._starts[index])

    def __len__(self) -> int:
        return len(self._starts)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LineStarts):
            return bool(np.array_equal(self._starts, other._starts))
        return isinstance(other, Sequence) and self._starts.tolist() == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LineStarts({self._starts.tolist()!r})"

    def line_of(self, offset: int) -> int:
        return int(np.searchsorted(self._starts, offset, side="right")) - 1

    def edited(self, text: str | bytes, start: int, end: int, inserted: int) -> LineStarts:
        """The line starts of `text`, which is the old text with [start, end) replaced by `inserted`
        characters (bytes). A start p depends on text[p - 1] and text[p] alone, so only those in
        [start, start + inserted] are found anew; the old ones past `end` shift."""
        new_end = start + inserted
        before = self._starts[: np.searchsorted(self._starts, start, side="left")]
        after = self._starts[np.searchsorted(self._starts, end, side="right"):] + (new_end - end)
        breaks = _LINE_BREAK if isinstance(text, str) else _LINE_BREAK_BYTES
        found = [m.end() for m in breaks.finditer(text, max(start - 1, 0), new_end + 1)]  # type: ignore[arg-type]
        middle = [p for p in found if start <= p <= new_end and p <= len(text)]
        if start == 0:
            middle.insert(0, 0)
        return LineStarts(np.concatenate([before, np.asarray(middle, dtype=np.int64), after]))


def _units_of(ch: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(ch.encode("utf-8", "surrogatepass"))
    return 2 if ord(ch) > 0xFFFF else 1


def _check_encoding(encoding: str) -> None:
    if encoding not in _ENCODINGS:
        raise ValueError(f"unknown position encoding {encoding!r}; expected one of {_ENCODINGS}")

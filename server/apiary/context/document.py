"""A Python document with its tree-sitter tree, kept in step with edits.

Edits arrive as Python string offsets (what LSP positions convert to); tree-sitter counts UTF-8
bytes and (row, byte column) points, so every edit is translated before the tree is told about it.
tree-sitter ends lines at "\\n" only, so a lone "\\r" (which LSP counts as a line break) is handed
to it as "\\n": same length, so offsets agree, and the tree sees the lines the editor shows.
"""

from __future__ import annotations

import re

import tree_sitter
import tree_sitter_python

from apiary.context.positions import LineStarts, line_text

PYTHON = tree_sitter.Language(tree_sitter_python.language())
#: the largest document Apiary assists: a larger one is not parsed (the server's features answer
#: empty for it rather than stall; the CLI refuses it)
MAX_CHARS = 2_000_000
_LONE_CR = re.compile(rb"\r(?!\n)")


def encode(text: str) -> bytes:
    # surrogatepass: a lone surrogate (from a lossy decode upstream) must not make parsing fail.
    return text.encode("utf-8", "surrogatepass")


def parser_bytes(text: str) -> bytes:
    """The bytes tree-sitter parses: UTF-8 with each lone "\\r" as "\\n"."""
    data = encode(text)
    return _LONE_CR.sub(b"\n", data) if b"\r" in data else data


def new_parser() -> tree_sitter.Parser:
    """A Python parser; parsers are cheap and not thread-safe, so make one per user."""
    return tree_sitter.Parser(PYTHON)


class ParsedDocument:
    """Text, its UTF-8 bytes and its syntax tree; incremental edits re-parse with the old tree."""

    def __init__(self, text: str, data: bytes, tree: tree_sitter.Tree | None, parser: tree_sitter.Parser,
                 stale: bool = False) -> None:
        self._text = text
        self._data = data
        #: after edits, the old tree told about them but not yet re-parsed (None: parse from scratch)
        self._tree = tree
        self._stale = stale or tree is None
        self._parser = parser
        self._lines: LineStarts | None = None
        self._byte_lines: LineStarts | None = None

    @classmethod
    def parse(cls, text: str) -> ParsedDocument:
        parser = new_parser()
        data = parser_bytes(text)
        return cls(text, data, parser.parse(data), parser)

    @property
    def text(self) -> str:
        return self._text

    @property
    def data(self) -> bytes:
        """What the tree was parsed from: UTF-8, with lone "\\r" as "\\n"."""
        return self._data

    @property
    def tree(self) -> tree_sitter.Tree:
        """The syntax tree, re-parsed here if edits came since: a burst of keystrokes costs one parse,
        paid by the first request that needs the tree (on a worker, from a snapshot)."""
        if self._stale:
            self._tree = (
                self._parser.parse(self._data, self._tree) if self._tree is not None else self._parser.parse(self._data)
            )
            self._stale = False
        return self._tree

    def snapshot(self) -> ParsedDocument:
        """A copy another thread may read (and parse, if edits are pending) while edits go on here."""
        tree = self._tree.copy() if self._tree is not None else None
        copy = ParsedDocument(self._text, self._data, tree, new_parser(), stale=self._stale)
        copy._lines, copy._byte_lines = self._lines, self._byte_lines  # never changed in place
        return copy

    @property
    def line_starts(self) -> LineStarts:
        """String offsets where each LSP line begins."""
        if self._lines is None:
            self._lines = LineStarts.of(self._text)
        return self._lines

    @property
    def byte_line_starts(self) -> LineStarts:
        """Byte offsets where each LSP line begins (tree-sitter's rows: a lone "\\r" is "\\n" there)."""
        if self._byte_lines is None:
            self._byte_lines = LineStarts.of(self._data)
        return self._byte_lines

    def line(self, index: int) -> str:
        """The text of LSP line `index`, without its line ending."""
        return line_text(self._text, self.line_starts, index)

    def byte_offset(self, offset: int) -> int:
        """The UTF-8 byte offset of a string offset (clamped to the text)."""
        offset = max(0, min(offset, len(self._text)))
        if len(self._data) == len(self._text):  # all ASCII: bytes and characters coincide
            return offset
        row = self.line_starts.line_of(offset)
        return self.byte_line_starts[row] + len(encode(self._text[self.line_starts[row]:offset]))

    def apply_change(self, start_offset: int, end_offset: int, new_text: str) -> None:
        """Replace text[start_offset:end_offset] with `new_text`; the tree is told, and re-parsed
        when next asked for. Costs the edit, the line it is on, and two copies of the text in C."""
        if not 0 <= start_offset <= end_offset <= len(self._text):
            raise ValueError(f"bad range {start_offset}..{end_offset} for a text of {len(self._text)}")
        if start_offset and self._text[start_offset - 1] == "\r":
            # Whether that "\r" is lone (and parsed as "\n") depends on what follows: re-send it.
            start_offset, new_text = start_offset - 1, "\r" + new_text
        start_byte = self.byte_offset(start_offset)
        old_end_byte = self.byte_offset(end_offset)
        old_points = self._point(start_byte), self._point(old_end_byte)
        text = "".join((self._text[:start_offset], new_text, self._text[end_offset:]))  # one copy fewer than +
        # one character more: whether a "\r" that ends the new text is lone depends on it
        piece = parser_bytes(text[start_offset : start_offset + len(new_text) + 1])[: len(encode(new_text))]
        data = b"".join((self._data[:start_byte], piece, self._data[old_end_byte:]))
        new_end_byte = start_byte + len(piece)
        lines = self.line_starts.edited(text, start_offset, end_offset, len(new_text))
        byte_lines = self.byte_line_starts.edited(data, start_byte, old_end_byte, len(piece))
        tree = self._tree
        self._set(text, data, tree)
        self._lines, self._byte_lines = lines, byte_lines
        if tree is not None:  # None: replaced wholesale and not parsed since, nothing to tell
            tree.edit(start_byte, old_end_byte, new_end_byte, *old_points, self._point(new_end_byte))

    def replace_all(self, text: str) -> None:
        """Take a whole new text (a full-sync change); parses from scratch."""
        self._set(text, parser_bytes(text), None)

    def _set(self, text: str, data: bytes, old_tree: tree_sitter.Tree | None) -> None:
        self._text, self._data = text, data
        self._tree, self._stale = old_tree, True  # parsed when the tree is next asked for
        self._lines = self._byte_lines = None

    def _point(self, byte: int) -> tuple[int, int]:
        """tree-sitter's (row, byte column) of a byte offset: its rows are the LSP lines here."""
        row = self.byte_line_starts.line_of(byte)
        return row, byte - self.byte_line_starts[row]

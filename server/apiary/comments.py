"""Blocks of whole-line comments in Python source, and the comment block standing above a line.

One reading for everything that mines "the comment above the code" (API-sequence pairs, the offline
generator's usages, retriever pairs, benchmark problems). The tokenizer decides what is a comment,
so a ``#`` inside a string is not one; text it cannot tokenize (a fragment, a broken file) is read
line by line instead.
"""

from __future__ import annotations

import io
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class CommentBlock:
    #: 1-based lines of the block's first and last comment
    first: int
    last: int
    #: each comment's text without its ``#`` and surrounding spaces
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        """The lines joined with single spaces, as the editor reads a comment block."""
        return " ".join(line for line in self.lines if line).strip()


def comment_blocks(source: str, split_on_indent: bool = True) -> list[CommentBlock]:
    """Runs of whole-line comments (a comment after code on its line is not part of one). With
    ``split_on_indent``, a comment at another indentation starts a new block: it belongs to other code."""
    if "#" not in source:  # most docstring examples: tokenizing them was a fifth of mining their usages
        return []
    comments = _tokenized_comments(source)
    if comments is None:
        comments = list(_scanned_comments(source))
    blocks: list[CommentBlock] = []
    run: list[tuple[int, int, str]] = []
    for row, indent, text in comments:
        if run and (run[-1][0] != row - 1 or (split_on_indent and run[-1][1] != indent)):
            blocks.append(_block(run))
            run = []
        run.append((row, indent, text))
    if run:
        blocks.append(_block(run))
    return blocks


def comments_above(source: str) -> dict[int, str]:
    """Line -> the text of the comment block that ends on the line just above it."""
    return {block.last + 1: block.text for block in comment_blocks(source)}


def _block(run: list[tuple[int, int, str]]) -> CommentBlock:
    return CommentBlock(run[0][0], run[-1][0], tuple(text for _, _, text in run))


def _tokenized_comments(source: str) -> list[tuple[int, int, str]] | None:
    """(row, indentation, text) of each whole-line comment; None when the source does not tokenize."""
    found: list[tuple[int, int, str]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT and not token.line[: token.start[1]].strip():
                found.append((token.start[0], token.start[1], _comment_text(token.string)))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    return found


def _scanned_comments(source: str) -> Iterator[tuple[int, int, str]]:
    for row, line in enumerate(source.splitlines(), 1):
        stripped = line.lstrip()
        if stripped.startswith("#"):
            yield row, len(line) - len(stripped), _comment_text(stripped)


def _comment_text(comment: str) -> str:
    return comment.lstrip("#").strip()

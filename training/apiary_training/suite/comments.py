"""Comment blocks of a Python file, and whether one reads as a programmer's statement of intent.

A problem's query is what a programmer wrote above the code, so only prose counts: commented-out
code, pragmas (``noqa``, ``type: ignore``), licence headers, links and bare markers (``TODO``,
``Arrange``) are not intents.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass

from apiary.context import looks_like_code

MIN_WORDS = 3
MAX_WORDS = 60
MAX_LINES = 6
_NOT_INTENT = re.compile(
    r"\b(?:noqa|type:\s*ignore|pylint|pragma|fmt:|isort|flake8|mypy|coding[:=]|copyright|licen[cs]e|spdx)\b"
    r"|https?://|-\*-|^\s*!|^\s*(?:todo|fixme|xxx|hack)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z']*")


@dataclass(frozen=True)
class CommentBlock:
    #: 1-based lines of the block's first and last comment
    first: int
    last: int
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        """The lines joined with single spaces, as the editor reads a comment block."""
        return " ".join(line for line in self.lines if line).strip()


def comment_blocks(source: str) -> list[CommentBlock]:
    """Runs of whole-line comments (a comment after code on its line is not part of a block)."""
    blocks: list[CommentBlock] = []
    current: list[tuple[int, str]] = []
    code_lines: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT and token.start[0] not in code_lines:
                if current and current[-1][0] != token.start[0] - 1:
                    blocks.append(_block(current))
                    current = []
                current.append((token.start[0], token.string.lstrip("#").strip()))
            elif token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT):
                code_lines.update(range(token.start[0], token.end[0] + 1))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    if current:
        blocks.append(_block(current))
    return blocks


def _block(lines: list[tuple[int, str]]) -> CommentBlock:
    return CommentBlock(lines[0][0], lines[-1][0], tuple(text for _, text in lines))


def is_intent(block: CommentBlock) -> bool:
    """Whether the block reads as prose that says what the code below it does."""
    if len(block.lines) > MAX_LINES or any(_NOT_INTENT.search(line) or looks_like_code(line) for line in block.lines):
        return False
    return is_intent_text(block.text)


def is_intent_text(text: str) -> bool:
    """Whether one stretch of text is prose: enough plain words, no markers, not code."""
    if _NOT_INTENT.search(text):
        return False
    words = _WORD.findall(text)
    if not MIN_WORDS <= len(words) <= MAX_WORDS:
        return False
    tokens = text.split()
    if sum(bool(_WORD.fullmatch(t.strip(".,:;!?()\"'`"))) for t in tokens) < 0.5 * len(tokens):
        return False
    return not looks_like_code(text)


def first_sentence(docstring: str) -> str:
    """A docstring's opening sentence, as a function's statement of intent."""
    paragraph = docstring.strip().split("\n\n")[0]
    flat = " ".join(line.strip() for line in paragraph.splitlines())
    match = re.match(r"(.+?[.!?])(?:\s|$)", flat)
    return (match.group(1) if match else flat).strip()

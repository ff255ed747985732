"""Comment blocks of a Python file, and whether one reads as a programmer's statement of intent.

A problem's query is what a programmer wrote above the code, so only prose counts: commented-out
code, pragmas (``noqa``, ``type: ignore``), licence headers, links and bare markers (``TODO``,
``Arrange``) are not intents.
"""

from __future__ import annotations

import re

from apiary.comments import CommentBlock
from apiary.comments import comment_blocks as blocks_of
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


def comment_blocks(source: str) -> list[CommentBlock]:
    """Runs of whole-line comments, not split where the indentation changes: the problem sets
    mined with this reading are fixed (their cache is versioned), and this keeps them as they are."""
    return blocks_of(source, split_on_indent=False)


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

"""Where the code asked for at a comment goes: the statement begun below the comment, or a new line
after it (the code actions "Choose APIs", "Insert completion" and "Suggest API sequence")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from apiary.context import extract_context
from apiary.context.positions import line_text
from apiary.generation.placement import Placement, placement


@dataclass(frozen=True)
class CodeSite:
    #: the text to complete in: the document's, with a new line after the comment when the code goes there
    text: str
    #: the cursor's offset in `text`
    cursor: int
    #: where the edit goes in the document
    insert_at: int
    #: the indent of code written on a new line ("" when it completes a statement in place)
    indent: str

    @property
    def in_place(self) -> bool:
        """Whether the code completes the document's text at the cursor (no new line)."""
        return self.insert_at == self.cursor


def code_site(text: str, starts: Sequence[int], line: int, offset: int) -> CodeSite:
    """For a cursor at ``offset`` on ``line``: on a comment line, the code completes the statement
    begun on the line below it (``big_orders =``) or goes on a new line after the comment;
    elsewhere it goes at the cursor."""
    current = _line(text, starts, line)
    if not current.lstrip().startswith("#"):
        return CodeSite(text, offset, offset, "")
    below = _line(text, starts, line + 1)
    if below.strip() and not below.lstrip().startswith("#"):
        end_below = starts[line + 1] + len(below.rstrip())
        if placement(extract_context(text, end_below)) is Placement.REST:
            return CodeSite(text, end_below, end_below, "")
    end = starts[line] + len(current)
    indent = current[: len(current) - len(current.lstrip())]
    return CodeSite(text[:end] + "\n" + indent + text[end:], end + 1 + len(indent), end, indent)


def _line(text: str, starts: Sequence[int], line: int) -> str:
    return line_text(text, starts, line) if 0 <= line < len(starts) else ""

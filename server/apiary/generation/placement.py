"""Where ghost text belongs: the next statement on an empty line, the rest of the statement being
typed, or nothing at all (inside a comment or a string, at the end of the comment line, before text
already on the line, after a statement that is complete).

A generator that writes whole statements (the offline one) is shaped to the line by `continuation`:
after ``orders.`` only ``keep_where(...)`` is inserted, and a candidate that does not continue what
is typed is dropped rather than written beside it.
"""

from __future__ import annotations

import ast
import keyword
import re
from enum import Enum

from apiary.context import EditorContext


class Placement(Enum):
    NOTHING = "nothing"
    STATEMENT = "statement"  # an empty line: a whole new statement
    REST = "rest"  # the rest of the statement the line has begun


#: a line that ends like this is unfinished whatever it parses as
_OPEN_END = re.compile(r"(?:[.=(\[{,:+\-*/%<>&|^~@]|\b(?:and|or|not|in|is|return|yield|lambda|await|if|else))\s*$")
_IDENTIFIER_END = re.compile(r"[A-Za-z0-9_]$")
_DECLARATION = re.compile(r"(?:import|from|def|class|async\s+def|global|nonlocal|del|pass|break|continue)\b|@")


def placement(editor: EditorContext) -> Placement:
    if editor.in_comment_or_string:
        return Placement.NOTHING
    if editor.text_after.partition("\n")[0].strip():
        return Placement.NOTHING  # text after the cursor on its line: not ours to push aside
    code = editor.line_prefix.strip()
    if not code:
        return Placement.STATEMENT
    if code.startswith("#") or _DECLARATION.match(code):
        return Placement.NOTHING  # the end of the comment line itself; an import or a def being written
    if _OPEN_END.search(code) or _IDENTIFIER_END.search(code):
        return Placement.REST  # an open operator, or a name being typed (``big = orders.keep_where``)
    return Placement.NOTHING if _parses(code) else Placement.REST


def continuation(line: str, statement: str) -> str | None:
    """What to insert after ``line`` (the text before the cursor on its line) so that it reads as
    ``statement``; None when ``statement`` does not continue what the line has begun."""
    typed = line.rstrip()
    if not typed.strip():
        return statement
    text = statement.strip()
    for size in range(min(len(typed.strip()), len(text)), 0, -1):
        head = text[:size]
        if typed.endswith(head) and _starts_a_token(typed, len(typed) - size):
            return text[size:]
    last_word = re.split(r"\W", typed)[-1]
    if (_IDENTIFIER_END.search(typed) and not keyword.iskeyword(last_word)) or typed.endswith("."):
        return None  # a half-typed name or a dot that the statement does not continue
    return text if line.endswith((" ", "\t", "(", "[", "{")) else f" {text}"


def repeats_previous(editor: EditorContext, inserted: str) -> bool:
    """Whether the line would read exactly as the statement just above it."""
    previous = next((line.strip() for line in reversed(editor.text_before.split("\n")[:-1]) if line.strip()), "")
    return bool(previous) and (editor.line_prefix + inserted).strip() == previous


def _starts_a_token(text: str, at: int) -> bool:
    """Whether position ``at`` of ``text`` begins a name or an expression (not the middle of one)."""
    return at == 0 or not (text[at - 1].isalnum() or text[at - 1] in "_.")


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
        return True
    except (SyntaxError, ValueError):
        return False

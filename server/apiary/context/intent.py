"""The user's intent: the comment block or docstring nearest above the cursor.

Walking up from the cursor line, the first of these wins: a comment on the cursor line (a trailing
`x = |  # sum the prices` or the comment being written), the closest block of consecutive full-line
comments (code lines may sit between it and the cursor), or the enclosing function's docstring.
The walk never leaves the enclosing function or class, ignores comments inside other definitions,
passes over pragma lines and commented-out code, and gives up after 12 lines of code.
"""

from __future__ import annotations

import ast
import inspect
import re
from dataclasses import dataclass

import tree_sitter

from apiary.context.document import PYTHON
from apiary.context.syntax import Node, Site, captures, first_named, header_end_row, text_of

MAX_CODE_LINES = 12
WINDOW_ROWS = 200  # how far up comments are read at all: bounds the work on long files
_COMMENTS = tree_sitter.Query(PYTHON, "(comment) @c")
_DEFINITIONS = tree_sitter.Query(PYTHON, "[(function_definition) (class_definition)] @d")
_CODING = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+")
_PRAGMA = re.compile(
    r"^(?:noqa\b|nosec\b|type:|pragma\b|pylint:|mypy:|pyright:|pyre-|fmt:|isort:|ruff:|flake8[:\s]|yapf:|"
    r"cython:|%%|In\s*\[\d*\]:)",
    re.IGNORECASE,
)
_SECTION = re.compile(
    r"^(Args|Arguments|Parameters|Params|Returns?|Yields?|Raises|Examples?|Notes?|See Also|Attributes|"
    r"Keyword Args|Other Parameters|References|Usage)\s*:?$|^>>>|^[-=~^]{3,}$",
    re.IGNORECASE,
)
_CODE_STATEMENTS = (
    ast.Assign, ast.AugAssign, ast.Import, ast.ImportFrom, ast.Return, ast.Delete, ast.Raise,
    ast.Global, ast.Nonlocal, ast.For, ast.AsyncFor, ast.While, ast.If, ast.With, ast.AsyncWith,
    ast.Try, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Pass, ast.Break, ast.Continue,
)  # fmt: skip
_CODE_EXPRESSIONS = (ast.Call, ast.Await, ast.Yield, ast.YieldFrom, ast.Lambda)


@dataclass(frozen=True)
class Intent:
    text: str
    lines: tuple[int, int] | None


NO_INTENT = Intent("", None)


def find_intent(site: Site, chain: list[Node]) -> Intent:
    """The intent at the cursor, given the definitions enclosing it (outermost first)."""
    scope = chain[-1] if chain else None
    # The cursor may sit in the scope's own header (`def f(a, |`): then there is no body to read yet.
    first_row = min(header_end_row(site, scope) + 1, site.row) if scope is not None else 0
    first_row = max(first_row, site.row - WINDOW_ROWS)
    comments = _comments(site, first_row)
    foreign = _foreign_rows(site, first_row, chain)
    for row in foreign:
        comments.pop(row, None)
    on_cursor_line = comments.get(site.row)
    meaning = _meaning(on_cursor_line, site.row) if on_cursor_line is not None else None
    if meaning is not None:
        if _is_full_line(site, site.row):
            return _block_above(site, comments, site.row, first_row)
        return Intent(meaning, (site.row, site.row))
    docstring = _docstring(scope) if scope is not None and scope.type == "function_definition" else None
    return _walk_up(site, comments, first_row, docstring)


def _walk_up(site: Site, comments: dict[int, str], first_row: int, docstring: Node | None) -> Intent:
    doc_end = site.row_of(max(docstring.end_byte - 1, docstring.start_byte)) if docstring is not None else -1
    code_lines = 0
    for row in range(site.row - 1, first_row - 1, -1):
        if row == doc_end and docstring is not None:
            return _docstring_intent(site, docstring)
        if row in comments and _is_full_line(site, row):
            if _meaning(comments[row], row) is not None:
                return _block_above(site, comments, row, first_row)
            continue
        if not site.doc.line(row).strip():
            continue
        code_lines += 1
        if code_lines > MAX_CODE_LINES:
            break
    return NO_INTENT


def _block_above(site: Site, comments: dict[int, str], last: int, first_row: int) -> Intent:
    """The consecutive full-line comments ending at row `last`, skippable ones left out."""
    texts: list[str] = []
    first = last
    for row in range(last, first_row - 1, -1):
        if row not in comments or not _is_full_line(site, row):
            break
        meaning = _meaning(comments[row], row)
        if meaning is not None:
            texts.append(meaning)
            first = row
    return Intent(" ".join(reversed(texts)), (first, last))


def _comments(site: Site, first_row: int) -> dict[int, str]:
    """Comment text by the line it starts on, from `first_row` through the cursor line.

    Comments in the bodies of other definitions are dropped by the caller: they are code lines here.
    """
    starts = site.doc.byte_line_starts
    end = starts[site.row + 1] if site.row + 1 < len(starts) else len(site.doc.data)
    nodes = captures(_COMMENTS, site, starts[first_row], end)
    return {site.row_of(node.start_byte): text_of(node) for node in nodes}


def _is_full_line(site: Site, row: int) -> bool:
    return site.doc.line(row).lstrip().startswith("#")


def _foreign_rows(site: Site, first_row: int, chain: list[Node]) -> set[int]:
    """Lines inside the bodies of definitions that do not enclose the cursor."""
    mine = {(d.start_byte, d.type) for d in chain}
    rows: set[int] = set()
    for node in captures(_DEFINITIONS, site, site.doc.byte_line_starts[first_row], site.byte):
        if (node.start_byte, node.type) in mine:
            continue
        body_start = header_end_row(site, node) + 1
        rows.update(range(body_start, site.row_of(node.end_byte) + 1))
    return rows


def _meaning(comment: str, row: int) -> str | None:
    """A comment's text without markers, or None for lines that carry no intent."""
    if row == 0 and comment.startswith("#!"):
        return None
    if row <= 1 and _CODING.match(comment):
        return None
    body = re.sub(r"^#+:?", "", comment).strip()
    if not any(ch.isalnum() for ch in body) or _PRAGMA.match(body) or looks_like_code(body):
        return None
    return body


def looks_like_code(text: str) -> bool:
    """Whether a comment's text is commented-out code rather than prose.

    Code is what parses as Python and does something: an assignment, import, call, control flow
    (`for x in y:` is tried with a body). Words that happen to parse (`TODO`, `Note: this`, `a or b`)
    stay prose.
    """
    text = text.strip()
    candidates = [text, text + " pass"] if text.endswith(":") else [text]
    for candidate in candidates:
        try:
            body = ast.parse(candidate).body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        return any(_is_code(statement) for statement in body)
    return False


def _is_code(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.AnnAssign):
        return statement.value is not None
    if isinstance(statement, ast.Expr):
        return isinstance(statement.value, _CODE_EXPRESSIONS)
    return isinstance(statement, _CODE_STATEMENTS)


def _docstring(function: Node) -> Node | None:
    body = function.child_by_field_name("body")
    first = first_named(body) if body is not None else None
    if first is None or first.type != "expression_statement":
        return None
    string = first_named(first)
    return string if string is not None and string.type == "string" else None


def _docstring_intent(site: Site, string: Node) -> Intent:
    content = "".join(text_of(c) for c in string.children if c.type in ("string_content", "escape_sequence"))
    kept: list[str] = []
    for line in inspect.cleandoc(content).splitlines():
        if _SECTION.match(line.strip()):
            break
        kept.append(line.strip())
    text = " ".join(part for part in kept if part)
    if not text:
        return NO_INTENT
    return Intent(
        text, (site.row_of(string.start_byte), site.row_of(max(string.end_byte - 1, string.start_byte)))
    )

"""Pieces of code with the natural language that describes them: a function or class with its
docstring's first sentence, and the lines under a comment with the comment. The retriever pairs and
the intent-snippet pairs are both made from these."""

from __future__ import annotations

import ast
import io
import re
import textwrap
import tokenize
from dataclasses import dataclass

from apiary.docs.docstrings import first_sentence
from apiary_training.corpus.cert import strip_comments
from apiary_training.corpus.pipeline import CleanFile

_WORD = re.compile(r"[A-Za-z]{2,}")
_DIRECTIVE = re.compile(r"^\s*(noqa|type:|pragma|pylint|fmt:|mypy|isort|TODO|FIXME|XXX)", re.IGNORECASE)


@dataclass(frozen=True)
class Described:
    description: str
    #: the code described, comments and docstrings removed, dedented
    code: str
    #: the calls made by that code
    calls: tuple[ast.Call, ...]
    kind: str  # "docstring" | "comment"


def described_code(file: CleanFile, min_words: int = 3) -> list[Described]:
    lines = file.text.splitlines()
    calls = [node for node in ast.walk(file.tree) if isinstance(node, ast.Call)]
    found = [*_docstring_units(file.tree, lines), *_comment_units(file.text, lines, calls)]
    return [unit for unit in found if len(_WORD.findall(unit.description)) >= min_words and unit.code.strip()]


def _docstring_units(tree: ast.Module, lines: list[str]) -> list[Described]:
    units = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and ast.get_docstring(node):
            source = textwrap.dedent("\n".join(lines[node.lineno - 1 : node.end_lineno])) + "\n"
            calls = tuple(n for n in ast.walk(node) if isinstance(n, ast.Call))
            units.append(Described(first_sentence(ast.get_docstring(node) or ""), strip_comments(source),
                                   calls, "docstring"))
    return units


def _comment_units(text: str, lines: list[str], calls: list[ast.Call]) -> list[Described]:
    """A run of comment-only lines describes the lines below it up to a blank line, another comment or
    a dedent; an inline comment describes its own line, a ``#:`` attribute comment the next line."""
    units = []
    for first, last, comment, inline in _comment_runs(text):
        start, end = (first, first) if inline else (last + 1, _code_end(lines, last + 1))
        if lines[last - 1].lstrip().startswith("#:"):
            end = min(end, start)
        if end < start or _looks_like_code(comment) or _DIRECTIVE.match(comment):
            continue
        code = textwrap.dedent("\n".join(lines[start - 1 : end])) + "\n"
        covered = tuple(c for c in calls if start <= c.lineno <= end)
        units.append(Described(comment, strip_comments(code), covered, "comment"))
    return units


def _comment_runs(text: str) -> list[tuple[int, int, str, bool]]:
    """(first row, last row, joined text, inline) of each inline comment and run of comment lines."""
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type == tokenize.COMMENT]
    except (tokenize.TokenError, SyntaxError):
        return []
    runs: list[tuple[int, int, str, bool]] = []
    for token in tokens:
        words = token.string.lstrip("#:").strip()
        if token.string.startswith("#!") or not words:
            continue
        row, inline = token.start[0], not token.line.lstrip().startswith("#")
        if runs and runs[-1][1] == row - 1 and not inline and not runs[-1][3]:
            first, _, joined, _ = runs[-1]
            runs[-1] = (first, row, f"{joined} {words}", False)
        else:
            runs.append((row, row, words, inline))
    return runs


def _code_end(lines: list[str], start: int) -> int:
    """The last row of the code under a comment ending at ``start - 1``."""
    if start > len(lines) or not lines[start - 1].strip():
        return start - 1
    indent = len(lines[start - 1]) - len(lines[start - 1].lstrip())
    end = start
    while end < len(lines):
        line = lines[end]
        if not line.strip() or line.lstrip().startswith("#") or len(line) - len(line.lstrip()) < indent:
            break
        end += 1
    return end


def _looks_like_code(comment: str) -> bool:
    """Commented-out code, not prose: it parses and has code punctuation."""
    if not any(char in comment for char in "=()[]{}"):
        return False
    try:
        ast.parse(comment)
    except (SyntaxError, ValueError):
        return False
    return True

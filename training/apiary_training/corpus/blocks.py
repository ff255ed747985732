"""A file split into the blocks the papers train on: each top-level function, each class, and each run
of other top-level statements (imports, assignments, ``if __name__ == ...``).

The split is lossless: the comments and blank lines before a block belong to it (a comment usually
introduces what follows), and the file's tail belongs to the last block, so joining the blocks with
blank lines gives back every line of the file.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

FUNCTION, CLASS, STATEMENTS = "function", "class", "statements"


@dataclass(frozen=True)
class Block:
    kind: str
    text: str
    #: 1-based first and last line of the block in the file
    start: int
    end: int
    #: the function or class name; "" for statements
    name: str = ""
    #: the file's top-level statements in the block
    nodes: tuple[ast.stmt, ...] = field(default=(), compare=False, repr=False)


def split_blocks(text: str, tree: ast.Module) -> list[Block]:
    lines = text.splitlines(keepends=True)
    spans = _node_spans(tree)
    blocks: list[Block] = []
    previous_end = 0
    for index, (kind, name, end, nodes) in enumerate(spans):
        end = len(lines) if index == len(spans) - 1 else end
        start = _first_non_blank(lines, previous_end, end)
        body = "".join(lines[start:end]).rstrip() + "\n"
        blocks.append(Block(kind, body, start + 1, end, name, tuple(nodes)))
        previous_end = end
    return blocks


def _node_spans(tree: ast.Module) -> list[tuple[str, str, int, list[ast.stmt]]]:
    """(kind, name, last line, nodes) per block; consecutive plain statements merge into one block."""
    spans: list[tuple[str, str, int, list[ast.stmt]]] = []
    for node in tree.body:
        end = node.end_lineno or node.lineno
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            spans.append((FUNCTION, node.name, end, [node]))
        elif isinstance(node, ast.ClassDef):
            spans.append((CLASS, node.name, end, [node]))
        elif spans and spans[-1][0] == STATEMENTS:
            spans[-1] = (STATEMENTS, "", end, spans[-1][3] + [node])
        else:
            spans.append((STATEMENTS, "", end, [node]))
    return spans


def _first_non_blank(lines: list[str], start: int, end: int) -> int:
    while start < end and not lines[start].strip():
        start += 1
    return start

"""Does a candidate fit the file it would be inserted into? Checked in place with tree-sitter: the
file with the candidate at the cursor must have no syntax error near the insertion."""

from __future__ import annotations

import threading

import tree_sitter_python
from tree_sitter import Language, Node, Parser

_LANGUAGE = Language(tree_sitter_python.language())
_local = threading.local()


def _parser() -> Parser:
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = Parser(_LANGUAGE)
    return parser


def error_ranges(code: str) -> list[tuple[int, int]]:
    """Byte ranges of ERROR and MISSING nodes in ``code``."""
    tree = _parser().parse(code.encode("utf-8", "surrogatepass"))
    ranges: list[tuple[int, int]] = []
    stack: list[Node] = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            ranges.append((node.start_byte, node.end_byte))
            continue
        if node.has_error:
            stack.extend(node.children)
    return ranges


def fits_in_place(prefix: str, completion: str, suffix: str = "") -> bool:
    """No syntax error touches the cursor's line or the inserted text."""
    line_start = len(prefix.rsplit("\n", 1)[0].encode("utf-8", "surrogatepass")) if "\n" in prefix else 0
    end = len((prefix + completion).encode("utf-8", "surrogatepass"))
    following = suffix.split("\n", 1)[0] if suffix else ""
    window_end = end + len(following.encode("utf-8", "surrogatepass"))
    for start, stop in error_ranges(prefix + completion + suffix):
        if start <= window_end and stop >= line_start:
            return False
    return True

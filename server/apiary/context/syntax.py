"""Small readings of tree-sitter nodes shared by the extractors.

Trees here often hold ERROR nodes (the text before a cursor usually ends mid-statement), so every
helper accepts any node shape and answers None rather than raising.
"""

from __future__ import annotations

from dataclasses import dataclass

import tree_sitter

from apiary.context.document import ParsedDocument
from apiary.context.positions import line_of

Node = tree_sitter.Node

DEFINITIONS = frozenset({"function_definition", "class_definition"})
# Statements whose header owns an indented body; the cursor may sit in that body past the node's end.
_HEADERS = frozenset(
    {
        "function_definition", "class_definition", "decorated_definition", "if_statement",
        "for_statement", "while_statement", "try_statement", "with_statement", "match_statement",
        "elif_clause", "else_clause", "except_clause", "except_group_clause", "finally_clause",
        "case_clause",
    }
)  # fmt: skip
_LITERALS = {
    "string": "str", "concatenated_string": "str", "integer": "int", "float": "float",
    "true": "bool", "false": "bool", "list": "list", "list_comprehension": "list",
    "dictionary": "dict", "dictionary_comprehension": "dict", "set": "set",
    "set_comprehension": "set", "tuple": "tuple",
}  # fmt: skip
_MAX_CHAIN = 200


@dataclass(frozen=True)
class Site:
    """The cursor in a parsed document: string offset, byte offset, LSP line and column."""

    doc: ParsedDocument
    offset: int
    byte: int
    row: int
    column: int

    @classmethod
    def at(cls, doc: ParsedDocument, offset: int) -> Site:
        row = line_of(doc.line_starts, offset)
        return cls(doc, offset, doc.byte_offset(offset), row, offset - doc.line_starts[row])

    @property
    def line(self) -> str:
        return self.doc.line(self.row)

    @property
    def line_prefix(self) -> str:
        return self.line[: self.column]

    def row_of(self, byte: int) -> int:
        """The LSP line of a byte offset."""
        return line_of(self.doc.byte_line_starts, byte)


def captures(query: tree_sitter.Query, site: Site, start: int, end: int) -> list[Node]:
    """Nodes a one-capture query finds intersecting bytes [start, end), in document order."""
    if start >= end:  # an empty range would mean "no limit" to tree-sitter
        return []
    cursor = tree_sitter.QueryCursor(query)
    cursor.set_byte_range(start, end)
    found = [node for nodes in cursor.captures(site.doc.tree.root_node).values() for node in nodes]
    return sorted(found, key=lambda node: node.start_byte)


def text_of(node: Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", "replace")


def unwrap(node: Node | None) -> Node | None:
    """Strip parentheses, `await` and `type` wrappers around an expression."""
    for _ in range(_MAX_CHAIN):
        if node is None or node.type not in ("parenthesized_expression", "await", "type"):
            return node
        node = first_named(node)
    return None


def first_named(node: Node) -> Node | None:
    for child in node.named_children:
        if child.type != "comment":
            return child
    return None


def notation(node: Node | None) -> str | None:
    """An expression in value notation ("hc.read().head()"; ``root / "x"`` as ``root``), or None if
    it is not a simple chain."""
    suffix: list[str] = []
    for _ in range(_MAX_CHAIN):
        node = unwrap(node)
        if node is None:
            return None
        kind = node.type
        if kind == "attribute":
            suffix.append("." + text_of(node.child_by_field_name("attribute")))
            node = node.child_by_field_name("object")
        elif kind == "call":
            suffix.append("()")
            node = node.child_by_field_name("function")
        elif kind == "subscript":
            suffix.append("[]")
            node = node.child_by_field_name("value")
        elif kind == "binary_operator":
            # a library's value with an operator is taken to be of its class (``root / "reports"``
            # a Path, ``42.195 * ureg.km`` a Quantity): the operand that is no literal stands for it
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            node = right if _is_literal(left) and not _is_literal(right) else left
        else:
            head = _head(node)
            return None if head is None else head + "".join(reversed(suffix))
    return None


def _is_literal(node: Node | None) -> bool:
    node = unwrap(node)
    return node is not None and node.type in _LITERALS


def _head(node: Node) -> str | None:
    if node.type == "identifier":
        return text_of(node)
    if node.type in _LITERALS:
        return _LITERALS[node.type] + "()"
    return None


def definition_of(node: Node) -> Node:
    """A decorated definition's function or class; any other node itself."""
    if node.type == "decorated_definition":
        inner = node.child_by_field_name("definition")
        return inner if inner is not None else node
    return node


def enclosing_definitions(site: Site, indent_width: int) -> list[Node]:
    """The function and class definitions around the cursor, outermost first.

    A definition whose node ended before the cursor still encloses it when the cursor is indented
    deeper than its header (a blank line at the end of a body, or a statement being typed there).
    """
    chain: list[Node] = []
    node = site.doc.tree.root_node
    for _ in range(_MAX_CHAIN):
        child = _last_child_before(node, site.byte)
        if child is None or not _encloses(site, child, indent_width):
            break
        if child.type in DEFINITIONS:
            chain.append(child)
        node = child
    return chain


def _encloses(site: Site, node: Node, indent_width: int) -> bool:
    if node.end_byte >= site.byte or node.type == "block":
        return True
    return node.type in _HEADERS and indent_at(site, node.start_byte) < indent_width


def _last_child_before(node: Node, byte: int) -> Node | None:
    found = None
    for child in node.children:
        if child.start_byte >= byte:
            break
        if child.type != "comment":
            found = child
    return found


def indent_at(site: Site, byte: int) -> int:
    """Indentation width (tabs to 8) of the line holding a byte offset."""
    return indent_width(site.doc.line(site.row_of(byte)))


def indent_width(line: str) -> int:
    stripped = line.lstrip(" \t\f")
    return len(line[: len(line) - len(stripped)].expandtabs(8))


def header_end_row(site: Site, definition: Node) -> int:
    """The line of a definition's ":" (where its body may begin), or its first line."""
    for child in definition.children:
        if child.type == ":":
            return site.row_of(child.start_byte)
    return site.row_of(definition.start_byte)

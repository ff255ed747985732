"""Dotted names in Python syntax trees: ``a.b.c`` as a chain of attributes on a name."""

from __future__ import annotations

import ast


def dotted_parts(node: ast.AST | None) -> list[str] | None:
    """``a.b.c`` -> ["a", "b", "c"]; None for anything but a chain of attributes on a name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [node.id, *reversed(parts)]


def dotted_name(node: ast.AST | None) -> str | None:
    """``a.b.c`` as one string; None for anything but a chain of attributes on a name."""
    parts = dotted_parts(node)
    return ".".join(parts) if parts is not None else None

"""The names a file's imports define, and the dotted API path each stands for (Deep API Learning Revisited §3.1.3).

Relative imports, imports of the project's own modules and wildcard imports define nothing: calls
through them are not API calls.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterable

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def import_bindings(statements: Iterable[ast.stmt], project_modules: Collection[str] = ()) -> dict[str, str]:
    """``{local name: dotted path}`` for the import statements among ``statements`` (not nested ones)."""
    bindings: dict[str, str] = {}
    for node in statements:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _is_internal(alias.name, project_modules):
                    continue
                if alias.asname:  # import os.path as p: p is os.path
                    bindings[alias.asname] = alias.name
                else:  # import os.path: binds os, and os.path.join resolves through it
                    head = alias.name.split(".")[0]
                    bindings[head] = head
        elif isinstance(node, ast.ImportFrom):
            if node.level or not node.module or _is_internal(node.module, project_modules):
                continue
            for alias in node.names:
                if alias.name != "*":
                    bindings[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return bindings


def all_import_statements(body: Iterable[ast.stmt]) -> list[ast.stmt]:
    """Imports among a module's statements, including under ``if``/``try``/``with`` blocks
    (``try: import json except ImportError: ...``), but not inside functions or classes."""
    found: list[ast.stmt] = []
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif not isinstance(node, _SCOPES):
            found.extend(all_import_statements(_nested_statements(node)))
    return found


def _nested_statements(node: ast.AST) -> list[ast.stmt]:
    nested: list[ast.stmt] = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.stmt):
            nested.append(child)
        elif isinstance(child, ast.excepthandler | ast.match_case):
            nested.extend(child.body)
    return nested


def _is_internal(module: str, project_modules: Collection[str]) -> bool:
    return module.split(".")[0] in project_modules

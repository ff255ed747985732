"""Import statements: the names they bind and the libraries they name."""

from __future__ import annotations

import re
import sys

from apiary.context.model import ImportBinding
from apiary.context.syntax import Node, Site, text_of

IMPORT_TYPES = frozenset({"import_statement", "import_from_statement", "future_import_statement"})
# Imports start a line: finding them in the bytes and confirming with the tree beats a whole-tree query.
_IMPORT_START = re.compile(rb"^[ \t]*(?:import|from)\b", re.MULTILINE)
_NOT_LIBRARIES = frozenset(sys.stdlib_module_names) | {"__future__", "__main__", "builtins"}


def collect_imports(site: Site) -> tuple[ImportBinding, ...]:
    """Every import binding that ends before the cursor, in file order, wherever it is nested.

    Imports sharing a line with other code (`x = 1; import os`, `if x: import os`) are not seen.
    """
    root = site.doc.tree.root_node
    bindings: list[ImportBinding] = []
    for match in _IMPORT_START.finditer(site.doc.data, 0, site.byte):
        keyword = match.end() - (6 if match.group().endswith(b"import") else 4)
        node = _statement_at(root, keyword)
        if node is not None and node.end_byte <= site.byte:
            bindings.extend(import_bindings(node, site.row_of(keyword)))
    return tuple(bindings)


def _statement_at(root: Node, keyword: int) -> Node | None:
    node = root.descendant_for_byte_range(keyword, keyword + 1)
    for _ in range(3):
        if node is None or node.start_byte != keyword:
            return None
        if node.type in IMPORT_TYPES:
            return node
        node = node.parent
    return None


def import_bindings(node: Node, line: int) -> list[ImportBinding]:
    """The bindings of one import statement node."""
    if node.type == "import_statement":
        return [_plain_binding(name, line) for name in node.children_by_field_name("name")]
    if node.type == "future_import_statement":
        base = "__future__"
    else:
        base = _compact(text_of(node.child_by_field_name("module_name")))
        if not base:
            return []
    bindings = [_from_binding(base, name, line) for name in node.children_by_field_name("name")]
    if any(child.type == "wildcard_import" for child in node.children):
        bindings.append(ImportBinding("*", _join(base, "*"), False, line))
    return [b for b in bindings if b.local]


def libraries(imports: tuple[ImportBinding, ...]) -> tuple[str, ...]:
    """Top-level third-party packages, in order of first import: no stdlib, no relative imports."""
    found: dict[str, None] = {}
    for binding in imports:
        if binding.target.startswith("."):
            continue
        top = binding.target.split(".", 1)[0]
        if top and top not in _NOT_LIBRARIES:
            found.setdefault(top, None)
    return tuple(found)


def _plain_binding(name: Node, line: int) -> ImportBinding:
    if name.type == "aliased_import":
        target = _compact(text_of(name.child_by_field_name("name")))
        return ImportBinding(text_of(name.child_by_field_name("alias")), target, True, line)
    target = _compact(text_of(name))
    return ImportBinding(target.split(".", 1)[0], target.split(".", 1)[0], True, line)


def _from_binding(base: str, name: Node, line: int) -> ImportBinding:
    if name.type == "aliased_import":
        imported = _compact(text_of(name.child_by_field_name("name")))
        local = text_of(name.child_by_field_name("alias"))
    else:
        imported = local = _compact(text_of(name))
    return ImportBinding(local, _join(base, imported), False, line)


def _join(base: str, name: str) -> str:
    return base + name if base.endswith(".") else f"{base}.{name}"


def _compact(dotted: str) -> str:
    """`a . b` and line-continued names read as "a.b"."""
    return "".join(dotted.split()).replace("\\", "")

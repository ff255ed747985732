"""Names visible at the cursor and what they were bound to.

Walks the statements before the cursor at module level and in each enclosing definition, in file
order, and resolves each binding against the ones before it, so `dp = dp.map(f)` sees the earlier
`dp`. Class bodies count only when the cursor is directly in them (methods do not see them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from apiary.context.bindings import (
    Binding,
    assignment_bindings,
    for_bindings,
    parameter_bindings,
    with_bindings,
)
from apiary.context.imports import IMPORT_TYPES, import_bindings
from apiary.context.model import ValueOrigin
from apiary.context.resolve import Entry, Env, resolve
from apiary.context.syntax import (
    DEFINITIONS,
    Node,
    Site,
    definition_of,
    notation,
    text_of,
    unwrap,
)

_CONTAINERS = frozenset(
    {
        "module", "block", "ERROR", "if_statement", "elif_clause", "else_clause", "while_statement",
        "try_statement", "except_clause", "except_group_clause", "finally_clause", "match_statement",
        "case_clause", "for_statement", "with_statement", "expression_statement",
    }
)  # fmt: skip
_DOTTED = re.compile(r"[^\W\d][\w]*(?:\.[^\W\d]\w*)*")
_MAX_DEPTH = 64


@dataclass
class _Walk:
    site: Site
    chain: list[Node]
    innermost: Node | None = None
    bindings: list[Binding] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.chain_starts = {d.start_byte for d in self.chain}

    def in_chain(self, node: Node) -> bool:
        return node.start_byte in self.chain_starts  # definitions never share a start byte


@dataclass(frozen=True)
class Scope:
    origins: tuple[ValueOrigin, ...]
    env: Env


def visible_scope(site: Site, chain: list[Node]) -> Scope:
    """Resolve every binding visible at the cursor; the latest binding of each name wins."""
    walk = _Walk(site, chain, chain[-1] if chain else None)
    _statements(walk, site.doc.tree.root_node, True, 0)
    env: Env = {}
    origins: dict[str, ValueOrigin] = {}
    for binding in walk.bindings:
        origins.pop(binding.name, None)
        if binding.kind != "value":
            env[binding.name] = Entry("import" if binding.kind == "import" else "defined", binding.path)
            continue
        origin = _origin(binding, env, site.row_of(binding.byte))
        env[binding.name] = Entry("local", origin.resolved)
        origins[binding.name] = origin
    return Scope(tuple(origins.values()), env)


def _statements(walk: _Walk, container: Node, record: bool, depth: int) -> None:
    cursor = walk.site.byte
    if depth > _MAX_DEPTH:
        return
    for child in container.children:
        if child.start_byte >= cursor:
            break
        node = definition_of(child)
        kind = node.type
        if kind in DEFINITIONS:
            _definition(walk, node, record, depth)
        elif not record:
            continue
        elif kind == "assignment":
            if node.end_byte < cursor:
                walk.bindings.extend(assignment_bindings(node))
        elif kind in _CONTAINERS:
            _compound(walk, node, kind, depth)
        elif kind in IMPORT_TYPES and node.end_byte <= cursor:
            _imports(walk, node)


def _compound(walk: _Walk, node: Node, kind: str, depth: int) -> None:
    if kind == "for_statement":
        walk.bindings.extend(for_bindings(node, walk.site.byte))
    elif kind == "with_statement":
        walk.bindings.extend(with_bindings(node, walk.site.byte))
    _statements(walk, node, True, depth + 1)


def _imports(walk: _Walk, node: Node) -> None:
    for imported in import_bindings(node, 0):
        if imported.local != "*":
            walk.bindings.append(
                Binding(imported.local, node.start_byte, kind="import", path=imported.target)
            )


def _definition(walk: _Walk, node: Node, record: bool, depth: int) -> None:
    if record:
        name = text_of(node.child_by_field_name("name"))
        if name:
            walk.bindings.append(Binding(name, node.start_byte, kind="defined", path=name))
    if not walk.in_chain(node):
        return
    body = node.child_by_field_name("body")
    if node.type == "function_definition":
        walk.bindings.extend(parameter_bindings(node, _self_path(node)))
        inner = True
    else:  # a class body is a scope only for code directly in it
        inner = node.start_byte == walk.innermost.start_byte if walk.innermost is not None else False
    if body is not None:
        _statements(walk, body, inner, depth + 1)


def _self_path(function: Node) -> str | None:
    """What a method's first parameter is: "Cls()" (instance), "Cls" (classmethod), None (static)."""
    outer = function.parent
    decorators = ""
    if outer is not None and outer.type == "decorated_definition":
        decorators = " ".join(text_of(d) for d in outer.children if d.type == "decorator")
        outer = outer.parent
    owner = outer.parent if outer is not None and outer.type == "block" else None
    if owner is None or owner.type != "class_definition" or "staticmethod" in decorators:
        return None
    name = text_of(owner.child_by_field_name("name"))
    if not name:
        return None
    return name if "classmethod" in decorators else name + "()"


def _origin(binding: Binding, env: Env, line: int) -> ValueOrigin:
    value = unwrap(binding.value)
    value_path = notation(value) if value is not None else None
    callee_path = value_path[:-2] if value_path and value is not None and value.type == "call" else None
    callee, head_is_local = None, False
    if value_path is not None:
        head, head_is_local = resolve(callee_path or value_path, env, follow_locals=False)
        callee = head if callee_path else None
    annotation_path = annotation_notation(binding.annotation, env) if binding.annotation else None
    annotation = resolve(annotation_path, env, follow_locals=False)[0] if annotation_path else None
    resolved: str | None = None
    if binding.path is not None:
        resolved = binding.path
    elif annotation_path:
        full = resolve(annotation_path, env, follow_locals=True)[0]
        resolved = full + "()" if full else None
    elif value_path:
        full = resolve(value_path, env, follow_locals=True)[0]
        resolved = full + binding.suffix if full else None
    return ValueOrigin(binding.name, callee, annotation, head_is_local, line, resolved)


def annotation_notation(node: Node | None, env: Env) -> str | None:
    """The type an annotation names: `Optional[X]` and `X | None` give X, generics their base."""
    for _ in range(_MAX_DEPTH):
        node = unwrap(node)
        if node is None or node.type == "none":
            return None
        if node.type == "string":
            content = text_of(node).strip("'\" \t")
            return content if _DOTTED.fullmatch(content) else None
        if node.type == "binary_operator":  # `X | None`, `None | X`
            node = _not_none(node.child_by_field_name("left"), node.child_by_field_name("right"))
            continue
        if node.type in ("generic_type", "subscript"):
            node, done = _generic_argument(node, env)
            if done:
                return notation(node)
            continue
        return notation(node)
    return None


def _not_none(left: Node | None, right: Node | None) -> Node | None:
    if left is not None and left.type == "none":
        return right
    return left


def _generic_argument(node: Node, env: Env) -> tuple[Node | None, bool]:
    """For Optional/Union the first non-None argument (keep unwrapping); else the generic's base."""
    parts = [c for c in node.named_children if c.type != "comment"]
    if not parts:
        return None, True
    base = parts[0]
    name = (resolve(notation(base) or "", env, follow_locals=False)[0] or "").rsplit(".", 1)[-1]
    if name not in ("Optional", "Union"):
        return base, True
    arguments = parts[1].named_children if len(parts) > 1 and parts[1].type == "type_parameter" else parts[1:]
    for argument in arguments:
        inner = unwrap(argument)
        if inner is not None and inner.type != "none":
            return inner, False
    return None, True

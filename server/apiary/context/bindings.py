"""The bindings a statement makes: assignment targets, loop targets, `with` aliases, parameters.

Each becomes a `Binding`: the bound name with the syntax it was bound to. `scope.py` resolves them.
"""

from __future__ import annotations

from dataclasses import dataclass

from apiary.context.syntax import Node, first_named, text_of

_PATTERNS = frozenset({"pattern_list", "tuple_pattern", "list_pattern", "tuple", "list", "expression_list"})
_SEQUENCES = frozenset({"expression_list", "tuple", "list"})
_SPLATS = frozenset({"list_splat_pattern", "list_splat", "dictionary_splat_pattern"})
_MAX_DEPTH = 16


@dataclass(frozen=True)
class Binding:
    """A name bound by syntax, or by an import or definition when `kind` says so."""

    name: str
    byte: int
    kind: str = "value"  # "value", "import" (path: the target), "defined" (a def or class)
    value: Node | None = None
    annotation: Node | None = None
    suffix: str = ""  # "[]" per level of unpacking or iteration between the value and the name
    path: str | None = None  # import target, or a fixed resolution ("Cls()" for `self`)


def assignment_bindings(node: Node) -> list[Binding]:
    """Bindings of an `assignment` node, chained ones (`a = b = f()`) included."""
    targets: list[Node] = []
    annotation = None
    value: Node | None = node
    while value is not None and value.type == "assignment":
        target = value.child_by_field_name("left")
        if target is not None:
            targets.append(target)
        annotation = annotation or value.child_by_field_name("type")
        value = value.child_by_field_name("right")
    if value is not None and value.type in ("yield", "augmented_assignment"):
        value = None
    found: list[Binding] = []
    for target in targets:
        found.extend(target_bindings(target, value, annotation if len(targets) == 1 else None))
    return found


def target_bindings(
    target: Node, value: Node | None, annotation: Node | None, suffix: str = ""
) -> list[Binding]:
    """Names in an assignment or loop target; tuples pair up with tuple values of the same length."""
    found: list[Binding] = []
    _bind(target, value, annotation, suffix, found, 0)
    return found


def _bind(
    target: Node, value: Node | None, annotation: Node | None, suffix: str, found: list[Binding], depth: int
) -> None:
    kind = target.type
    if depth > _MAX_DEPTH:
        return
    if kind == "identifier" or (kind == "attribute" and _is_dotted_name(target)):
        found.append(
            Binding(
                "".join(text_of(target).split()),
                target.start_byte,
                value=value,
                annotation=annotation,
                suffix=suffix,
            )
        )
    elif kind == "parenthesized_expression":
        inner = first_named(target)
        if inner is not None:
            _bind(inner, value, annotation, suffix, found, depth + 1)
    elif kind in _SPLATS:
        inner = first_named(target)
        if inner is not None and inner.type == "identifier":
            found.append(Binding(text_of(inner), inner.start_byte, path="list()"))
    elif kind in _PATTERNS:
        items = [c for c in target.named_children if c.type != "comment"]
        values = _paired_values(value, items)
        for index, item in enumerate(items):
            if values is not None:
                _bind(item, values[index], None, suffix, found, depth + 1)
            else:
                _bind(item, value, None, suffix + "[]", found, depth + 1)


def _paired_values(value: Node | None, items: list[Node]) -> list[Node] | None:
    if value is None or value.type not in _SEQUENCES or any(i.type in _SPLATS for i in items):
        return None
    values = [c for c in value.named_children if c.type != "comment"]
    if len(values) != len(items) or any(v.type in _SPLATS for v in values):
        return None
    return values


def _is_dotted_name(node: Node) -> bool:
    while node.type == "attribute":
        obj = node.child_by_field_name("object")
        if obj is None:
            return False
        node = obj
    return node.type == "identifier"


def for_bindings(node: Node, cursor_byte: int) -> list[Binding]:
    """The loop target of a `for` statement, as elements of the iterated value."""
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is None or right is None or right.end_byte >= cursor_byte:
        return []
    return target_bindings(left, right, None, "[]")


def with_bindings(node: Node, cursor_byte: int) -> list[Binding]:
    """`with expr as name` aliases (bound to the expression itself, ignoring `__enter__`)."""
    found: list[Binding] = []
    for clause in node.named_children:
        if clause.type != "with_clause":
            continue
        for item in clause.named_children:
            pattern = item.child_by_field_name("value")
            if pattern is None or pattern.type != "as_pattern" or pattern.end_byte >= cursor_byte:
                continue
            alias = pattern.child_by_field_name("alias")
            target = first_named(alias) if alias is not None else None
            if target is not None:
                found.extend(target_bindings(target, first_named(pattern), None))
    return found


def parameter_bindings(definition: Node, self_path: str | None) -> list[Binding]:
    """Parameters of a function; the first one gets `self_path` when the function is a method."""
    parameters = definition.child_by_field_name("parameters")
    if parameters is None:
        return []
    found: list[Binding] = []
    for param in parameters.named_children:
        binding = _parameter(param)
        if binding is None:
            continue
        if not found and self_path is not None and binding.annotation is None:
            binding = Binding(binding.name, binding.byte, path=self_path)
        found.append(binding)
    return found


def _parameter(param: Node) -> Binding | None:
    kind = param.type
    if kind == "identifier":
        return Binding(text_of(param), param.start_byte)
    if kind in ("default_parameter", "typed_default_parameter"):
        name = param.child_by_field_name("name")
        if name is None or name.type != "identifier":
            return None
        value = param.child_by_field_name("value")
        value = None if value is not None and value.type == "none" else value
        return Binding(
            text_of(name), name.start_byte, value=value, annotation=param.child_by_field_name("type")
        )
    if kind == "typed_parameter":
        inner = first_named(param)
        if inner is not None and inner.type == "identifier":
            return Binding(text_of(inner), inner.start_byte, annotation=param.child_by_field_name("type"))
        param = inner if inner is not None else param
        kind = param.type
    if kind in ("list_splat_pattern", "dictionary_splat_pattern"):
        inner = first_named(param)
        path = "tuple()" if kind == "list_splat_pattern" else "dict()"
        return Binding(text_of(inner), inner.start_byte, path=path) if inner is not None else None
    return None

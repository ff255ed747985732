"""The API calls of one function body, in the order of their closing parentheses (Deep API Learning Revisited §3.1.3).

A call is an API call when its dotted name starts with a name the file's imports define; a call of a
function defined earlier (at top level, or earlier inside the same function) is replaced by that
function's own calls. Beyond Deep API Learning Revisited, a method called on a value whose type is
known statically is named ``Class::method`` (the notation of its Table 3): the value of
``x = module.Class(...)`` (a CapWords name is a class), of a call whose return type the caller
supplies (``return_types``, e.g. from indexed documentation: ``{"hashlib.md5": "hashlib.HASH"}``), or
a parameter annotated with an imported class.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from apiary.docs.dotted import dotted_parts
from apiary.sequences.imports import import_bindings

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_SCOPES = (*_FUNCTIONS, ast.ClassDef)


@dataclass
class Scope:
    """What a function body's calls resolve against."""

    bindings: dict[str, str]
    #: Functions defined earlier, and their API sequences (inlined where called).
    earlier: dict[str, tuple[str, ...]] = field(default_factory=dict)
    return_types: Mapping[str, str] = field(default_factory=dict)
    #: The project's own top-level modules: imports of them inside a function bind no API either.
    project_modules: frozenset[str] = frozenset()


def function_calls(function: ast.FunctionDef | ast.AsyncFunctionDef, outer: Scope) -> tuple[str, ...]:
    """The API sequence of ``function``: its own calls plus those of earlier functions it calls."""
    return tuple(api for _, apis in call_sites(function, outer) for api in apis)


def call_sites(function: ast.FunctionDef | ast.AsyncFunctionDef, outer: Scope) -> list[tuple[int, tuple[str, ...]]]:
    """``(line, APIs)`` of each call in ``function`` that resolves to APIs, in closing-parenthesis
    order; the line is where the call starts (so a comment above a statement finds its calls)."""
    nodes = list(_own_nodes(function.body))  # walked once: extraction time is dominated by tree walks
    own_imports = import_bindings(
        [n for n in nodes if isinstance(n, ast.Import | ast.ImportFrom)], outer.project_modules
    )
    scope = Scope({**outer.bindings, **own_imports}, dict(outer.earlier), outer.return_types, outer.project_modules)
    nested = {n.name: n for n in nodes if isinstance(n, _FUNCTIONS)}
    local_names = _assigned_names(function, nodes) - set(own_imports)
    types = _variable_types(function, nodes, scope, local_names)
    calls = sorted(
        (n for n in nodes if isinstance(n, ast.Call)), key=lambda c: (c.end_lineno or 0, c.end_col_offset or 0)
    )
    sites: list[tuple[int, tuple[str, ...]]] = []
    for call in calls:
        for name, definition in list(nested.items()):  # a nested def counts once defined (and earlier)
            if definition.end_lineno is not None and definition.end_lineno < (call.lineno or 0):
                scope.earlier[name] = function_calls(definition, scope)
                del nested[name]
        apis = _resolve(call.func, scope, types, local_names)
        if apis:
            sites.append((call.lineno, apis))
    return sites


def _resolve(func: ast.expr, scope: Scope, types: dict[str, str], local_names: set[str]) -> tuple[str, ...]:
    parts = dotted_parts(func)
    if parts:
        head, rest = parts[0], parts[1:]
        if not rest and head in scope.earlier and head not in types:
            return scope.earlier[head]
        if head in types:
            return (f"{types[head]}::{rest[0]}",) if len(rest) == 1 else ()
        if head in local_names or head not in scope.bindings:
            return ()
        return (".".join([scope.bindings[head], *rest]),)
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):  # chained: f().method()
        receiver = call_type(func.value, scope, types, local_names)
        return (f"{receiver}::{func.attr}",) if receiver else ()
    return ()


def call_type(call: ast.Call, scope: Scope, types: dict[str, str], local_names: set[str]) -> str | None:
    """The class of the value a call returns, where it is known."""
    resolved = _resolve(call.func, scope, types, local_names)
    if len(resolved) != 1:
        return None
    api = resolved[0]
    if api in scope.return_types:
        return scope.return_types[api]
    last = api.rsplit("::", 1)[-1].rsplit(".", 1)[-1]
    if "::" not in api and last[:1].isupper():  # CapWords (or FTP): a class, called to construct it
        return api
    return None


def _variable_types(function: ast.FunctionDef | ast.AsyncFunctionDef, nodes: list[ast.AST], scope: Scope,
                    local_names: set[str]) -> dict[str, str]:
    """Local names bound to one known class (by annotation or by the call that assigns them)."""
    found: dict[str, set[str]] = {}
    for arg in [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]:
        annotated = _annotation_type(arg.annotation, scope)
        if annotated:
            found.setdefault(arg.arg, set()).add(annotated)
    for node in nodes:
        for name, value in _bound_values(node, scope):
            if value:
                found.setdefault(name, set()).add(value)
    types: dict[str, str] = {}
    for name, candidates in found.items():
        if len(candidates) == 1:
            types[name] = candidates.pop()
    # resolve calls on typed variables only after every variable's type is known: one more pass
    for node in nodes:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id not in types:
                value = call_type(node.value, scope, types, local_names)
                if value and found.get(target.id, set()) <= {value}:
                    types[target.id] = value
    return types


def _bound_values(node: ast.AST, scope: Scope) -> list[tuple[str, str | None]]:
    empty_types: dict[str, str] = {}
    if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
        value = call_type(node.value, scope, empty_types, set())
        return [(t.id, value) for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [(node.target.id, _annotation_type(node.annotation, scope))]
    if (
        isinstance(node, ast.withitem)
        and isinstance(node.optional_vars, ast.Name)
        and isinstance(node.context_expr, ast.Call)
    ):
        return [(node.optional_vars.id, call_type(node.context_expr, scope, empty_types, set()))]
    return []


def _annotation_type(annotation: ast.expr | None, scope: Scope) -> str | None:
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return None
    parts = dotted_parts(annotation) if annotation is not None else None
    if not parts or parts[0] not in scope.bindings:
        return None
    return ".".join([scope.bindings[parts[0]], *parts[1:]])


def _assigned_names(function: ast.FunctionDef | ast.AsyncFunctionDef, nodes: list[ast.AST]) -> set[str]:
    arguments = function.args
    names = {a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]}
    names.update(a.arg for a in (arguments.vararg, arguments.kwarg) if a)
    for node in nodes:
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _own_nodes(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """Every node of a body (in no particular order), not descending into nested functions or classes."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, _SCOPES):
            stack.extend(ast.iter_child_nodes(node))

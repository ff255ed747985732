"""Which library APIs a statement calls, resolved the way a reader of the file would: through the
file's imports and aliases (``import x as y``, ``from x import y``), through local values whose
class the library's docs tell (``s = requests.Session()`` then ``s.get(...)``), and through chains
(``lib.load(p).save(q)`` when ``load`` is annotated to return a documented class).

Everything is read from the syntax tree and the library's API catalogue; nothing is imported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from apiary.docs.catalogue import Catalogue
from apiary.docs.dotted import dotted_parts
from apiary.docs.entry import ApiEntry, ApiKind
from apiary.sequences.imports import all_import_statements, import_bindings

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_NOT_GOLD = (ApiKind.MODULE, ApiKind.EXTERNAL)


@dataclass
class Names:
    """What the names visible at one statement stand for."""

    #: local name -> dotted path, from imports
    bindings: dict[str, str] = field(default_factory=dict)
    #: local name -> import path of the library class of its value
    types: dict[str, str] = field(default_factory=dict)
    #: names bound to something else (they shadow an import of the same name)
    shadowed: set[str] = field(default_factory=set)


class ApiResolver:
    """Resolves call expressions to entries of one library's catalogue."""

    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue

    def calls(self, expressions: Iterable[ast.AST], names: Names) -> list[ApiEntry]:
        """The library APIs called in ``expressions``, in closing-parenthesis order, each once."""
        found: dict[str, ApiEntry] = {}
        calls = [n for e in expressions for n in _walk_outside_scopes(e) if isinstance(n, ast.Call)]
        for call in sorted(calls, key=lambda c: (c.end_lineno or 0, c.end_col_offset or 0)):
            entry = self.resolve(call.func, names)
            if entry is not None and entry.kind not in _NOT_GOLD:
                found.setdefault(entry.import_path, entry)
        return list(found.values())

    def resolve(self, func: ast.expr, names: Names) -> ApiEntry | None:
        parts = dotted_parts(func)
        if parts:
            head, rest = parts[0], parts[1:]
            if head in names.types and len(rest) == 1:
                return self.member(names.types[head], rest[0])
            if head in names.shadowed or head not in names.bindings:
                return None
            return self.find(".".join([names.bindings[head], *rest]))
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
            owner = self.value_class(self.resolve(func.value.func, names))
            return self.member(owner, func.attr) if owner else None
        return None

    def find(self, dotted: str) -> ApiEntry | None:
        entry = self.catalogue.find(dotted)
        if entry is not None:
            return entry
        owner, _, attribute = dotted.rpartition(".")
        owner_entry = self.catalogue.find(owner) if owner else None
        if owner_entry is not None and owner_entry.kind == ApiKind.CLASS:
            return self.member(owner_entry.import_path, attribute)
        return None

    def member(self, class_path: str, name: str) -> ApiEntry | None:
        for ancestor in self.catalogue.ancestors(class_path):
            entry = self.catalogue.find(f"{ancestor}.{name}")
            if entry is not None:
                return entry
        return None

    def value_class(self, entry: ApiEntry | None) -> str | None:
        """The library class of the value that calling ``entry`` gives, when the docs tell."""
        if entry is None:
            return None
        if entry.kind == ApiKind.CLASS:
            return entry.import_path
        if entry.kind == ApiKind.ALIAS and entry.alias_of:
            return self.value_class(self.catalogue.find(entry.alias_of))
        return self.catalogue.class_of_annotation(entry.returns)

    def names_at(self, module: ast.Module, chain: Sequence[ast.AST], line: int) -> Names:
        """The names visible at ``line`` inside the enclosing definitions ``chain`` (outermost first);
        a class body's names are not visible inside its methods."""
        names = Names(bindings=import_bindings(all_import_statements(module.body)))
        scopes = [module, *(s for i, s in enumerate(chain) if not isinstance(s, ast.ClassDef) or i == len(chain) - 1)]
        for scope in scopes:
            self._bind_scope(scope, line, names)
        return names

    def _bind_scope(self, scope: ast.AST, line: int, names: Names) -> None:
        if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
            for arg in [*scope.args.posonlyargs, *scope.args.args, *scope.args.kwonlyargs]:
                self._bind(arg.arg, self._annotation_class(arg.annotation, names), names)
        before = [n for n in _walk_outside_scopes(scope, root=True) if isinstance(n, ast.stmt) and n.lineno < line]
        if not isinstance(scope, ast.Module):
            names.bindings.update(import_bindings([n for n in before if isinstance(n, ast.Import | ast.ImportFrom)]))
        for node in sorted(before, key=lambda n: n.lineno):
            self._bind_statement(node, names)

    def _bind_statement(self, node: ast.stmt, names: Names) -> None:
        if isinstance(node, ast.Assign):
            if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                self._bind(node.targets[0].id, self._value_type(node.value, names), names)
            else:
                for target in node.targets:
                    self._shadow(target, names)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            annotated = self._annotation_class(node.annotation, names)
            self._bind(node.target.id, annotated or self._value_type(node.value, names), names)
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                if isinstance(item.optional_vars, ast.Name):
                    self._bind(item.optional_vars.id, self._value_type(item.context_expr, names), names)
        elif isinstance(node, ast.For | ast.AsyncFor):
            self._shadow(node.target, names)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            self._bind(node.name, None, names)

    def _shadow(self, target: ast.AST, names: Names) -> None:
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                self._bind(node.id, None, names)

    def _bind(self, name: str, class_path: str | None, names: Names) -> None:
        if class_path:
            names.types[name] = class_path
            names.shadowed.discard(name)
        else:
            names.types.pop(name, None)
            names.shadowed.add(name)

    def _value_type(self, value: ast.expr | None, names: Names) -> str | None:
        if isinstance(value, ast.Call):
            return self.value_class(self.resolve(value.func, names))
        return None

    def _annotation_class(self, annotation: ast.expr | None, names: Names) -> str | None:
        parts = dotted_parts(annotation) if annotation is not None else None
        if not parts or parts[0] not in names.bindings:
            return None
        entry = self.find(".".join([names.bindings[parts[0]], *parts[1:]]))
        return entry.import_path if entry is not None and entry.kind == ApiKind.CLASS else None


def header_expressions(statement: ast.stmt) -> list[ast.AST]:
    """The parts of a statement that run when the cursor reaches it: a compound statement's header
    (an ``if``'s test, a ``with``'s items, a definition's decorators), else the whole statement."""
    if isinstance(statement, ast.If | ast.While):
        return [statement.test]
    if isinstance(statement, ast.For | ast.AsyncFor):
        return [statement.iter]
    if isinstance(statement, ast.With | ast.AsyncWith):
        return [item.context_expr for item in statement.items]
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return list(statement.decorator_list)
    if isinstance(statement, ast.Match):
        return [statement.subject]
    if isinstance(statement, ast.Try):
        return []
    return [statement]


def decorator_apis(resolver: ApiResolver, statement: ast.stmt, names: Names) -> list[ApiEntry]:
    """Decorators named without a call (``@attr.s``) are API uses too."""
    if not isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return []
    found = [resolver.resolve(d, names) for d in statement.decorator_list if not isinstance(d, ast.Call)]
    return [e for e in found if e is not None and e.kind not in _NOT_GOLD]


def _walk_outside_scopes(node: ast.AST, root: bool = False):
    """``ast.walk`` that does not enter nested functions, classes or lambdas (their bodies run later)."""
    pending = list(ast.iter_child_nodes(node)) if root else [node]
    while pending:
        current = pending.pop()
        yield current
        if not isinstance(current, _SCOPES):
            pending.extend(ast.iter_child_nodes(current))

"""Read one Python module statically (``ast``, never import): its definitions, imports and ``__all__``.

The result, `ModuleDoc`, is per file and knows nothing of the rest of the package; `exports.py`
follows re-exports across modules to decide which definitions are public and under which name.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from apiary.docs.docstrings import clean_docstring
from apiary.docs.entry import ApiKind, Param

_PROPERTY_DECORATORS = {"property", "cached_property", "functools.cached_property", "abc.abstractproperty"}
_DATACLASS_DECORATORS = {"dataclass", "dataclasses.dataclass", "attr.s", "attrs.define", "attr.define", "define", "frozen"}


@dataclass
class Definition:
    """A class, function, method or property defined in a module."""

    kind: ApiKind
    local_name: str  # "Table" or "Table.filter", relative to the module
    line: int
    doc: str = ""
    params: tuple[Param, ...] = ()
    returns: str | None = None
    bases: tuple[str, ...] = ()  # as written, with names resolved through this module's imports
    has_signature: bool = True  # False for a class whose constructor we could not see

    @property
    def parent(self) -> str | None:
        return self.local_name.rsplit(".", 1)[0] if "." in self.local_name else None


@dataclass
class ModuleDoc:
    module: str  # dotted module name
    path: Path
    is_package: bool
    is_stub: bool
    doc: str = ""
    definitions: dict[str, Definition] = field(default_factory=dict)
    #: local name -> absolute dotted target (``from .x import y as z`` in ``pkg`` -> ``z: pkg.x.y``)
    imports: dict[str, str] = field(default_factory=dict)
    #: names imported by ``import a.b`` (binding ``a``) are modules, not attributes
    module_imports: set[str] = field(default_factory=set)
    #: ``from x import y as y``: the explicit re-export form of stubs (PEP 484)
    explicit_reexports: set[str] = field(default_factory=set)
    all_names: list[str] | None = None
    #: modules this one star-imports (``from .x import *``), absolute
    wildcards: list[str] = field(default_factory=list)

    def merge_stub_over(self, source: ModuleDoc) -> ModuleDoc:
        """This module is the ``.pyi``; take what the ``.py`` documents that the stub does not."""
        for name, definition in source.definitions.items():
            mine = self.definitions.get(name)
            if mine is None:
                self.definitions[name] = definition
            elif not mine.doc and definition.doc:
                mine.doc = definition.doc
        for name, target in source.imports.items():
            self.imports.setdefault(name, target)
        self.module_imports |= source.module_imports - set(self.imports)
        self.doc = self.doc or source.doc
        if self.all_names is None:
            self.all_names = source.all_names
        self.wildcards = list(dict.fromkeys(self.wildcards + source.wildcards))
        return self


def _no_check() -> None:
    pass


def read_module(
    tree: ast.Module, module: str, path: Path, is_package: bool, check: Callable[[], None] = _no_check
) -> ModuleDoc:
    """Collect what ``tree`` (the parsed file at ``path``) defines and imports.

    ``check`` is called before each module-level statement and class member, so that a caller's time
    bound can stop the walk (by raising) in a huge file.
    """
    doc = ModuleDoc(module, path, is_package, path.suffix == ".pyi", clean_docstring(ast.get_docstring(tree)))
    package = module if is_package else module.rpartition(".")[0]
    for node in _module_level_statements(tree.body):
        check()
        if isinstance(node, ast.Import | ast.ImportFrom):
            _record_import(doc, node, package)
        elif isinstance(node, ast.ClassDef):
            _record_class(doc, node, prefix="", check=check)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            _record_function(doc, node, prefix="", in_class=False)
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Expr):
            _record_all(doc, node)
    return doc


def _module_level_statements(body: list[ast.stmt]):
    """Statements at module level, looking inside ``if``/``try`` (``TYPE_CHECKING``, optional imports)."""
    for node in body:
        if isinstance(node, ast.If):
            yield from _module_level_statements(node.body)
            yield from _module_level_statements(node.orelse)
        elif isinstance(node, ast.Try):
            yield from _module_level_statements(node.body)
            for handler in node.handlers:
                yield from _module_level_statements(handler.body)
            yield from _module_level_statements(node.orelse)
        else:
            yield node


def _record_import(doc: ModuleDoc, node: ast.Import | ast.ImportFrom, package: str) -> None:
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                doc.imports[alias.asname] = alias.name
                if alias.asname == alias.name.rsplit(".", 1)[-1]:
                    doc.explicit_reexports.add(alias.asname)
            else:
                head = alias.name.split(".")[0]
                doc.imports[head] = head
            doc.module_imports.add(alias.asname or alias.name.split(".")[0])
        return
    base = _absolute_module(node.module or "", node.level, package)
    if base is None:
        return
    for alias in node.names:
        if alias.name == "*":
            doc.wildcards.append(base)  # resolved by exports.py through the exports of `base`
            continue
        doc.imports[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
        if alias.asname == alias.name:
            doc.explicit_reexports.add(alias.name)


def _absolute_module(module: str, level: int, package: str) -> str | None:
    if level == 0:
        return module
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return None
    anchor = parts[: len(parts) - (level - 1)]
    return ".".join([*anchor, module] if module else anchor)


def _record_all(doc: ModuleDoc, node: ast.stmt) -> None:
    """``__all__ = [...]``, ``__all__ += [...]``, ``__all__.extend([...])``, ``__all__.append(...)``."""
    if isinstance(node, ast.Assign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            names = _string_list(node.value)
            if names is not None:
                doc.all_names = names
    elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id == "__all__":
        doc.all_names = (doc.all_names or []) + (_string_list(node.value) or [])
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        func = node.value.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "__all__":
            args = node.value.args
            if func.attr == "extend" and args:
                doc.all_names = (doc.all_names or []) + (_string_list(args[0]) or [])
            elif func.attr == "append" and args and isinstance(args[0], ast.Constant):
                doc.all_names = (doc.all_names or []) + [str(args[0].value)]


def _string_list(value: ast.expr | None) -> list[str] | None:
    if isinstance(value, ast.List | ast.Tuple | ast.Set):
        return [e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        left, right = _string_list(value.left), _string_list(value.right)
        return (left or []) + (right or [])
    return None


def _is_public(name: str) -> bool:
    return not name.startswith("_")


def _record_class(doc: ModuleDoc, node: ast.ClassDef, prefix: str, check: Callable[[], None]) -> None:
    # Private top-level names are kept: a package may re-export them under a public name.
    if prefix and not _is_public(node.name):
        return
    local_name = prefix + node.name
    definition = Definition(
        ApiKind.CLASS,
        local_name,
        node.lineno,
        doc=clean_docstring(ast.get_docstring(node)),
        bases=tuple(_resolve_name(ast.unparse(b), doc) for b in node.bases),
    )
    doc.definitions[local_name] = definition
    constructor = None
    for child in node.body:
        check()
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            if child.name == "__init__" or (child.name == "__new__" and constructor is None):
                constructor = child
            _record_function(doc, child, prefix=local_name + ".", in_class=True)
        elif isinstance(child, ast.ClassDef):
            _record_class(doc, child, prefix=local_name + ".", check=check)
    if constructor is not None:
        definition.params = _params(constructor.args, drop_first=True)
        definition.doc = definition.doc or clean_docstring(ast.get_docstring(constructor))
    elif _decorated_with(node, _DATACLASS_DECORATORS):
        definition.params = _dataclass_fields(node)
    else:
        definition.has_signature = False


def _record_function(doc: ModuleDoc, node: ast.FunctionDef | ast.AsyncFunctionDef, prefix: str, in_class: bool) -> None:
    if (prefix or in_class) and not _is_public(node.name):
        return
    local_name = prefix + node.name
    existing = doc.definitions.get(local_name)
    if existing is not None and _decorated_with(node, {"overload", "typing.overload"}):
        return  # keep the first overload's signature
    if _decorated_with(node, {f"{node.name}.setter", f"{node.name}.deleter"}):
        return
    is_property = in_class and _decorated_with(node, _PROPERTY_DECORATORS)
    static = _decorated_with(node, {"staticmethod"})
    kind = ApiKind.PROPERTY if is_property else ApiKind.METHOD if in_class else ApiKind.FUNCTION
    doc.definitions[local_name] = Definition(
        kind,
        local_name,
        node.lineno,
        doc=clean_docstring(ast.get_docstring(node)) or (existing.doc if existing else ""),
        params=() if is_property else _params(node.args, drop_first=in_class and not static),
        returns=ast.unparse(node.returns) if node.returns else None,
    )


def _decorated_with(node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef, names: set[str]) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if ast.unparse(target) in names:
            return True
    return False


def _params(args: ast.arguments, drop_first: bool) -> tuple[Param, ...]:
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    params: list[Param] = []
    for i, (arg, default) in enumerate(zip(positional, defaults, strict=True)):
        if drop_first and i == 0:
            continue
        kind = "positional_only" if i < len(args.posonlyargs) else "positional_or_keyword"
        params.append(_param(arg, kind, default))
    if args.vararg:
        params.append(_param(args.vararg, "var_positional", None))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        params.append(_param(arg, "keyword_only", default))
    if args.kwarg:
        params.append(_param(args.kwarg, "var_keyword", None))
    return tuple(params)


def _param(arg: ast.arg, kind: str, default: ast.expr | None) -> Param:
    return Param(
        name=arg.arg,
        kind=kind,
        annotation=ast.unparse(arg.annotation) if arg.annotation else None,
        default=ast.unparse(default) if default is not None else None,
    )


def _dataclass_fields(node: ast.ClassDef) -> tuple[Param, ...]:
    fields: list[Param] = []
    for child in node.body:
        if isinstance(child, ast.AnnAssign) and isinstance(child.target, ast.Name):
            annotation = ast.unparse(child.annotation)
            if annotation.startswith(("ClassVar", "typing.ClassVar")):
                continue
            default = ast.unparse(child.value) if child.value is not None else None
            fields.append(Param(child.target.id, "positional_or_keyword", annotation, default))
    return tuple(fields)


def _resolve_name(expression: str, doc: ModuleDoc) -> str:
    """``Base[T]`` -> ``pkg.base.Base`` when ``Base`` was imported; else as written (generics dropped)."""
    bare = expression.split("[", 1)[0]
    head, _, rest = bare.partition(".")
    if head in doc.imports:
        return doc.imports[head] + (f".{rest}" if rest else "")
    if head in doc.definitions or bare in doc.definitions:
        return f"{doc.module}.{bare}"
    return bare

"""Read one Python module statically (``ast``, never import): its definitions, imports and ``__all__``,
and the names it binds by assignment.

The result, `ModuleDoc`, is per file and knows nothing of the rest of the package; `exports.py`
follows re-exports across modules to decide which definitions are public and under which name, and
`assigned.py` what the assigned names (``unidecode = unidecode_expect_ascii``, ``levenshtein =
Levenshtein()``, ``Table.where = where``) stand for.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from apiary.docs.docstrings import clean_docstring
from apiary.docs.dotted import dotted_name
from apiary.docs.entry import ApiKind, Param

_PROPERTY_DECORATORS = {"property", "cached_property", "functools.cached_property", "abc.abstractproperty"}
_PROPERTY_FACTORIES = {"property", "cached_property", "functools.cached_property"}
_OVERLOAD = {"overload", "typing.overload"}
_DATACLASS_DECORATORS = {
    "dataclass",
    "dataclasses.dataclass",
    "attr.s",
    "attrs.define",
    "attr.define",
    "define",
    "frozen",
}
#: Calls whose value is a typing construct, never an API of the library (``T = TypeVar("T")``).
_TYPING_FACTORIES = {"TypeVar", "ParamSpec", "TypeVarTuple", "NewType", "TypeAliasType"}


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
    #: module-level functions: ``@staticmethod`` (set on a class, it keeps its first parameter)
    is_static: bool = False
    #: module-level functions: their decorators as dotted names, as written (``defun``, ``pkg.register``)
    decorators: tuple[str, ...] = ()
    #: methods: a ``@staticmethod`` or ``@classmethod``, called on the class itself
    on_class: bool = False

    @property
    def parent(self) -> str | None:
        return self.local_name.rsplit(".", 1)[0] if "." in self.local_name else None


@dataclass
class Binding:
    """A name bound by assignment: ``name = value`` (or ``name: T = value``, ``name: T``) at module level
    or in a class body, or an attribute set on a class after it (``Table.where = where``)."""

    #: ``levenshtein``; ``UnitRegistry.Quantity`` in a class body; the attribute (``where``) when set on a class
    local_name: str
    line: int
    #: "name" (the value is a dotted name: ``Int = Integer``, ``exp = mp.exp``), "call" (it calls one:
    #: ``levenshtein = Levenshtein()``), "declared" (no value: ``fn: Function``) or "value" (anything else)
    form: str
    #: the dotted name (the callee for a call), as written
    target: str = ""
    #: for a call, its first positional argument when that is a dotted name (``property(get_x)``)
    first_arg: str = ""
    annotation: str | None = None
    #: the attribute docstring: a string statement right after the assignment
    doc: str = ""
    #: for an attribute set on a class from module level: the class, as written (``Table``)
    owner: str = ""


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
    #: names bound by assignment, module-level (``levenshtein``) and in class bodies (``Registry.Quantity``)
    bindings: dict[str, Binding] = field(default_factory=dict)
    #: attributes set on a class at module level (``Table.where = where``, ``setattr(Table, "where", where)``)
    attachments: list[Binding] = field(default_factory=list)
    #: class local name -> its ``__call__`` (what calling an instance does)
    calls: dict[str, Definition] = field(default_factory=dict)
    #: module-level function -> the class defined in its body that it returns an instance of
    factories: dict[str, str] = field(default_factory=dict)
    #: ``Class.attr`` -> line, for attributes a method sets on the instance (``self.attr = ...``)
    instance_attributes: dict[str, int] = field(default_factory=dict)
    #: module-level function -> the class (as written) it sets its argument on under the argument's own
    #: name: a registering decorator (``def defun(f): setattr(Methods, f.__name__, f); return f``)
    registrars: dict[str, str] = field(default_factory=dict)

    def merge_stub_over(self, source: ModuleDoc) -> ModuleDoc:
        """This module is the ``.pyi``; a new module with what the ``.py`` documents that the stub does
        not (neither is changed: a process may keep both for the next read of its library)."""
        definitions = dict(self.definitions)
        for name, definition in source.definitions.items():
            mine = definitions.get(name)
            if mine is None:
                definitions[name] = definition
            elif not mine.doc and definition.doc:
                definitions[name] = replace(mine, doc=definition.doc)
        imports = dict(self.imports)
        for name, target in source.imports.items():
            imports.setdefault(name, target)
        return replace(
            self,
            doc=self.doc or source.doc,
            definitions=definitions,
            imports=imports,
            module_imports=self.module_imports | (source.module_imports - set(self.imports)),
            bindings={**source.bindings, **self.bindings},
            calls={**source.calls, **self.calls},
            factories={**source.factories, **self.factories},
            registrars={**source.registrars, **self.registrars},
            instance_attributes={**source.instance_attributes, **self.instance_attributes},
            attachments=self.attachments + source.attachments,
            all_names=self.all_names if self.all_names is not None else source.all_names,
            wildcards=list(dict.fromkeys(self.wildcards + source.wildcards)),
        )


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
    statements = list(_module_level_statements(tree.body))
    for i, node in enumerate(statements):
        check()
        if isinstance(node, ast.Import | ast.ImportFrom):
            _record_import(doc, node, package)
        elif isinstance(node, ast.ClassDef):
            _record_class(doc, node, prefix="", check=check)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            _record_function(doc, node, prefix="", in_class=False)
            _record_function_body(doc, node, check)
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Expr):
            _record_all(doc, node)
            if isinstance(node, ast.Assign | ast.AnnAssign):
                _record_assignment(doc, node, "", statements[i + 1] if i + 1 < len(statements) else None)
            elif isinstance(node, ast.Expr):
                _record_setattr(doc, node)
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
        bases=tuple(_resolve_name(_unparsed(b), doc) for b in node.bases),
    )
    doc.definitions[local_name] = definition
    constructor = None
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for i, child in enumerate(node.body):
        check()
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            functions[child.name] = child
            if child.name == "__init__" or (child.name == "__new__" and constructor is None):
                constructor = child
            elif child.name == "__call__" and not (local_name in doc.calls and _decorated_with(child, _OVERLOAD)):
                doc.calls[local_name] = _function_definition(child, local_name + ".", in_class=True)
            _record_function(doc, child, prefix=local_name + ".", in_class=True)
            _record_instance_attributes(doc, child, local_name)
        elif isinstance(child, ast.ClassDef):
            _record_class(doc, child, prefix=local_name + ".", check=check)
        elif isinstance(child, ast.Assign | ast.AnnAssign):
            following = node.body[i + 1] if i + 1 < len(node.body) else None
            _record_assignment(doc, child, local_name + ".", following, functions)
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
    if existing is not None and _decorated_with(node, _OVERLOAD):
        return  # keep the first overload's signature
    if _decorated_with(node, {f"{node.name}.setter", f"{node.name}.deleter"}):
        return
    definition = _function_definition(node, prefix, in_class)
    if existing is not None and not definition.doc:
        definition.doc = existing.doc
    doc.definitions[local_name] = definition


def _function_definition(node: ast.FunctionDef | ast.AsyncFunctionDef, prefix: str, in_class: bool) -> Definition:
    is_property = in_class and _decorated_with(node, _PROPERTY_DECORATORS)
    static = _decorated_with(node, {"staticmethod"})
    kind = ApiKind.PROPERTY if is_property else ApiKind.METHOD if in_class else ApiKind.FUNCTION
    decorators: tuple[str, ...] = ()
    if not in_class and node.decorator_list:
        found = (dotted_name(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list)
        decorators = tuple(d for d in found if d)
    return Definition(
        kind,
        prefix + node.name,
        node.lineno,
        doc=clean_docstring(ast.get_docstring(node)),
        params=() if is_property else _params(node.args, drop_first=in_class and not static),
        returns=_unparsed(node.returns) if node.returns else None,
        is_static=static and not in_class,
        decorators=decorators,
        on_class=in_class and (static or _decorated_with(node, {"classmethod"})),
    )


def _record_assignment(
    doc: ModuleDoc,
    node: ast.Assign | ast.AnnAssign,
    prefix: str,
    following: ast.stmt | None,
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] | None = None,
) -> None:
    """``name = value`` at module level or in a class body (``prefix`` is ``"Class."``, ``functions`` the
    methods defined above it), and at module level ``Class.attr = value``. Private names in a class
    body are left out; private module-level ones are kept, since a public name may be bound to them."""
    value = node.value
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    annotation = _unparsed(node.annotation) if isinstance(node, ast.AnnAssign) else None
    form, target, first_arg = _classify_value(value)
    if form == "call" and target.rsplit(".", 1)[-1] in _TYPING_FACTORIES:
        return
    docstring = ""
    if (
        isinstance(following, ast.Expr)
        and isinstance(following.value, ast.Constant)
        and isinstance(following.value.value, str)
    ):
        docstring = clean_docstring(following.value.value)
    getter = functions.get(first_arg) if functions and form == "call" and target in _PROPERTY_FACTORIES else None
    if getter is not None:  # ``x = property(_get_x)``: the getter, private or not, documents it
        docstring = docstring or clean_docstring(ast.get_docstring(getter))
        annotation = annotation or (_unparsed(getter.returns) if getter.returns else None)
    for t in targets:
        if isinstance(t, ast.Name):
            if t.id == "__all__" or (prefix and not _is_public(t.id)):
                continue
            name = prefix + t.id
            doc.bindings[name] = Binding(name, node.lineno, form, target, first_arg, annotation, docstring)
        elif isinstance(t, ast.Attribute) and not prefix and _is_public(t.attr):
            owner = dotted_name(t.value)
            if owner and form != "declared":
                doc.attachments.append(
                    Binding(t.attr, node.lineno, form, target, first_arg, annotation, docstring, owner)
                )


def _classify_value(value: ast.expr | None) -> tuple[str, str, str]:
    """(form, dotted target, dotted first argument) of an assigned value; see `Binding`."""
    if value is None:
        return "declared", "", ""
    dotted = dotted_name(value)
    if dotted is not None:
        return "name", dotted, ""
    if isinstance(value, ast.Call):
        callee = dotted_name(value.func)
        if callee is not None:
            first = dotted_name(value.args[0]) if value.args and not isinstance(value.args[0], ast.Starred) else None
            return "call", callee, first or ""
    return "value", "", ""


def _record_setattr(doc: ModuleDoc, node: ast.Expr) -> None:
    """``setattr(Class, "name", value)`` at module level, with a literal name."""
    call = node.value
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "setattr"):
        return
    if len(call.args) != 3 or not isinstance(call.args[1], ast.Constant) or not isinstance(call.args[1].value, str):
        return
    owner, name = dotted_name(call.args[0]), call.args[1].value
    if owner and name.isidentifier() and _is_public(name):
        form, target, first_arg = _classify_value(call.args[2])
        doc.attachments.append(Binding(name, node.lineno, form, target, first_arg, owner=owner))


def _record_function_body(
    doc: ModuleDoc, node: ast.FunctionDef | ast.AsyncFunctionDef, check: Callable[[], None]
) -> None:
    """What a module-level function's own statements say: that it is a registering decorator, or a
    factory of a class defined in its body (``def _make(): class Impl: ...; return Impl()``)."""
    params = [*node.args.posonlyargs, *node.args.args]
    first = params[0].arg if params else None
    local_classes: dict[str, ast.ClassDef] = {}
    for statement in node.body:
        if isinstance(statement, ast.ClassDef):
            local_classes[statement.name] = statement
        elif first and isinstance(statement, ast.Expr) and _sets_argument_on_class(statement.value, first):
            assert isinstance(statement.value, ast.Call)
            owner = dotted_name(statement.value.args[0])
            if owner:
                doc.registrars[node.name] = owner
        elif local_classes and isinstance(statement, ast.Return) and isinstance(statement.value, ast.Call):
            callee = statement.value.func
            if isinstance(callee, ast.Name) and callee.id in local_classes:
                prefix = f"{node.name}.<locals>."
                _record_class(doc, local_classes[callee.id], prefix=prefix, check=check)
                if prefix + callee.id in doc.definitions:
                    doc.factories[node.name] = prefix + callee.id


def _sets_argument_on_class(call: ast.expr, argument: str) -> bool:
    """``setattr(Owner, argument.__name__, argument)``."""
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "setattr"):
        return False
    if len(call.args) != 3:
        return False
    _, name, value = call.args
    return (
        isinstance(name, ast.Attribute) and name.attr == "__name__" and isinstance(name.value, ast.Name)
        and name.value.id == argument and isinstance(value, ast.Name) and value.id == argument
    )


def _record_instance_attributes(doc: ModuleDoc, node: ast.FunctionDef | ast.AsyncFunctionDef, class_local: str) -> None:
    """``self.attr = ...`` statements directly in a method's body (not nested: bounded work per method)."""
    params = [*node.args.posonlyargs, *node.args.args]
    if not params or _decorated_with(node, {"staticmethod", "classmethod"}):
        return
    instance = params[0].arg
    for statement in node.body:
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, ast.AnnAssign):
            targets = [statement.target]
        else:
            continue
        for t in targets:
            if (
                isinstance(t, ast.Attribute)
                and isinstance(t.value, ast.Name)
                and t.value.id == instance
                and _is_public(t.attr)
            ):
                doc.instance_attributes.setdefault(f"{class_local}.{t.attr}", statement.lineno)


def _decorated_with(node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef, names: set[str]) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if _unparsed(target) in names:
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
        annotation=_unparsed(arg.annotation) if arg.annotation else None,
        default=_unparsed(default) if default is not None else None,
    )


def _dataclass_fields(node: ast.ClassDef) -> tuple[Param, ...]:
    fields: list[Param] = []
    for child in node.body:
        if isinstance(child, ast.AnnAssign) and isinstance(child.target, ast.Name):
            annotation = _unparsed(child.annotation)
            if annotation.startswith(("ClassVar", "typing.ClassVar")):
                continue
            default = _unparsed(child.value) if child.value is not None else None
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


def _unparsed(node: ast.AST) -> str:
    """The source of an annotation, default or base; ``...`` for one nested too deep to write
    (``x=a | b | ...`` 900 times), so that one expression never costs its API or its file."""
    try:
        return ast.unparse(node)
    except RecursionError:
        return "..."

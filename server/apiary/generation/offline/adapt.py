"""Adapt a usage example to the user's code: the sketch-then-fill step without a model.

The example's own names become the user's (its data variable -> a variable in scope of a fitting
type, its helper function -> a local function), its constants become the comment's constants where
the comment states them, and arguments that cannot be filled are dropped when optional. What was
filled from where is counted, so candidates can be ranked by how well the context supports them.
"""

from __future__ import annotations

import ast
import builtins
import copy
import re
from dataclasses import dataclass, field

from apiary.docs.catalogue import Catalogue
from apiary.docs.entry import ApiEntry, ApiKind, Param
from apiary.generation.offline.constants import (
    Constant,
    bind_to_parameters,
    comment_constants,
    data_key_constants,
)
from apiary.generation.offline.fillers import Fillers, Local
from apiary.generation.offline.flags import stated_flags
from apiary.generation.offline.templates import reference
from apiary.generation.offline.usage import Usage
from apiary.snippet import escape
from apiary.weights import OfflineWeights, load_weights
from apiary.words import split_identifier, stem

_BUILTINS = frozenset(dir(builtins))


@dataclass
class Adapted:
    text: str
    apis: tuple[str, ...]
    usage: Usage
    #: holes filled from the user's code or comment
    filled: int = 0
    #: example values kept because the context offered nothing better
    kept: int = 0
    #: optional arguments dropped
    dropped: int = 0
    #: comment constants used, and how many the comment stated
    constants_used: int = 0
    constants_stated: int = 0
    #: names of the user's code that the comment mentions and the candidate uses
    mentions_used: int = 0
    notes: list[str] = field(default_factory=list)
    #: the text with every kept example value as a tab stop, for editors to fill (None: nothing kept)
    snippet: str | None = None


class _Unfillable(Exception):
    pass


def adapt(usage: Usage, fillers: Fillers, catalogue: Catalogue, comment: str | None = None,
          receiver: str | None = None, prune_unmentioned: bool = False,
          weights: OfflineWeights | None = None) -> Adapted | None:
    """The usage rewritten for the user's code, or None when a required hole cannot be filled.

    ``receiver`` replaces the expression a method chain starts from (used to chain steps);
    ``prune_unmentioned`` drops optional keyword constants the comment gives no reason for.
    """
    try:
        expression = ast.parse(usage.call, mode="eval").body
    except SyntaxError:
        return None
    comment = fillers.intent if comment is None else comment
    state = _Filling(usage, fillers, catalogue, comment, weights if weights is not None else load_weights().offline)
    try:
        expression = state.rewrite(expression, receiver, prune_unmentioned)
    except _Unfillable:
        return None
    state.result.text = ast.unparse(expression)
    if state.kept_values:
        state.result.snippet = with_tab_stops(expression, state.kept_values)
    return state.result


_STOP = "__apiary_tab_stop_{}__"


def with_tab_stops(expression: ast.expr, values: list[ast.expr]) -> str:
    """``expression`` as an LSP snippet whose ``values`` (example literals in it) are tab stops
    holding the example's value: an example's constant is never a silent guess."""
    stops = {id(v): ast.Name(_STOP.format(i), ast.Load()) for i, v in enumerate(values)}
    marked = _Swap(stops).visit(expression)
    try:
        snippet = escape(ast.unparse(marked))
    finally:
        _Swap({id(stops[id(v)]): v for v in values}).visit(marked)  # the caller's tree, as it was
    stop = 0
    for i, value in enumerate(values):
        if _STOP.format(i) in snippet:  # a value on an argument that was dropped is not there
            stop += 1
            snippet = snippet.replace(_STOP.format(i), f"${{{stop}:{escape(ast.unparse(value))}}}", 1)
    return snippet


class _Swap(ast.NodeTransformer):
    """Replaces nodes by identity, in place."""

    def __init__(self, by_id: dict[int, ast.expr]):
        self.by_id = by_id

    def visit(self, node: ast.AST) -> ast.AST:
        return self.by_id.get(id(node)) or super().visit(node)


class _Filling:
    def __init__(self, usage: Usage, fillers: Fillers, catalogue: Catalogue, comment: str, weights: OfflineWeights):
        self.usage = usage
        self.weights = weights
        self.fillers = fillers
        self.catalogue = catalogue
        self.constants = sorted(
            comment_constants(comment) + data_key_constants(comment, list(fillers.data_keys)), key=lambda c: c.position
        )
        self.comment = comment
        self.taken_constants: set[int] = set()
        self.renames: dict[str, str] = {}
        self.taken_names: set[str] = set()
        self._bound_names: set[str] = set()
        #: example values kept as written (no better value in the context)
        self.kept_values: list[ast.expr] = []
        self.result = Adapted(
            "", usage.apis, usage, constants_stated=len([c for c in self.constants if c.kind != "name"])
        )

    # -- the walk ------------------------------------------------------------------------------
    def rewrite(self, expression: ast.expr, receiver: str | None, prune: bool) -> ast.expr:
        root = _chain_root(expression)
        target = chain_object(expression)
        if receiver is not None:
            if target is None:
                raise _Unfillable("no object to chain onto")
            expression = _replace_node(expression, target, ast.parse(receiver, mode="eval").body)
            self.result.filled += 1
            root = None
        elif isinstance(target, ast.Call):
            data = self._data_variable(target, None)
            if data is not None:
                expression = _replace_node(expression, target, data)
                root = None
        if isinstance(root, ast.Name) and root.id in self.usage.variables:
            self._bind_variable(root.id, self._receiver_owner(expression))
        for call in sorted((n for n in ast.walk(expression) if isinstance(n, ast.Call)), key=_position):
            self._fill_call(call, prune)
        self._check_names(expression, None)  # callees and receivers too: everything must resolve
        return _Renamer(self).visit(expression)

    def _receiver_owner(self, expression: ast.expr) -> str | None:
        first = self.catalogue.find(self.usage.apis[0]) if self.usage.apis else None
        return first.owner if first is not None else None

    def _fill_call(self, call: ast.Call, prune: bool) -> None:
        entry = self._entry_for(call)
        if entry is None:  # a call outside the library (``itemgetter(0)``): structure, kept as written
            return
        params = _call_params(entry)
        bound = bind_to_parameters(self.comment, params, self._free_constants(),
                                   max_distance=self.weights.bind_distance)
        self._bound_names = set(bound)
        positional = [p for p in params if p.kind in ("positional_only", "positional_or_keyword")]
        for i, argument in enumerate(list(call.args)):
            param = positional[i] if i < len(positional) else None
            call.args[i] = self._fill_value(argument, param, bound)
        kept_keywords = []
        for keyword in call.keywords:
            param = next((p for p in params if p.name == keyword.arg), None)
            value = self._fill_value(keyword.value, param, bound, optional=param is None or param.default is not None)
            if value is None or (prune and self._unsupported(keyword, value, param)):
                self.result.dropped += 1
                continue
            keyword.value = value
            kept_keywords.append(keyword)
        call.keywords = kept_keywords
        self._add_stated_keywords(call, params, bound)
        self._add_stated_flags(call, params, entry.import_path)

    def _add_stated_flags(self, call: ast.Call, params: list[Param], api_path: str) -> None:
        """Switches the comment asks for ("keys sorted", "best first") that the example did not set."""
        present = {k.arg for k in call.keywords if k.arg} | {p.name for p, _ in zip(params, call.args, strict=False)}
        for name, value in stated_flags(self.comment, params, present, api_path).items():
            call.keywords.append(ast.keyword(name, ast.Constant(value)))
            self.result.filled += 1

    def _add_stated_keywords(self, call: ast.Call, params: list[Param], bound: dict[str, Constant]) -> None:
        """Parameters the comment sets ("buffer size to 3") that the example did not pass."""
        present = {k.arg for k in call.keywords} | {p.name for p, _ in zip(params, call.args, strict=False)}
        for param in params:
            constant = bound.get(param.name)
            if (
                constant is not None
                and param.name not in present
                and param.kind != "var_keyword"
                and id(constant) not in self.taken_constants
            ):
                self.taken_constants.add(id(constant))
                call.keywords.append(ast.keyword(arg=param.name, value=ast.parse(constant.literal(), mode="eval").body))
                self.result.filled += 1
                self.result.constants_used += 1

    def _unsupported(self, keyword: ast.keyword, value: ast.expr, param: Param | None) -> bool:
        """A keyword keeping the example's constant although the comment names too few of its words."""
        if not isinstance(value, ast.Constant) or keyword.arg is None or getattr(value, "_apiary_filled", False):
            return False
        if param is None or param.default is None:
            return False  # what a **kwargs catch-all receives is the call's content, not an extra
        words = [stem(w) for w in split_identifier(keyword.arg)]
        comment_stems = {stem(w.lower()) for w in _words(self.comment)}
        return sum(w in comment_stems for w in words) < self.weights.unsupported_share * len(words)

    def _fill_value(
        self, value: ast.expr, param: Param | None, bound: dict[str, Constant], optional: bool = False
    ) -> ast.expr | None:
        data = self._data_variable(value, param)
        if data is not None:
            return data
        if isinstance(value, ast.Constant) and not isinstance(value.value, bool) and value.value is not None:
            return self._fill_constant(value, param, bound)
        if isinstance(value, ast.Lambda):
            self._fill_lambda(value)
        elif isinstance(value, (ast.List, ast.Tuple, ast.Dict, ast.Set)) and _is_literal(value):
            self.kept_values.append(value)  # the example's data, where the context has none of its kind
        try:
            self._check_names(value, param)
        except _Unfillable:
            if optional:
                return None
            raise
        return value

    def _fill_constant(self, value: ast.Constant, param: Param | None, bound: dict[str, Constant]) -> ast.expr:
        kind = "string" if isinstance(value.value, str) else "number"
        constant = bound.get(param.name) if param is not None else None
        if constant is not None and constant.kind != kind:
            constant = None
        if constant is None or id(constant) in self.taken_constants:
            constant = self._next_constant(kind)
        if constant is None and kind == "number" and self._is_count(value):
            constant = Constant(self.fillers.assign_count, -1, "number")
        if constant is None:
            self.result.kept += 1
            self.kept_values.append(value)
            return value
        self.taken_constants.add(id(constant))
        self.result.filled += 1
        if constant.position >= 0:
            self.result.constants_used += 1
        filled = ast.parse(constant.literal(), mode="eval").body
        filled._apiary_filled = True  # type: ignore[attr-defined]
        return filled

    def _fill_lambda(self, function: ast.Lambda) -> None:
        """An example's condition (``lambda r: r['n'] > 2``) gets the comment's numbers and the user's
        field names the comment mentions; what the context does not state stays as written."""
        keys = [
            c
            for c in data_key_constants(self.comment, list(self.fillers.data_keys))
            if id(c) not in self.taken_constants
        ]
        for node in ast.walk(function.body):
            if isinstance(node, ast.Compare):
                node.comparators = [self._comment_number(c) for c in node.comparators]
            elif (
                isinstance(node, ast.Subscript)
                and _is_string(node.slice)
                and node.slice.value not in self.fillers.data_keys
            ):
                if keys:
                    key = keys.pop(0)
                    self.taken_constants.add(id(key))
                    node.slice = ast.Constant(key.value)
                    self.result.filled += 1
                elif self.fillers.computed_keys:
                    # the comment names no field: the one the code computed last is what it talks about
                    # ("keep only the orders above 100 euros" after deriving "amount"), not the example's
                    node.slice = ast.Constant(self.fillers.computed_keys[-1])
                    self.result.filled += 1

    def _comment_number(self, value: ast.expr) -> ast.expr:
        if (
            not isinstance(value, ast.Constant)
            or isinstance(value.value, bool)
            or not isinstance(value.value, int | float)
        ):
            return value
        constant = self._next_constant("number")
        if constant is None:
            return value
        self.taken_constants.add(id(constant))
        self.result.filled += 1
        self.result.constants_used += 1
        return ast.parse(constant.literal(), mode="eval").body

    def _data_variable(self, value: ast.expr, param: Param | None) -> ast.expr | None:
        """The example's literal data (``[7, 1, 3]``, ``'Crème Brûlée'``, ``Table([{...}])``) stands for
        the user's data: a variable of the same type that the code prepared and has not used yet."""
        constructed = self._constructed_class(value)
        if constructed is not None:
            pool = [v for v in self.fillers.variables if constructed in v.type.classes and (not v.used or v.mentioned)]
            return self._take(_best(pool, "", self.taken_names, param))
        kind = _literal_type(value)
        if kind is None:
            return None
        if kind == "str" and self._next_constant("string") is not None:
            return None  # the comment states the string itself
        if kind in ("int", "float") and (
            self._next_constant("number") is not None or param is not None and param.name in self._bound_names
        ):
            return None
        compatible = {"list": {"list", "tuple"}, "tuple": {"tuple", "list"}}.get(kind, {kind})
        pool = [v for v in self.fillers.variables if v.builtin in compatible and (not v.used or v.mentioned)]
        return self._take(_best(pool, "", self.taken_names, param))

    def _take(self, chosen: Local | None) -> ast.expr | None:
        if chosen is None:
            return None
        self.taken_names.add(chosen.name)
        self.result.filled += 1
        self.result.mentions_used += int(chosen.mentioned)
        return ast.Name(chosen.name, ast.Load())

    def _constructed_class(self, value: ast.expr) -> str | None:
        """``Table([{...}])``: a library class built from literals only, i.e. example data."""
        if not isinstance(value, ast.Call) or not all(
            _is_literal(a) for a in [*value.args, *(k.value for k in value.keywords)]
        ):
            return None
        entry = self._entry_for(value)
        if entry is None:
            name = value.func.attr if isinstance(value.func, ast.Attribute) else getattr(value.func, "id", None)
            candidates = [self.catalogue.entries[i] for i in self.catalogue.by_name.get(name or "", [])]
            entry = next((e for e in candidates if e.kind == ApiKind.CLASS), None)
        return entry.import_path if entry is not None and entry.kind == ApiKind.CLASS else None

    def _is_count(self, value: ast.Constant) -> bool:
        """The example unpacks as many values as this constant: the user's line unpacks its own count."""
        return self.fillers.assign_count > 1 and self.usage.targets == value.value

    def _free_constants(self) -> list[Constant]:
        return [c for c in self.constants if id(c) not in self.taken_constants]

    def _next_constant(self, kind: str) -> Constant | None:
        for constant in self.constants:
            if id(constant) not in self.taken_constants and (
                constant.kind == kind or kind == "string" and constant.kind == "name"
            ):
                return constant
        return None

    # -- names -----------------------------------------------------------------------------------
    def _check_names(self, value: ast.expr, param: Param | None) -> None:
        for name in _free_names(value):
            self._resolve_name(name, param)

    def _resolve_name(self, name: str, param: Param | None) -> None:
        if name in self.renames:
            return
        if name in self.usage.functions:
            self._bind(name, _best(self.fillers.functions, name, self.taken_names, param))
        elif name in self.usage.variables:
            self._bind_variable(name, self.catalogue.class_of_annotation(param.annotation) if param else None)
        elif name in dict(self.usage.imports):
            target = dict(self.usage.imports)[name]
            self.renames[name] = self.fillers.local_for_target(target) or self._library_reference(target, name)
        elif name not in self.fillers.available and name not in _BUILTINS:
            try:
                self.renames[name] = self._library_reference(None, name)
            except _Unfillable:
                # Doc examples are fragments: ``t.keep_where(...)`` where ``t`` was made in another
                # example of the same docstring. An unknown name is the example's own data.
                self._bind_variable(name, self.catalogue.class_of_annotation(param.annotation) if param else None)

    def _library_reference(self, target: str | None, name: str) -> str:
        """How the user's code names a library API the example refers to (``hc.Table``)."""
        entry = self.catalogue.find(target) if target else None
        if entry is None:
            entries = [self.catalogue.entries[i] for i in self.catalogue.by_name.get(name, [])]
            entry = next((e for e in entries if not e.owner), None)
        if entry is None or entry.owner:
            raise _Unfillable(name)
        ref = reference(entry, self.fillers)
        if ref.needs_import:
            raise _Unfillable(name)
        return ref.text

    def _bind_variable(self, name: str, wanted_class: str | None) -> None:
        """A variable of the wanted class; else one whose type we do not know (never a literal)."""
        fitting = [v for v in self.fillers.variables if _fits(v, wanted_class)]
        if not fitting:
            fitting = [v for v in self.fillers.variables if not v.type.known and not (wanted_class and v.builtin)]
        self._bind(name, _best(fitting, name, self.taken_names, None))

    def _bind(self, name: str, local: Local | None) -> None:
        if local is None:
            raise _Unfillable(name)
        self.renames[name] = local.name
        self.taken_names.add(local.name)
        self.result.filled += 1
        self.result.mentions_used += int(local.mentioned)

    def _entry_for(self, call: ast.Call) -> ApiEntry | None:
        name = (
            call.func.attr
            if isinstance(call.func, ast.Attribute)
            else call.func.id
            if isinstance(call.func, ast.Name)
            else None
        )
        for api in self.usage.apis:
            if api.rsplit(".", 1)[-1] == name:
                return self.catalogue.find(api)
        return None


class _Renamer(ast.NodeTransformer):
    def __init__(self, state: _Filling):
        self.state = state

    def visit_Name(self, node: ast.Name) -> ast.Name:
        return ast.copy_location(ast.Name(self.state.renames.get(node.id, node.id), node.ctx), node)


def _is_literal(value: ast.expr) -> bool:
    try:
        ast.literal_eval(value)
        return True
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return False


def _literal_type(value: ast.expr) -> str | None:
    if isinstance(value, ast.Constant) and not isinstance(value.value, bool) and value.value is not None:
        return type(value.value).__name__
    return {ast.List: "list", ast.Tuple: "tuple", ast.Dict: "dict", ast.Set: "set"}.get(type(value))


def _free_names(value: ast.expr) -> list[str]:
    """Names ``value`` reads, not counting a lambda's own parameters."""
    names: list[str] = []

    def visit(node: ast.AST, bound: frozenset[str]) -> None:
        if isinstance(node, ast.Lambda):
            bound = bound | {a.arg for a in node.args.args}
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in bound:
            names.append(node.id)
        for child in ast.iter_child_nodes(node):
            visit(child, bound)

    visit(value, frozenset())
    return names


def _fits(local: Local, wanted_class: str | None) -> bool:
    if wanted_class is None:
        return True
    if local.builtin:
        return False
    if wanted_class in local.type.classes:
        return True
    module = local.type.module
    return bool(module) and wanted_class.startswith(module + ".")


def _best(
    locals_: list[Local] | tuple[Local, ...], example_name: str, taken: set[str], param: Param | None
) -> Local | None:
    """The local that best stands for the example's name: named by the comment, not yet used,
    sharing words with the example's name or the parameter, most recent."""
    hint = set(split_identifier(example_name)) | (set(split_identifier(param.name)) if param else set())
    free = [v for v in locals_ if v.name not in taken]
    if not free:
        return None
    return max(free, key=lambda v: (v.mentioned, not v.used, len(hint & set(split_identifier(v.name))), v.line))


def _call_params(entry: ApiEntry | None) -> list[Param]:
    return list(entry.params) if entry is not None else []


def _chain_root(expression: ast.expr) -> ast.expr | None:
    """The expression a method chain starts from (``dp`` in ``dp.a(1).b()``), if it is a name."""
    node = expression
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            node = node.value
        else:
            return node if isinstance(node, ast.Name) and node is not expression else None


def chain_object(expression: ast.expr) -> ast.expr | None:
    """The object a method chain is called on: ``dp`` in ``dp.a(1).b()``, ``Stream(xs)`` in
    ``Stream(xs).where(f)``; None when the expression is not a method call."""
    node, found = expression, None
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        found = node.func.value
        node = found
    return found


def methods_in_chain(expression: ast.expr) -> int:
    count, node = 0, expression
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        count += 1
        node = node.func.value
    return count


def _replace_node(tree: ast.expr, old: ast.expr, new: ast.expr) -> ast.expr:
    class Replace(ast.NodeTransformer):
        def generic_visit(self, node):
            return copy.deepcopy(new) if node is old else super().generic_visit(node)

    return Replace().visit(tree)


def _position(node: ast.AST) -> tuple[int, int]:
    return (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]+", text)


def _is_string(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)

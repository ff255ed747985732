"""Check every call into an indexed library against its API catalogue before a candidate is shown.

An API that does not exist, a keyword the signature does not take, too many positional
arguments, or a name defined nowhere is repaired (the nearest real API, parameter or name in
scope) or the candidate is dropped.
Hallucinated APIs are what users of private libraries suffer most from.
"""

from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass, field

from apiary.context import EditorContext
from apiary.docs.catalogue import Catalogue
from apiary.docs.entry import ApiEntry, ApiKind
from apiary.docs.types import InferredType, TypeResolver, members_of
from apiary.generation.names import BUILTINS, bound_names, defined_names, free_names, undefined_names

_CUTOFF = 0.75
#: a free name is repaired only into a visible name this close (``sale`` -> ``sales``)
_NAME_CUTOFF = 0.8


@dataclass
class CheckResult:
    text: str
    ok: bool
    notes: list[str] = field(default_factory=list)
    #: import paths of the library APIs the checked text calls
    apis: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Edit:
    start: int  # offsets in the checked source
    end: int
    text: str


def check_candidate(completion: str, context: EditorContext, catalogues: list[Catalogue],
                    placeholders: frozenset[str] = frozenset()) -> CheckResult:
    """Check ``completion`` (inserted at the cursor of ``context``); repair what can be repaired.
    ``placeholders``: names that are the candidate's tab stops (`apiary.snippet.placeholder_names`),
    left for the user to fill: not names defined nowhere."""
    line_prefix = context.line_prefix
    source = line_prefix.lstrip() + completion
    indent = len(line_prefix) - len(line_prefix.lstrip())
    try:
        tree = ast.parse(source.rstrip() or "pass")
    except SyntaxError:  # the syntax check judges the rest; a name defined nowhere is still wrong
        missing = undefined_names(completion, context) - placeholders
        return CheckResult(completion, not missing, [_undefined_note(missing)] if missing else [])
    checker = _Checker(context, catalogues, source, bound_names(tree) | placeholders)
    completion_start = len(line_prefix.lstrip().encode("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and checker.ends_after(node, completion_start):
            if not checker.check_call(node):
                return CheckResult(completion, False, checker.notes)
    if not checker.check_names(tree, completion_start):
        return CheckResult(completion, False, checker.notes)
    repaired = _apply(source, checker.edits)
    text = repaired[len(line_prefix) - indent:] if checker.edits else completion
    return CheckResult(text, True, checker.notes, checker.apis)


class _Checker:
    def __init__(self, context: EditorContext, catalogues: list[Catalogue], source: str, bound: set[str] = frozenset()):
        self.context = context
        #: names the candidate binds itself (they shadow the file's) or leaves to the user as tab stops
        self.bound = bound
        self.scope = {o.name: o for o in context.scope}
        self.catalogues = catalogues
        self.imports = {b.local: b.target for b in context.imports}
        self.line_offsets = _line_offsets(source)
        self.edits: list[_Edit] = []
        self.notes: list[str] = []
        self.apis: list[str] = []

    def ends_after(self, node: ast.expr, offset: int) -> bool:
        """Calls written entirely before the cursor are the user's, not the candidate's."""
        return self._offset(node.end_lineno, node.end_col_offset) > offset

    def check_call(self, call: ast.Call) -> bool:
        if not self._fits_builtin_kind(call.func):
            return False
        resolved = self._resolve(call.func)
        if resolved is None:
            return True  # not a call into an indexed library
        catalogue, entry, members, name = resolved
        if entry is None:
            replacement = _closest(name, members)
            if replacement is None:
                self.notes.append(f"dropped: no API '{name}' in {catalogue.name}")
                return False
            self._rename_callee(call.func, name, replacement.name)
            entry = replacement
        self.apis.append(entry.import_path)
        return self._check_arguments(call, entry)

    def _fits_builtin_kind(self, func: ast.expr) -> bool:
        """A value Python's own types describe (a literal, a name bound to one, what the docs say a
        call returns) is not called, and only its type's methods are called on it: ``db_columns(...)``
        on a list, ``hc.slug(title).pick(...)`` on the ``str`` that ``slug`` returns."""
        if isinstance(func, ast.Name):
            kind = self._builtin_kind(func)
            if kind is not None:  # no value of Python's own types can be called
                self.notes.append(f"dropped: '{func.id}' is a {kind.__name__}, not something to call")
                return False
            return True
        if not isinstance(func, ast.Attribute):
            return True
        kind = self._builtin_kind(func.value)
        if kind is None or hasattr(kind, func.attr):
            return True
        replacement = difflib.get_close_matches(
            func.attr, [m for m in dir(kind) if not m.startswith("_")], n=1, cutoff=_CUTOFF
        )
        if not replacement:
            self.notes.append(f"dropped: a {kind.__name__} has no method '{func.attr}'")
            return False
        self._rename_callee(func, func.attr, replacement[0])
        return True

    def _builtin_kind(self, node: ast.expr) -> type | None:
        if isinstance(node, ast.Constant):
            return type(node.value) if type(node.value) in _BUILTIN_KINDS.values() else None
        if isinstance(
            node, (ast.List, ast.ListComp, ast.Dict, ast.DictComp, ast.Set, ast.SetComp, ast.Tuple, ast.JoinedStr)
        ):
            return _LITERAL_KINDS[type(node)]
        if isinstance(node, ast.Name):
            origin = self.scope.get(node.id)
            if node.id in self.bound or origin is None or not origin.resolved:
                return None
            return _BUILTIN_KINDS.get(origin.resolved.removesuffix("()")) if origin.resolved.endswith("()") else None
        if isinstance(node, ast.Call):
            resolved = self._resolve(node.func)
            entry = resolved[1] if resolved is not None else None
            return _BUILTIN_KINDS.get((entry.returns or "").strip()) if entry is not None else None
        return None

    def _resolve(self, func: ast.expr) -> tuple[Catalogue, ApiEntry | None, list[ApiEntry], str] | None:
        if isinstance(func, ast.Name):
            target = self.imports.get(func.id)
            for catalogue in self.catalogues if target else []:
                entry = catalogue.find(target)
                if entry is not None:
                    return catalogue, entry, [], func.id
            return None
        if not isinstance(func, ast.Attribute):
            return None
        receiver = ast.unparse(func.value)
        for catalogue in self.catalogues:
            inferred = self._type_of(receiver, catalogue)
            if not self._members_known(receiver, inferred, catalogue):
                continue
            entries = catalogue.entries
            members = [entries[i] for i in members_of(catalogue, inferred)]
            match = next((m for m in members if m.name == func.attr), None)
            if match is None and inferred.classes:  # methods documented only on a base class
                match = next(
                    (
                        entries[i]
                        for c in inferred.classes
                        for i in catalogue.members.get(c, [])
                        if entries[i].name == func.attr
                    ),
                    None,
                )
            return catalogue, match, members, func.attr
        return None

    def _members_known(self, receiver: str, inferred: InferredType, catalogue: Catalogue) -> bool:
        """Judge ``receiver.name`` only where the catalogue documents every member it can have: a module
        of the library, or a class whose ancestors are all documented. A value whose class is undocumented
        (re-exported from elsewhere, or inheriting from another package) may have any method."""
        if inferred.classes:
            return all(
                catalogue.find(base) is not None or base.rsplit(".", 1)[-1] in _ROOT_BASES
                for cls in inferred.classes for base in _bases(catalogue, cls)
            )
        head = receiver.partition(".")[0]
        return inferred.module is not None and head in self.imports and "(" not in receiver

    def _type_of(self, receiver: str, catalogue: Catalogue) -> InferredType:
        resolver = TypeResolver(catalogue, {o.name: o for o in self.context.scope})
        head, _, rest = receiver.partition(".")
        if head in self.imports:
            dotted = self.imports[head] + (f".{rest}" if rest else "")
            entry = catalogue.find(dotted)
            if entry is not None and entry.kind == ApiKind.MODULE:
                return InferredType(module=entry.import_path)
            return resolver.of_expression(dotted, head_is_local=False)
        if head.isidentifier():
            return (
                resolver.of_expression(receiver, head_is_local=True)
                if rest or "(" in receiver
                else resolver.of_name(head)
            )
        return InferredType()

    def check_names(self, tree: ast.Module, completion_start: int) -> bool:
        """Every name the candidate reads is defined somewhere the code can see; a near miss of a
        name in scope (``sale`` for ``sales``) is repaired, anything else drops the candidate.
        Names on the user's part of the line are theirs to judge."""
        written = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and self.ends_after(n, completion_start)]
        defined = defined_names(self.context)
        missing = (free_names(tree, self.context, defined) - self.bound) & {n.id for n in written}
        if not missing:
            return True
        visible = sorted(defined - BUILTINS)
        unrepaired = set()
        for name in sorted(missing):
            match = difflib.get_close_matches(name, visible, n=1, cutoff=_NAME_CUTOFF)
            if not match:
                unrepaired.add(name)
                continue
            for node in (n for n in written if n.id == name):
                start = self._offset(node.lineno, node.col_offset)
                self.edits.append(_Edit(start, start + len(name.encode("utf-8")), match[0]))
            self.notes.append(f"renamed {name} to {match[0]}")
        if unrepaired:
            self.notes.append(_undefined_note(unrepaired))
        return not unrepaired

    def _check_arguments(self, call: ast.Call, entry: ApiEntry) -> bool:
        if not entry.params and not entry.signature:
            return True  # nothing known to check against
        names = {p.name for p in entry.params if p.kind != "positional_only"}
        by_position = {p.name for p in entry.params if p.kind == "positional_only"}
        takes_kwargs = any(p.kind == "var_keyword" for p in entry.params)
        for keyword in call.keywords:
            if keyword.arg in by_position and not takes_kwargs:  # a TypeError when it runs
                self.notes.append(f"dropped: {entry.name}() takes '{keyword.arg}' by position only")
                return False
            if keyword.arg is None or keyword.arg in names or takes_kwargs:
                continue
            replacement = difflib.get_close_matches(keyword.arg, sorted(names), n=1, cutoff=_CUTOFF)
            if not replacement:
                self.notes.append(f"dropped: {entry.name}() takes no keyword '{keyword.arg}'")
                return False
            self._rename_keyword(keyword, replacement[0])
        positional = [p for p in entry.params if p.kind in ("positional_only", "positional_or_keyword")]
        if len(call.args) > len(positional) and not any(p.kind == "var_positional" for p in entry.params):
            if not any(isinstance(a, ast.Starred) for a in call.args):
                self.notes.append(
                    f"dropped: {entry.name}() takes {len(positional)} positional arguments, got {len(call.args)}"
                )
                return False
        return True

    def _rename_callee(self, func: ast.expr, old: str, new: str) -> None:
        end = self._offset(func.end_lineno, func.end_col_offset)
        self.edits.append(_Edit(end - len(old), end, new))
        self.notes.append(f"renamed {old} to {new}")

    def _rename_keyword(self, keyword: ast.keyword, new: str) -> None:
        start = self._offset(keyword.lineno, keyword.col_offset)
        self.edits.append(_Edit(start, start + len(keyword.arg or ""), new))
        self.notes.append(f"renamed keyword {keyword.arg}= to {new}=")

    def _offset(self, line: int | None, column: int | None) -> int:
        return self.line_offsets[(line or 1) - 1] + (column or 0)


#: Python's own types, by the name docs and annotations give them
_BUILTIN_KINDS: dict[str, type] = {
    t.__name__: t for t in (str, bytes, int, float, complex, bool, list, dict, tuple, set, frozenset)
}
_LITERAL_KINDS: dict[type, type] = {
    ast.List: list, ast.ListComp: list, ast.Dict: dict, ast.DictComp: dict, ast.Set: set, ast.SetComp: set,
    ast.Tuple: tuple, ast.JoinedStr: str,
}


#: bases that add no methods a library's users call
_ROOT_BASES = frozenset({"object", "ABC", "Generic", "Protocol", "NamedTuple", "TypedDict", "Enum", "Exception"})


def _undefined_note(names: set[str]) -> str:
    return "dropped: " + ", ".join(f"'{n}'" for n in sorted(names)) + " defined nowhere"


def _bases(catalogue: Catalogue, class_path: str) -> tuple[str, ...]:
    entry = catalogue.find(class_path)
    return entry.bases if entry is not None else ("<undocumented>",)


def _closest(name: str, members: list[ApiEntry]) -> ApiEntry | None:
    by_name = {m.name: m for m in members if m.kind != ApiKind.MODULE}
    match = difflib.get_close_matches(name, sorted(by_name), n=1, cutoff=_CUTOFF)
    return by_name[match[0]] if match else None


def _line_offsets(source: str) -> list[int]:
    """Byte offsets where each line starts: ast columns count UTF-8 bytes."""
    offsets, total = [], 0
    for line in source.encode("utf-8").splitlines(keepends=True):
        offsets.append(total)
        total += len(line)
    return offsets or [0]


def _apply(source: str, edits: list[_Edit]) -> str:
    data = source.encode("utf-8")
    for edit in sorted(edits, key=lambda e: -e.start):
        data = data[: edit.start] + edit.text.encode("utf-8") + data[edit.end :]
    return data.decode("utf-8")

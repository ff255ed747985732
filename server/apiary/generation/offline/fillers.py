"""What the user's code offers to fill a sketch's holes: variables in scope (with the types the
library's docs let us infer), local functions, imported names, and the comment's constants."""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass, field

from apiary.context import EditorContext
from apiary.docs.catalogue import Catalogue
from apiary.docs.types import InferredType, scope_types
from apiary.retrieval.query import local_classes

_BUILTINS = frozenset(dir(builtins))
_FUNCTION_DEF = re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)[ \t]*\(", re.MULTILINE)
_LAMBDA = re.compile(r"^[ \t]*([A-Za-z_]\w*)[ \t]*=[ \t]*lambda\b", re.MULTILINE)


@dataclass(frozen=True)
class Local:
    name: str
    line: int
    #: the name appears again in the code after it was bound
    used: bool
    #: the comment names it
    mentioned: bool
    type: InferredType = field(default_factory=InferredType)
    #: the builtin type of a literal or builtin container (``URL = "https://..."`` -> "str"): never a
    #: library object
    builtin: str | None = None


@dataclass(frozen=True)
class Fillers:
    variables: tuple[Local, ...]
    functions: tuple[Local, ...]
    #: local name -> dotted target, for every import before the cursor
    imports: dict[str, str]
    #: every name the code can refer to at the cursor
    available: frozenset[str]
    intent: str
    assign_count: int
    #: string keys of dict literals and subscripts in the user's code (their data's field names)
    data_keys: tuple[str, ...] = ()
    #: fields the code computes, in file order: ``row["total"] = ...``, ``t.derive("amount", lambda r: ...)``
    computed_keys: tuple[str, ...] = ()
    #: the classes the file defines on the library's, each with the library classes it is one of
    #: (``class UserSchema(Schema)`` -> ("UserSchema", ("marshmallow.schema.Schema", ...)))
    subclasses: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def local_for_target(self, target: str) -> str | None:
        """The name the user's code binds to an import target, if it imports it."""
        for local, bound in self.imports.items():
            if bound == target:
                return local
        return None


def collect_fillers(context: EditorContext, catalogue: Catalogue | None) -> Fillers:
    text = context.text_before
    lines = text.splitlines()
    imports = {b.local: b.target for b in context.imports if b.local != "*"}
    classes = local_classes(text, imports)
    types = scope_types(catalogue, context.scope, classes) if catalogue is not None else {}
    subclasses = tuple((name, types[name].classes) for name, _ in classes if name in types and types[name].classes)
    functions = _local_functions(text, lines, context.intent)
    function_names = {f.name for f in functions}
    cursor_line = len(lines) - 1 if text.endswith(("\n",)) is False else len(lines)
    variables = tuple(
        Local(o.name, o.line, _used_after(o.name, lines, o.line), _mentioned(o.name, context.intent),
              types.get(o.name, InferredType()), _builtin_value(o.resolved))
        for o in context.scope
        if o.name not in function_names and o.line < cursor_line
    )
    available = frozenset({*imports, *(v.name for v in variables), *function_names, *_BUILTINS})
    assign_count = len([t for t in (context.assign_target or "").split(",") if t.strip()])
    computed = computed_keys(text)
    data_keys = tuple(dict.fromkeys(_DICT_KEY.findall(text) + _SUBSCRIPT_KEY.findall(text) + list(computed)))
    return Fillers(variables, functions, imports, available, context.intent, assign_count, data_keys, computed,
                   subclasses)


def computed_keys(code: str) -> tuple[str, ...]:
    """Fields the code makes, in file order (the last one is what the next step most likely reads)."""
    found = sorted(
        (m.start(), m.group(1)) for pattern in (_ASSIGNED_KEY, _COMPUTED_COLUMN) for m in pattern.finditer(code)
    )
    return tuple(dict.fromkeys(key for _, key in found))


_DICT_KEY = re.compile(r"[{,]\s*[\"']([A-Za-z_]\w*)[\"']\s*:")
#: ``row["qty"]``: a field the code reads is a field of its data too
_SUBSCRIPT_KEY = re.compile(r"\w\[\s*[\"']([A-Za-z_]\w*)[\"']\s*\]")
#: ``row["total"] = ...``: a field written
_ASSIGNED_KEY = re.compile(r"\w\[\s*[\"']([A-Za-z_]\w*)[\"']\s*\]\s*=(?!=)")
#: ``t.derive("amount", lambda r: ...)``: a named field computed by a function, as data libraries add columns
_COMPUTED_COLUMN = re.compile(r"\.\w+\(\s*[\"']([A-Za-z_]\w*)[\"']\s*,\s*(?:lambda\b|[A-Za-z_][\w.]*\s*[,)])")
_BUILTIN_VALUE = re.compile(r"^(?:str|int|float|bool|bytes|list|dict|set|tuple|complex|range|NoneType)\(\)(?:\[\])?$")


def _builtin_value(resolved: str | None) -> str | None:
    match = _BUILTIN_VALUE.match(resolved or "")
    return resolved.split("(")[0] if match and resolved and not resolved.endswith("[]") else None


def _local_functions(text: str, lines: list[str], intent: str) -> tuple[Local, ...]:
    found: dict[str, Local] = {}
    for pattern in (_FUNCTION_DEF, _LAMBDA):
        for match in pattern.finditer(text):
            name = match.group(1)
            line = text.count("\n", 0, match.start())
            found[name] = Local(name, line, _used_after(name, lines, line), _mentioned(name, intent))
    return tuple(sorted(found.values(), key=lambda f: f.line))


def _used_after(name: str, lines: list[str], line: int) -> bool:
    pattern = re.compile(rf"\b{re.escape(name)}\b")
    for later in lines[line + 1:]:
        code = later.split("#", 1)[0]
        if pattern.search(code) and not re.match(rf"\s*{re.escape(name)}\s*=", code):
            return True
    return False


def _mentioned(name: str, intent: str) -> bool:
    return bool(re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", intent))

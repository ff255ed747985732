"""The last resort: a call built from the API's signature alone (``api(required, params)``), filled
from the context where it can be and left as snippet tab stops where it cannot."""

from __future__ import annotations

import re
from dataclasses import dataclass

from apiary.docs.catalogue import Catalogue
from apiary.docs.entry import ApiEntry, ApiKind, Param
from apiary.generation.offline.constants import (
    NUMERIC_ANNOTATION,
    bind_to_parameters,
    comment_constants,
    parameter_mentions,
)
from apiary.generation.offline.fillers import Fillers, Local
from apiary.weights import OfflineWeights, load_weights

_CALLABLE_NAME = re.compile(r"(?:^|_)(?:fn|func|function|callback|key|predicate|hook|transform)$")


@dataclass(frozen=True)
class Reference:
    text: str
    #: the user's code does not import it yet: an import must be added for the call to run
    needs_import: bool


def reference(entry: ApiEntry, fillers: Fillers) -> Reference:
    """How the user's code names a top-level API: an imported name, ``alias.attr``, else bare."""
    for candidate in (entry.import_path, entry.qualname):
        local = fillers.local_for_target(candidate)
        if local:
            return Reference(local, False)
    best: tuple[int, str] | None = None
    for local, target in fillers.imports.items():
        if entry.import_path.startswith(target + "."):
            text = local + entry.import_path[len(target):]
            if best is None or len(target) > best[0]:
                best = (len(target), text)
    return Reference(best[1], False) if best else Reference(entry.name, True)


@dataclass(frozen=True)
class Template:
    text: str
    snippet: str
    complete: bool
    filled: int
    needs_import: bool
    #: the method's object is made here (``UserSchema().load(...)``): nothing in scope was one
    made_receiver: bool = False


def template(entry: ApiEntry, fillers: Fillers, catalogue: Catalogue, comment: str, receiver: str | None = None,
             weights: OfflineWeights | None = None) -> Template | None:
    """``receiver.method(args)`` or ``Name(args)`` with every required parameter filled or a tab stop."""
    if entry.kind not in (ApiKind.FUNCTION, ApiKind.METHOD, ApiKind.ALIAS, ApiKind.CLASS, ApiKind.EXTERNAL):
        return None
    needs_import = made_receiver = False
    if entry.owner and entry.on_class and receiver is None:  # ``Table.from_csv(...)``: on the class itself
        owner = catalogue.find(entry.owner)
        if owner is None:
            return None
        subclass = _subclass_for(entry.owner, fillers)
        ref = Reference(subclass, False) if subclass is not None else reference(owner, fillers)
        head, needs_import = f"{ref.text}.{entry.name}", ref.needs_import
    elif entry.owner:
        if receiver is None and (receiver := _receiver_for(entry, fillers)) is None:
            if (receiver := _made_receiver(entry, fillers, catalogue)) is None:
                return None
            made_receiver = True
        head = f"{receiver}.{entry.name}"
    else:
        ref = reference(entry, fillers)
        head, needs_import = ref.text, ref.needs_import
    params = [p for p in entry.params if p.kind not in ("var_positional", "var_keyword")]
    constants = comment_constants(comment)
    distance = (weights if weights is not None else load_weights().offline).bind_distance
    bound = bind_to_parameters(comment, params, constants, max_distance=distance)
    numbers = [c for c in constants if c.kind == "number" and c not in bound.values()]
    strings = [c for c in constants if c.kind == "string" and c not in bound.values()]
    # a variable named like a parameter (``channel`` for ``channel``) is the user's value for it: kept
    # from the others, and given to it even where it is optional
    named = {v.name for v in fillers.variables} & {p.name for p in params}
    taken: set[str] = ({receiver} if receiver else set()) | named
    args_text, args_snippet, filled, complete = [], [], 0, True
    skipped = False  # an optional parameter left out: a positional-only one after it cannot be given
    for param in params:
        if param.name in named and param.name not in bound:  # what the comment says comes first
            value = param.name
        else:
            value = _value_for(param, bound, numbers, strings, fillers, taken, catalogue)
        positional_only = param.kind == "positional_only"
        if param.default is not None and (value is None or (positional_only and skipped)):
            skipped = True
            continue
        keyword = not positional_only and (param.default is not None or param.kind == "keyword_only")
        prefix = f"{param.name}=" if keyword else ""
        if value is None:
            complete = False
            args_text.append(prefix + param.name)
            args_snippet.append(prefix + f"${{{len(args_snippet) + 1}:{param.name}}}")
        else:
            filled += 1
            args_text.append(prefix + value)
            args_snippet.append(prefix + value)
    text = f"{head}({', '.join(args_text)})"
    snippet = f"{head}({', '.join(args_snippet)})"
    return Template(text, snippet, complete, filled, needs_import, made_receiver)


def _receiver_for(entry: ApiEntry, fillers: Fillers) -> str | None:
    fitting = [
        v
        for v in fillers.variables
        if entry.owner in v.type.classes or (v.type.module and entry.owner.startswith(v.type.module + "."))
    ]
    chosen = _pick(fitting, set())
    return chosen.name if chosen else None


def _made_receiver(entry: ApiEntry, fillers: Fillers, catalogue: Catalogue) -> str | None:
    """An object for a method when no variable holds one, made by a call without arguments: of the
    file's own subclass of the method's class (``UserSchema()`` for ``Schema.load``), else of that
    class (``tablib.Dataset()``) where the file's imports reach it, when its constructor needs no
    argument. A private class (``_Invalid``) is the library's own business."""
    owner = catalogue.find(entry.owner or "")
    if owner is None or owner.kind != ApiKind.CLASS or any(p.required for p in owner.params):
        return None
    if (subclass := _subclass_for(owner.import_path, fillers)) is not None:
        return f"{subclass}()"
    made = reference(owner, fillers)
    return None if made.needs_import or owner.name.startswith("_") else f"{made.text}()"


def _subclass_for(class_path: str, fillers: Fillers) -> str | None:
    """The file's own class that is one of ``class_path``: the one the comment names (``Book`` for
    "the books"), else the last defined, nearest the cursor."""
    found = [name for name, classes in fillers.subclasses if class_path in classes]
    named = [name for name in found if parameter_mentions(fillers.intent, name)]
    return (named or found or [None])[-1]


def _value_for(
    param: Param, bound, numbers, strings, fillers: Fillers, taken: set[str], catalogue: Catalogue
) -> str | None:
    if param.name in bound:
        return bound[param.name].literal()
    annotation = param.annotation or ""
    if "Callable" in annotation or _CALLABLE_NAME.search(param.name):
        chosen = _pick(fillers.functions, taken)
    elif NUMERIC_ANNOTATION.search(annotation) or _is_number(param.default):
        return numbers.pop(0).literal() if numbers else None
    elif "str" in annotation and strings:
        return strings.pop(0).literal()
    elif _ELEMENT_TYPE.search(annotation) and (
        single := _single_of(_ELEMENT_TYPE.search(annotation).group(1), fillers, taken)
    ):
        return f"[{single}]"  # a collection of str is wanted and the user has one str: pass a list of it
    else:
        wanted = catalogue.class_of_annotation(param.annotation)
        pool = [
            v
            for v in fillers.variables
            if wanted is None
            or not v.builtin
            and (wanted in v.type.classes or (v.type.module and wanted.startswith(v.type.module + ".")))
        ]
        chosen = _pick(pool, taken) if param.default is None else None
    if chosen is None:
        return None
    taken.add(chosen.name)
    return chosen.name


_ELEMENT_TYPE = re.compile(r"\w+\[(str|int|float|bytes)\]")


def _single_of(element_type: str, fillers: Fillers, taken: set[str]) -> str | None:
    chosen = _pick([v for v in fillers.variables if v.builtin == element_type], taken)
    if chosen is None:
        return None
    taken.add(chosen.name)
    return chosen.name


def _pick(locals_, taken: set[str]) -> Local | None:
    free = [v for v in locals_ if v.name not in taken]
    return max(free, key=lambda v: (v.mentioned, not v.used, v.line)) if free else None


def _is_number(default: str | None) -> bool:
    return bool(default) and bool(re.fullmatch(r"-?\d+(\.\d+)?", default or ""))

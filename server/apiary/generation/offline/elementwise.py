"""A call an example makes on one value, applied to each value of the user's list.

Examples show an API on one literal (``validators.email("someone@example.com")``); users hold a
list of such values and ask for all of them ("keep only the valid addresses", "same list but
without accents"). When the example's literal is still in a candidate and the code prepared a list
of values of that literal's kind, the call is written over the list: kept where it holds ("keep
only", "valid ones"), dropped where it holds ("remove", "without"), otherwise mapped.
"""

from __future__ import annotations

import ast
import re

from apiary.generation.offline.fillers import Fillers, Local

_KEEP = re.compile(r"\b(keep|only|filter|select|which of|those that)\b", re.IGNORECASE)
_DROP = re.compile(r"\b(drop|remove|exclude|discard|skip|reject)\b", re.IGNORECASE)
#: a request for one answer per value ("list of True/False") maps even when it says "which"
_PER_VALUE = re.compile(r"\b(true|false|each one|for each|per)\b", re.IGNORECASE)
_CONTAINERS = frozenset({"list", "tuple", "set"})


def over_each(text: str, fillers: Fillers, code_before: str, comment: str) -> str | None:
    """``text`` with its example literal replaced by each element of a fitting list in scope, as a
    comprehension; None when the candidate keeps no literal or no list fits."""
    try:
        call = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(call, ast.Call):
        return None
    slot = _example_literal(call, comment)
    if slot is None:
        return None
    values = _list_of(type(slot.value), fillers, code_before)
    if values is None:
        return None
    element = _element_name(values.name, fillers)
    call.args = [ast.Name(element, ast.Load()) if arg is slot else arg for arg in call.args]
    return _comprehension(ast.unparse(call), element, values.name, comment)


def _example_literal(call: ast.Call, comment: str) -> ast.Constant | None:
    """The first positional literal the comment does not state: the example's own value."""
    for arg in call.args:
        if isinstance(arg, ast.Constant) and type(arg.value) in (str, int, float) and not isinstance(arg.value, bool):
            return None if str(arg.value) in comment else arg
    return None


def _list_of(kind: type, fillers: Fillers, code_before: str) -> Local | None:
    """The list the code prepared and has not used yet (or the comment names) whose first element
    is a literal of ``kind``."""
    fitting = [
        v for v in fillers.variables
        if v.builtin in _CONTAINERS and (not v.used or v.mentioned) and _element_kind(v.name, code_before) is kind
    ]
    return max(fitting, key=lambda v: (v.mentioned, v.line), default=None)


def _element_kind(name: str, code: str) -> type | None:
    """The type of the first element of the list literal ``name`` was last bound to."""
    bindings = re.findall(
        rf"^[ \t]*{re.escape(name)}[ \t]*(?::[^=\n]*)?=[ \t]*[\[\(\{{]\s*([^,\]\)\}}\n]+)", code, re.MULTILINE
    )
    if not bindings:
        return None
    try:
        first = ast.literal_eval(bindings[-1].strip())
    except (ValueError, SyntaxError):
        return None
    return type(first) if type(first) in (str, int, float) else None


def _element_name(list_name: str, fillers: Fillers) -> str:
    """``addresses`` -> ``address``, ``db_columns`` -> ``db_column``; a name not already taken."""
    for suffix in ("ies", "es", "s"):
        if list_name.endswith(suffix) and len(list_name) > len(suffix) + 1:
            singular = list_name[: -len(suffix)] + ("y" if suffix == "ies" else "")
            if suffix == "es" and not re.search(r"(ss|sh|ch|x|z)$", singular):
                singular = list_name[:-1]
            if singular not in fillers.available:
                return singular
    return "item" if "item" not in fillers.available else f"{list_name}_item"


def _comprehension(call: str, element: str, values: str, comment: str) -> str:
    if _PER_VALUE.search(comment):
        return f"[{call} for {element} in {values}]"
    if _DROP.search(comment):
        return f"[{element} for {element} in {values} if not {call}]"
    if _KEEP.search(comment):
        return f"[{element} for {element} in {values} if {call}]"
    return f"[{call} for {element} in {values}]"

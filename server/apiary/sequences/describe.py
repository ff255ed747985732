"""A function's description, by the rules of Deep API Learning Revisited §3.1.2.

With a docstring: the "primary description" (from the first non-empty line up to a blank line or a
line starting with param/params/parameter/parameters, or a return/returns line after the first) joined
with the "returns description" (the first later line starting with return/returns, up to a blank or a
param line; its leading word, with any colons, becomes "return"). Without one: the function name, with
underscores as spaces and a space before each capital, lowercased (``doSomething`` -> "do something").
"""

from __future__ import annotations

import re

_PARAM_WORDS = frozenset({"param", "params", "parameter", "parameters"})
_RETURN_WORDS = frozenset({"return", "returns"})
_FIRST_WORD = re.compile(r"\w+")
_RETURN_PREFIX = re.compile(r"^\W*returns?\b:?", re.IGNORECASE)


def describe(docstring: str | None, function_name: str) -> str:
    """Deep API Learning Revisited's description of a function (§3.1.2): from its docstring if it has
    one, else from its name."""
    if docstring and docstring.strip():
        text = docstring_description(docstring)
        if text:
            return text
    return name_description(function_name)


def docstring_description(docstring: str) -> str:
    lines = [line.strip() for line in docstring.splitlines()]
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is None:
        return ""
    primary = _paragraph(lines, first)
    returns = next((i for i in range(first + 1, len(lines)) if _first_word(lines[i]) in _RETURN_WORDS), None)
    parts = [" ".join(primary)]
    if returns is not None:
        parts.append(_RETURN_PREFIX.sub("return", " ".join(_paragraph(lines, returns)), count=1))
    return " ".join(" ".join(part.split()) for part in parts if part.strip())


def name_description(function_name: str) -> str:
    """``do_something``, ``doSomething`` and ``_do_something`` all become "do something"."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", function_name.replace("_", " "))
    return " ".join(spaced.lower().split())


def _paragraph(lines: list[str], start: int) -> list[str]:
    """Lines from ``start`` to a blank line, a param line, or (after the first line) a return line."""
    taken: list[str] = []
    for line in lines[start:]:
        word = _first_word(line)
        if not line or word in _PARAM_WORDS or (taken and word in _RETURN_WORDS):
            break
        taken.append(line)
    return taken


def _first_word(line: str) -> str:
    match = _FIRST_WORD.search(line)
    return match.group(0).lower() if match else ""

"""Rendering a chosen API sequence into code: a commented plan, or call skeletons with snippet tab
stops (LSP snippet syntax: ``${1:name}``, ``$0``). Pure text functions; the server inserts the result.

In skeletons, a method ``Class::method`` is called on the value of the nearest earlier call that can
produce it (a ``Class`` constructor, else the call just before it), which is then assigned to a name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from apiary.snippet import escape


def as_plan(apis: Sequence[str], query: str | None = None, indent: str = "") -> str:
    """``# To <query>:`` then one numbered comment line per call."""
    lines = [f"{indent}# To {query.strip()}:" if query and query.strip() else f"{indent}# API sequence:"]
    lines += [f"{indent}# {number}. {_readable(api)}" for number, api in enumerate(apis, start=1)]
    return "\n".join(lines) + "\n"


def imports_for(apis: Sequence[str]) -> list[str]:
    """The import statements the skeleton's dotted calls need (``import os.path``), in first-use order."""
    modules: list[str] = []
    for api in apis:
        if "::" in api:
            continue
        parts = api.split(".")
        module_parts = parts[:-1]
        for i, part in enumerate(parts[:-1]):
            if part[:1].isupper():  # a class: the module ends before it
                module_parts = parts[:i]
                break
        module = ".".join(module_parts)
        if module and f"import {module}" not in modules:
            modules.append(f"import {module}")
    return modules


@dataclass
class _Skeleton:
    lines: list[str] = field(default_factory=list)
    #: type -> the variable holding a value of it
    variables: dict[str, str] = field(default_factory=dict)
    stop: int = 0

    def tab(self, placeholder: str = "") -> str:
        self.stop += 1
        return f"${{{self.stop}:{escape(placeholder)}}}" if placeholder else f"${self.stop}"


def as_skeleton(apis: Sequence[str], indent: str = "") -> str:
    """One call per line, arguments as tab stops, method calls on the value that produces them."""
    skeleton = _Skeleton()
    pending: list[int] = []  # lines whose call result is not yet used: the receiver of a later method
    for api in apis:
        if "::" in api:
            owner, method = api.split("::", 1)
            receiver = skeleton.variables.get(owner) or _bind_receiver(skeleton, owner, pending)
            skeleton.lines.append(f"{receiver}.{method}({skeleton.tab()})")
        else:
            skeleton.lines.append(f"{api}({skeleton.tab()})")
            pending.append(len(skeleton.lines) - 1)
    return "".join(f"{indent}{line}\n" for line in skeleton.lines) + f"{indent}$0"


def _bind_receiver(skeleton: _Skeleton, owner: str, pending: list[int]) -> str:
    name = _variable_name(owner)
    constructor = [i for i in pending if skeleton.lines[i].startswith(f"{owner}(")]
    line = (constructor or pending[-1:] or [None])[-1]
    placeholder = skeleton.tab(name)
    if line is None:  # nothing produced it: the user fills in the receiver
        skeleton.variables[owner] = placeholder
        return placeholder
    skeleton.lines[line] = f"{placeholder} = {skeleton.lines[line]}"
    pending.remove(line)
    reference = f"${skeleton.stop}"  # the same tab stop again: editing the name edits every use
    skeleton.variables[owner] = reference
    return reference


def _variable_name(owner: str) -> str:
    last = owner.rsplit(".", 1)[-1]
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", last).lower()
    return snake if snake.isidentifier() and snake not in ("class", "def", "import", "type") else "value"


def _readable(api: str) -> str:
    if "::" in api:
        owner, method = api.split("::", 1)
        return f"call .{method}() on the {owner} object"
    return f"call {api}()"

"""Resolving the head of a value-notation path through the names a file binds.

The environment maps a name ("t", "hc", or a dotted attribute target such as "self.table") to what
it was last bound to: an import target, a local's resolved value, or a definition in the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Entry:
    kind: Literal["import", "local", "defined"]
    path: str | None  # import target, local's resolved value (None: unknown), or the defined name


Env = dict[str, Entry]


def resolve(path: str, env: Env, *, follow_locals: bool) -> tuple[str | None, bool]:
    """Replace the longest bound head of `path`; also say whether that head is a local.

    The head is a dotted name before any call or subscript: "self.t.rows()" tries "self.t.rows",
    "self.t", then "self". With `follow_locals` False only imports are substituted (the `callee`
    convention); a local head is left as written. With it True a local head becomes its resolved
    value, and the result is None when that value is unknown. Heads bound nowhere stay as written.
    """
    cut = min((i for i in (path.find("("), path.find("[")) if i >= 0), default=len(path))
    while cut > 0:
        entry = env.get(path[:cut])
        if entry is not None:
            return _substitute(entry, path, cut, follow_locals)
        cut = path.rfind(".", 0, cut)
    return path, False


def _substitute(entry: Entry, path: str, cut: int, follow_locals: bool) -> tuple[str | None, bool]:
    if entry.kind == "import":
        return (entry.path + path[cut:] if entry.path else path), False
    if entry.kind == "local":
        if not follow_locals:
            return path, True
        return (entry.path + path[cut:] if entry.path else None), True
    return path, False


def strip_call(path: str | None) -> str | None:
    """A value's producer: "honeycomb.Table()" -> "honeycomb.Table"; other paths unchanged."""
    if path is not None and path.endswith("()"):
        return path[:-2]
    return path

"""What the editor context is made of: imports, names in scope, and the context around the cursor.

Lines are 0-based, like LSP lines. Dotted paths use one notation throughout (see `ValueOrigin`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImportBinding:
    """One name an import statement binds.

    `import os.path` binds local "os" to target "os"; `import a.b as c` binds "c" to "a.b";
    `from a.b import c as d` binds "d" to "a.b.c"; `from . import x` binds "x" to ".x" (relative
    targets keep their dots: they are the project's own modules); `from a import *` binds "*" to "a.*".
    """

    local: str
    target: str
    is_module: bool  # `import x[.y] [as z]`; False for `from x import y` (y may be a module or not)
    line: int


@dataclass(frozen=True)
class ValueOrigin:
    """What a local name was bound to, as far as syntax tells.

    Paths use "value notation": a dotted path where "()" marks the result of a call and "[]" an
    item or element of something, e.g. "honeycomb.read().head()".

    - `callee`: the called expression of the bound value, without the final call's "()", with its
      head resolved through imports only: `t = tb.Table(x)` -> "honeycomb.Table"; `t2 =
      t.keep_where(f)` -> "t.keep_where" (head is a local, left as is, `head_is_local` True);
      `x = hc.read(p).head(3)` -> "honeycomb.read().head". None when the value is not a call. For a
      name bound to an element (a `for` target, `a, b = x.fork(2)`) it is the callee of the
      iterated or unpacked value.
    - `head_is_local`: the head of `callee` (or of the value when it is not a call: `t2 = t`) is a
      name bound by assignment, parameter, loop or `with` (not an import or a def/class).
    - `annotation`: the declared type, resolved through imports; `Optional[X]` and `X | None`
      give X, other generics their base (`list[int]` -> "list"), `"X"` gives X.
    - `resolved`: the bound value with every head resolved, imports and earlier locals alike, at
      the point of binding: `t2` above -> "honeycomb.Table().keep_where()"; `for r in t.rows():`
      -> "honeycomb.Table().rows()[]". An annotation X gives "X()" (an instance of X); a method's
      `self` gives "Cls()", `cls` gives "Cls"; a literal gives its type's instance ("str()").
      Heads bound nowhere in the file stay as written (builtins, star imports). None when
      unknown (a parameter without annotation, a lambda, an unknown local on the way).
    """

    name: str
    callee: str | None
    annotation: str | None
    head_is_local: bool
    line: int
    resolved: str | None = None


@dataclass(frozen=True)
class EditorContext:
    """Everything the pipeline needs to know about the cursor's surroundings."""

    text_before: str
    text_after: str
    #: The nearest comment block or docstring above (or on) the cursor line, markers stripped,
    #: lines joined with single spaces; "" if none.
    intent: str
    intent_lines: tuple[int, int] | None
    #: Every import before the cursor, in file order, wherever it is.
    imports: tuple[ImportBinding, ...]
    #: Top-level third-party packages imported, in order, unique (no stdlib, no relative imports).
    libraries: tuple[str, ...]
    #: Bindings visible at the cursor (module level and the enclosing functions), latest per name.
    scope: tuple[ValueOrigin, ...]
    #: The expression before a "." at the cursor: "t" for `t.ke|`, "t.keep_where(x)" for `t.keep_where(x).|`.
    receiver: str | None
    #: The receiver's `receiver_value` without a final "()": "honeycomb.io" for `hc.io.|`,
    #: "honeycomb.Table" for `t.|` after `t = tb.Table(rows)`; None if unknown.
    receiver_origin: str | None
    #: The identifier fragment being typed at the cursor ("ke" in `t.ke|`).
    prefix: str
    #: The target assigned on the cursor line: "new_dp" for `new_dp = |`, "dp1, dp2" for `dp1, dp2 = |`.
    assign_target: str | None
    #: Identifiers in the ~30 code lines before the cursor, most recent first, unique, no keywords/builtins.
    code_identifiers: tuple[str, ...]
    line_prefix: str
    #: Indentation the statement at the cursor should have.
    indent: str
    #: The receiver resolved in value notation: "honeycomb.Table()" for `t.|` (an instance),
    #: "honeycomb.Table" for `Table.|` (the class itself).
    receiver_value: str | None = None
    #: One level of indentation as the file writes it.
    indent_unit: str = "    "
    #: Whether the cursor is inside a comment or a string (no receiver or prefix then).
    in_comment_or_string: bool = False


def empty_context(text: str, offset: int) -> EditorContext:
    """A context that knows only where the cursor is (for text that yields nothing better)."""
    line_start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    return EditorContext(
        text_before=text[:offset],
        text_after=text[offset:],
        intent="",
        intent_lines=None,
        imports=(),
        libraries=(),
        scope=(),
        receiver=None,
        receiver_origin=None,
        prefix="",
        assign_target=None,
        code_identifiers=(),
        line_prefix=text[line_start:offset],
        indent="",
    )

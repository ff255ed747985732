"""What the cursor line says: the fragment being typed, its receiver, the assigned name, indentation.

These read the line text rather than the tree: the line being typed rarely parses, and a
character-level reading of it is both simpler and more predictable.
"""

from __future__ import annotations

import re

from apiary.brackets import matching_close
from apiary.context.syntax import Site, indent_width

_ASSIGN = re.compile(
    r"^\s*(?P<targets>[^\W\d]\w*(?:\s*\.\s*[^\W\d]\w*)*(?:\s*,\s*[^\W\d]\w*(?:\s*\.\s*[^\W\d]\w*)*)*)\s*,?\s*"
    r"(?::[^=]*)?(?://|\*\*|>>|<<|[-+*/%@&|^])?=(?!=)"
)
_OPEN = {")": "(", "]": "[", "}": "{"}
_LITERAL_HEADS = {"[": "list()", "{": "dict()"}


def lexical_state(line_prefix: str) -> str:
    """ "code", "comment" or "string": where the end of a line prefix is, reading quotes and "#"."""
    state, _ = _scan(line_prefix)
    return state


def _scan(line: str) -> tuple[str, int]:
    """The state at the end of `line`, and where its comment starts (or its length).

    f-string interpolations (`f"{t.ke`) are code; `{{` is an escaped brace.
    """
    quote: str | None = None
    fstring = False
    outer: list[tuple[str, int]] = []  # f-strings whose interpolation we are in: (quote, brace depth)
    index = 0
    while index < len(line):
        ch = line[index]
        if quote is not None:
            if ch == "\\":
                index += 2
                continue
            if line.startswith(quote, index):
                index, quote = index + len(quote), None
                continue
            if fstring and ch == "{" and not line.startswith("{{", index):
                outer.append((quote, 0))
                quote = None
            elif fstring and ch == "{":
                index += 1
        elif ch == "#":
            return "comment", index
        elif ch in "'\"":
            fstring = "f" in _string_prefix(line, index).lower()
            quote = ch * 3 if line.startswith(ch * 3, index) else ch
            index += len(quote)
            continue
        elif outer and ch in "{}":
            quote, fstring = _brace(outer, ch)
        index += 1
    return ("string" if quote is not None else "code"), len(line)


def _brace(outer: list[tuple[str, int]], ch: str) -> tuple[str | None, bool]:
    """Track braces inside an f-string interpolation; the closing one returns to the string."""
    quote, depth = outer[-1]
    if ch == "{":
        outer[-1] = (quote, depth + 1)
    elif depth:
        outer[-1] = (quote, depth - 1)
    else:
        outer.pop()
        return quote, True
    return None, False


def _string_prefix(line: str, quote_at: int) -> str:
    start = quote_at
    while start > 0 and quote_at - start < 2 and line[start - 1] in "rRbBuUfF":
        start -= 1
    if start > 0 and _is_word(line[start - 1]):
        return ""
    return line[start:quote_at]


def in_tree_string(site: Site) -> bool:
    """Whether the tree puts the cursor inside a string literal (outside any `{...}` interpolation)."""
    if site.byte == 0:
        return False
    node = site.doc.tree.root_node.descendant_for_byte_range(site.byte - 1, site.byte)
    for _ in range(64):
        if node is None or node.type == "interpolation":
            return False
        if node.type == "string":
            return node.start_byte < site.byte < node.end_byte
        node = node.parent
    return False


def typed_prefix(line_prefix: str) -> str:
    """The identifier fragment right before the cursor ("ke" in `t.ke`), "" if none."""
    match = re.search(r"\w+$", line_prefix)
    if match is None or match.group()[0].isdigit():
        return ""
    return match.group()


def receiver_text(line_prefix: str, prefix: str) -> str | None:
    """The expression before the "." that precedes the typed fragment, if any."""
    before = line_prefix[: len(line_prefix) - len(prefix)]
    if not before.endswith("."):
        return None
    start = _expression_start(before, len(before) - 1)
    if start is None or start == len(before) - 1:
        return None
    text = before[start:-1]
    return None if text[0].isdigit() else text


def _expression_start(text: str, dot: int) -> int | None:
    """Scan back from a "." over a chain of names, calls, subscripts and literals."""
    position = dot
    for _ in range(256):
        start = position
        while start > 0 and text[start - 1] in ")]}":
            opened = _matching_open(text, start - 1)
            if opened is None:
                return None
            start = opened
        if start > 0 and _is_word(text[start - 1]):
            while start > 0 and _is_word(text[start - 1]):
                start -= 1
        elif start > 0 and text[start - 1] in "'\"":
            opened = text.rfind(text[start - 1], 0, start - 1)
            if opened < 0:
                return None
            start = opened
        if start == position:
            return None
        if start > 0 and text[start - 1] == ".":
            position = start - 1
            continue
        return start
    return None


def _matching_open(text: str, close: int) -> int | None:
    depth = 0
    index = close
    while index >= 0:
        ch = text[index]
        if ch in "'\"":
            index = text.rfind(ch, 0, index)
            if index < 0:
                return None
        elif ch in _OPEN:
            depth += 1
        elif ch in "([{":
            depth -= 1
            if depth == 0:
                return index
        index -= 1
    return None


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def receiver_notation(receiver: str) -> str | None:
    """A receiver's text in value notation: "t.keep_where(x)[0]" -> "t.keep_where()[]"."""
    out: list[str] = []
    index = 0
    head = re.match(r"[^\W\d]\w*", receiver)
    if head is not None and receiver[head.end() : head.end() + 1] not in ("'", '"'):
        out.append(head.group())
        index = head.end()
    elif receiver[:1] in _LITERAL_HEADS:
        closed = matching_close(receiver, 0)
        if closed is None:
            return None
        out.append(_LITERAL_HEADS[receiver[0]])
        index = closed + 1
    else:
        quote = re.match(r"[rbfuRBFU]{0,2}(['\"])", receiver)
        closed = receiver.find(quote.group(1), quote.end()) if quote else -1
        if closed < 0:
            return None
        out.append("str()")
        index = closed + 1
    return _trailers(receiver, index, out)


def _trailers(receiver: str, index: int, out: list[str]) -> str | None:
    while index < len(receiver):
        ch = receiver[index]
        if ch == ".":
            name = re.match(r"[^\W\d]\w*", receiver[index + 1 :])
            if name is None:
                return None
            out.append("." + name.group())
            index += 1 + name.end()
        elif ch in "([":
            closed = matching_close(receiver, index)
            if closed is None:
                return None
            out.append("()" if ch == "(" else "[]")
            index = closed + 1
        else:
            return None
    return "".join(out)


def assign_target(line_prefix: str) -> str | None:
    """The name(s) assigned on the cursor line before the cursor: "new_dp", "dp1, dp2", "self.x"."""
    match = _ASSIGN.match(line_prefix)
    if match is None:
        return None
    parts = ["".join(part.split()) for part in match.group("targets").split(",")]
    return ", ".join(part for part in parts if part)


def indent_unit(site: Site) -> str:
    """One level of indentation as the file writes it: what follows the nearest block header.

    Headers just above the cursor are read first (the local style), then the top of the file.
    """
    rows = len(site.doc.line_starts)
    nearby = range(site.row, max(-1, site.row - 300), -1)
    for row in [*nearby, *range(min(rows, 300))]:
        line = site.doc.line(row)
        if not line.rstrip().endswith(":") or line.lstrip().startswith("#"):
            continue
        following = _next_code_row(site, row + 1, rows)
        if following is None:
            continue
        head, inner = _leading(line), _leading(site.doc.line(following))
        if inner.startswith(head) and len(inner) > len(head):
            return inner[len(head) :]
    return "    "


def _next_code_row(site: Site, start: int, rows: int) -> int | None:
    for row in range(start, min(rows, start + 50)):
        stripped = site.doc.line(row).strip()
        if stripped and not stripped.startswith("#"):
            return row
    return None


def statement_indent(site: Site, unit: str) -> str:
    """The indentation of the statement at the cursor (one level deeper after a block header)."""
    line = site.line
    if line.strip():
        code = _code_part(site.line_prefix)
        return _leading(line) + (unit if code.rstrip().endswith(":") else "")
    if site.line_prefix:
        return site.line_prefix
    for row in range(site.row - 1, max(-1, site.row - 200), -1):
        previous = site.doc.line(row)
        stripped = previous.strip()
        if stripped and not stripped.startswith("#"):
            return _leading(previous) + (unit if _code_part(previous).rstrip().endswith(":") else "")
    return ""


def indent_width_of(indent: str) -> int:
    return indent_width(indent + "x")


def _code_part(line: str) -> str:
    """A line without its trailing comment (a "#" outside quotes)."""
    return line[: _scan(line)[1]] if "#" in line else line


def _leading(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t\f"))]

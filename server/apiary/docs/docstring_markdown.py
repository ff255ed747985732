"""A docstring as Markdown for hover and completion docs: Google-style sections (``Args:``,
``Returns:``, ``Raises:``…) and NumPy-style ones (a title underlined with dashes) become a bold
title and a list, one item per parameter, instead of one run-on paragraph. Other text is kept.
"""

from __future__ import annotations

import re

_GOOGLE_TITLES = {
    "args": "Arguments", "arguments": "Arguments", "parameters": "Parameters", "params": "Parameters",
    "keyword args": "Keyword arguments", "keyword arguments": "Keyword arguments", "kwargs": "Keyword arguments",
    "returns": "Returns", "return": "Returns", "yields": "Yields", "raises": "Raises", "attributes": "Attributes",
    "other parameters": "Other parameters", "warns": "Warns",
}
_GOOGLE_HEADER = re.compile(r"^(\s*)([A-Za-z][A-Za-z ]*):\s*$")
_NUMPY_RULE = re.compile(r"^\s*-{3,}\s*$")
#: ``name (type): text`` or ``name: text`` (Google), ``name : type`` (NumPy)
_ITEM = re.compile(r"^(\*{0,2}[A-Za-z_][\w.]*)\s*(?:\(([^)]*)\))?\s*:\s*(.*)$")


def docstring_markdown(doc: str) -> str:
    lines = doc.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        title, body_start = _section_at(lines, i)
        if title is None:
            out.append(lines[i])
            i += 1
            continue
        body, i = _section_body(lines, body_start)
        out += ["", f"**{title}**", "", *_items(body), ""]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def _section_at(lines: list[str], i: int) -> tuple[str | None, int]:
    google = _GOOGLE_HEADER.match(lines[i])
    if google and google.group(2).strip().lower() in _GOOGLE_TITLES:
        return _GOOGLE_TITLES[google.group(2).strip().lower()], i + 1
    if i + 1 < len(lines) and _NUMPY_RULE.match(lines[i + 1]) and lines[i].strip().lower() in _GOOGLE_TITLES:
        return _GOOGLE_TITLES[lines[i].strip().lower()], i + 2
    return None, i


def _section_body(lines: list[str], start: int) -> tuple[list[str], int]:
    """The section's lines, up to a blank line followed by less indented text or another section."""
    body: list[str] = []
    i = start
    while i < len(lines):
        line = lines[i]
        if _section_at(lines, i)[0] is not None:
            break
        if not line.strip():
            following = next((next_line for next_line in lines[i + 1:] if next_line.strip()), "")
            if not following.startswith((" ", "\t")):
                break
        body.append(line)
        i += 1
    return body, i


def _items(body: list[str]) -> list[str]:
    """One list item per entry: an entry starts at the body's least indentation, and the more
    indented lines after it are its text."""
    present = [line for line in body if line.strip()]
    if not present:
        return []
    base = min(len(line) - len(line.lstrip()) for line in present)
    items: list[list[str]] = []  # [head, text]
    for line in present:
        text = line.strip()
        if len(line) - len(line.lstrip()) == base or not items:
            items.append(list(_item(text)))
        else:
            items[-1][1] = f"{items[-1][1]} {text}".strip()
    return [f"{head}: {text}" if text else head for head, text in items]


#: NumPy's ``name : type`` (spaces around the colon, the text on the next lines)
_NUMPY_ITEM = re.compile(r"^(\*{0,2}[A-Za-z_][\w.]*)\s+:\s+(.+)$")


def _item(text: str) -> tuple[str, str]:
    numpy = _NUMPY_ITEM.match(text)
    if numpy is not None:
        return f"- `{numpy.group(1)}` ({numpy.group(2)})", ""
    match = _ITEM.match(text)
    if match is None:
        return f"- {text}", ""
    name, kind, rest = match.groups()
    return f"- `{name}`" + (f" ({kind})" if kind else ""), rest

"""Doc pages (reStructuredText, Markdown) as code: each Python example with the prose just above it,
read the way a tutorial reads ("To send a file, pass it as files:" above ``requests.post(...)``).
Doctest prompts are stripped and their output dropped; a block that does not parse is left out.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

MAX_PROSE_WORDS = 60
_RST_DIRECTIVE = re.compile(r"^\.\.\s+(?:code-block|code|sourcecode|testcode|doctest|ipython)::\s*(\w*)", re.IGNORECASE)
_FENCE = re.compile(r"^(\s*)(```+|~~~+)\s*([\w+-]*)")
_ROLE = re.compile(r":[\w:.-]+:`~?([^`<]+?)(?:\s*<[^>]*>)?`")
_LINK = re.compile(r"`([^`<]+?)\s*<[^>]*>`_+")
_MARKUP = re.compile(r"``([^`]+)``|`([^`]+)`_*|\*\*([^*]+)\*\*|\*([^*]+)\*|\[([^\]]+)\]\([^)]*\)")
_PYTHON_LANGUAGES = {"", "python", "py", "python3", "pycon", "pytb3", "ipython", "default"}


@dataclass(frozen=True)
class Example:
    prose: str
    code: str


def page_examples(text: str, markdown: bool, modules: frozenset[str] = frozenset()) -> tuple[str, list[Example]]:
    """The page's Python examples (prose cleaned, code that parses, doctest output dropped), and the
    imports that head them. Pages often leave out the import of the library they document: ``import
    M`` is added for each of the library's top-level ``modules`` the examples use as ``M.`` without
    importing it."""
    examples = _markdown_examples(text) if markdown else _rst_examples(text)
    kept = [Example(_clean_prose(e.prose), code) for e in examples if (code := _python(e.code))]
    body = "\n".join(e.code for e in kept)
    missing = sorted(m for m in modules if re.search(rf"(?<![\w.]){re.escape(m)}\.", body) and not _imports(body, m))
    return "".join(f"import {m}\n" for m in missing), kept


def _imports(code: str, module: str) -> bool:
    return re.search(rf"^\s*(?:import|from)\s+{re.escape(module)}\b", code, re.MULTILINE) is not None


def _rst_examples(text: str) -> list[Example]:
    lines = text.splitlines()
    examples: list[Example] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        directive = _RST_DIRECTIVE.match(line.strip())
        literal = line.rstrip().endswith("::") and not line.strip().startswith("..")
        doctest = line.lstrip().startswith(">>>") and (i == 0 or not lines[i - 1].strip())
        if directive and directive.group(1).lower() not in _PYTHON_LANGUAGES:
            i += 1
            continue
        if directive or literal:
            body, end = _indented_block(lines, i + 1)
            prose = _paragraph_before(lines, i + (1 if literal else 0))
            examples.append(Example(prose, body))
            i = end
        elif doctest:
            end = i
            while end < len(lines) and lines[end].strip():
                end += 1
            examples.append(Example(_paragraph_before(lines, i), "\n".join(lines[i:end])))
            i = end
        else:
            i += 1
    return examples


def _indented_block(lines: list[str], start: int) -> tuple[str, int]:
    """The block indented under a directive or ``::`` (its options skipped), and the line after it."""
    i = start
    while i < len(lines) and (not lines[i].strip() or (lines[i].strip().startswith(":") and _indent(lines[i]) > 0)):
        i += 1
    if i >= len(lines) or _indent(lines[i]) == 0:
        return "", i
    base = _indent(lines[i])
    end = i
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) >= base):
        end += 1
    return "\n".join(line[base:] for line in lines[i:end]), end


def _markdown_examples(text: str) -> list[Example]:
    lines = text.splitlines()
    examples: list[Example] = []
    i = 0
    while i < len(lines):
        fence = _FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        marker, language = fence.group(2), fence.group(3).lower()
        end = i + 1
        while end < len(lines) and not lines[end].strip().startswith(marker):
            end += 1
        if language in _PYTHON_LANGUAGES:
            examples.append(Example(_paragraph_before(lines, i), "\n".join(lines[i + 1 : end])))
        i = end + 1
    return examples


def _paragraph_before(lines: list[str], index: int) -> str:
    """The prose paragraph that ends just above line ``index`` (blank lines between are allowed)."""
    end = index
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    start = end
    while (
        start > 0 and lines[start - 1].strip() and not lines[start - 1].lstrip().startswith((">>>", "..", "```", "#"))
    ):
        start -= 1
    return " ".join(line.strip() for line in lines[start:end])


def _python(code: str) -> str:
    """Doctest prompts stripped and output dropped; "" when the result does not parse."""
    if ">>>" in code:
        kept = [
            line.lstrip()[4:] for line in code.splitlines() if line.lstrip().startswith((">>> ", "... ", ">>>", "..."))
        ]
        code = "\n".join(kept)
    try:
        ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ""
    return code


def _clean_prose(prose: str) -> str:
    text = _LINK.sub(r"\1", _ROLE.sub(r"\1", prose))
    text = _MARKUP.sub(lambda m: next(g for g in m.groups() if g is not None), text)
    text = re.sub(r"\s+", " ", text).strip().removesuffix("::").rstrip(":").strip()
    words = text.split()
    if len(words) > MAX_PROSE_WORDS:
        sentences = re.split(r"(?<=[.!?])\s+", text)
        text = sentences[-1] if len(sentences[-1].split()) <= MAX_PROSE_WORDS else ""
    return text


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())

"""Reading docstrings: the first sentence, code examples, and other names an API is documented under.

Pure text functions shared by every ingester. Docstrings come in Google, NumPy and reST flavours;
these functions aim to do the right thing for all three without knowing which one they have.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from functools import lru_cache

from apiary.docs.kept_texts import stored_text, stored_texts, text_memo

# "(functional name: ``cycle``)", "Aliases: ``foo``": names the docs declare users call an API by.
# ("also available as ``pkg.mean``" names another *location* of the same name, not another name.)
_ALIAS_PATTERNS = (
    ("functional", re.compile(r"functional\s+(?:name|form)\s*[:=]?\s*``?([A-Za-z_][\w.]*)``?", re.IGNORECASE)),
    ("alias", re.compile(r"(?:^|\(|\s)alias(?:es)?\s*:\s*``?([A-Za-z_][\w.]*)``?", re.IGNORECASE | re.MULTILINE)),
)
# A parenthetical that only declares an alias adds nothing to a description once the alias is indexed.
_ALIAS_PARENTHETICAL = re.compile(r"\s*\((?:functional\s+(?:name|form)|alias(?:es)?)\s*:[^()]*\)", re.IGNORECASE)
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "cf.", "approx.", "resp.", "incl.", "no.", "fig.", "eq.")
_SECTION_HEADER = re.compile(
    r"^\s*(Args|Arguments|Parameters|Params|Returns?|Yields?|Raises|Examples?|Notes?|See Also|Attributes|"
    r"Warnings?|Keyword Args|Other Parameters|References|Usage)\s*:?\s*$",
    re.IGNORECASE,
)
_NUMPY_UNDERLINE = re.compile(r"^\s*[-=~^]{3,}\s*$")
_EXAMPLE_HEADER = re.compile(r"^\s*(Examples?|Usage|Example usage)\s*:{0,2}\s*$", re.IGNORECASE)
_RST_ROLE = re.compile(r":(?:py:)?[a-z]+:`~?([^`<]*?)(?:\s*<[^>]*>)?`")
_RST_LITERAL = re.compile(r"``([^`]+)``")
_RST_CODE_DIRECTIVE = re.compile(r"^(\s*)\.\.\s+(?:code-block|code|sourcecode|testcode)::\s*(?:python\w*)?\s*$")
_MD_FENCE = re.compile(r"^\s*```\s*(\w*)\s*$")
# What every kind of example above needs somewhere in the docstring: most docstrings have none.
_MAYBE_EXAMPLE = re.compile(r">>>|::|```|example|usage", re.IGNORECASE)


@lru_cache(maxsize=1024)
def clean_docstring(doc: str | None) -> str:
    """Dedent a raw docstring the way ``inspect.cleandoc`` does, tolerating ``None`` (remembered
    for the last docstrings: an entry's description, examples, aliases and lexical text each read it)."""
    return inspect.cleandoc(doc) if doc else ""


def plain_text(text: str) -> str:
    """Strip reST markup that hurts matching: roles become their target, literals their text."""
    text = _RST_ROLE.sub(lambda m: m.group(1).strip().lstrip("~"), text)
    text = _RST_LITERAL.sub(r"\1", text)
    return re.sub(r"`([^`]+)`", r"\1", text)


#: an index reads each docstring's summary three times (description, BM25 text, twins), phases apart:
#: remembered for the build, and kept for the next (a summary is the most costly of a docstring's
#: readings an edit would otherwise repeat for every docstring of the library)
@text_memo("summary_paragraph", stored_text)
def summary_paragraph(doc: str) -> str:
    """The docstring's opening paragraph: up to the first blank line or section header, one line."""
    lines: list[str] = []
    for line in clean_docstring(doc).splitlines():
        stripped = line.strip()
        if not stripped:
            if lines:
                break
            continue
        if _SECTION_HEADER.match(stripped) or _NUMPY_UNDERLINE.match(stripped) or stripped.startswith(">>>"):
            break
        if stripped.startswith(".. "):
            break
        lines.append(stripped)
    return " ".join(lines)


@text_memo("first_sentence", stored_text)
def first_sentence(doc: str) -> str:
    """The first sentence of the summary paragraph, reST markup and alias declarations removed
    (remembered: transformers' 23,416 APIs have 7,051 distinct docstrings)."""
    paragraph = _ALIAS_PARENTHETICAL.sub("", summary_paragraph(doc))
    paragraph = plain_text(paragraph).strip()
    sentence = _cut_first_sentence(paragraph)
    return re.sub(r"\s+", " ", sentence).strip()


def _cut_first_sentence(text: str) -> str:
    for match in re.finditer(r"[.!?](?=\s|$)", text):
        end = match.end()
        before = text[:end]
        if any(before.lower().endswith(abbr) for abbr in _ABBREVIATIONS):
            continue
        if re.search(r"\b[A-Z]\.$", before):  # an initial such as "J."
            continue
        return before
    return text


@text_memo("declared_aliases", stored_texts, list)
def declared_aliases(doc: str) -> tuple[str, ...]:
    """Other names the docstring says this API is called by, e.g. ``functional name: ``cycle````
    (remembered: a build asks it of each docstring twice, and methods share their docstrings)."""
    found: list[str] = []
    lowered = doc.lower()
    # each pattern only where its word is: most docstrings have neither (the scan by the patterns took
    # 0.4 s over transformers' 23,000 APIs, twice per index)
    patterns = [pattern for word, pattern in _ALIAS_PATTERNS if word in lowered]
    if not patterns:
        return ()
    text = clean_docstring(doc)
    for pattern in patterns:
        for match in pattern.finditer(text):
            name = match.group(1).rstrip(".").split(".")[-1]
            if name and name not in found:
                found.append(name)
    return tuple(found)


def extract_examples(doc: str) -> list[str]:
    """Code examples in a docstring: doctest sessions, example sections, code blocks and fences.

    Doctest prompts are stripped and expected output dropped, so each example is runnable-looking
    code. Examples are returned in document order, without duplicates.
    """
    return list(docstring_examples(doc))


@text_memo("docstring_examples", stored_texts, list)
def docstring_examples(doc: str) -> tuple[str, ...]:
    """`extract_examples`, remembered (many APIs share one docstring: inherited, or copied)."""
    if not doc or not _MAYBE_EXAMPLE.search(doc):
        return ()
    lines = clean_docstring(doc).splitlines()
    examples: list[str] = []
    for block in _doctest_blocks(lines) + _directive_blocks(lines) + _example_section_blocks(lines):
        code = block.strip("\n")
        if code.strip() and code not in examples:
            examples.append(code)
    return tuple(examples)


def _doctest_blocks(lines: list[str]) -> list[str]:
    blocks: list[str] = []
    current: list[str] = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(">>>"):
            current.append(_strip_prompt(stripped, ">>>"))
        elif stripped.startswith("...") and current:
            current.append(_strip_prompt(stripped, "..."))
        elif current and not stripped:
            blocks.append("\n".join(current))
            current = []
        # any other line is expected output: skipped, but it does not end the session
    if current:
        blocks.append("\n".join(current))
    return [b for b in blocks if not _is_only_comments(b)]


def _strip_prompt(line: str, prompt: str) -> str:
    rest = line[len(prompt):]
    return rest[1:] if rest.startswith(" ") else rest


def _is_only_comments(code: str) -> bool:
    return all(not ln.strip() or ln.strip().startswith("#") for ln in code.splitlines())


def _directive_blocks(lines: list[str]) -> list[str]:
    """reST ``.. code-block:: python`` bodies and Markdown ```python fences."""
    blocks: list[str] = []
    i = 0
    while i < len(lines):
        directive = _RST_CODE_DIRECTIVE.match(lines[i])
        fence = _MD_FENCE.match(lines[i])
        if directive:
            body, i = _indented_body(lines, i + 1, len(directive.group(1)))
            blocks.append(body)
            continue
        if fence and fence.group(1).lower() in ("", "python", "py", "python3", "pycon"):
            body_lines = []
            i += 1
            while i < len(lines) and not _MD_FENCE.match(lines[i]):
                body_lines.append(lines[i])
                i += 1
            body = "\n".join(body_lines)
            if ">>>" not in body:  # doctest fences are collected by _doctest_blocks
                blocks.append(_dedent(body))
        i += 1
    return blocks


def _example_section_blocks(lines: list[str]) -> list[str]:
    """Plain (non-doctest) code under an ``Example:`` header (indented) or a NumPy ``Examples`` section."""
    blocks: list[str] = []
    for i, line in enumerate(lines):
        if not _EXAMPLE_HEADER.match(line):
            continue
        start = i + 1
        numpy_style = start < len(lines) and bool(_NUMPY_UNDERLINE.match(lines[start]))
        header_indent = len(line) - len(line.lstrip())
        if numpy_style:
            body = _paragraph(lines, start + 1)
        else:
            body, _ = _indented_body(lines, start, header_indent)
        if body.strip() and ">>>" not in body and _looks_like_code(body):
            blocks.append(body)
    return blocks


def _paragraph(lines: list[str], start: int) -> str:
    body: list[str] = []
    for line in lines[start:]:
        if not line.strip():
            if body:
                break
            continue
        body.append(line)
    return _dedent("\n".join(body))


def _indented_body(lines: list[str], start: int, base_indent: int) -> tuple[str, int]:
    """Lines after ``start`` indented deeper than ``base_indent`` (blank lines included)."""
    body: list[str] = []
    i = start
    while i < len(lines):
        line = lines[i]
        if line.strip() and len(line) - len(line.lstrip()) <= base_indent:
            break
        body.append(line)
        i += 1
    return _dedent("\n".join(body)).strip("\n"), i


def _dedent(text: str) -> str:
    return textwrap.dedent(text)


def _looks_like_code(text: str) -> bool:
    return bool(re.search(r"[=()\[\]]", text)) and not text.strip().endswith(".")


def forget_docstrings() -> None:
    """Empty the caches of this module's plain functions (its `TextMemo`s are emptied with the
    others, by `kept_texts.forget_kept_texts`): they serve one index's build or load."""
    clean_docstring.cache_clear()

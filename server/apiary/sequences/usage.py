"""Pairs beyond Deep API Learning Revisited's one-per-function: what a comment says and the calls under
it, and what an API's own docstring says it does.

Deep API Learning Revisited (§3.1.2-3.1.3) pairs a function's docstring with the calls in its body.
That teaches how a library is *built*; a user's comment above the cursor ("# copy the file to the
backup folder") reads like the comments programmers write above the calls that do the job, and like
the first sentence of the API that does it. So two more kinds of pair, from the same parse of the same
files:

* ``comment``: a comment on its own line(s), and the API calls of the statements right under it, up
  to a blank line, another comment or the end of the block;
* ``doc``: a public function or class's first docstring sentence, and that API alone. The corpus
  calls an API by the path users import it from (``pandas.to_datetime``), which need not be where it
  is defined (``pandas.core.tools.datetimes``): `canonical_doc_pairs` renames each defined API to
  the called name of the same package and last name, and keeps only APIs the corpus calls.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from apiary.comments import CommentBlock, comment_blocks
from apiary.docs.docstrings import first_sentence

#: A comment is an intent when it has this many words...
MIN_COMMENT_WORDS = 2
#: ...and not more (a longer one explains, it does not ask).
MAX_COMMENT_WORDS = 24
MAX_CALLS = 14
#: Tool directives and markers, not intents.
_DIRECTIVE = re.compile(
    r"^\s*(?:noqa|type:|pylint|pyright|mypy|pragma|fmt:|isort|flake8|ruff|nosec|-\*-|!|coding[:=]|"
    r"todo|fixme|xxx|hack|note|nb|see |copyright|license|spdx|\(c\))",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z']+")


@dataclass(frozen=True)
class CommentedSource:
    """A file's lines and its comment blocks, read once for all of its functions."""

    lines: list[str]
    blocks: list[CommentBlock]

    @classmethod
    def of(cls, source: str) -> CommentedSource:
        return cls(source.splitlines(), comment_blocks(source))

    def __bool__(self) -> bool:
        return bool(self.lines)


def intent_of_comment(text: str) -> str | None:
    """The comment as a description, or None when it is a directive, code, a banner or too long."""
    text = " ".join(text.split())
    if not text or _DIRECTIVE.match(text) or "test" in text.lower():
        return None
    words = _WORD.findall(text)
    symbols = sum(text.count(c) for c in "=()[]{}<>;`")
    if not MIN_COMMENT_WORDS <= len(words) <= MAX_COMMENT_WORDS or symbols > 2 or len(words) < len(text.split()) / 2:
        return None
    return text


def region_after(lines: Sequence[str], comment_line: int) -> tuple[int, int] | None:
    """The lines (1-based, inclusive) of the code a comment ending at ``comment_line`` speaks for:
    from the next line, while lines are not blank, not comments and not indented less."""
    start = comment_line + 1
    if start > len(lines) or not lines[start - 1].strip():
        return None
    first = lines[start - 1]
    indent = len(first) - len(first.lstrip())
    end = start
    while end < len(lines):
        line = lines[end]
        stripped = line.lstrip()
        if not stripped or stripped.startswith("#") or len(line) - len(stripped) < indent:
            break
        if len(line) - len(stripped) == indent and stripped.startswith(("def ", "class ", "async def ", "@")):
            break
        end += 1
    return start, end


def comment_sequences(commented: CommentedSource, sites: Sequence[tuple[int, tuple[str, ...]]],
                      span: tuple[int, int]) -> Iterator[tuple[str, tuple[str, ...], int]]:
    """``(comment, API sequence, line)`` for each intent comment inside ``span`` (a function's lines)
    whose code below makes API calls; ``sites`` are that function's ``(line, APIs)`` call sites."""
    for block in commented.blocks:
        if not span[0] <= block.first <= block.last <= span[1]:
            continue
        absolute = block.last
        intent = intent_of_comment(block.text)
        region = region_after(commented.lines, absolute) if intent else None
        if region is None:
            continue
        start, end = region[0], min(region[1], span[1])
        apis = tuple(api for site_line, names in sites if start <= site_line <= end for api in names)
        if apis and len(apis) <= MAX_CALLS:
            yield intent, apis, absolute


def documented_apis(tree: ast.Module, module: str) -> Iterator[tuple[str, str, str]]:
    """``(first docstring sentence, dotted API, name in the file)`` for the public functions and
    classes of a module and the public methods of its public classes (``module.Class::method``)."""
    if any(part.startswith("_") for part in module.split(".")) or module.endswith((".tests", ".test")):
        return
    for node in tree.body:
        if not _public(node):
            continue
        described = _described(node)
        if described:
            yield described, f"{module}.{node.name}", node.name
        if isinstance(node, ast.ClassDef):
            for member in node.body:
                if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef) and _public(member):
                    described = _described(member)
                    if described:
                        yield described, f"{module}.{node.name}::{member.name}", f"{node.name}.{member.name}"


def _public(node: ast.stmt) -> bool:
    return isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and not node.name.startswith("_")


def _described(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> str | None:
    sentence = first_sentence(ast.get_docstring(node) or "")
    if len(sentence.split()) < 3 or "test" in sentence.lower():
        return None
    return sentence


def canonical_names(defined: Iterable[str], called: Counter[str]) -> dict[str, str]:
    """For each defined API, the name the corpus calls it by: itself if called, else the most
    called name with the same last part (``Class::method`` for methods) whose module is the top
    package or a package above the definition's module (``pandas.core.tools.datetimes.to_datetime``
    -> ``pandas.to_datetime``). APIs the corpus never calls are left out."""
    by_last: dict[str, list[str]] = {}
    for name in called:
        by_last.setdefault(_last(name), []).append(name)
    found: dict[str, str] = {}
    for name in defined:
        if name in called:
            found[name] = name
            continue
        module = _module(name)
        candidates = [c for c in by_last.get(_last(name), ()) if _is_ancestor(_module(c), module)]
        if candidates:
            found[name] = max(candidates, key=lambda c: (called[c], -len(c)))
    return found


def _last(name: str) -> str:
    """``a.b.f`` -> ``f``; ``a.b.C::m`` -> ``C::m``."""
    if "::" in name:
        owner, method = name.split("::", 1)
        return f"{owner.rsplit('.', 1)[-1]}::{method}"
    return name.rsplit(".", 1)[-1]


def _module(name: str) -> str:
    owner = name.split("::", 1)[0]
    return owner.rsplit(".", 1)[0] if "." in owner else ""


def _is_ancestor(package: str, module: str) -> bool:
    return bool(package) and (module == package or module.startswith(package + "."))

"""MkDocs / Markdown pages: API sections are headings that name an API, and mkdocstrings' ``:::`` lines.

A heading is an API when it is (or holds a code span that is) a call-like signature such as
``## read_table(path, sep=",")`` or ``### `Table.filter(pred)` ``, a dotted name such as
``#### honeycomb.io.read_table``, or a name with a kind word (``## class Table``). "## Installation"
is not. The section's text up to the next heading of the same or a higher level is the doc, less
the sections of API headings nested in it (a class's methods are entries of their own).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

from apiary.docs.entry import ApiEntry, ApiKind
from apiary.docs.formats.common import (
    MEMBER_KINDS,
    ON_CLASS_WORDS,
    describe,
    is_class_like,
    kind_from_name,
    make_entry,
    parent_of,
    qualify,
)
from apiary.docs.report import Skipped
from apiary.docs.signatures import split_name_and_signature

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_MKDOCSTRINGS = re.compile(r"^:::[ \t]+([A-Za-z_][\w.]*)[ \t]*$")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_KEYWORDS = {
    "class": ApiKind.CLASS, "exception": ApiKind.CLASS, "def": ApiKind.FUNCTION, "function": ApiKind.FUNCTION,
    "method": ApiKind.METHOD, "classmethod": ApiKind.METHOD, "staticmethod": ApiKind.METHOD,
    "property": ApiKind.PROPERTY, "attribute": ApiKind.ATTRIBUTE, "data": ApiKind.ATTRIBUTE,
    "module": ApiKind.MODULE,
}
_API_TEXT = re.compile(
    r"^(?:(?P<kw>async\s+def|[a-z]+)\s+)?(?P<name>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)"
    r"(?P<sig>\(.*\)(?:\s*(?:->|\u2192)\s*\S.*)?)?$"
)
_FILE_SUFFIXES = {"py", "pyi", "md", "rst", "txt", "toml", "cfg", "ini", "yaml", "yml", "json", "html", "sh", "lock"}
_DEFINITION = r"^\s*(?:async\s+)?(?:def\s+|class\s+)?{name}\s*\("
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")


@dataclass
class _Api:
    """One API marker (heading or ``:::`` line) and what the page says under it."""

    line: int
    level: int
    name: str
    signature: str
    keyword: ApiKind | None
    absolute: bool = False
    #: the heading calls it a classmethod or staticmethod: called on its class
    on_class: bool = False
    parent: _Api | None = None
    has_children: bool = False
    body: list[str] = field(default_factory=list)
    kind: ApiKind = ApiKind.FUNCTION
    qualname: str = ""
    owner: str | None = None


def read_markdown(text: str, rel_path: str, library: str) -> tuple[list[ApiEntry], list[Skipped]]:
    """The API entries one Markdown page documents."""
    apis = _collect(text.splitlines())
    for api in apis:  # document order: a parent is resolved before its children
        _resolve(api, library)
    return [_entry(api, rel_path, library) for api in apis], []


def _collect(lines: list[str]) -> list[_Api]:
    """One pass: find API markers, their nesting, and the lines each one owns."""
    apis: list[_Api] = []
    stack: list[tuple[int, _Api | None]] = []  # open headings: (level, the API or None)
    fence = ""
    in_options = False
    for i, line in enumerate(_skip_front_matter(lines)):
        owner = next((a for _, a in reversed(stack) if a is not None), None)
        fence, is_fence_line = _fence_state(line, fence)
        if fence or is_fence_line:
            if owner is not None:
                owner.body.append(line)
            continue
        if in_options and (line.startswith((" ", "\t")) or not line.strip()):
            continue  # a ``:::`` block's YAML options
        in_options = False
        heading = _HEADING.match(line)
        directive = _MKDOCSTRINGS.match(line)
        if heading:
            level = len(heading.group(1))
            while stack and stack[-1][0] >= level:
                stack.pop()
            parent = next((a for _, a in reversed(stack) if a is not None), None)
            api = _heading_api(heading.group(2), i + 1, level)
            if api is None:
                stack.append((level, None))
                if parent is not None:
                    parent.body.append(line)
                continue
            api.parent = parent
            stack.append((level, api))
        elif directive:
            in_options = True
            api = _Api(i + 1, 7, directive.group(1), "", None, absolute=True, parent=owner)
        else:
            if owner is not None:
                owner.body.append(line)
            continue
        if api.parent is not None:
            api.parent.has_children = True
        apis.append(api)
    return apis


def _skip_front_matter(lines: list[str]) -> list[str]:
    """YAML front matter becomes blank lines, so line numbers stay right."""
    if lines and lines[0].strip() == "---" and "---" in (ln.strip() for ln in lines[1:]):
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        return [""] * (end + 1) + lines[end + 1 :]
    return lines


def _fence_state(line: str, fence: str) -> tuple[str, bool]:
    """The open fence after ``line`` ("" if none), and whether ``line`` opens or closes one."""
    match = _FENCE.match(line)
    if not match:
        return fence, False
    marker = match.group(1)
    if not fence:
        return marker, True
    if marker[0] == fence[0] and len(marker) >= len(fence) and not line.strip()[len(marker):].strip():
        return "", True
    return fence, False


def _heading_api(text: str, line: int, level: int) -> _Api | None:
    text = _clean_heading(text)
    spans = [m.group(2).strip() for m in _CODE_SPAN.finditer(text)]
    outside = _CODE_SPAN.sub(" ", text).split()
    candidates = spans if spans else [text]
    for candidate in candidates:
        match = _API_TEXT.match(candidate)
        word = match.group("kw").split()[-1] if match and match.group("kw") else None
        if not match or (word is not None and word not in _KEYWORDS):
            continue  # "read the docs" is prose, not "def read"
        keyword = _KEYWORDS[word] if word else _trailing_keyword(outside if spans else [])
        name, signature = match.group("name"), match.group("sig") or ""
        if _is_api(name, signature, keyword, bare=not outside or not spans, in_code=bool(spans)):
            words = {word, *(w.lower() for w in (outside if spans else []))}
            return _Api(line, level, name, signature, keyword, on_class=not ON_CLASS_WORDS.isdisjoint(words))
    return None


def _clean_heading(text: str) -> str:
    text = re.sub(r"\s*\{[#.][^}]*\}\s*$", "", text)  # attr_list: {#id .class}
    text = _MD_REF_LINK.sub(r"\1", _MD_LINK.sub(r"\1", text)).replace("\u00b6", "")
    return text.replace("**", "").strip().strip("*").strip()


def _trailing_keyword(outside: list[str]) -> ApiKind | None:
    """The kind in "`honeycomb.io` module": a single kind word beside the code span."""
    return _KEYWORDS.get(outside[0].lower()) if len(outside) == 1 else None


def _is_api(name: str, signature: str, keyword: ApiKind | None, *, bare: bool, in_code: bool) -> bool:
    if signature:
        return True
    if "." in name and name.rsplit(".", 1)[-1].lower() in _FILE_SUFFIXES:
        return False  # "setup.py", "mkdocs.yml"
    if keyword is not None:
        return True
    # A dotted name names an API only when it is the whole heading; a bare `name` in code too.
    return bare and ("." in name or in_code)


def _resolve(api: _Api, library: str) -> None:
    """Kind, qualname and owner, from the API's own text and its enclosing API heading."""
    parent = api.parent if api.parent is not None and api.parent.kind in (ApiKind.CLASS, ApiKind.MODULE) else None
    api.kind = _kind(api, parent)
    if api.absolute:
        api.qualname = api.name
    elif parent is not None and parent.kind is ApiKind.CLASS:
        class_name = parent.qualname.rsplit(".", 1)[-1]
        api.qualname = f"{parent.qualname}.{api.name.removeprefix(class_name + '.')}"
        api.owner = parent.qualname
        return
    else:
        api.qualname = qualify(api.name, parent.qualname if parent else None, library)
    if api.kind in MEMBER_KINDS and "." in api.name:
        api.owner = parent_of(api.qualname)


def _kind(api: _Api, parent: _Api | None) -> ApiKind:
    if api.absolute:  # ``::: path`` says nothing of the kind: guess from the name
        return ApiKind.MODULE if "." not in api.name else kind_from_name(api.name)
    called = api.signature.startswith("(")
    if api.keyword is not None:
        in_class = parent is not None and parent.kind is ApiKind.CLASS
        return ApiKind.METHOD if api.keyword is ApiKind.FUNCTION and in_class else api.keyword
    parts = api.name.split(".")
    if is_class_like(parts[-1]):
        return ApiKind.CLASS
    if api.has_children and not called:
        return ApiKind.MODULE
    member = (parent is not None and parent.kind is ApiKind.CLASS) or (len(parts) > 1 and is_class_like(parts[-2]))
    if member:
        return ApiKind.METHOD if called else ApiKind.ATTRIBUTE
    return ApiKind.FUNCTION


def _entry(api: _Api, rel_path: str, library: str) -> ApiEntry:
    body = textwrap.dedent("\n".join(api.body)).strip("\n")
    signature = api.signature
    if not signature:
        signature, body = _signature_from_fence(body, api.name.rsplit(".", 1)[-1])
    return make_entry(
        qualname=api.qualname,
        kind=api.kind,
        library=library,
        source=f"{rel_path}:{api.line}",
        signature=signature,
        doc=body,
        description=describe(_prose(body)),
        owner=api.owner,
        on_class=api.on_class,
    )


def _signature_from_fence(body: str, name: str) -> tuple[str, str]:
    """A section that opens with a fenced ``read_table(path, ...)`` gives its signature there."""
    lines = body.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if start is None or not _FENCE.match(lines[start]) or start + 1 >= len(lines):
        return "", body
    if not re.match(_DEFINITION.format(name=re.escape(name)), lines[start + 1]):
        return "", body
    end = next((i for i in range(start + 1, len(lines)) if _FENCE.match(lines[i])), len(lines))
    code = " ".join(ln.strip() for ln in lines[start + 1 : end])
    split = split_name_and_signature(re.sub(r"^\s*(?:async\s+)?(?:def|class)\s+", "", code))
    signature = split[1] if split else ""
    return signature, "\n".join(lines[:start] + lines[end + 1 :]).strip("\n")


def _prose(markdown: str) -> str:
    """The intro a description is cut from: no code fences, admonitions, sub-headings, links or emphasis."""
    kept: list[str] = []
    fence = ""
    for line in markdown.splitlines():
        fence, is_fence_line = _fence_state(line, fence)
        if not fence and _HEADING.match(line):
            break
        if fence or is_fence_line or line.lstrip().startswith(("!!!", "???", "<!--")):
            continue
        kept.append(line)
    text = _MD_REF_LINK.sub(r"\1", _MD_LINK.sub(r"\1", "\n".join(kept)))
    return re.sub(r"\*\*|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)", "", text)

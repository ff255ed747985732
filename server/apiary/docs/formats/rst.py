"""Sphinx reST sources: ``.. py:function::``-style directives and autodoc's ``.. autofunction::``.

Each API directive becomes an entry; its indented content is the doc. Directives nested in a class
directive are its members. ``.. py:module::``/``.. currentmodule::`` set the module that names are
relative to, as Sphinx does. Autodoc directives carry no docs of their own (Sphinx pulls them from
the code), so they yield an entry that at least names the API, with whatever content follows.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

from apiary.docs.entry import ApiEntry, ApiKind
from apiary.docs.formats.common import MEMBER_KINDS, ON_CLASS_WORDS, make_entry, parent_of, qualify
from apiary.docs.report import Skipped
from apiary.docs.signatures import split_name_and_signature

_DIRECTIVE = re.compile(
    r"^(?P<indent>[ \t]*)\.\.[ \t]+(?P<prefix>py:|auto)?"
    r"(?P<type>currentmodule|module|function|method|classmethod|staticmethod|class|exception|"
    r"attribute|property|data|decorator|decoratormethod)::(?P<arg>.*)$",
    re.MULTILINE,
)
_OPTION = re.compile(r"^[ \t]+:(?P<key>[\w-]+):(?P<value>.*)$")
_KINDS = {
    "module": ApiKind.MODULE,
    "function": ApiKind.FUNCTION,
    "decorator": ApiKind.FUNCTION,
    "method": ApiKind.METHOD,
    "classmethod": ApiKind.METHOD,
    "staticmethod": ApiKind.METHOD,
    "decoratormethod": ApiKind.METHOD,
    "class": ApiKind.CLASS,
    "exception": ApiKind.CLASS,
    "attribute": ApiKind.ATTRIBUTE,
    "data": ApiKind.ATTRIBUTE,
    "property": ApiKind.PROPERTY,
}


def has_py_directive(text: str) -> bool:
    """Whether a ``.txt`` file is reST API documentation rather than any text file."""
    return _DIRECTIVE.search(text) is not None


def read_rst(text: str, rel_path: str, library: str) -> tuple[list[ApiEntry], list[Skipped]]:
    """The API entries one reST file documents."""
    return _RstReader(text.splitlines(), rel_path, library).run()


@dataclass
class _Open:
    """A directive whose content is still being read."""

    indent: int
    kind: ApiKind
    qualname: str
    signature: str
    line: int
    owner: str | None
    options: dict[str, str]
    body: list[str] = field(default_factory=list)


class _RstReader:
    def __init__(self, lines: list[str], rel_path: str, library: str) -> None:
        self.lines = lines
        self.rel_path = rel_path
        self.library = library
        self.module: str | None = None
        self.stack: list[_Open] = []
        self.entries: list[tuple[int, ApiEntry]] = []
        self.skipped: list[Skipped] = []

    def run(self) -> tuple[list[ApiEntry], list[Skipped]]:
        i = 0
        while i < len(self.lines):
            line = self.lines[i]
            if not line.strip():
                if self.stack:
                    self.stack[-1].body.append("")
                i += 1
                continue
            self._close_to(_indent(line))
            match = _DIRECTIVE.match(line)
            if match:
                i = self._open(match, i)
                continue
            if self.stack:
                self.stack[-1].body.append(line)
            i += 1
        self._close_to(-1)
        return [entry for _, entry in sorted(self.entries, key=lambda pair: pair[0])], self.skipped

    def _close_to(self, indent: int) -> None:
        """Finish every open directive that a line at ``indent`` is no longer content of."""
        while self.stack and indent <= self.stack[-1].indent:
            self._finish(self.stack.pop())

    def _open(self, match: re.Match[str], i: int) -> int:
        indent = len(match.group("indent").expandtabs())
        arg, j = self._argument(match.group("arg"), i + 1)
        options, j = self._options(j, indent)
        directive = match.group("type")
        if directive == "currentmodule":
            self.module = None if arg in ("", "None") else arg
            return j
        split = split_name_and_signature(arg)
        if split is None:
            self.skipped.append(Skipped(f"{self.rel_path}:{i + 1}", f"unreadable {directive} directive: {arg!r}"))
            return j
        name, signature = split
        kind = _KINDS[directive]
        if directive in ON_CLASS_WORDS:  # ``.. classmethod::``: as ``.. method::`` with a ``:classmethod:`` option
            options = {**options, directive: ""}
        auto = match.group("prefix") == "auto"
        qualname, owner = self._qualify(name, kind, auto, options.get("module"))
        if kind is ApiKind.MODULE:
            self.module = qualname
        self.stack.append(_Open(indent, kind, qualname, signature, i + 1, owner, options))
        return j

    def _argument(self, arg: str, j: int) -> tuple[str, int]:
        """The directive argument, joined over lines while its parentheses are open."""
        arg = arg.strip()
        while (arg.count("(") > arg.count(")") or arg.endswith("\\")) and j < len(self.lines):
            arg = arg.rstrip("\\").rstrip() + " " + self.lines[j].strip()
            j += 1
        return arg, j

    def _options(self, j: int, indent: int) -> tuple[dict[str, str], int]:
        """``:module:``-style option lines right after the directive; further signature lines are passed over."""
        options: dict[str, str] = {}
        while j < len(self.lines) and self.lines[j].strip() and _indent(self.lines[j]) > indent:
            option = _OPTION.match(self.lines[j])
            if option:
                options[option.group("key")] = option.group("value").strip()
            elif options or not _looks_like_signature(self.lines[j]):
                break  # content without the blank line reST wants: keep it as content
            j += 1
        return options, j

    def _qualify(self, name: str, kind: ApiKind, auto: bool, module: str | None) -> tuple[str, str | None]:
        parent = self.stack[-1] if self.stack else None
        if parent is not None and parent.kind is ApiKind.CLASS:
            class_name = parent.qualname.rsplit(".", 1)[-1]
            member = name.removeprefix(class_name + ".")
            return f"{parent.qualname}.{member}", parent.qualname
        if module is None:
            module = parent.qualname if parent is not None and parent.kind is ApiKind.MODULE else self.module
        # Autodoc reads a dotted module-level name as absolute; so does everyone who starts with the library.
        absolute = name.split(".")[0] == self.library or (auto and "." in name and kind not in MEMBER_KINDS)
        qualname = qualify(name, None if absolute else module, self.library)
        owner = parent_of(qualname) if kind in MEMBER_KINDS and "." in name else None
        return qualname, owner

    def _finish(self, item: _Open) -> None:
        doc = textwrap.dedent("\n".join(item.body)).strip("\n")
        if not doc.strip() and item.kind is ApiKind.MODULE:
            doc = item.options.get("synopsis", "")
        entry = make_entry(
            qualname=item.qualname,
            kind=item.kind,
            library=self.library,
            source=f"{self.rel_path}:{item.line}",
            signature=item.signature,
            doc=doc,
            owner=item.owner,
            returns=item.options.get("type") or None,
            on_class=not ON_CLASS_WORDS.isdisjoint(item.options),
        )
        self.entries.append((item.line, entry))


def _indent(line: str) -> int:
    return len(line.expandtabs()) - len(line.expandtabs().lstrip())


def _looks_like_signature(line: str) -> bool:
    split = split_name_and_signature(line.strip())
    return split is not None and split[1].startswith("(")

"""A small, forgiving HTML tree on the standard library's `html.parser`, and its text.

Built documentation is machine-written but not always well-formed; end tags without a start are
ignored, and an end tag closes everything opened inside it, as browsers do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_INVISIBLE = {"script", "style", "template", "head", "svg", "button"}
_BLOCK = {
    "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "section", "summary",
    "table", "tr", "ul",
}
# An open element that a new start tag implicitly closes (``<li>a<li>b``), checked at the top only.
_CLOSED_BY = {
    "p": {"p"}, "li": {"li"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"}, "tr": {"tr", "td", "th"},
    "td": {"td", "th"}, "th": {"td", "th"}, "option": {"option"},
}


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict[str, str]
    #: 1-based line of the start tag.
    line: int
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def elements(self) -> Iterator[Node]:
        return (c for c in self.children if isinstance(c, Node))

    def walk(self, prune: Callable[[Node], bool] = lambda n: False) -> Iterator[Node]:
        """Descendants in document order, not entering (nor yielding) pruned ones."""
        pending = list(reversed(list(self.elements())))
        while pending:
            node = pending.pop()
            if prune(node):
                continue
            yield node
            pending.extend(reversed(list(node.elements())))

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, 1)
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        top = self.stack[-1]
        if top.tag in _CLOSED_BY.get(tag, ()) or (top.tag == "p" and tag in _BLOCK | {"pre"}):
            self.stack.pop()
        node = Node(tag, {k: v or "" for k, v in attrs}, self.getpos()[0], self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def raw_text(node: Node, skip: Callable[[Node], bool] = lambda n: False) -> str:
    """All text below ``node`` as is (for ``<pre>`` and signatures)."""
    parts: list[str] = []
    stack: list[Node | str] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
        elif item is node or not (item.tag in _INVISIBLE or skip(item)):
            stack.extend(reversed(item.children))
    return "".join(parts)


def block_text(node: Node, skip: Callable[[Node], bool] = lambda n: False) -> str:
    """Readable text: one paragraph per block element, blank lines between, ``<pre>`` kept verbatim."""
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = " ".join("".join(current).split())
        if text:
            blocks.append(text)
        current.clear()

    # Iterative, so that malformed pages nested thousands deep still read; None marks a block's end.
    pending: list[Node | str | None] = list(reversed(node.children))
    while pending:
        item = pending.pop()
        if item is None:
            flush()
        elif isinstance(item, str):
            current.append(item)
        elif item.tag in _INVISIBLE or skip(item):
            continue
        elif item.tag == "pre":
            flush()
            blocks.append(raw_text(item, skip).strip("\n"))
        else:
            if item.tag in _BLOCK:
                flush()
                pending.append(None)
            elif item.tag in ("td", "th", "br"):
                current.append(" ")
            pending.extend(reversed(item.children))
    flush()
    return "\n\n".join(b for b in blocks if b.strip())

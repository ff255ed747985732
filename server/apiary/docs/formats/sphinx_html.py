"""Built HTML documentation: Sphinx's ``<dl class="py function">`` and mkdocstrings' ``doc-object`` divs.

Sphinx: the ``<dt id="honeycomb.io.read_table">`` gives the qualname, the text after the name in
the ``<dt>`` the signature, the ``<dd>`` the doc (less the members nested in a class). mkdocstrings
(MkDocs): a ``<div class="doc doc-object doc-function">`` with a heading whose id is the path.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from apiary.docs.docstrings import extract_examples
from apiary.docs.entry import ApiEntry, ApiKind
from apiary.docs.formats.common import ON_CLASS_WORDS, make_entry, parent_of
from apiary.docs.formats.html_tree import Node, block_text, parse_html, raw_text
from apiary.docs.report import Skipped
from apiary.docs.signatures import split_name_and_signature

_SPHINX_KINDS = {
    "function": ApiKind.FUNCTION, "decorator": ApiKind.FUNCTION, "method": ApiKind.METHOD,
    "classmethod": ApiKind.METHOD, "staticmethod": ApiKind.METHOD, "decoratormethod": ApiKind.METHOD,
    "class": ApiKind.CLASS, "exception": ApiKind.CLASS, "attribute": ApiKind.ATTRIBUTE,
    "data": ApiKind.ATTRIBUTE, "property": ApiKind.PROPERTY,
}
_MKDOCSTRINGS_KINDS = {
    "doc-module": ApiKind.MODULE, "doc-class": ApiKind.CLASS, "doc-function": ApiKind.FUNCTION,
    "doc-attribute": ApiKind.ATTRIBUTE,
}
_PYTHON_LANGUAGES = {"python", "python3", "py", "pycon", "default", "ipython", "ipython3"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# What an API page holds: Sphinx's <dl class="py function"> (Sphinx < 4: "function"), mkdocstrings' divs.
_KIND_ALTERNATIVES = "|".join(_SPHINX_KINDS)
_API_MARKUP = re.compile(rf"""<dl\s+class=["'](?:py\s|(?:{_KIND_ALTERNATIVES})["'])|doc-object""")
#: how Sphinx marks a method called on its class: the signature's first word (a staticmethod's is
#: "static"), or the <dl>'s class before Sphinx 4
_ON_CLASS = ON_CLASS_WORDS | {"static"}
_PREFIX_WORDS = re.compile(r"^(?:(?:class|exception|async|classmethod|staticmethod|property|abstract|final)\s+)+")


def read_html(text: str, rel_path: str, library: str) -> tuple[list[ApiEntry], list[Skipped]]:
    """The API entries one built HTML page documents."""
    if not _API_MARKUP.search(text):
        return [], []  # not an API page: spare the parse
    root = parse_html(text)
    entries = [_sphinx_entry(dl, rel_path, library) for dl in root.walk() if _sphinx_kind(dl)]
    entries += [_mkdocstrings_entry(div, rel_path, library) for div in root.walk() if _mkdocstrings_kind(div)]
    return [e for e in entries if e is not None], []


# --- Sphinx ---------------------------------------------------------------------------------------


def _sphinx_kind(node: Node) -> ApiKind | None:
    if node.tag != "dl":
        return None
    classes = node.classes
    if "py" not in classes and len(classes) != 1:  # Sphinx < 4 wrote class="function"; "c function" is C
        return None
    return next((_SPHINX_KINDS[c] for c in sorted(classes) if c in _SPHINX_KINDS), None)


def _sphinx_entry(dl: Node, rel_path: str, library: str) -> ApiEntry | None:
    dt = next((c for c in dl.elements() if c.tag == "dt"), None)
    if dt is None:
        return None
    dd = next((c for c in dl.elements() if c.tag == "dd"), None)
    kind = _sphinx_kind(dl) or ApiKind.FUNCTION
    prefix, prename, name, after = _dt_parts(dt)
    owner_dl = next((a for a in dl.ancestors() if _sphinx_kind(a) is ApiKind.CLASS), None)
    owner = _sphinx_qualname(owner_dl) if owner_dl is not None else None
    qualname = dt.attrs.get("id") or (f"{owner}.{name}" if owner and not prename else prename + name)
    if not qualname:
        return None
    if "property" in prefix.split() and kind is ApiKind.METHOD:
        kind = ApiKind.PROPERTY
    if owner is None and kind in (ApiKind.METHOD, ApiKind.PROPERTY):
        owner = parent_of(qualname)
    signature, returns = _signature_and_type(after)
    doc, bases = _sphinx_doc(dd) if dd is not None else ("", ())
    # ``<dl class="py method">`` whose signature opens with "classmethod" (Sphinx < 4: class="classmethod")
    on_class = not _ON_CLASS.isdisjoint({*prefix.split(), *dl.classes})
    return make_entry(
        qualname=qualname, kind=kind, library=library, source=f"{rel_path}:{dt.line}",
        signature=signature, doc=doc, examples=_examples(dd, _prune_sphinx_members) if dd is not None else (),
        owner=owner, returns=returns, bases=bases, on_class=on_class,
    )


def _sphinx_qualname(dl: Node) -> str:
    dt = next((c for c in dl.elements() if c.tag == "dt"), None)
    if dt is None:
        return ""
    _, prename, name, _ = _dt_parts(dt)
    return dt.attrs.get("id") or prename + name


def _dt_parts(dt: Node) -> tuple[str, str, str, str]:
    """(prefix words such as "class", module prefix, name, the text after the name) of a signature."""
    prefix, prename, name, after = [], "", "", []
    for child in dt.children:
        if isinstance(child, str):
            (after if name else prefix).append(child)
            continue
        text, classes = raw_text(child), child.classes
        if "headerlink" in classes or _is_source_link(child):
            continue
        if classes & {"sig-name", "descname"}:
            name = text.strip()
        elif classes & {"sig-prename", "descclassname"}:
            prename = text.strip()
        else:
            (after if name else prefix).append(text)
    if not name:  # no markup to go by: read the whole text
        text = _PREFIX_WORDS.sub("", " ".join(raw_text(dt, _is_source_link).split()).replace("\u00b6", ""))
        split = split_name_and_signature(text)
        return "", "", (split[0] if split else ""), (split[1] if split else "")
    return " ".join("".join(prefix).split()), prename, name, " ".join("".join(after).split())


def _is_source_link(node: Node) -> bool:
    """Sphinx's viewcode ``[source]`` link."""
    return node.tag == "a" and (
        raw_text(node).strip() == "[source]" or any("viewcode-link" in n.classes for n in node.walk())
    )


def _signature_and_type(after: str) -> tuple[str, str | None]:
    """``(a, b) -> T`` is a signature; ``: int = 3`` an attribute's type."""
    after = after.replace("\u00b6", "").replace("[source]", "").strip()
    if after.startswith(("(", "->", "\u2192")):
        return after, None
    if after.startswith(":"):
        return "", after[1:].split(" = ")[0].strip() or None
    return "", None


def _prune_sphinx_members(node: Node) -> bool:
    return _sphinx_kind(node) is not None


def _sphinx_doc(dd: Node) -> tuple[str, tuple[str, ...]]:
    """The dd's text without nested members; a leading "Bases: ..." paragraph becomes the bases."""
    doc = block_text(dd, skip=lambda n: _prune_sphinx_members(n) or "headerlink" in n.classes)
    first, _, rest = doc.partition("\n\n")
    if first.startswith("Bases:"):
        bases = tuple(b.strip() for b in first.removeprefix("Bases:").split(",") if b.strip())
        return rest, bases
    return doc, ()


# --- examples -------------------------------------------------------------------------------------


def _examples(container: Node, prune: Callable[[Node], bool]) -> list[str]:
    """Python code blocks and doctest sessions inside ``container``, in order."""
    found: list[str] = []
    for pre in container.walk(prune):
        if pre.tag != "pre":
            continue
        code = raw_text(pre).strip("\n")
        language = _code_language(pre, container)
        if ">>>" in code:
            found += extract_examples(code)
        elif language is None or language in _PYTHON_LANGUAGES:
            found.append(code)
    return [e for i, e in enumerate(found) if e.strip() and e not in found[:i]]


def _code_language(pre: Node, stop: Node) -> str | None:
    """From ``highlight-python`` (Sphinx) or ``language-python`` (MkDocs) on the block or around it."""
    candidates = [pre, *pre.elements()]
    for ancestor in pre.ancestors():
        if ancestor is stop:
            break
        candidates.append(ancestor)
    for node in candidates:
        for cls in node.classes:
            for marker in ("highlight-", "language-"):
                if cls.startswith(marker):
                    return cls[len(marker):].lower()
    return None


# --- mkdocstrings ---------------------------------------------------------------------------------


def _mkdocstrings_kind(node: Node) -> ApiKind | None:
    if node.tag != "div" or not {"doc", "doc-object"} <= node.classes:
        return None
    return next((_MKDOCSTRINGS_KINDS[c] for c in node.classes if c in _MKDOCSTRINGS_KINDS), None)


def _mkdocstrings_entry(div: Node, rel_path: str, library: str) -> ApiEntry | None:
    heading = next((c for c in div.elements() if c.tag in _HEADINGS and c.attrs.get("id")), None)
    if heading is None:
        return None
    qualname = heading.attrs["id"]
    labels = {raw_text(n).strip() for n in heading.walk() if "doc-label" in " ".join(n.classes)}
    contents = next((c for c in div.elements() if "doc-contents" in c.classes), None)
    signature_node = next((n for n in div.walk(_is_member) if "doc-signature" in n.classes), None)
    named = signature_node if signature_node is not None else heading
    split = split_name_and_signature(" ".join(raw_text(named, _is_heading_decoration).split()))
    signature, returns = _signature_and_type(split[1] if split else "")
    kind = _mkdocstrings_kind(div) or ApiKind.FUNCTION
    owner_div = next((a for a in div.ancestors() if _mkdocstrings_kind(a) is ApiKind.CLASS), None)
    owner = _mkdocstrings_qualname(owner_div) if owner_div is not None else None
    if kind is ApiKind.FUNCTION and owner:
        kind = ApiKind.METHOD
    elif kind is ApiKind.ATTRIBUTE and "property" in labels:
        kind = ApiKind.PROPERTY
    doc = block_text(contents, skip=_prune_mkdocstrings_members) if contents is not None else ""
    examples = _examples(contents, _prune_mkdocstrings_members) if contents is not None else []
    return make_entry(
        qualname=qualname, kind=kind, library=library, source=f"{rel_path}:{heading.line}",
        signature=signature, doc=doc, examples=examples, owner=owner, returns=returns,
    )


def _mkdocstrings_qualname(div: Node) -> str | None:
    heading = next((c for c in div.elements() if c.tag in _HEADINGS and c.attrs.get("id")), None)
    return heading.attrs["id"] if heading is not None else None


def _is_heading_decoration(node: Node) -> bool:
    classes = node.classes
    return "headerlink" in classes or "doc-labels" in classes or "doc-symbol" in classes


def _is_member(node: Node) -> bool:
    return _mkdocstrings_kind(node) is not None or "doc-children" in node.classes


def _prune_mkdocstrings_members(node: Node) -> bool:
    """Members, the source listing and the signature are not the doc."""
    classes = node.classes
    return (
        _is_member(node)
        or "doc-signature" in classes
        or (node.tag == "details" and "quote" in classes)
    )


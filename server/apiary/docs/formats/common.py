"""Building an `ApiEntry` from what a documentation page says, the same way for every format."""

from __future__ import annotations

import re
from collections.abc import Iterable

from apiary.docs.docstrings import extract_examples, first_sentence, summary_paragraph
from apiary.docs.entry import ApiEntry, ApiKind
from apiary.docs.signatures import parse_signature

# Kinds whose documented signature may still carry ``self``/``cls``.
_BOUND_KINDS = (ApiKind.METHOD, ApiKind.CLASS, ApiKind.PROPERTY)
# Kinds that belong to a class when their parent is one.
MEMBER_KINDS = (ApiKind.METHOD, ApiKind.PROPERTY, ApiKind.ATTRIBUTE)
_CAP_WORDS = re.compile(r"_*[A-Z]\w*")


#: the words docs use for a method called on its class (``Table.from_csv(...)``)
ON_CLASS_WORDS = frozenset({"classmethod", "staticmethod"})


def make_entry(
    *,
    qualname: str,
    kind: ApiKind,
    library: str,
    source: str,
    signature: str = "",
    doc: str = "",
    description: str | None = None,
    examples: Iterable[str] | None = None,
    owner: str | None = None,
    returns: str | None = None,
    import_path: str | None = None,
    bases: tuple[str, ...] = (),
    on_class: bool = False,
) -> ApiEntry:
    """An entry whose name, parsed signature, description and examples follow from what is given."""
    parsed = parse_signature(signature, bound=kind in _BOUND_KINDS)
    doc = doc.strip()
    return ApiEntry(
        name=qualname.rsplit(".", 1)[-1],
        qualname=qualname,
        import_path=import_path or qualname,
        kind=kind,
        library=library,
        signature=parsed.text,
        params=parsed.params,
        returns=parsed.returns or returns or None,
        doc=doc,
        description=describe(doc) if description is None else description.strip(),
        examples=tuple(extract_examples(doc) if examples is None else examples),
        owner=owner,
        bases=bases,
        source=source,
        on_class=on_class,
    )


def describe(doc: str) -> str:
    """The first sentence, unless the doc opens with a field list (``:param x:``), which describes nothing."""
    if summary_paragraph(doc).startswith(":"):
        return ""
    return first_sentence(doc)


def is_class_like(name: str) -> bool:
    """CapWords (``Table``, ``HTTPClient``), not a CONSTANT."""
    return bool(_CAP_WORDS.fullmatch(name)) and any(c.islower() for c in name)


def kind_from_name(dotted: str, *, called: bool = True) -> ApiKind:
    """A guess for undeclared kinds: ``Table`` is a class, ``Table.filter`` a method, else a function."""
    parts = dotted.split(".")
    if is_class_like(parts[-1]):
        return ApiKind.CLASS
    if len(parts) > 1 and is_class_like(parts[-2]):
        return ApiKind.METHOD if called else ApiKind.ATTRIBUTE
    return ApiKind.FUNCTION


def qualify(name: str, module: str | None, library: str) -> str:
    """``name`` under ``module``; without a module, under the library unless it already starts with it."""
    if module:
        return name if name.startswith(module + ".") else f"{module}.{name}"
    return name if name.split(".")[0] == library else f"{library}.{name}"


def parent_of(qualname: str) -> str | None:
    return qualname.rsplit(".", 1)[0] if "." in qualname else None

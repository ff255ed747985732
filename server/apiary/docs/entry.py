"""The one model of an API that every part of Apiary shares.

An `ApiEntry` is what the documentation of a library says about one public API: its name, where a
user imports it from, its signature as written, its description and examples. Every ingester
(Python sources, API doc files, documentation folders) produces these; the retriever, the
generators and the server consume them.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

_Frozen = TypeVar("_Frozen")


class ApiKind(str, Enum):
    MODULE = "module"
    CLASS = "class"
    FUNCTION = "function"
    METHOD = "method"
    PROPERTY = "property"
    ATTRIBUTE = "attribute"
    #: Another name the docs declare for an API (e.g. "functional name: ``cycle``" on a class).
    ALIAS = "alias"
    #: A public name the library re-exports from a package we did not index; no docs of its own.
    EXTERNAL = "external"


@dataclass(frozen=True)
class Param:
    """One parameter as written in the signature."""

    name: str
    #: "positional_only", "positional_or_keyword", "var_positional", "keyword_only", "var_keyword"
    kind: str = "positional_or_keyword"
    annotation: str | None = None
    default: str | None = None

    @property
    def required(self) -> bool:
        return self.default is None and self.kind in ("positional_only", "positional_or_keyword", "keyword_only")


@dataclass(frozen=True)
class ApiEntry:
    """One public API of one library, as its own documentation describes it."""

    #: The name a user writes: ``read_table``, ``Table``, ``filter`` (for ``Table.filter``), ``cycle``.
    name: str
    #: Where it is defined: ``honeycomb.table.Table.filter``.
    qualname: str
    #: The import path a user writes, following re-exports: ``honeycomb.Table.filter``.
    import_path: str
    kind: ApiKind
    library: str
    #: Parameters and return as written, without ``self``/``cls``: ``(predicate, *, limit=None) -> Table``.
    signature: str = ""
    params: tuple[Param, ...] = ()
    returns: str | None = None
    #: The whole docstring, dedented.
    doc: str = ""
    #: Its first sentence: the API description of When Language Model Meets Private Library §3.3.
    description: str = ""
    examples: tuple[str, ...] = ()
    #: For methods and properties: the ``import_path`` of the class they belong to.
    owner: str | None = None
    #: For classes: the import paths of their base classes that we could resolve (else as written).
    bases: tuple[str, ...] = ()
    #: For aliases: the ``import_path`` of the API they name.
    alias_of: str | None = None
    #: Where the docs were read from: ``path/to/file.pyi:42`` or a doc file and line.
    source: str = ""
    #: For methods: a ``@staticmethod`` or ``@classmethod``, called on its class (``Table.from_csv(...)``).
    on_class: bool = False

    @property
    def api_info(self) -> str:
        """The retrieval/prompt text form of When Language Model Meets Private Library §3.3:
        ``name(signature): description``."""
        return format_api_info(self.name, self.signature, self.description)

    @property
    def owner_name(self) -> str | None:
        return self.owner.rsplit(".", 1)[-1] if self.owner else None

    def to_json(self) -> dict[str, Any]:
        """Plain data, field by field (``dataclasses.asdict`` deep-copies every value: a third of
        writing an index of 23,000 APIs)."""
        data = {name: getattr(self, name) for name in field_order(type(self))}
        data["kind"] = self.kind.value
        data["params"] = [{name: getattr(p, name) for name in field_order(Param)} for p in self.params]
        for key in ("examples", "bases"):
            data[key] = list(data[key])
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ApiEntry:
        if type(data) is dict and data.keys() == _field_names(cls) and _plain_row(data):
            return _made(cls, data)
        known = _field_names(cls)
        values = {k: v for k, v in data.items() if k in known}
        values["kind"] = ApiKind(values["kind"])
        params = values.get("params")
        values["params"] = tuple([Param(**p) for p in params]) if params else ()
        for key in ("examples", "bases"):
            values[key] = tuple(values.get(key) or ())
        return cls(**values)


def _plain_row(data: dict[str, Any]) -> bool:
    """Whether ``data`` is a row as `ApiEntry.to_json` writes it (every field, lists where tuples go,
    params of every field), which `_made` can fill in without the checks of ``__init__``."""
    params, examples, bases = data["params"], data["examples"], data["bases"]
    return (type(params) is list and type(examples) is list and type(bases) is list
            and all(type(p) is dict and p.keys() == _field_names(Param) for p in params))


def _made(cls: type[ApiEntry], data: dict[str, Any]) -> ApiEntry:
    # A frozen dataclass's __init__ sets each field through object.__setattr__: filling the instance's
    # dict at once makes loading 23,000 cached entries ~5x faster, the same objects all the same.
    values = dict(data)
    values["kind"] = ApiKind(values["kind"])
    values["params"] = tuple([filled(Param, p) for p in values["params"]])
    values["examples"], values["bases"] = tuple(values["examples"]), tuple(values["bases"])
    return filled(cls, values)


def filled(cls: type, values: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> Any:
    """An instance of the frozen dataclass ``cls`` with ``values`` as its fields, ``__init__`` skipped:
    for data this code wrote itself, whose fields are all there and need no checks."""
    made = object.__new__(cls)
    made.__dict__.update(values)
    return made


def replaced(item: _Frozen, **changes: Any) -> _Frozen:
    """``dataclasses.replace`` for a frozen dataclass whose fields are all set by ``__init__`` and
    checked by nothing after it: the instance's dict copied with ``changes`` (``replace`` walks the
    fields and calls ``__init__``: 0.3 s of the 40,000 replacements in an index of transformers)."""
    unknown = changes.keys() - item.__dataclass_fields__.keys()
    if unknown:
        raise TypeError(f"{type(item).__name__} has no field {sorted(unknown)[0]!r}")
    return filled(type(item), {**vars(item), **changes})


@functools.cache
def field_order(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


@functools.cache
def _field_names(cls: type) -> frozenset[str]:
    """A dataclass's field names, read once (a warm load reads tens of thousands of entries)."""
    return frozenset(f.name for f in dataclasses.fields(cls))


def format_api_info(name: str, signature: str, description: str) -> str:
    """``name(signature): description``; APIs without a signature (modules, properties) show none."""
    head = name + (signature if not signature or signature.startswith("(") else f"({signature})")
    return f"{head}: {description}" if description else head


def entries_fingerprint(entries: Iterable[ApiEntry]) -> str:
    """A stable hash of a set of entries (order-independent)."""
    digests = sorted(
        hashlib.sha256(json.dumps(e.to_json(), sort_keys=True).encode()).hexdigest() for e in entries
    )
    return hashlib.sha256("".join(digests).encode()).hexdigest()


def signature_text(params: Iterable[Param], returns: str | None = None) -> str:
    """Render parameters back to ``(a, b=1, *args, c, **kw) -> R``."""
    parts: list[str] = []
    params = list(params)
    seen_kw_only_marker = False
    for i, p in enumerate(params):
        if p.kind == "keyword_only" and not seen_kw_only_marker:
            if not any(q.kind == "var_positional" for q in params[:i]):
                parts.append("*")
            seen_kw_only_marker = True
        text = {"var_positional": "*", "var_keyword": "**"}.get(p.kind, "") + p.name
        if p.annotation:
            text += f": {p.annotation}"
        if p.default is not None:
            text += f" = {p.default}" if p.annotation else f"={p.default}"
        parts.append(text)
        is_last_positional_only = p.kind == "positional_only" and (
            i + 1 == len(params) or params[i + 1].kind != "positional_only"
        )
        if is_last_positional_only:
            parts.append("/")
    rendered = f"({', '.join(parts)})"
    return f"{rendered} -> {returns}" if returns else rendered


__all__ = ["ApiEntry", "ApiKind", "Param", "entries_fingerprint", "format_api_info", "signature_text"]


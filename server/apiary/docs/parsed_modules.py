"""Parsed modules kept by their file's content, so a library re-indexed after an edit parses only the
files that changed (issue "Scale and first contact": a one-file edit re-parsed all 2,951 of
transformers' files).

A `ModuleDoc` is written as plain JSON (no pickles) and read back into fresh objects: reading a
package merges stubs into sources in place, so a cached module is never shared between two reads.
The key is the file's SHA-256 with its module name, its place (package or not) and a fingerprint of
the code that reads modules, so a change to that code parses everything again.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from apiary.docs.entry import ApiKind, Param
from apiary.docs.python_module import Binding, Definition, ModuleDoc

#: the modules whose code decides what a parsed module holds
_READING_MODULES = ("python_module.py", "docstrings.py", "dotted.py", "python_package.py")


@functools.cache
def reader_code() -> str:
    folder = Path(__file__).parent
    return hashlib.sha256(b"".join((folder / name).read_bytes() for name in _READING_MODULES)).hexdigest()[:16]


class ParsedModules:
    """``known``: what an earlier read kept (key -> JSON); ``kept``: what this read would keep (the
    modules of the files it read, cached or parsed)."""

    def __init__(self, known: dict | None, digest_of: Callable[[Path], bytes]):
        self._known = known if isinstance(known, dict) else {}
        self._digest_of = digest_of
        #: key -> the module as JSON (a dict read back, or the bytes written for one parsed now)
        self.kept: dict[str, dict | orjson.Fragment] = {}
        self.hits = 0

    @property
    def changed(self) -> bool:
        return self.kept.keys() != self._known.keys()

    def key(self, module: str, path: Path, is_package: bool) -> str | None:
        try:
            digest = self._digest_of(path)
        except OSError:
            return None
        return f"{reader_code()}:{module}:{int(is_package)}:{path.suffix}:{digest.hex()}"

    def get(self, key: str | None, path: Path) -> ModuleDoc | None:
        data = self._known.get(key) if key else None
        if not isinstance(data, dict):
            return None
        try:
            doc = module_from_json(data, path)
        except (KeyError, TypeError, ValueError):
            return None
        self.kept[key] = data
        self.hits += 1
        return doc

    def put(self, key: str | None, doc: ModuleDoc, written: bytes | None = None) -> None:
        """Keep ``doc`` (``written``: its JSON, when already written): a module whose text cannot be
        written (a lone surrogate in a docstring) is not kept, and is parsed again next time."""
        if not key:
            return
        try:
            self.kept[key] = orjson.Fragment(written if written is not None else module_json(doc))
        except TypeError:
            pass


def module_json(doc: ModuleDoc) -> bytes:
    """``doc`` as JSON, written by orjson from the dataclasses themselves (``dataclasses.asdict``
    deep-copies every value first: 7 of the 34 s of a cold index of transformers)."""
    return orjson.dumps(doc, default=_plain)


def _plain(value: object) -> object:
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, Path):
        return None  # where the file is now, not where it was: `module_from_json` is told
    raise TypeError(f"{type(value).__name__} is not JSON")


def module_from_json(data: dict[str, Any], path: Path) -> ModuleDoc:
    return ModuleDoc(
        module=str(data["module"]), path=path, is_package=bool(data["is_package"]), is_stub=bool(data["is_stub"]),
        doc=str(data["doc"]),
        definitions={str(k): _definition(v) for k, v in data["definitions"].items()},
        imports={str(k): str(v) for k, v in data["imports"].items()},
        module_imports=set(data["module_imports"]),
        explicit_reexports=set(data["explicit_reexports"]),
        all_names=list(data["all_names"]) if data["all_names"] is not None else None,
        wildcards=list(data["wildcards"]),
        bindings={str(k): Binding(**v) for k, v in data["bindings"].items()},
        attachments=[Binding(**v) for v in data["attachments"]],
        calls={str(k): _definition(v) for k, v in data["calls"].items()},
        factories=dict(data["factories"]),
        instance_attributes=dict(data["instance_attributes"]),
        registrars=dict(data["registrars"]),
    )


def _definition(data: dict[str, Any]) -> Definition:
    values = dict(data)
    values["kind"] = ApiKind(values["kind"])
    values["params"] = tuple(Param(**p) for p in values["params"])
    values["bases"] = tuple(values["bases"])
    values["decorators"] = tuple(values["decorators"])
    return Definition(**values)

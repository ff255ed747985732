"""Parsed modules kept by their file's content, so a library re-indexed after an edit parses only the
files that changed (issue "Scale and first contact": a one-file edit re-parsed all 2,951 of
transformers' files).

A `ModuleDoc` is written as plain JSON (no pickles) and read back into fresh objects; nothing
changes a module once read (a stub merged over its source is a new module), so one process may hand
the same module to two reads.
The key is the file's SHA-256 with its module name, its place (package or not) and a fingerprint of
the code that reads modules, so a change to that code parses everything again. What is kept is the
record of one build (`ParsedModules.record`): its modules, the keys of the files it could not keep
(skipped, or not writable) and what it skipped, under the content hash of the library it read; so
the next build can also tell exactly which files changed since (`ParsedModules.changed_files`).
A process that builds a library again (a server, after an edit) keeps that record in memory with the
modules themselves (`ReadInMemory`): reading them back from JSON was a fifth of an edit.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from apiary.docs.entry import ApiKind, Param
from apiary.docs.exports import MadeEntries
from apiary.docs.python_module import Binding, Definition, ModuleDoc

#: the layout of what a build keeps (`ParsedModules.record`); another is read as nothing kept
_RECORD_FORMAT = 2
#: the modules whose code decides what a parsed module holds
_READING_MODULES = ("python_module.py", "docstrings.py", "dotted.py", "python_package.py")


@functools.cache
def reader_code() -> str:
    folder = Path(__file__).parent
    return hashlib.sha256(b"".join((folder / name).read_bytes() for name in _READING_MODULES)).hexdigest()[:16]


@dataclass(frozen=True)
class ReadInMemory:
    """A build's record (`ParsedModules.record`, each module's JSON as bytes) as the process that built
    it keeps it for the library's next build, with the modules it read (never changed once read)."""

    record: dict
    #: key -> the module read from that file
    docs: dict[str, ModuleDoc]
    #: the entries the build made of those modules' definitions
    made: MadeEntries


class ParsedModules:
    """``last``: the record an earlier build kept (`record`), if any, or what a build in this process
    kept of it; ``kept``: what this read would keep (the modules of the files it read, cached or parsed)."""

    def __init__(self, last: dict | ReadInMemory | None, digest_of: Callable[[Path], bytes]):
        self._docs: dict[str, ModuleDoc] = {}  # key -> the module the last build read, in this process
        #: the entries this read's build makes, and those the last build in this process made
        self.made = MadeEntries()
        if isinstance(last, ReadInMemory):
            last, self._docs, self.made = last.record, last.docs, last.made.after()
        last = last if isinstance(last, dict) and last.get("format") == _RECORD_FORMAT else {}
        modules, unkept, skipped = last.get("modules"), last.get("unkept"), last.get("skipped")
        self._known: dict = modules if isinstance(modules, dict) else {}
        #: the content hash of the library the last build read (None: no usable record)
        self.last_content_hash: str | None = last.get("content_hash") if self._known else None
        #: the keys of the files the last build read but could not keep
        self.last_unkept: frozenset[str] = frozenset(k for k in unkept if isinstance(k, str)) if isinstance(
            unkept, list) else frozenset()
        #: what the last build skipped, as (location, reason) pairs
        self.last_skipped: list[tuple[str, str]] = [
            (str(s[0]), str(s[1])) for s in skipped if isinstance(s, list) and len(s) == 2
        ] if isinstance(skipped, list) else []
        self._digest_of = digest_of
        self._read_now: dict[str, dict] = {}  # modules read since the last build, by `remember`
        #: key -> the module as JSON (a dict read back, or bytes: written for one parsed now, or kept in memory)
        self.kept: dict[str, dict | bytes] = {}
        #: key -> the module this read made of it, where it made one
        self.docs: dict[str, ModuleDoc] = {}
        #: the keys of the files this read could not keep (skipped, or not writable)
        self.unkept: set[str] = set()
        self.hits = 0
        #: the parameters of the modules read back so far, each once (`module_from_json`)
        self._params: SharedParams = {}

    @property
    def changed(self) -> bool:
        return self.kept.keys() != self._known.keys() or self.unkept != self.last_unkept

    def record(self, content_hash: str, skipped: list[tuple[str, str]]) -> dict:
        """What to keep of this read: its modules (each as JSON, or as its JSON's bytes), and the files
        it could not keep, of the library whose content hash is ``content_hash``."""
        return self._record(content_hash, skipped, dict(self.kept))

    def in_memory(self, content_hash: str, skipped: list[tuple[str, str]]) -> ReadInMemory:
        """What to keep of this read in memory for the next build of the same library in this process."""
        modules = {key: data if isinstance(data, bytes) else orjson.dumps(data) for key, data in self.kept.items()}
        docs = {key: doc for key, doc in self.docs.items() if key in modules}
        return ReadInMemory(self._record(content_hash, skipped, modules), docs, self.made)

    def _record(self, content_hash: str, skipped: list[tuple[str, str]], modules: dict) -> dict:
        return {"format": _RECORD_FORMAT, "content_hash": content_hash, "modules": modules,
                "unkept": sorted(self.unkept), "skipped": [list(s) for s in skipped]}

    def last_json(self, key: str) -> dict | None:
        """The module the last build kept under ``key``, as JSON."""
        return _as_json(self._known.get(key))

    def changed_files(self, keys: list[str | None], limit: int) -> list[tuple[int, str]] | None:
        """Which of the files of ``keys`` (this read's, in its order) differ from the last build's:
        their positions, each with the key the last build kept its module under. None where that
        cannot be told (no record, a file that cannot be hashed or was listed twice, a file added or
        removed, a changed file whose module the last build did not keep) or more than ``limit`` differ."""
        if self.last_content_hash is None or None in keys or len(set(keys)) != len(keys):
            return None
        last = self._known.keys() | self.last_unkept
        changed = [position for position, key in enumerate(keys) if key not in last]
        if len(keys) != len(last) or len(changed) > limit:
            return None
        by_file = {key.rpartition(":")[0]: key for key in self._known}  # the same module, place and suffix
        before = [by_file.get(keys[position].rpartition(":")[0]) for position in changed]
        return None if None in before else list(zip(changed, before, strict=True))

    def carry_over(self, keys: list[str], written: dict[str, bytes]) -> None:
        """Keep what the last build kept of the files of ``keys``, and the modules ``written`` anew
        (key -> JSON), as a read of them all would."""
        for key in keys:
            if key in written:
                self.kept[key] = written[key]
            elif key in self._known:
                self.kept[key] = self._known[key]
                if key in self._docs:
                    self.docs[key] = self._docs[key]
            elif key in self.last_unkept:
                self.unkept.add(key)

    def key(self, module: str, path: Path, is_package: bool) -> str | None:
        try:
            digest = self._digest_of(path)
        except OSError:
            return None
        return f"{reader_code()}:{module}:{int(is_package)}:{path.suffix}:{digest.hex()}"

    def remember(self, key: str, data: dict) -> None:
        """``data`` is the module of the file of ``key`` as read now: `get` gives it."""
        self._read_now[key] = data

    def get(self, key: str | None, path: Path) -> ModuleDoc | None:
        if not key:
            return None
        data = self._known.get(key, self._read_now.get(key))
        doc = self._docs.get(key)  # the same file's module, when this process read it last time
        if doc is None or doc.path != path:
            doc = _module(data, path, self._params)
        if doc is None:
            return None
        self.kept[key] = data
        self.docs[key] = doc
        self.hits += 1
        return doc

    def put(self, key: str | None, doc: ModuleDoc, written: bytes | None = None) -> None:
        """Keep ``doc`` (``written``: its JSON, when already written): a module whose text cannot be
        written (a lone surrogate in a docstring) is not kept, and is parsed again next time."""
        if not key:
            return
        try:
            self.kept[key] = written if written is not None else module_json(doc)
        except TypeError:
            self.unkept.add(key)
            return
        self.docs[key] = doc

    def put_skipped(self, key: str | None) -> None:
        """The file of ``key`` was read and skipped."""
        if key:
            self.unkept.add(key)


def _as_json(data: dict | bytes | None) -> dict | None:
    """A kept module as JSON (None where it is damaged)."""
    if isinstance(data, bytes):
        try:
            data = orjson.loads(data)
        except orjson.JSONDecodeError:
            return None
    return data if isinstance(data, dict) else None


def _module(data: dict | bytes | None, path: Path, params: SharedParams) -> ModuleDoc | None:
    """The module a kept JSON describes, read from ``path`` (None where the JSON is damaged)."""
    data = _as_json(data)
    if data is None:
        return None
    try:
        return module_from_json(data, path, params)
    except (KeyError, TypeError, ValueError):
        return None


def moved_lines(before: dict[str, Any], after: dict[str, Any]) -> dict[int, int] | None:
    """Where the lines that ``before`` (a module as `module_json` wrote it) names went in ``after``,
    when the two differ in nothing else, order included: an edit of code that documents no API, or
    lines added above some. Old line -> new line; None where they differ in more, or where one line
    went to two places, or the first line moved (a module's own entry is placed there)."""
    try:
        shape_before, lines_before = _without_lines(before)
        shape_after, lines_after = _without_lines(after)
    except (KeyError, TypeError, AttributeError, orjson.JSONEncodeError):  # a damaged record: not a move
        return None
    if shape_before != shape_after:
        return None
    moves: dict[int, int] = {}
    for old, new in zip(lines_before, lines_after, strict=True):
        if moves.setdefault(old, new) != new:
            return None
    return None if moves.get(1, 1) != 1 else moves


def _without_lines(data: dict[str, Any]) -> tuple[bytes, list[int]]:
    """The module's JSON with every line set to 0, written (so that order counts), and the lines in
    the order they were met. The lines of attributes set on instances are dropped: no entry is
    placed there."""
    lines: list[int] = []

    def unplaced(item: dict[str, Any]) -> dict[str, Any]:
        lines.append(item["line"])
        return {**item, "line": 0}

    shape = dict(data)
    for name in ("definitions", "calls", "bindings"):
        shape[name] = {local: unplaced(item) for local, item in data[name].items()}
    shape["attachments"] = [unplaced(item) for item in data["attachments"]]
    shape["instance_attributes"] = dict.fromkeys(data["instance_attributes"], 0)
    return orjson.dumps(shape), lines


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


#: parameters by their fields, each made once and shared by every definition that has it
SharedParams = dict[tuple[Any, ...], Param]
_PARAM_FIELDS = frozenset({"name", "kind", "annotation", "default"})


def module_from_json(data: dict[str, Any], path: Path, params: SharedParams | None = None) -> ModuleDoc:
    """The module `module_json` wrote, its file now at ``path``; ``params``: the parameters already made
    (a library's definitions repeat theirs: transformers' and sympy's 53,792 have 115,755, of which
    14,701 differ), shared with the modules read before (they are frozen)."""
    params = {} if params is None else params
    return ModuleDoc(
        module=str(data["module"]), path=path, is_package=bool(data["is_package"]), is_stub=bool(data["is_stub"]),
        doc=str(data["doc"]),
        definitions={str(k): _definition(v, params) for k, v in data["definitions"].items()},
        imports={str(k): str(v) for k, v in data["imports"].items()},
        module_imports=set(data["module_imports"]),
        explicit_reexports=set(data["explicit_reexports"]),
        all_names=list(data["all_names"]) if data["all_names"] is not None else None,
        wildcards=list(data["wildcards"]),
        bindings={str(k): Binding(**v) for k, v in data["bindings"].items()},
        attachments=[Binding(**v) for v in data["attachments"]],
        calls={str(k): _definition(v, params) for k, v in data["calls"].items()},
        factories=dict(data["factories"]),
        instance_attributes=dict(data["instance_attributes"]),
        registrars=dict(data["registrars"]),
    )


def _definition(data: dict[str, Any], params: SharedParams) -> Definition:
    values = dict(data)
    values["kind"] = ApiKind(values["kind"])
    values["params"] = tuple(_param(p, params) for p in values["params"])
    values["bases"] = tuple(values["bases"])
    values["decorators"] = tuple(values["decorators"])
    return Definition(**values)


def _param(data: dict[str, Any], params: SharedParams) -> Param:
    """The parameter ``data`` describes: the one made before from the same fields, else a new one (a
    record without exactly a parameter's fields goes to `Param` as it is, which refuses unknown ones)."""
    if not isinstance(data, dict) or data.keys() != _PARAM_FIELDS:
        return Param(**data)
    key = (data["name"], data["kind"], data["annotation"], data["default"])
    param = params.get(key)
    if param is None:
        param = params[key] = Param(**data)
    return param

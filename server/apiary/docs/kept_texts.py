"""What pure functions of docstrings gave, remembered within a build and kept for the next one.

A one-file edit builds a library's entries again from every module (re-exports cross files), and
reading docstrings (first sentences, examples, summary words) was a quarter of that: ~1.5 s of the
6 s transformers with sympy took. Each function made a `DocstringMemo` remembers its results by
docstring for one build, as ``functools.lru_cache`` did; a build may start from what the last one
kept (`seed`), read back by the docstring's digest, so only the docstrings an edit changed are read
again. What is kept is only ever a function's own result for that exact text: the caller binds it
to the code that computed it (a changed function makes it worthless).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, Generic, TypeVar

Value = TypeVar("Value")

#: how many docstrings each memo holds before it starts again (transformers and sympy: ~15,000)
_LIMIT = 1 << 15


class DocstringMemo(Generic[Value]):
    """``function`` of a docstring, remembered; ``stored``: its result as JSON keeps it (None: not one
    of its results, computed again), its inverse being ``to_json``."""

    def __init__(self, function: Callable[[str], Value], stored: Callable[[Any], Value | None],
                 to_json: Callable[[Value], Any] = lambda value: value) -> None:
        self._function, self._stored, self._to_json = function, stored, to_json
        self._values: dict[str, tuple[str | None, Value]] = {}  # docstring -> (its digest, if known; value)
        self._seeds: dict[str, Any] = {}  # digest -> JSON value, from the last build
        self.__doc__ = function.__doc__

    def __call__(self, doc: str) -> Value:
        known = self._values.get(doc)
        if known is not None:
            return known[1]
        digest, value = None, None
        if self._seeds and isinstance(doc, str):
            digest = _digest(doc)
            value = self._stored(self._seeds.get(digest))
        if value is None:
            value = self._function(doc)
        if len(self._values) >= _LIMIT:
            self._values.clear()
        self._values[doc] = (digest, value)
        return value

    def seed(self, kept: dict[str, Any]) -> None:
        """Start from what `kept` gave at the end of a build with the same function."""
        self._seeds = kept

    def kept(self) -> dict[str, Any]:
        """This build's results by docstring digest, as JSON (but those no UTF-8 file holds: a lone
        surrogate in a docstring is passed on by the functions, and mended later, in `ingest`)."""
        kept = {}
        for doc, (digest, value) in self._values.copy().items():
            stored = self._to_json(value)
            if _utf8(stored):
                kept[digest or _digest(doc)] = stored
        return kept

    def clear(self) -> None:
        self._values, self._seeds = {}, {}


def _digest(doc: str) -> str:
    return hashlib.blake2b(doc.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _utf8(value: str | list[str]) -> bool:
    for text in [value] if isinstance(value, str) else value:
        if not text.isascii():
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                return False
    return True


def stored_text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def stored_texts(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


#: every memo a build may seed and keep, by a name the kept file uses
_MEMOS: dict[str, DocstringMemo] = {}


def docstring_memo(name: str, stored: Callable[[Any], Any], to_json: Callable[[Any], Any] = lambda v: v):
    """Decorate a pure function of a docstring as the `DocstringMemo` called ``name``."""
    def made(function: Callable[[str], Value]) -> DocstringMemo[Value]:
        memo = _MEMOS[name] = DocstringMemo(function, stored, to_json)
        return memo
    return made


def seed_docstring_texts(kept: dict[str, Any]) -> None:
    """Start each memo from what `kept_docstring_texts` gave (names it does not know are ignored)."""
    for name, memo in _MEMOS.items():
        values = kept.get(name)
        memo.seed(values if isinstance(values, dict) else {})


def kept_docstring_texts() -> dict[str, dict[str, Any]]:
    return {name: memo.kept() for name, memo in _MEMOS.items()}


def forget_docstring_texts() -> None:
    for memo in _MEMOS.values():
        memo.clear()

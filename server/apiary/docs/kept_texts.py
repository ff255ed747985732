"""What pure functions of texts gave, remembered within a build and kept for the next one.

A one-file edit builds a library's entries and BM25 tokens again from every module (re-exports cross
files), and reading docstrings (first sentences, examples, summaries) and tokenising names and
summaries was a third of that: ~2 s of the 6 s transformers with sympy took. Each function made a
`TextMemo` remembers its results by text for one build, as ``functools.lru_cache`` did; a build may
start from what the last one kept (`seed`), read back by the text's digest, so only the texts an
edit changed are read again. What is kept is only ever a function's own result for that exact
text: the caller binds it to the code that computed it (a changed function makes it worthless).
A process that builds the library again (a server, after an edit) hands each memo what it held at
the end of the last build (`held_texts`, `hold_texts`): no text is read back or digested then.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any, Generic, TypeVar

Value = TypeVar("Value")

#: how many texts each memo holds before it starts again (transformers and sympy: ~15,000 distinct
#: docstrings, ~40,000 texts tokenised)
_LIMIT = 1 << 16


class TextMemo(Generic[Value]):
    """``function`` of a text, remembered; ``stored``: its result as JSON keeps it (None: not one of
    its results, computed again), its inverse being ``to_json``."""

    def __init__(self, function: Callable[[str], Value], stored: Callable[[Any], Value | None],
                 to_json: Callable[[Value], Any] = lambda value: value) -> None:
        self._function, self._stored, self._to_json = function, stored, to_json
        self._values: dict[str, tuple[str | None, Value]] = {}  # text -> (its digest, if known; value)
        self._seeds: dict[str, Any] = {}  # digest -> JSON value, from the last build
        self.__doc__ = function.__doc__

    def __call__(self, text: str) -> Value:
        known = self._values.get(text)
        if known is not None:
            return known[1]
        digest, value = None, None
        if self._seeds and isinstance(text, str):
            digest = _digest(text)
            value = self._stored(self._seeds.get(digest))
        if value is None:
            value = self._function(text)
        if len(self._values) >= _LIMIT:
            self._values.clear()
        self._values[text] = (digest, value)
        return value

    def seed(self, kept: dict[str, Any]) -> None:
        """Start from what `kept` gave at the end of a build with the same function."""
        self._seeds = kept

    def kept(self) -> dict[str, Any]:
        """This build's results by the text's digest, as JSON (but those no UTF-8 file holds: a lone
        surrogate in a docstring is passed on by the functions, and mended later, in `ingest`)."""
        kept = {}
        for text, (digest, value) in self._values.copy().items():
            stored = self._to_json(value)
            if _utf8(stored):
                kept[digest or _digest(text)] = stored
        return kept

    def held(self) -> dict[str, tuple[str | None, Value]]:
        """What this memo holds now (a new build starts from a new dict: this one is not changed by it)."""
        return self._values

    def hold(self, values: dict[str, tuple[str | None, Value]]) -> None:
        """Start from what `held` gave at the end of a build in this process (and from no seeds)."""
        self._values, self._seeds = values, {}

    def clear(self) -> None:
        self._values, self._seeds = {}, {}


@functools.lru_cache(maxsize=_LIMIT)
def _digest(text: str) -> str:
    """The key a text's results are kept by (remembered: several memos read the same docstring)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


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
_MEMOS: dict[str, TextMemo] = {}


def text_memo(name: str, stored: Callable[[Any], Any], to_json: Callable[[Any], Any] = lambda v: v):
    """Decorate a pure function of a text as the `TextMemo` called ``name``."""
    def made(function: Callable[[str], Value]) -> TextMemo[Value]:
        memo = _MEMOS[name] = TextMemo(function, stored, to_json)
        return memo
    return made


def seed_kept_texts(kept: dict[str, Any]) -> None:
    """Start each memo from what `kept_texts_of_build` gave (names it does not know are ignored)."""
    for name, memo in _MEMOS.items():
        values = kept.get(name)
        memo.seed(values if isinstance(values, dict) else {})


#: each memo's `held` values, by its name
HeldTexts = dict[str, dict[str, tuple[str | None, Any]]]


def held_texts() -> HeldTexts:
    return {name: memo.held() for name, memo in _MEMOS.items()}


def hold_texts(held: HeldTexts) -> None:
    """Start each memo from what `held_texts` gave at the end of a build in this process."""
    for name, memo in _MEMOS.items():
        memo.hold(dict(held.get(name, {})))


def kept_texts_of_build() -> dict[str, dict[str, Any]]:
    return {name: memo.kept() for name, memo in _MEMOS.items()}


def forget_kept_texts() -> None:
    for memo in _MEMOS.values():
        memo.clear()
    _digest.cache_clear()

"""Switches a comment turns on or off in everyday words.

A boolean parameter whose words the comment says is asked for (``sort_keys`` <- "keys sorted",
``bold`` <- "make it bold", ``ignore_nan`` <- "NaN ... write null"); one that is on by default is
turned off by a negated mention ("without the header"). Order parameters (``reverse``,
``descending``) follow how people say an order: "best first", "high to low", "newest first".
Only words and general phrasing decide, never one library's names.
"""

from __future__ import annotations

import re

from apiary.docs.entry import Param
from apiary.words import split_identifier, stem

#: words in parameter names that say how, not what: they need no mention of their own
_HOW_WORDS = frozenset({
    "use", "is", "auto", "allow", "enable", "do", "with", "ignore", "should", "include", "show", "as",
    "for", "to", "of", "in", "on", "by", "the", "a", "an", "and", "or",
})
#: an order from the top: biggest, best, newest, last first
_DESCENDING = re.compile(
    r"\b(descending|decreasing|reversed?|high(?:est)? to low|(?:highest|largest|biggest|best|newest|latest|most recent|"
    r"greatest|longest|most)(?:\s+\w+)?\s+first|top)\b",
    re.IGNORECASE,
)
_ORDER_PARAMS = frozenset({"reverse", "descending", "desc", "reversed"})
_NEGATION = r"(?:no|without|not|don't|dont|never|skip|drop)\s+(?:the\s+|any\s+)?"
_TOKEN = re.compile(r"[A-Za-z]+")


def stated_flags(comment: str, params: list[Param], present: set[str], api_path: str = "") -> dict[str, bool]:
    """Boolean parameters not in ``present`` that the comment sets, with the value it asks for. A word
    of the API's own path (``json`` of ``simplejson.dumps``) is what the whole call is about, so it
    says nothing about one switch (``for_json``)."""
    topic = api_path.lower()
    tokens = [t.lower() for t in _TOKEN.findall(comment)]
    stems = {stem(t) for t in tokens}
    flags: dict[str, bool] = {}
    #: flags named by the same words ("allow_nan", "ignore_nan"): the comment cannot tell them apart
    said_by: dict[frozenset[str], list[str]] = {}
    for param in params:
        if param.name in present or not _is_flag(param):
            continue
        default = param.default == "True"
        if param.name.lower() in _ORDER_PARAMS:
            if not default and _DESCENDING.search(comment):
                flags[param.name] = True
            continue
        words = [
            w.lower() for w in split_identifier(param.name) if w.lower() not in _HOW_WORDS and w.lower() not in topic
        ]
        if not words or not all(_said(w, stems, tokens) for w in words):
            continue
        negated = any(re.search(_NEGATION + re.escape(t), comment, re.IGNORECASE) for t in tokens if _said_as(t, words))
        said_by.setdefault(frozenset(words), []).append(param.name)
        if not default and not negated:
            flags[param.name] = True
        elif default and negated:
            flags[param.name] = False
    ambiguous = {name for names in said_by.values() if len(names) > 1 for name in names}
    return {name: value for name, value in flags.items() if name not in ambiguous}


def _is_flag(param: Param) -> bool:
    annotation = (param.annotation or "").replace(" ", "")
    return param.default in ("True", "False") or annotation in ("bool", "bool|None", "Optional[bool]")


def _said(word: str, stems: set[str], tokens: list[str]) -> bool:
    """A parameter word the comment says: the same stem, or (for a long word) inside one of its words
    (``escape`` in "escaped", ``autoescape``'s ``escape``)."""
    return stem(word) in stems or (
        len(word) >= 5 and any(word in t or (len(t) >= 5 and stem(t) in word) for t in tokens)
    )


def _said_as(token: str, words: list[str]) -> bool:
    return any(
        stem(token) == stem(w) or (len(w) >= 5 and (w in token or (len(token) >= 5 and stem(token) in w)))
        for w in words
    )

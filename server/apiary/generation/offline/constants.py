"""Constants a comment states: numbers (also written as words), quoted strings, names in backticks;
and where the comment mentions a parameter ("batch size of 3" -> ``batch_size=3``).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from apiary.docs.entry import Param
from apiary.words import split_identifier, stem

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "thousand": 1000, "twice": 2, "thrice": 3, "once": 1, "single": 1, "double": 2, "triple": 3,
    "half": 0.5, "dozen": 12, "pairs": 2, "twos": 2, "threes": 3, "fours": 4, "fives": 5, "tens": 10,
}
# Numbers only in numeric contexts: "one row per address" states no 1. (Ordinals are never counts:
# "the first two batches" is 2.)
_WEAK_WORDS = {"one", "single", "half", "once"}
_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:_\d+)*(?:\.\d+)?(?:[eE][-+]?\d+)?%?(?![\w])")
_WORD = re.compile(r"[A-Za-z]+")
#: a quote inside a word is an apostrophe, not a string's end: "what's wrong (don't raise)" quotes nothing
_QUOTED = re.compile(r"(?<!\w)'([^'\n]{1,80})'(?!\w)|\"([^\"\n]{1,80})\"")
_BACKTICKED = re.compile(r"`([^`\n]{1,80})`")
#: annotations of the parameters a number, or a quoted string, can be given to
NUMERIC_ANNOTATION = re.compile(r"\b(?:int|float|Number|complex)\b")
_STR_ANNOTATION = re.compile(r"\b(?:str|AnyStr|StrPath|PathLike)\b")


@dataclass(frozen=True)
class Constant:
    value: int | float | str
    #: character offset in the comment, for matching to nearby parameter mentions
    position: int
    #: "number", "string", "name"
    kind: str
    #: written as a word ("six") rather than digits: weaker evidence
    word: bool = False

    def literal(self) -> str:
        if self.kind == "string":
            return repr(self.value)
        if isinstance(self.value, float) and self.value.is_integer() and self.kind == "number":
            return str(int(self.value))
        return str(self.value)


def comment_constants(comment: str) -> list[Constant]:
    """Numbers, strings and names the comment states, in order of appearance. Read once per comment:
    every template and adaptation of a request asks for them (55 times for one comment, measured)."""
    return list(_comment_constants(comment))


@functools.lru_cache(maxsize=256)
def _comment_constants(comment: str) -> tuple[Constant, ...]:
    found: list[Constant] = []
    quoted_spans: list[tuple[int, int]] = []
    for match in _QUOTED.finditer(comment):
        found.append(Constant(match.group(1) or match.group(2), match.start(), "string"))
        quoted_spans.append(match.span())
    for match in _BACKTICKED.finditer(comment):
        text = match.group(1)
        kind = "name" if text.isidentifier() else "string"
        found.append(Constant(text, match.start(), kind))
        quoted_spans.append(match.span())
    outside = _blank_spans(comment, quoted_spans)
    for match in _NUMBER.finditer(outside):
        found.append(Constant(_parse_number(match.group(0)), match.start(), "number"))
    for match in _WORD.finditer(outside):
        word = match.group(0).lower()
        if word in _UNITS and (word not in _WEAK_WORDS or _numeric_context(outside, match)):
            found.append(Constant(_UNITS[word], match.start(), "number", word=True))
    return tuple(sorted(found, key=lambda c: c.position))


def _blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _parse_number(text: str) -> int | float:
    text = text.replace("_", "")
    if text.endswith("%"):
        return float(text[:-1]) / 100
    value = float(text)
    return int(value) if value.is_integer() and "." not in text and "e" not in text.lower() else value


def _numeric_context(text: str, match: re.Match) -> bool:
    """"one time", "one batch" are numbers; "one row per address" is not."""
    after = text[match.end():match.end() + 20].lower()
    return bool(re.match(r"\s+(?:times?\b|batch|element|item|copy|copies|instance)", after))


def data_key_constants(comment: str, keys: list[str]) -> list[Constant]:
    """Field names of the user's own data (dict keys in their code) that the comment mentions:
    the strings a data library's calls most often need ("count per ``status``")."""
    found: list[Constant] = []
    for key in keys:
        words = [stem(w) for w in split_identifier(key)]
        for match in _WORD.finditer(comment):
            if words and stem(match.group(0).lower()) == words[0]:
                found.append(Constant(key, match.start(), "string"))
                break
    return found


def parameter_mentions(comment: str, parameter: str) -> list[int]:
    """Offsets where the comment mentions a parameter (or any identifier) by its words (``buffer_size`` ->
    "buffer size", ``Book`` -> "books")."""
    words = [stem(w) for w in split_identifier(parameter)]
    if not words:
        return []
    tokens = [(m.start(), stem(m.group(0).lower())) for m in _WORD.finditer(comment)]
    positions: list[int] = []
    for i in range(len(tokens) - len(words) + 1):
        if all(tokens[i + j][1] == words[j] for j in range(len(words))):
            positions.append(tokens[i + len(words) - 1][0])
    return positions


def _right_before(comment: str, start: int, mention: int) -> bool:
    """Whether the number written at ``start`` is the word just before the mention at ``mention``."""
    return start < mention and re.fullmatch(r"[^\s-]+[ \t-]", comment[start:mention]) is not None



def takes_number(param: Param) -> bool:
    """Whether a number the comment states could be this parameter's value: not where it is
    annotated with, or defaults to, something else (``url: str`` never takes "page 3"'s 3)."""
    if param.annotation:
        return bool(NUMERIC_ANNOTATION.search(param.annotation))
    default = param.default or ""
    return not (default[:1] in ("'", '"', "[", "{", "(") or default in ("True", "False"))


def takes_string(param: Param) -> bool:
    """Whether a string the comment quotes could be this parameter's value (``user_agent: str | None``;
    not ``retries: int``)."""
    if param.annotation:
        return bool(_STR_ANNOTATION.search(param.annotation))
    default = param.default or ""
    return not (_NUMBER.fullmatch(default) or default in ("True", "False"))


def _quoted(comment: str, constant: Constant) -> bool:
    """A string the comment quotes, not a field of the user's data it names (`data_key_constants`)."""
    return comment[constant.position:constant.position + 1] in ("'", '"')



def bind_to_parameters(comment: str, params: Sequence[Param], constants: list[Constant], *,
                       max_distance: int) -> dict[str, Constant]:
    """Give each parameter mentioned in the comment the number written right before its mention
    ("3 months", "ten retries"), else the first number or quoted string it can take that follows
    the mention within ``max_distance`` characters ("page size of 3", "user agent 'bot/1.0'";
    `OfflineWeights.bind_distance`)."""
    kinds = {p.name: {k for k, takes in (("number", takes_number(p)), ("string", takes_string(p))) if takes}
             for p in params}
    bound: dict[str, Constant] = {}
    used: set[int] = set()
    mentions = sorted((pos, name) for name in kinds for pos in parameter_mentions(comment, name))
    # found by bisection: a comment may be long and say many numbers (200 comment lines are read)
    ordered = sorted(constants, key=lambda c: c.position)
    starts = [c.position for c in ordered]
    numbers = [c for c in ordered if c.kind == "number"]
    number_starts = [c.position for c in numbers]
    for position, name in mentions:
        if name in bound or "number" not in kinds[name]:
            continue
        nearest = bisect.bisect_left(number_starts, position) - 1
        before = numbers[nearest] if nearest >= 0 else None
        if before is not None and before.position not in used and _right_before(comment, before.position, position):
            bound[name] = before
            used.add(before.position)
    for position, name in mentions:
        at = bisect.bisect_right(starts, position)
        while name not in bound and at < len(ordered) and ordered[at].position - position < max_distance:
            constant = ordered[at]
            at += 1
            if (constant.position not in used and constant.kind in kinds[name]
                    and (constant.kind == "number" or _quoted(comment, constant))):
                bound[name] = constant
                used.add(constant.position)
    return bound

"""Where a completion ends: at a stop sequence, or where the statement or block the cursor is in ends.

Pure functions over text; no model, no editor. Streaming backends use :class:`StopChecker` to end
generation early (it says whether the text generated so far is already past its end) and its
``finish`` to cut the final text the same way (:func:`finish_completion` for a one-off).

Scopes (the ``scope`` argument, the ``GenerationRequest.scope`` field):

``"line"``
    the statement the cursor is in: its logical line, brackets and ``\\`` continuations included.
``"block"``
    the block the cursor is in: lines until one dedents below the cursor's statement.
``"auto"``
    like Tabby's post-processing by indentation: a statement begun on the cursor line ends with its
    logical line unless it opens a block (``for x in xs:``), whose body is kept up to the first line
    that dedents to the header's indentation (``else:``/``elif``/``except``/``finally`` of that
    statement continue it); on a fresh line the completion may write several statements and ends
    at the first line that dedents below the first one (or, right after a block header, to the
    header's indentation).

Brackets, strings and comments are tracked by a small scanner rather than :mod:`tokenize`: the
candidates are incomplete code by nature (generation is cut mid-token), and ``tokenize``'s error
behaviour on incomplete input changed between Python 3.11 and 3.12.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

#: The stop sequences of Codex/HumanEval (Chen et al. 2021), also used by CERT and APICoder.
DEFAULT_STOPS: tuple[str, ...] = ("\nclass", "\ndef", "\n#", "\nif", "\nprint")
SCOPES = ("line", "block", "auto")

# Triple quotes first; a backslash escapes one character (or continues the line).
_SIGNIFICANT = re.compile(r"\"\"\"|'''|\\(?:\r\n|.)|[#\"'()\[\]{}\n]", re.S)
_COMPOUND_WORDS = ("else", "elif", "except", "finally")
_CONTINUES_COMPOUND = re.compile(r"(else|elif|except|finally)\b")


# ---------------------------------------------------------------------------------------------
# Stop sequences


def find_stop(text: str, stops: Iterable[str]) -> int | None:
    """Index of the earliest occurrence of any non-empty stop sequence in ``text``."""
    found = [i for s in stops if s and (i := text.find(s)) >= 0]
    return min(found) if found else None


def truncate_at_stops(text: str, stops: Iterable[str] = DEFAULT_STOPS) -> str:
    """``text`` up to (not including) the first stop sequence."""
    i = find_stop(text, stops)
    return text if i is None else text[:i]


# ---------------------------------------------------------------------------------------------
# A scanner for logical lines


@dataclass(frozen=True)
class _Lex:
    depth: int = 0  # open brackets
    quote: str = ""  # the open string's delimiter, "" outside strings


def _scan(text: str, lex: _Lex | None = None) -> tuple[list[int], list[tuple[int, int]], _Lex]:
    """Scan ``text`` from state ``lex``: the newlines that end logical lines, the comment spans,
    and the state at the end. An unterminated one-quote string ends at its line's end."""
    depth, quote = (lex.depth, lex.quote) if lex else (0, "")
    ends: list[int] = []
    comments: list[tuple[int, int]] = []
    pos = 0
    while (m := _SIGNIFICANT.search(text, pos)) is not None:
        tok, pos = m.group(), m.end()
        if quote:
            if tok == quote or tok == quote * 3:  # 'a''' is 'a' then ''
                quote = ""
            elif tok == "\n" and len(quote) == 1:
                quote = ""
                if depth == 0:
                    ends.append(m.start())
        elif tok == "#":
            stop = text.find("\n", pos)
            stop = len(text) if stop < 0 else stop
            comments.append((m.start(), stop))
            pos = stop
        elif tok in ("'", '"', "'''", '"""'):
            quote = tok
        elif tok in "([{":
            depth += 1
        elif tok in ")]}":
            depth = max(0, depth - 1)
        elif tok == "\n" and depth == 0:
            ends.append(m.start())
    return ends, comments, _Lex(depth, quote)


def _code(line: str) -> str:
    """``line`` (a logical line) without its comments and trailing whitespace."""
    _, comments, _ = _scan(line)
    for start, stop in reversed(comments):
        line = line[:start] + line[stop:]
    return line.rstrip()


def _opens_block(line: str) -> bool:
    return _code(line).endswith(":")


def _indent(line: str) -> int:
    line = line.lstrip("\n")
    head = line[: len(line) - len(line.lstrip(" \t"))]
    return len(head.expandtabs(4))


def _logical_lines(text: str, lex: _Lex) -> list[tuple[int, int | None]]:
    """(start, end) of each logical line of ``text``; the last one is unfinished (end None)."""
    ends, _, _ = _scan(text, lex)
    starts = [0] + [e + 1 for e in ends]
    return list(zip(starts, [*ends, None], strict=True))


# ---------------------------------------------------------------------------------------------
# Statement and block ends


@dataclass(frozen=True)
class _Cursor:
    lex: _Lex  # scanner state at the cursor
    head: str  # the logical line up to the cursor
    head_indent: int
    header_indent: int | None  # the block header the cursor's (blank) line follows, if any


def _cursor(prefix_text: str) -> _Cursor:
    ends, _, lex = _scan(prefix_text)
    head = prefix_text[ends[-1] + 1 :] if ends else prefix_text
    header_indent = None
    for i in range(len(ends) - 1, -1, -1):
        line = prefix_text[ends[i - 1] + 1 if i else 0 : ends[i]]
        if _code(line).strip():
            header_indent = _indent(line) if _opens_block(line) else None
            break
    return _Cursor(lex, head, _indent(head), header_indent)


def _cut_index(cursor: _Cursor, text: str, scope: str, final: bool = True) -> int | None:
    """Where ``text`` (generated at ``cursor``) should be cut, or None if it has not ended yet
    (``final``: no more text will come)."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}, not {scope!r}")
    lines = _logical_lines(text, cursor.lex)
    end0 = lines[0][1]
    head_code = _code(cursor.head).strip()
    if head_code and (end0 is None or text[:end0].strip()):
        # Continuing the statement on the cursor line.
        if end0 is None:
            return None
        opener = _opens_block(cursor.head + text[:end0])
        if scope == "line" or (scope == "auto" and not opener):
            return end0
        limit = cursor.head_indent + 1 if opener else cursor.head_indent
        compound = cursor.head_indent if opener else None
        return _first_dedent(text, lines[1:], limit, compound, final)
    # A fresh line: find the first line with code in the completion.
    for k, (start, end) in enumerate(lines):
        line = cursor.head + text[:end] if k == 0 else text[start:end]
        if k == 0 and head_code:
            continue  # the cursor line was complete; the completion starts on the next line
        if _code(line).strip():
            break
    else:
        return None
    if end is None:
        return None
    if scope == "line":
        return end
    header = cursor.head_indent if head_code and _opens_block(cursor.head) else cursor.header_indent
    limit = header + 1 if header is not None else _indent(line)
    return _first_dedent(text, lines[k + 1 :], limit, None, final)


def _first_dedent(
    text: str, lines: list[tuple[int, int | None]], limit: int, compound: int | None, final: bool
) -> int | None:
    """Start of the first line (with code) indented less than ``limit``; lines continuing the
    compound statement whose header is at ``compound`` (``else:``...) do not count."""
    for start, end in lines:
        line = text[start:end]
        if not line.strip():
            continue
        indent = _indent(line)
        if indent >= limit:
            continue
        if compound is not None and indent == compound:
            word = line.strip()
            if _CONTINUES_COMPOUND.match(word):
                continue
            if end is None and not final and any(w.startswith(word) for w in _COMPOUND_WORDS):
                return None  # may still become `else:`
        return start
    return None


def end_of_statement_or_block(prefix_text: str, completion: str, scope: str = "auto") -> str:
    """``completion`` cut where the statement or block begun at the end of ``prefix_text`` ends
    (see the module's doc for ``scope``); trailing whitespace and blank lines removed."""
    cut = _cut_index(_cursor(prefix_text), completion, scope)
    return (completion if cut is None else completion[:cut]).rstrip()


def truncate_by_indentation(completion: str, cursor_line_prefix: str, scope: str = "auto") -> str:
    """:func:`end_of_statement_or_block` knowing only the cursor's line (so a block header on the
    line above a blank cursor line is not seen)."""
    return end_of_statement_or_block(cursor_line_prefix, completion, scope)


# ---------------------------------------------------------------------------------------------
# For streaming backends


class StopChecker:
    """Says whether text generated so far can stop, and cuts the final text.

    ``prefix_text`` is the code before the cursor (the prompt's tail will do, but a prompt whose
    preamble is not code can leave brackets open); ``scope`` None checks stop sequences only.
    """

    def __init__(self, stops: Iterable[str] = (), prefix_text: str = "", scope: str | None = None):
        self.stops = tuple(s for s in stops if s)
        self.scope = scope
        if scope is not None and scope not in SCOPES:
            raise ValueError(f"scope must be one of {SCOPES}, not {scope!r}")
        self._cursor = _cursor(prefix_text) if scope is not None else None

    def cut_index(self, text: str, final: bool = False) -> int | None:
        """Where ``text`` ends (a stop sequence or the end of the scope), None if not yet;
        ``final``: generation is over (a last line ``e`` will not become ``else:``)."""
        cut = find_stop(text, self.stops)
        if self._cursor is not None:
            scoped = _cut_index(self._cursor, text if cut is None else text[:cut], self.scope, final)
            cut = scoped if scoped is not None else cut
        return cut

    def should_stop(self, text: str) -> bool:
        return self.cut_index(text) is not None

    def finish(self, text: str) -> str:
        """The final completion: cut at its end; with a scope, trailing blank lines removed."""
        cut = self.cut_index(text, final=True)
        text = text if cut is None else text[:cut]
        return text.rstrip() if self._cursor is not None else text


def finish_completion(
    text: str, stops: Iterable[str] = (), prefix_text: str = "", scope: str | None = None
) -> str:
    """The final text of a completion: cut at the first stop sequence, then at the scope's end."""
    return StopChecker(stops, prefix_text, scope).finish(text)


__all__ = [
    "DEFAULT_STOPS",
    "SCOPES",
    "StopChecker",
    "end_of_statement_or_block",
    "find_stop",
    "finish_completion",
    "truncate_at_stops",
    "truncate_by_indentation",
]

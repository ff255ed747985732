"""The file filters of CERT/PyCodeGPT (CERT, Appendix A.1).

Kept: files of >= 5 lines, average line <= 100 characters, longest line <= 1000, "alphanumeric rate"
>= 0.98, that parse with `ast`, hold more than two typical Python keywords, and are not generated
(``setup.py``, ``__init__.py``, ``*_pb2.py`` or an auto-generated marker). License headers and
comments with a rate < 0.5 are removed first.

The "alphanumeric rate" is read as the share of ASCII characters among the non-blank ones: CERT's
footnote says the rule makes the model "only target the English version", and letters and
digits alone make up only about 70% of ordinary code, so the literal reading at 0.98 would drop
nearly every file.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass

from apiary_training.corpus.sources import SkipFile

_GENERATED_MARKER = re.compile(
    r"auto-?generated|generated\s+(?:by|from|with)|do\s+not\s+(?:edit|modify)", re.IGNORECASE)
_LICENSE = re.compile(r"licen[sc]e|copyright|spdx", re.IGNORECASE)
_KEYWORD = re.compile(r"\b(def|if|elif|else|return|for|while|import|from|class|with|try|except|in|yield)\b")
_MARKER_WINDOW = 2000  # markers sit in the header; scanning more would catch prose about generators


@dataclass(frozen=True)
class FilterSettings:
    """The thresholds, defaulting to CERT's; ``quality=False`` keeps only the parse/decode checks."""

    min_lines: int = 5
    max_average_line: float = 100.0
    max_line: int = 1000
    min_ascii_rate: float = 0.98
    comment_min_ascii_rate: float = 0.5
    min_keywords: int = 3
    max_bytes: int = 1_000_000  # Codex's limit, which CERT follows
    generated_names: tuple[str, ...] = ("setup.py", "__init__.py")
    generated_suffixes: tuple[str, ...] = ("_pb2.py", "_pb2_grpc.py")
    quality: bool = True


def check_file(name: str, text: str, settings: FilterSettings) -> tuple[str, ast.Module]:
    """The cleaned text and its syntax tree, or `SkipFile` with the first rule the file breaks."""
    if settings.quality and is_generated(name, text, settings):
        raise SkipFile("generated file")
    tree = parse(text)
    if not settings.quality:
        return text, tree
    cleaned = remove_comments(text, settings.comment_min_ascii_rate)
    if cleaned != text:
        tree = parse(cleaned)
    reason = quality_reason(cleaned, settings)
    if reason:
        raise SkipFile(reason)
    return cleaned, tree


def parse(text: str) -> ast.Module:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:  # ValueError: NUL bytes
        raise SkipFile("syntax error") from error


def is_generated(name: str, text: str, settings: FilterSettings) -> bool:
    base = name.rsplit("/", 1)[-1]
    if base in settings.generated_names or base.endswith(settings.generated_suffixes):
        return True
    return bool(_GENERATED_MARKER.search(text[:_MARKER_WINDOW]))


def quality_reason(text: str, settings: FilterSettings) -> str | None:
    """The first length, rate or keyword rule ``text`` breaks, or None."""
    lines = text.splitlines()
    code_lines = [line for line in lines if line.strip()]
    if len(code_lines) < settings.min_lines:
        return f"fewer than {settings.min_lines} lines"
    if sum(map(len, lines)) / len(lines) > settings.max_average_line:
        return "average line too long"
    if max(map(len, lines)) > settings.max_line:
        return "line too long"
    if ascii_rate(text) < settings.min_ascii_rate:
        return "low alphanumeric rate"
    if len(set(_KEYWORD.findall(text))) < settings.min_keywords:
        return "too few python keywords"
    return None


def ascii_rate(text: str) -> float:
    """Share of ASCII characters among the non-whitespace ones (1.0 for blank text)."""
    visible = [char for char in text if not char.isspace()]
    return sum(char.isascii() for char in visible) / len(visible) if visible else 1.0


def remove_comments(text: str, min_ascii_rate: float) -> str:
    """Drop a license header (the comment lines opening the file, if they mention a license) and every
    comment whose ASCII rate is below ``min_ascii_rate``; shebang and encoding lines stay."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return text
    header = _header_comments(tokens)
    license_rows = {t.start[0] for t in header} if any(_LICENSE.search(t.string) for t in header) else set()
    cuts = {t.start[0]: t.start[1] for t in tokens if t.type == tokenize.COMMENT
            and (t.start[0] in license_rows or ascii_rate(t.string) < min_ascii_rate)}
    if not cuts:
        return text
    kept = []
    for row, line in enumerate(text.splitlines(keepends=True), start=1):
        column = cuts.get(row)
        if column is None:
            kept.append(line)
        elif line[:column].strip():  # code before an inline comment stays
            kept.append(line[:column].rstrip() + "\n")
    return "".join(kept)


def _header_comments(tokens: list[tokenize.TokenInfo]) -> list[tokenize.TokenInfo]:
    header = []
    for token in tokens:
        if token.type == tokenize.COMMENT:
            if not (token.start[0] <= 2 and (token.string.startswith("#!") or "coding" in token.string)):
                header.append(token)
        elif token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.ENCODING):
            break
    return header

"""Signatures as documentation writes them (``(path, sep=',', *, header=True) -> Table``), parsed.

The one place every ingester turns a signature string into `Param`s, so that a JSON Lines file, a
reST directive, a Markdown heading and a built HTML page all yield the same entry for the same API.
"""

from __future__ import annotations

import ast
import re
from typing import NamedTuple

from apiary.brackets import matching_close
from apiary.docs.entry import Param, signature_text

# A leading dotted name, optional PEP 695 type parameters (``f[T]``), then whatever follows.
_NAME_THEN_REST = re.compile(r"^\s*(?P<name>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*(?:\[[^\]()]*\])?(?P<rest>.*)$", re.S)


class ParsedSignature(NamedTuple):
    #: ``(a, b=1) -> R``: re-rendered when it parsed, else the text as written; "" when there is none.
    text: str
    params: tuple[Param, ...]
    returns: str | None


def parse_signature(text: str, *, bound: bool = False) -> ParsedSignature:
    """Parse ``(params) -> returns``; on a syntax error keep the text as written and no params.

    ``bound`` drops a leading ``self``/``cls`` (methods, and class signatures written like ``__init__``).
    """
    raw = normalize_signature(text)
    if not raw:
        return ParsedSignature("", (), None)
    close = matching_close(raw, 0)
    if close is None:
        return ParsedSignature(raw, (), _returns_after_arrow(raw))
    returns = _returns_after_arrow(raw[close + 1 :])
    params = _parse_params(raw[1:close])
    if params is None:
        return ParsedSignature(raw, (), returns)
    if bound and params and params[0].name in ("self", "cls") and params[0].kind != "var_positional":
        params = params[1:]
    return ParsedSignature(signature_text(params, returns), params, returns)


def normalize_signature(text: str) -> str:
    """One line, ``→`` as ``->``, always starting with ``(``; "" for no signature."""
    text = re.sub(r"\s+", " ", text.replace("\u2192", "->")).strip().rstrip(":").strip()
    if not text:
        return ""
    if not text.startswith("("):
        head, arrow, tail = text.partition("->")
        text = f"({head.strip()})" + (f" -> {tail.strip()}" if arrow else "")
    return re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", text))


def split_name_and_signature(text: str) -> tuple[str, str] | None:
    """``honeycomb.read_table(path) -> T`` -> (``honeycomb.read_table``, ``(path) -> T``); None if no name leads."""
    match = _NAME_THEN_REST.match(text)
    if not match:
        return None
    return match.group("name"), match.group("rest").strip()


def _returns_after_arrow(text: str) -> str | None:
    head, arrow, tail = text.partition("->")
    if not arrow or head.strip().count("(") != head.strip().count(")"):
        return None
    return tail.strip() or None


def _parse_params(inner: str) -> tuple[Param, ...] | None:
    source = f"def _({inner}): pass"
    try:
        func = ast.parse(source).body[0]
    except SyntaxError:
        return None
    assert isinstance(func, ast.FunctionDef)
    args = func.args

    def seg(node: ast.AST | None) -> str | None:
        return ast.get_source_segment(source, node) if node is not None else None

    positional = [(a, "positional_only") for a in args.posonlyargs] + [(a, "positional_or_keyword") for a in args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    params = [Param(a.arg, kind, seg(a.annotation), seg(d)) for (a, kind), d in zip(positional, defaults, strict=True)]
    if args.vararg:
        params.append(Param(args.vararg.arg, "var_positional", seg(args.vararg.annotation)))
    for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        params.append(Param(a.arg, "keyword_only", seg(a.annotation), seg(d)))
    if args.kwarg:
        params.append(Param(args.kwarg.arg, "var_keyword", seg(args.kwarg.annotation)))
    return tuple(params)


__all__ = ["ParsedSignature", "normalize_signature", "parse_signature", "split_name_and_signature"]

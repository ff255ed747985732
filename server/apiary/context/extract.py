"""Editor context from a text and a cursor offset: the entry point of this package.

The text before the cursor usually ends mid-statement (`new_dp =`), so it does not parse; the
tree-sitter tree still holds every complete statement around the broken one, and the cursor line
itself is read as text. Nothing here raises on odd input: the worst case is an empty context.
"""

from __future__ import annotations

import builtins
import keyword
import logging

import tree_sitter

from apiary.context import cursor
from apiary.context.document import PYTHON, ParsedDocument
from apiary.context.imports import collect_imports, libraries
from apiary.context.intent import find_intent
from apiary.context.model import EditorContext, empty_context
from apiary.context.resolve import Env, resolve, strip_call
from apiary.context.scope import visible_scope
from apiary.context.syntax import Site, captures, enclosing_definitions, text_of

logger = logging.getLogger(__name__)

IDENTIFIER_WINDOW = 30
_IDENTIFIERS = tree_sitter.Query(PYTHON, "(identifier) @id")
_NOT_IDENTIFIERS = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))


def extract_context(text: str, offset: int, document: ParsedDocument | None = None) -> EditorContext:
    """The editor context at string offset `offset` of `text` (clamped to the text).

    `document` is reused when it holds exactly `text`; otherwise the text is parsed here.
    """
    offset = max(0, min(offset, len(text)))
    if document is None or document.text != text:
        document = ParsedDocument.parse(text)
    try:
        return _extract(Site.at(document, offset))
    except Exception:  # a completion must never fail on odd text; the log keeps the bug visible
        logger.exception("context extraction failed at offset %d", offset)
        return empty_context(text, offset)


def extract_context_from_prefix(text_before: str) -> EditorContext:
    """The context with the cursor at the end of `text_before` (a benchmark prompt, say)."""
    return extract_context(text_before, len(text_before))


def _extract(site: Site) -> EditorContext:
    text = site.doc.text
    line_prefix = site.line_prefix
    unit = cursor.indent_unit(site)
    indent = cursor.statement_indent(site, unit)
    chain = enclosing_definitions(site, cursor.indent_width_of(indent))
    scope = visible_scope(site, chain)
    imports = collect_imports(site)
    intent = find_intent(site, chain)
    quiet = cursor.in_tree_string(site) or cursor.lexical_state(line_prefix) != "code"
    prefix = "" if quiet else cursor.typed_prefix(line_prefix)
    receiver = None if quiet else cursor.receiver_text(line_prefix, prefix)
    receiver_value = _resolve_receiver(receiver, scope.env)
    return EditorContext(
        text_before=text[: site.offset],
        text_after=text[site.offset :],
        intent=intent.text,
        intent_lines=intent.lines,
        imports=imports,
        libraries=libraries(imports),
        scope=scope.origins,
        receiver=receiver,
        receiver_origin=strip_call(receiver_value),
        prefix=prefix,
        assign_target=None if quiet else cursor.assign_target(line_prefix),
        code_identifiers=code_identifiers(site),
        line_prefix=line_prefix,
        indent=indent,
        receiver_value=receiver_value,
        indent_unit=unit,
        in_comment_or_string=quiet,
    )


def _resolve_receiver(receiver: str | None, env: Env) -> str | None:
    path = cursor.receiver_notation(receiver) if receiver else None
    return resolve(path, env, follow_locals=True)[0] if path else None


def code_identifiers(site: Site) -> tuple[str, ...]:
    """Identifiers in the last ~30 code lines before the cursor, most recent first, unique."""
    first_row = site.row
    code_rows = 0
    while first_row > max(0, site.row - 10 * IDENTIFIER_WINDOW) and code_rows < IDENTIFIER_WINDOW:
        first_row -= 1
        stripped = site.doc.line(first_row).strip()
        if stripped and not stripped.startswith("#"):
            code_rows += 1
    nodes = captures(_IDENTIFIERS, site, site.doc.byte_line_starts[first_row], site.byte)
    found: dict[str, None] = {}
    for node in reversed(nodes):
        name = text_of(node)
        if node.end_byte < site.byte and name not in _NOT_IDENTIFIERS:
            found.setdefault(name, None)
    return tuple(found)

"""Markdown for clients that render it, plain text for the rest (per the client's capabilities)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from apiary.lsp.server import ApiaryServer


def markup(ls: ApiaryServer, text: str, formats) -> types.MarkupContent:
    """``formats`` is the client's preference list for this place (hover, completion documentation)."""
    if formats is None or types.MarkupKind.Markdown in formats:
        return types.MarkupContent(types.MarkupKind.Markdown, text)
    return types.MarkupContent(types.MarkupKind.PlainText, text)


def completion_formats(ls: ApiaryServer):
    caps = ls.client_capabilities.text_document
    item = caps.completion.completion_item if caps and caps.completion else None
    return item.documentation_format if item else None


def hover_formats(ls: ApiaryServer):
    caps = ls.client_capabilities.text_document
    return caps.hover.content_format if caps and caps.hover else None

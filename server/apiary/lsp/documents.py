"""Open documents: a tree-sitter parse per Python document, kept in step with full or incremental edits.

Positions arrive in the negotiated encoding (UTF-16 unless the client offered another) and are
converted to string offsets here, so the core only ever sees offsets. Documents larger than
`MAX_CHARS` are tracked but not parsed: features answer empty for them rather than stall.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.protocol import LanguageServerProtocol, lsp_method

from apiary.context import ParsedDocument, offset_at, position_at
from apiary.context.document import MAX_CHARS, new_parser, parser_bytes
from apiary.context.positions import LineStarts, line_text
from apiary.lsp import library_edits, lifecycle

if TYPE_CHECKING:
    from apiary.lsp.server import ApiaryServer

log = logging.getLogger(__name__)


@dataclass
class Document:
    uri: str
    language_id: str
    version: int
    parsed: ParsedDocument | None
    text_: str
    encoding: str = "utf-16"
    #: the too-large warning was given (once per document, not per keystroke)
    warned_large: bool = False
    #: the line starts of `text_` (a document too large to parse), kept in step with its edits
    starts_: LineStarts | None = None

    @property
    def text(self) -> str:
        return self.parsed.text if self.parsed is not None else self.text_

    @property
    def starts(self) -> LineStarts:
        if self.parsed is not None:
            return self.parsed.line_starts
        if self.starts_ is None:
            self.starts_ = LineStarts.of(self.text_)
        return self.starts_

    @property
    def assisted(self) -> bool:
        """Whether features should answer for this document."""
        return self.parsed is not None and (self.language_id == "python" or self.uri.endswith((".py", ".pyi")))

    def offset(self, position: types.Position) -> int:
        return offset_at(self.text, max(position.line, 0), max(position.character, 0), self.encoding, self.starts)

    def position(self, offset: int) -> types.Position:
        line, character = position_at(self.text, offset, self.encoding, self.starts)
        return types.Position(line=line, character=character)

    def snapshot(self) -> ParsedDocument | None:
        """A copy a worker may read (and parse, after edits) while the loop applies the next edit."""
        return self.parsed.snapshot() if self.parsed is not None else None

    def line(self, number: int) -> str:
        return line_text(self.text, self.starts, number) if 0 <= number < len(self.starts) else ""


def _parse(text: str, language_id: str, uri: str, warned: bool = False) -> ParsedDocument | None:
    if len(text) > MAX_CHARS:
        if not warned:  # once per document, not on every keystroke
            log.warning("%s has %d characters; too large to assist (limit %d)", uri, len(text), MAX_CHARS)
        return None
    return ParsedDocument(text, parser_bytes(text), None, new_parser())  # parsed when first needed


class DocumentStore:
    def __init__(self) -> None:
        self._docs: dict[str, Document] = {}
        self.encoding = "utf-16"

    def get(self, uri: str) -> Document | None:
        return self._docs.get(uri)

    def all(self) -> list[Document]:
        """The open documents, as a list (a handler may open or close one meanwhile)."""
        return list(self._docs.values())

    def open(self, item: types.TextDocumentItem) -> Document:
        doc = Document(item.uri, item.language_id, item.version, _parse(item.text, item.language_id, item.uri),
                       item.text, self.encoding)
        doc.warned_large = doc.parsed is None
        if doc.parsed is not None:
            doc.text_ = ""  # the parsed document holds the text
        self._docs[item.uri] = doc
        return doc

    def change(self, params: types.DidChangeTextDocumentParams) -> Document | None:
        doc = self._docs.get(params.text_document.uri)
        if doc is None:
            log.warning("change to %s, which is not open; ignored", params.text_document.uri)
            return None
        for change in params.content_changes:
            _apply(doc, change)
        doc.version = params.text_document.version
        return doc

    def close(self, uri: str) -> None:
        self._docs.pop(uri, None)


def _apply(doc: Document, change: types.TextDocumentContentChangeEvent) -> None:
    """One change, costing what it touches (and copies of the text in C): a partial change to a
    document too large to parse keeps its line starts in step rather than rescanning them."""
    if isinstance(change, types.TextDocumentContentChangePartial):
        start, end = doc.offset(change.range.start), doc.offset(change.range.end)
        start, end = min(start, end), max(start, end)
        if doc.parsed is not None and len(doc.parsed.text) - (end - start) + len(change.text) <= MAX_CHARS:
            doc.parsed.apply_change(start, end, change.text)
            return
        text = doc.text
        new_text = "".join((text[:start], change.text, text[end:]))  # one copy fewer than +
        if doc.parsed is None and len(new_text) > MAX_CHARS:
            doc.starts_ = doc.starts.edited(new_text, start, end, len(change.text))
            doc.text_ = new_text
            return
    else:
        new_text = change.text
    if doc.parsed is not None and len(new_text) <= MAX_CHARS:
        doc.parsed.replace_all(new_text)
    else:
        doc.parsed = _parse(new_text, doc.language_id, doc.uri, warned=doc.warned_large)
        doc.warned_large = doc.warned_large or doc.parsed is None
        doc.text_ = "" if doc.parsed is not None else new_text
        doc.starts_ = None


class OwnDocumentsProtocol(LanguageServerProtocol):
    """pygls's protocol without pygls's copy of every open document: Apiary keeps its own
    (`DocumentStore`, whose edits cost what they touch), while pygls's copy would re-split the
    whole text on every keystroke. The handlers registered below still run."""

    def handle_message(self, message):
        self._server.collections.heard()  # the client is active: no full collection now
        super().handle_message(message)

    def _user_handler(self, method: str, params):
        if (handler := self.fm.features.get(method)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_CLOSE, params)


def register(server: ApiaryServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: ApiaryServer, params: types.DidOpenTextDocumentParams) -> None:
        encoding = ls.workspace.position_encoding or "utf-16"
        ls.documents.encoding = getattr(encoding, "value", encoding)
        doc = ls.documents.open(params.text_document)
        lifecycle.discover_imports(ls, doc)
        library_edits.opened(ls, doc.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: ApiaryServer, params: types.DidChangeTextDocumentParams) -> None:
        doc = ls.documents.change(params)
        if doc is not None:
            ls.debouncer.typed(doc.uri)
            library_edits.typed_in(ls, doc.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: ApiaryServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.documents.close(params.text_document.uri)
        ls.debouncer.forget(params.text_document.uri)

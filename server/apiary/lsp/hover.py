"""`textDocument/hover` on a private API name: signature, description and an example."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from apiary import engine
from apiary.budget import RequestKind
from apiary.lsp.markup import hover_formats, markup

if TYPE_CHECKING:
    from apiary.lsp.server import ApiaryServer


def register(server: ApiaryServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: ApiaryServer, params: types.HoverParams) -> types.Hover | None:
        doc = ls.documents.get(params.text_document.uri)
        if not ls.answering or doc is None or not doc.assisted:
            return None
        offset = doc.offset(params.position)
        line_start = doc.offset(types.Position(params.position.line, 0))
        line = doc.text[line_start: line_start + 10_000].split("\n", 1)[0]
        word = engine.word_at(line, offset - line_start)
        if word is None:
            return None
        start, end = line_start + word[0], line_start + word[1]
        snapshot, session, name = doc.snapshot(), ls.session, line[word[0]: word[1]]

        def work():
            return engine.entry_at(session, snapshot.text, offset, end, name, snapshot)

        entry = await ls.run_blocking(work, kind=RequestKind.AUTOMATIC)
        if entry is None:
            return None
        content = markup(ls, engine.entry_markdown(entry), hover_formats(ls))
        return types.Hover(contents=content, range=types.Range(doc.position(start), doc.position(end)))

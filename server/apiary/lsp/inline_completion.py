"""`textDocument/inlineCompletion` (LSP 3.18): ghost text for the cursor from the configured generator.

Automatic triggers are debounced per document and take the fast path; an explicit invocation takes
the slow path (CERT when configured, more samples). Each item's command is `apiary.accepted` with
the completion's id, the key to its provenance (`apiary.explain`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types

from apiary import engine
from apiary.budget import RequestKind
from apiary.lsp.completion import snippet_support

if TYPE_CHECKING:
    from apiary.lsp.documents import Document
    from apiary.lsp.server import ApiaryServer

log = logging.getLogger(__name__)
EMPTY = types.InlineCompletionList(items=[])


def register(server: ApiaryServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())
    async def inline_completion(ls: ApiaryServer, params: types.InlineCompletionParams) -> types.InlineCompletionList:
        uri = params.text_document.uri
        doc = ls.documents.get(uri)
        if not ls.answering or doc is None or not doc.assisted or not ls.session.settings.inline_completion:
            return EMPTY
        manual = params.context.trigger_kind == types.InlineCompletionTriggerKind.Invoked
        generation, cancel = ls.debouncer.begin(uri)
        if not manual and not await ls.debouncer.wait(uri, generation):
            return EMPTY  # a newer request for this document supersedes this one
        records = await complete_at(ls, doc, params.position, manual, cancel)
        if not ls.debouncer.is_current(uri, generation):
            return EMPTY
        here = doc.position(doc.offset(params.position))  # a position past the end is clamped
        at = types.Range(here, here)
        selected = params.context.selected_completion_info
        if selected is not None:
            records = [r for r in records if agrees_with_selection(doc, params.position, selected, r.text)]
        snippets = snippet_support(ls)
        items = [_item(r, at, snippets) for r in records]
        for record in records:
            ls.session.events.record("shown", record.id, generator=record.generator, apis=list(record.candidate.apis))
        return types.InlineCompletionList(items=items)


async def complete_at(ls: ApiaryServer, doc: Document, position: types.Position, manual: bool, cancel) -> list:
    """Completion records for a position (shared with `apiary.insertCompletion`)."""
    snapshot = doc.snapshot()
    offset = doc.offset(position)
    session = ls.session
    def work():
        return engine.complete(
            session, engine.code_context(snapshot.text, offset, snapshot), manual=manual, cancel=cancel
        )

    kind = RequestKind.MANUAL if manual else RequestKind.AUTOMATIC
    return await ls.run_blocking(work, kind=kind, cancel=cancel, default=[]) or []


def agrees_with_selection(
    doc: Document, position: types.Position, selected: types.SelectedCompletionInfo, text: str
) -> bool:
    """Whether ghost text ``text`` at ``position`` reads as the completion item the editor has selected
    (it replaces ``selected.range`` with ``selected.text``): the editor shows both, so they must agree."""
    start, cursor = doc.offset(selected.range.start), doc.offset(position)
    typed = doc.text[start:cursor]
    if not selected.text.startswith(typed):
        return False
    rest = selected.text[len(typed):]
    return text.startswith(rest) or (not rest.strip() and bool(text))


def _item(record, at: types.Range, snippets: bool) -> types.InlineCompletionItem:
    """The ghost text; where it keeps an example's value and the client takes snippets, that value
    is a tab stop the user fills, not a silent constant."""
    names = ", ".join(p.rsplit(".", 1)[-1] for p in record.candidate.apis) or "no library API"
    command = types.Command(title=f"Apiary ({names})", command="apiary.accepted", arguments=[record.id])
    snippet = record.candidate.snippet if snippets else None
    text = types.StringValue(value=snippet) if snippet else record.text
    return types.InlineCompletionItem(insert_text=text, range=at, command=command)

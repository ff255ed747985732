"""`textDocument/completion` and `completionItem/resolve`: the private library's APIs as items.

Ranked by the retriever (the nearby comment, the receiver's type after a dot); detail is the
signature, the insert text a snippet with the required parameters as tab stops, and resolve adds
the docstring as Markdown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.capabilities import get_capability

from apiary import engine
from apiary.budget import RequestKind
from apiary.docs.entry import ApiKind
from apiary.lsp.markup import completion_formats, markup

if TYPE_CHECKING:
    from apiary.lsp.server import ApiaryServer

NOT_READY = types.CompletionList(is_incomplete=True, items=[])
TOP_K = 25

_KINDS = {
    ApiKind.MODULE: types.CompletionItemKind.Module,
    ApiKind.CLASS: types.CompletionItemKind.Class,
    ApiKind.FUNCTION: types.CompletionItemKind.Function,
    ApiKind.METHOD: types.CompletionItemKind.Method,
    ApiKind.PROPERTY: types.CompletionItemKind.Property,
    ApiKind.ATTRIBUTE: types.CompletionItemKind.Field,
    ApiKind.ALIAS: types.CompletionItemKind.Function,
    ApiKind.EXTERNAL: types.CompletionItemKind.Reference,
}


def register(server: ApiaryServer) -> None:
    options = types.CompletionOptions(trigger_characters=["."], resolve_provider=True)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, options)
    async def completion(ls: ApiaryServer, params: types.CompletionParams) -> types.CompletionList:
        doc = ls.documents.get(params.text_document.uri)
        if not ls.answering or doc is None or not doc.assisted:
            return NOT_READY if not ls.answering else types.CompletionList(is_incomplete=False, items=[])
        snapshot, offset, session = doc.snapshot(), doc.offset(params.position), ls.session

        def work():
            editor = engine.editor_context(snapshot.text, offset, snapshot)
            return editor, ([] if editor.in_comment_or_string else engine.suggest_apis(session, editor, TOP_K))

        editor, scored = await ls.run_blocking(work, kind=RequestKind.AUTOMATIC, default=(None, []))
        if editor is None:
            return NOT_READY
        start = doc.position(offset - len(editor.prefix))
        replace = types.Range(start, doc.position(offset))  # a position past the end is clamped
        snippets = snippet_support(ls)
        items = [_item(s.entry, rank, editor, replace, snippets) for rank, s in enumerate(scored)]
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.COMPLETION_ITEM_RESOLVE)
    async def resolve(ls: ApiaryServer, item: types.CompletionItem) -> types.CompletionItem:
        import_path = item.data.get("id") if isinstance(item.data, dict) else None
        entry = engine.find_entry(ls.session, import_path) if ls.session and import_path else None
        if entry is not None:
            item.documentation = markup(ls, engine.entry_markdown(entry), completion_formats(ls))
        return item


def snippet_support(ls: ApiaryServer) -> bool:
    """Whether the client inserts snippets (tab stops) from completion items."""
    return bool(
        get_capability(ls.client_capabilities, "text_document.completion.completion_item.snippet_support", False)
    )


def _item(entry, rank: int, editor, replace: types.Range, snippets: bool) -> types.CompletionItem:
    name = engine.reference_name(entry, editor)
    snippet = engine.call_snippet(entry, name) if snippets else None
    return types.CompletionItem(
        label=name,
        kind=_KINDS.get(entry.kind, types.CompletionItemKind.Text),
        detail=(entry.signature or entry.kind.value),
        label_details=types.CompletionItemLabelDetails(description=entry.library),
        sort_text=f"{rank:04d}",
        filter_text=name,
        text_edit=types.TextEdit(replace, snippet or name),
        insert_text_format=types.InsertTextFormat.Snippet if snippet else types.InsertTextFormat.PlainText,
        data={"id": entry.import_path},
    )

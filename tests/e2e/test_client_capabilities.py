"""The real server answers each client by what it said it can do (issue "The house", item 7): snippets
or plain text in completion items and ghost text, Markdown or plain text in hovers and documentation,
and inline completion whether or not the client announced it."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from tests.e2e.lsp_helpers import WORKSPACE, init_params, ready_session

from apiary.lsp.client import SERVER_COMMAND, end_position, inline_params, open_document

pytestmark = pytest.mark.asyncio(loop_scope="module")


def _editor(snippets: bool, markup: types.MarkupKind, inline: bool) -> types.TextDocumentClientCapabilities:
    return types.TextDocumentClientCapabilities(
        completion=types.CompletionClientCapabilities(completion_item=types.ClientCompletionItemOptions(
            snippet_support=snippets, documentation_format=[markup])),
        hover=types.HoverClientCapabilities(content_format=[markup]),
        inline_completion=types.InlineCompletionClientCapabilities() if inline else None,
    )


#: name -> (capabilities, snippets expected, markup expected)
CLIENTS = {
    "snippets, Markdown, inline completion": (_editor(True, types.MarkupKind.Markdown, True), True,
                                              types.MarkupKind.Markdown),
    "plain text, no inline completion": (_editor(False, types.MarkupKind.PlainText, False), False,
                                         types.MarkupKind.PlainText),
    "snippets, plain text": (_editor(True, types.MarkupKind.PlainText, False), True, types.MarkupKind.PlainText),
}


@pytest_lsp.fixture(scope="module", params=list(CLIENTS), config=ClientServerConfig(server_command=SERVER_COMMAND))
async def client(lsp_client: LanguageClient, request):
    capabilities, snippets, markup = CLIENTS[request.param]
    lsp_client.expect = (snippets, markup)
    await ready_session(lsp_client, init_params(text_document=capabilities))
    yield
    await lsp_client.shutdown_session()


def _open(client: LanguageClient, name: str, text: str) -> tuple[str, types.Position]:
    uri = (WORKSPACE / name).as_uri()
    open_document(client, uri, text)
    return uri, end_position(text)


async def test_completion_items_are_snippets_only_for_a_client_that_inserts_them(client: LanguageClient):
    snippets, markup = client.expect
    uri, position = _open(client, "dot.py", "import honeycomb as hc\norders = hc.read_delimited('o.csv')\norders.")
    items = (await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri), position))).items
    keep_where = next(item for item in items if item.label == "keep_where")
    expected = types.InsertTextFormat.Snippet if snippets else types.InsertTextFormat.PlainText
    assert keep_where.insert_text_format == expected
    assert keep_where.text_edit.new_text == ("keep_where($1)$0" if snippets else "keep_where")
    resolved = await client.completion_item_resolve_async(keep_where)
    assert resolved.documentation.kind == markup


async def test_hover_speaks_the_clients_markup(client: LanguageClient):
    _, markup = client.expect
    text = "import honeycomb as hc\norders = hc.read_delimited('o.csv')\n"
    uri, _ = _open(client, "hover.py", text)
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(1, 14)))
    assert hover.contents.kind == markup
    assert "honeycomb.read_delimited(" in hover.contents.value


async def test_ghost_text_keeps_a_tab_stop_only_for_a_client_that_inserts_snippets(client: LanguageClient):
    snippets, _ = client.expect
    uri, position = _open(client, "slug.py", "import honeycomb as hc\n# a slug for the report's file name\nstem =")
    result = await client.text_document_inline_completion_async(inline_params(uri, position, manual=True))
    first = result.items[0].insert_text
    assert isinstance(first, types.StringValue) is snippets
    assert (first.value if snippets else first).startswith(" hc.")

"""The real server over stdio (pytest-lsp): every feature of `apiary serve` on the example workspace."""

from __future__ import annotations

import re
import typing

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from tests.e2e.lsp_helpers import WORKSPACE, ready_session

from apiary.lsp.client import SERVER_COMMAND, end_position, open_document

pytestmark = pytest.mark.asyncio(loop_scope="module")
REPORT = (WORKSPACE / "new_report.py").read_text()


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_COMMAND))
async def client(lsp_client: LanguageClient):
    _fix_code_action_structuring(lsp_client)
    lsp_client.edits = []
    lsp_client.answer = lambda params: None
    lsp_client.feature(types.WORKSPACE_APPLY_EDIT)(
        lambda ls, p: ls.edits.append(p) or types.ApplyWorkspaceEditResult(applied=True))
    lsp_client.feature(types.WINDOW_SHOW_MESSAGE_REQUEST)(lambda ls, p: ls.answer(p))
    await ready_session(lsp_client)
    yield
    await lsp_client.shutdown_session()


def _fix_code_action_structuring(client: LanguageClient) -> None:
    # lsprotocol 2025.0 reads any result with a "command" key as a Command, even a CodeAction whose
    # command is an object; a CodeAction is the one whose "command" is not a string.
    converter = client.protocol._converter

    def hook(obj, _):
        is_command = isinstance(obj.get("command"), str)
        return converter.structure(obj, types.Command if is_command else types.CodeAction)

    converter.register_structure_hook(typing.Union[types.Command, types.CodeAction], hook)  # noqa: UP007 (the key lsprotocol uses)


def _doc(client: LanguageClient, name: str, text: str) -> tuple[str, types.Position]:
    uri = (WORKSPACE / name).as_uri()
    open_document(client, uri, text)
    return uri, end_position(text)


async def test_ghost_text_that_keeps_an_examples_value_makes_it_a_tab_stop(client: LanguageClient):
    """Nothing in the file says which text to slug: the example's value is a placeholder to fill."""
    uri, position = _doc(client, "slug.py", "import honeycomb as hc\n# a slug for the report's file name\nstem =")
    result = await client.text_document_inline_completion_async(types.InlineCompletionParams(
        text_document=types.TextDocumentIdentifier(uri), position=position,
        context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Invoked)))
    snippets = [i.insert_text for i in result.items if isinstance(i.insert_text, types.StringValue)]
    assert snippets and re.fullmatch(r" hc\.\w+\(\$\{1:.+\}.*\)", snippets[0].value)


async def _ghost(client: LanguageClient, name: str, text: str) -> list:
    uri, position = _doc(client, name, text)
    result = await client.text_document_inline_completion_async(types.InlineCompletionParams(
        text_document=types.TextDocumentIdentifier(uri), position=position,
        context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Invoked)))
    return [t if isinstance(t, str) else t.value for t in (item.insert_text for item in result.items)]


async def test_ghost_text_continues_the_statement_being_typed(client: LanguageClient):
    texts = await _ghost(client, "dot.py", REPORT + "big_orders = orders.")
    assert texts and not [t for t in texts if t.startswith((" ", "orders"))]
    assert texts[0] == "keep_where(lambda r: r['amount'] > 100)"


async def test_ghost_text_agrees_with_the_selected_completion_item(client: LanguageClient):
    text = REPORT + "big_orders = orders.ke"
    uri, position = _doc(client, "selected.py", text)
    typed_from = types.Position(position.line, position.character - 2)

    async def ghost(label: str) -> list:
        result = await client.text_document_inline_completion_async(types.InlineCompletionParams(
            text_document=types.TextDocumentIdentifier(uri), position=position,
            context=types.InlineCompletionContext(
                trigger_kind=types.InlineCompletionTriggerKind.Automatic,
                selected_completion_info=types.SelectedCompletionInfo(types.Range(typed_from, position), label))))
        return [i.insert_text if isinstance(i.insert_text, str) else i.insert_text.value for i in result.items]

    assert (await ghost("keep_where"))[0] == "ep_where(lambda r: r['amount'] > 100)"
    assert await ghost("kebab") == []  # nothing that contradicts the item the editor shows


async def test_no_ghost_text_where_no_code_belongs(client: LanguageClient):
    assert await _ghost(client, "comment.py", REPORT.rstrip("\n")) == []  # the end of the comment line
    done = REPORT + "big_orders = orders.keep_where(lambda r: r['amount'] > 100)"
    assert await _ghost(client, "done.py", done) == []  # after a complete statement
    assert await _ghost(client, "string.py", REPORT + "label = 'orders above ") == []


async def test_status_lists_the_indexed_library(client: LanguageClient):
    status = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="apiary.status"))
    assert status["ready"] is True
    assert status["generator"] == "offline"
    [library] = status["libraries"]
    assert library["name"] == "honeycomb" and library["ready"] and library["apis"] > 20
    assert status["encoder"]["id"] and isinstance(status["encoder"]["ready"], bool)


async def test_inline_completion_after_a_comment_uses_the_private_api(client: LanguageClient):
    uri, position = _doc(client, "inline.py", REPORT + "big_orders =")
    result = await client.text_document_inline_completion_async(types.InlineCompletionParams(
        text_document=types.TextDocumentIdentifier(uri), position=position,
        context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Automatic)))
    assert result.items, "no inline completion"
    item = result.items[0]
    assert "keep_where" in item.insert_text
    assert item.range.start == position
    assert item.command.command == "apiary.accepted"
    explained = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="apiary.explain", arguments=item.command.arguments))
    assert "honeycomb.Table.keep_where" in [a["id"] for a in explained["apis"] if a["used"]]
    assert explained["generator"] == "offline" and explained["prompt"]
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="apiary.accepted", arguments=item.command.arguments))


async def test_completion_after_a_dot_lists_the_receivers_methods(client: LanguageClient):
    text = "import honeycomb as hc\norders = hc.read_delimited('orders.csv')\n# sort by total\norders."
    uri, position = _doc(client, "dot.py", text)
    result = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri), position))
    labels = [i.label for i in result.items]
    assert "arrange" in labels[:5], labels
    item = next(i for i in result.items if i.label == "arrange")
    assert item.detail.startswith("(") and item.insert_text_format == types.InsertTextFormat.Snippet
    assert item.text_edit.range == types.Range(position, position)
    derive = next(i for i in result.items if i.label == "derive")
    assert derive.text_edit.new_text.startswith("derive(${1:")
    resolved = await client.completion_item_resolve_async(item)
    assert resolved.documentation.kind == types.MarkupKind.Markdown
    assert "arrange" in resolved.documentation.value


async def test_completion_without_a_dot_uses_the_module_alias(client: LanguageClient):
    text = "import honeycomb as hc\ntitle = 'Quarterly Revenue'\n# a url slug made from the title\nname = "
    uri, position = _doc(client, "alias.py", text)
    result = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri), position))
    assert "hc.slug" in [i.label for i in result.items][:5]


async def test_hover_on_a_private_api(client: LanguageClient):
    text = (
        "import honeycomb as hc\norders = hc.read_delimited('o.csv')\nbig = orders.keep_where(lambda r: r['qty'] > 3)\n"
    )
    uri, _ = _doc(client, "hover.py", text)
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(2, 16)))
    assert hover is not None
    assert "honeycomb.Table.keep_where(" in hover.contents.value
    assert hover.range == types.Range(types.Position(2, 13), types.Position(2, 23))
    nothing = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(2, 2)))
    assert nothing is None


async def test_positions_count_utf16_units_with_astral_characters(client: LanguageClient):
    text = "import honeycomb as hc\nnote = '😀😀'; orders = hc.read_delimited('o.csv')\norders."
    uri, position = _doc(client, "emoji.py", text)
    # "hc.read_delimited" starts after two emoji, each two UTF-16 units
    line = text.split("\n")[1]
    column = len(line[: line.index("read_delimited")].encode("utf-16-le")) // 2
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(1, column + 2)))
    assert hover is not None and "read_delimited" in hover.contents.value
    assert hover.range.start.character == column


async def test_code_actions_and_choose_apis_with_a_rich_client(client: LanguageClient):
    uri, _ = _doc(client, "choose.py", REPORT)
    comment_line = REPORT.split("\n").index("# keep only the orders above 100 euros")
    here = types.Range(types.Position(comment_line, 3), types.Position(comment_line, 3))
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(uri), here, types.CodeActionContext(diagnostics=[])))
    titles = {a.title: a for a in actions}
    assert {"Choose APIs for this comment…", "Insert completion"} <= set(titles)
    listed = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="apiary.listApis", arguments=titles["Insert completion"].command.arguments))
    assert listed["intent"] == "keep only the orders above 100 euros"
    assert len(listed["apis"]) == 5 and set(listed["apis"][0]) == {"id", "name", "description"}
    args = dict(titles["Choose APIs for this comment…"].command.arguments[0], apis=["honeycomb.Table.keep_where"])
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="apiary.chooseApis", arguments=[args])
    )
    assert result["applied"] and "keep_where" in result["text"]
    [edit] = client.edits[-1].edit.changes[uri]
    assert edit.range.start.line == comment_line and edit.new_text.startswith("\n") and "keep_where" in edit.new_text


async def test_choose_apis_completes_the_half_typed_line_under_the_comment(client: LanguageClient):
    text = REPORT + "big_orders ="
    uri, _ = _doc(client, "half.py", text)
    comment_line = text.split("\n").index("# keep only the orders above 100 euros")
    args = {"uri": uri, "position": {"line": comment_line, "character": 2}, "apis": ["honeycomb.Table.keep_where"]}
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="apiary.chooseApis", arguments=[args])
    )
    assert result["applied"]
    [edit] = client.edits[-1].edit.changes[uri]
    assert edit.range.start == types.Position(comment_line + 1, len("big_orders ="))
    assert edit.new_text == " orders.keep_where(lambda r: r['amount'] > 100)"


async def test_none_of_the_above_says_why_nothing_was_written(client: LanguageClient):
    uri, _ = _doc(client, "none.py", REPORT)
    comment_line = REPORT.split("\n").index("# keep only the orders above 100 euros")
    args = {"uri": uri, "position": {"line": comment_line, "character": 0}, "apis": []}
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="apiary.chooseApis", arguments=[args])
    )
    assert not result["applied"] and "without retrieval" in result["reason"]


async def test_choose_apis_asks_a_generic_client_with_show_message_request(client: LanguageClient):
    uri, _ = _doc(client, "ask.py", REPORT)
    comment_line = REPORT.split("\n").index("# keep only the orders above 100 euros")
    asked = []

    def pick(params: types.ShowMessageRequestParams):
        asked.append(params)
        return next(a for a in params.actions if a.title.startswith("keep_where"))

    client.answer = pick
    args = [{"uri": uri, "position": {"line": comment_line, "character": 0}}]
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="apiary.chooseApis", arguments=args)
    )
    titles = [a.title for a in asked[0].actions]
    assert len(titles) == 6 and titles[-1] == "None of the above"
    assert all(" — " in t and "(" not in t.split(" — ")[0] for t in titles[:5])  # names, no signatures
    assert result["applied"] and result["apis"] == ["honeycomb.Table.keep_where"]


async def test_suggest_api_sequence_lists_and_inserts_a_sequence(client: LanguageClient):
    text = "import honeycomb as hc\n\n# read the orders file and count the orders per country\n"
    uri, _ = _doc(client, "sequence.py", text)
    here = types.Range(types.Position(2, 2), types.Position(2, 2))
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(uri), here, types.CodeActionContext(diagnostics=[])))
    [action] = [a for a in actions if a.title == "Suggest API sequence…"]
    listing = dict(action.command.arguments[0], list=True)
    listed = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="apiary.suggestSequence", arguments=[listing]))
    assert listed["intent"] == "read the orders file and count the orders per country"
    # the first suggestion built the recommender, with work-done progress from begin to end
    [mining] = [reports for reports in client.progress_reports.values()
                if reports and getattr(reports[0], "title", "") == "Apiary: mining API sequences"]
    assert isinstance(mining[0], types.WorkDoneProgressBegin) and isinstance(mining[-1], types.WorkDoneProgressEnd)
    assert listed["suggestions"] and all(
        s["apis"] and s["source"] in {"mined", "docs", "model", "steps"} for s in listed["suggestions"]
    )
    # asked about a library (the workspace's), the top sequence calls its APIs
    assert all(a.startswith("honeycomb.") for a in listed["suggestions"][0]["apis"])

    asked = []
    client.answer = lambda params: asked.append(params) or params.actions[0]
    result = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="apiary.suggestSequence", arguments=action.command.arguments))
    assert asked and " → ".join(listed["suggestions"][0]["apis"]).startswith(asked[0].actions[0].title[:40])
    assert result["applied"] and result["apis"] == listed["suggestions"][0]["apis"]
    [edit] = client.edits[-1].edit.changes[uri]
    assert edit.range.start.line == 2 and edit.new_text == "\n" + result["text"].rstrip("\n")
    assert "$" not in result["text"] and "$" in result["snippet"]  # tab stops only where the client inserts snippets

    plan = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="apiary.suggestSequence", arguments=[dict(listing, apis=["honeycomb.read_delimited"], form="plan")]))
    assert plan["text"].startswith("# To read the orders file") and "honeycomb.read_delimited" in plan["text"]

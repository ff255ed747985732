"""The client the demo, the benchmarks and the tests drive the server with."""

from pathlib import Path

from lsprotocol import types

from apiary.lsp.client import end_position, init_params, inline_params


def test_the_end_of_a_text_counts_utf16_code_units():
    assert end_position("import x\nnote = '😀'") == types.Position(1, 11)  # the emoji is two units
    assert end_position("") == types.Position(0, 0)


def test_initialize_offers_a_modern_editors_capabilities_unless_told_otherwise():
    params = init_params(Path("/work/space"), {"encoder": "hashing"})
    assert params.root_uri == "file:///work/space"
    assert params.workspace_folders == [types.WorkspaceFolder(uri="file:///work/space", name="space")]
    assert params.initialization_options == {"encoder": "hashing"}
    assert params.capabilities.text_document.completion.completion_item.snippet_support is True
    assert params.capabilities.window.work_done_progress is True
    plain = init_params(Path("/work/space"), text_document=types.TextDocumentClientCapabilities())
    assert plain.capabilities.text_document.completion is None
    assert plain.capabilities.workspace.apply_edit is True


def test_a_manual_inline_request_says_it_was_invoked():
    assert inline_params("file:///a.py", types.Position(0, 1)).context.trigger_kind == \
        types.InlineCompletionTriggerKind.Automatic
    assert inline_params("file:///a.py", types.Position(0, 1), manual=True).context.trigger_kind == \
        types.InlineCompletionTriggerKind.Invoked

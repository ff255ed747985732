"""The odd documents and requests a real editor sends, over stdio with pytest-lsp: huge, binary and
non-Python documents, positions past the end, incremental edits, a configured generator that fails
or hangs, and cancelled requests. Each is answered (error or empty result) and the server keeps serving."""

from __future__ import annotations

import asyncio
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from tests.e2e.lsp_helpers import WORKSPACE, ready_session

from apiary.lsp.client import SERVER_COMMAND, end_position, open_document

pytestmark = pytest.mark.asyncio(loop_scope="module")
REPORT = (WORKSPACE / "new_report.py").read_text() + "big_orders ="


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_COMMAND))
async def client(lsp_client: LanguageClient):
    await ready_session(lsp_client)
    yield
    await lsp_client.shutdown_session()


def _inline(uri: str, position: types.Position, manual: bool = False) -> types.InlineCompletionParams:
    kind = types.InlineCompletionTriggerKind.Invoked if manual else types.InlineCompletionTriggerKind.Automatic
    return types.InlineCompletionParams(types.InlineCompletionContext(trigger_kind=kind),
                                        types.TextDocumentIdentifier(uri), position)


def _completion(uri: str, position: types.Position) -> types.CompletionParams:
    return types.CompletionParams(types.TextDocumentIdentifier(uri), position)


async def test_a_10_mb_document_is_answered_empty_and_fast(client: LanguageClient):
    text = "x = 1\n" * (10 * 1024 * 1024 // 6) + "import honeycomb as hc\nhc."
    uri = (WORKSPACE / "huge.py").as_uri()
    open_document(client, uri, text)
    started = time.perf_counter()
    result = await client.text_document_completion_async(_completion(uri, end_position(text)))
    assert len(result.items) == 0 and time.perf_counter() - started < 5


async def test_binary_and_non_python_documents(client: LanguageClient):
    binary = "import honeycomb as hc\n\x00\x01\ufffd\x7f" + "\x00" * 100 + "\norders = hc.read_delimited('x')\norders."
    uri = (WORKSPACE / "binary.py").as_uri()
    open_document(client, uri, binary)
    result = await client.text_document_completion_async(_completion(uri, end_position(binary)))
    assert "arrange" in [i.label for i in result.items]
    md = (WORKSPACE / "notes.md").as_uri()
    open_document(client, md, "# keep only the orders above 100\nhc.", language="markdown")
    assert (await client.text_document_completion_async(_completion(md, types.Position(1, 3)))).items == ()
    assert (await client.text_document_inline_completion_async(_inline(md, types.Position(1, 3)))).items == ()


async def test_positions_past_the_end_and_unopened_documents(client: LanguageClient):
    uri = (WORKSPACE / "short.py").as_uri()
    open_document(client, uri, "import honeycomb as hc\nhc.")
    result = await client.text_document_completion_async(_completion(uri, types.Position(99, 500)))
    assert "Table" in [i.label for i in result.items]  # clamped to the end of the text, after "hc."
    assert result.items[0].text_edit.range.end == types.Position(1, 3)
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(7, 99))
    )
    assert hover is None
    missing = (WORKSPACE / "never-opened.py").as_uri()
    assert (await client.text_document_completion_async(_completion(missing, types.Position(0, 0)))).items == ()
    with pytest.raises(Exception, match="not an open Python document"):
        await client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="apiary.insertCompletion", arguments=[{"uri": missing, "position": {"line": 0, "character": 0}}]))


async def test_incremental_edits_update_the_parse(client: LanguageClient):
    uri = (WORKSPACE / "edits.py").as_uri()
    open_document(client, uri, "import honeycomb as hc\nnote = '😀'\n")
    changes = [
        types.TextDocumentContentChangePartial(
            types.Range(types.Position(1, 11), types.Position(1, 11)),  # after the quote: 😀 is 2 UTF-16 units
            "; orders = hc.read_delimited('o.csv')",
        ),
        types.TextDocumentContentChangePartial(types.Range(types.Position(2, 0), types.Position(2, 0)), "orders."),
    ]
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(2, uri), changes))
    result = await client.text_document_completion_async(_completion(uri, types.Position(2, 7)))
    assert "keep_where" in [i.label for i in result.items]


async def test_a_cancelled_request_is_dropped_and_the_next_one_answered(client: LanguageClient):
    uri = (WORKSPACE / "cancel.py").as_uri()
    open_document(client, uri, REPORT)
    pending = client.protocol.send_request(types.TEXT_DOCUMENT_INLINE_COMPLETION, _inline(uri, end_position(REPORT)),
                                           msg_id="cancel-me")
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="cancel-me"))
    try:
        await asyncio.wait_for(asyncio.wrap_future(pending), 10)
    except Exception as error:
        assert "cancel" in str(error).lower()
    result = await client.text_document_inline_completion_async(_inline(uri, end_position(REPORT)))
    assert result.items and "keep_where" in result.items[0].insert_text


class _Endpoint(BaseHTTPRequestHandler):
    mode = "fail"

    def do_GET(self):  # noqa: N802
        self.do_POST()

    def do_POST(self):  # noqa: N802
        if self.mode == "hang":
            time.sleep(30)
            return
        self.send_response(500)
        self.end_headers()
        self.wfile.write(b'{"error": "model crashed"}')

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def endpoint():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Endpoint)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


@pytest.mark.parametrize("mode", ["fail", "hang"])
async def test_a_generator_that_fails_or_hangs_falls_back_within_the_budget(client: LanguageClient, endpoint, mode):
    _Endpoint.mode = mode
    settings = {"apiary": {"generator": "apicoder", "endpoint": endpoint, "model": "m", "maxLatencyMs": 800}}
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=settings))
    await asyncio.sleep(0.5)
    uri = (WORKSPACE / f"fallback-{mode}.py").as_uri()
    open_document(client, uri, REPORT)
    started = time.perf_counter()
    result = await client.text_document_inline_completion_async(_inline(uri, end_position(REPORT)))
    elapsed = time.perf_counter() - started
    assert elapsed < 0.8 + 2.5, elapsed  # the budget plus the grace, never the endpoint's 30 s
    if result.items:  # the offline fallback made it in time: its provenance says why
        explained = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="apiary.explain", arguments=result.items[0].command.arguments))
        assert explained["generator"] == "offline" and any("fell back" in n for n in explained["notes"])
    status = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="apiary.status"))
    assert status["generator"] == "apicoder"
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"apiary": {}}))
    await asyncio.sleep(0.3)


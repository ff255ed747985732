"""The real server over stdio: once the user types in a file of an indexed library, or opens one of a
library in the workspace, the library's build memory is made in the background (with work-done
progress), once, and its saved edits are indexed."""

from __future__ import annotations

import asyncio
import shutil

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from tests.e2e.lsp_helpers import LIBRARY, init_params, ready_session

from apiary.lsp import client as lsp_client_module
from apiary.lsp.client import SERVER_COMMAND, execute, open_document

pytestmark = pytest.mark.asyncio(loop_scope="module")

TITLE = "Apiary: preparing edited libraries"
ADDED = '\n\ndef shout_words(text):\n    """Write the text in capital letters."""\n    return text.upper()\n'


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    copy = tmp_path_factory.mktemp("typed") / "library"
    shutil.copytree(LIBRARY, copy)
    return copy


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_COMMAND))
async def client(lsp_client: LanguageClient, library):
    await ready_session(lsp_client, init_params({"libraries": [str(library)], "encoder": "hashing"}))
    yield
    await lsp_client.shutdown_session()


@pytest.fixture(scope="module")
def own_library(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("own")
    shutil.copytree(LIBRARY, workspace / "library")
    return workspace / "library"


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_COMMAND))
async def own_client(lsp_client: LanguageClient, own_library):
    """A server whose workspace folder holds the library: the user's own."""
    await ready_session(lsp_client, lsp_client_module.init_params(
        own_library.parent, {"libraries": [str(own_library)], "encoder": "hashing"}))
    yield
    await lsp_client.shutdown_session()


def _preparations(client: LanguageClient) -> list[list]:
    # a token the server has created but not yet begun has no reports
    return [reports for reports in client.progress_reports.values()
            if reports and getattr(reports[0], "title", "") == TITLE]


def _typed(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        [types.TextDocumentContentChangeWholeDocument(text=text)]))


async def _until(done, timeout: float = 60.0) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not done() and loop.time() < deadline:
        await asyncio.sleep(0.05)
    return done()


async def test_typing_in_a_library_file_prepares_the_library_for_its_edits_once(client: LanguageClient, library):
    outside = library.parent / "script.py"
    open_document(client, outside.as_uri(), "import honeycomb\n")
    _typed(client, outside.as_uri(), 2, "import honeycomb\nhoneycomb.")
    module = library / "honeycomb" / "text.py"
    text = module.read_text()
    open_document(client, module.as_uri(), text)
    await asyncio.sleep(0.5)
    assert _preparations(client) == []  # opening a library's file, or typing elsewhere, is no edit of it
    _typed(client, module.as_uri(), 2, text + "\n")
    _typed(client, module.as_uri(), 3, text + ADDED)
    assert await _until(lambda: any(isinstance(r[-1], types.WorkDoneProgressEnd) for r in _preparations(client)))
    [reports] = _preparations(client)
    assert isinstance(reports[0], types.WorkDoneProgressBegin) and isinstance(reports[-1], types.WorkDoneProgressEnd)
    ready = [m.message for m in client.log_messages if "ready for its edits" in m.message]
    assert len(ready) == 1 and ready[0].startswith("apiary.engine.workspace: honeycomb: ready for its edits in ")

    [row] = (await execute(client, "apiary.status"))["libraries"]
    module.write_text(text + ADDED)
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(module.as_uri())))

    async def counted() -> int:
        [now] = (await execute(client, "apiary.status"))["libraries"]
        return now["apis"]

    deadline = asyncio.get_running_loop().time() + 60
    while await counted() == row["apis"] and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.1)
    assert await counted() == row["apis"] + 1
    _typed(client, module.as_uri(), 4, text + ADDED + "\n")
    await asyncio.sleep(0.5)
    assert len(_preparations(client)) == 1  # its re-index keeps the memory: nothing to prepare again


async def test_opening_a_file_of_a_library_in_the_workspace_prepares_it(own_client: LanguageClient, own_library):
    module = own_library / "honeycomb" / "table.py"
    open_document(own_client, module.as_uri(), module.read_text())
    assert await _until(lambda: any(isinstance(r[-1], types.WorkDoneProgressEnd) for r in _preparations(own_client)))
    assert len([m for m in own_client.log_messages if "ready for its edits" in m.message]) == 1

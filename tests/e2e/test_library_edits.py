"""The real server over stdio: a library the user edits is re-indexed when a file of it is saved."""

from __future__ import annotations

import asyncio
import shutil

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from tests.e2e.lsp_helpers import LIBRARY, init_params, ready_session

from apiary.lsp.client import SERVER_COMMAND, end_position, execute, open_document

pytestmark = pytest.mark.asyncio(loop_scope="module")

ADDED = '''

def shout_words(text):
    """Write the text in capital letters, with three exclamation marks at the end."""
    return text.upper() + "!!!"
'''


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    copy = tmp_path_factory.mktemp("edited") / "library"
    shutil.copytree(LIBRARY, copy)
    return copy


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_COMMAND))
async def client(lsp_client: LanguageClient, library):
    await ready_session(lsp_client, init_params({"libraries": [str(library)], "encoder": "hashing"}))
    yield
    await lsp_client.shutdown_session()


async def _api_count(client: LanguageClient) -> int:
    [row] = (await execute(client, "apiary.status"))["libraries"]
    return row["apis"]


async def _count_after(client: LanguageClient, before: int, timeout: float = 60.0) -> int:
    """The library's API count once it differs from ``before``, or ``before`` when ``timeout`` passes."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (count := await _api_count(client)) == before and loop.time() < deadline:
        await asyncio.sleep(0.1)
    return count


async def test_saving_a_file_outside_the_library_re_indexes_nothing(client: LanguageClient, library, tmp_path):
    before = await _api_count(client)
    elsewhere = tmp_path / "notes.py"
    elsewhere.write_text(ADDED)
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(elsewhere.as_uri())))
    assert await _count_after(client, before, timeout=3.0) == before


async def test_a_saved_edit_of_the_library_is_in_its_index(client: LanguageClient, library):
    before = await _api_count(client)
    module = library / "honeycomb" / "text.py"
    module.write_text(module.read_text() + ADDED)
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(module.as_uri())))
    assert await _count_after(client, before) == before + 1
    text = "import honeycomb\n# shout the words in capital letters with exclamation marks\nloud ="
    uri = (library.parent / "uses_it.py").as_uri()
    open_document(client, uri, text)
    position = end_position(text)
    listed = await execute(client, "apiary.listApis", {"uri": uri, "position": {"line": position.line - 1,
                                                                                 "character": 0}})
    assert listed["apis"][0]["id"] == "honeycomb.text.shout_words"

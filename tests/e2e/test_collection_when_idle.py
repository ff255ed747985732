"""The real server over stdio runs a full garbage collection once the client pauses after indexing,
not while the client keeps sending requests (`apiary.lsp.idle_collection`)."""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from pytest_lsp import ClientServerConfig, LanguageClient
from tests.e2e.lsp_helpers import ready_session

from apiary.lsp.client import SERVER_COMMAND, execute
from apiary.lsp.idle_collection import QUIET_S

pytestmark = pytest.mark.asyncio(loop_scope="module")

COLLECTED = "full garbage collection while the client paused"


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER_COMMAND))
async def client(lsp_client: LanguageClient):
    await ready_session(lsp_client)
    yield
    await lsp_client.shutdown_session()


def _collections(client: LanguageClient) -> list[str]:
    return [m.message for m in client.log_messages if COLLECTED in m.message]


async def test_the_collection_asked_for_after_indexing_waits_for_the_clients_pause(client: LanguageClient):
    loop = asyncio.get_running_loop()
    talking_until = loop.time() + 2 * QUIET_S
    while loop.time() < talking_until:  # a client that keeps asking: never QUIET_S without a message
        await execute(client, "apiary.status")
        await asyncio.sleep(QUIET_S / 5)
    assert _collections(client) == []
    deadline = loop.time() + 4 * QUIET_S + 10
    while not _collections(client) and loop.time() < deadline:
        await asyncio.sleep(0.1)
    [collected] = _collections(client)
    assert collected.startswith(f"apiary.lsp.idle_collection: {COLLECTED}: ")

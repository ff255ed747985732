"""The real server over stdio: a library indexed for the first time is announced as searchable by its
words (``"encoding": true`` in its `apiary/status` row) before it is ready."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from lsprotocol import types
from tests.e2e.lsp_helpers import private_environment

from apiary.lsp.client import SERVER_COMMAND, execute, init_params, make_client, wait_ready
from apiary.retrieval.store import SEARCHABLE_FIRST_TEXTS

WORDS = ["read", "write", "table", "row", "column", "filter", "sort", "group", "merge", "join", "split", "parse"]


def _api_file(folder: Path, count: int) -> Path:
    path = folder / "combs.jsonl"
    lines = []
    for i in range(count):
        a, b = WORDS[i % 12], WORDS[(i // 12) % 12]
        lines.append(json.dumps({"name": f"{a}_{b}_{i}", "signature": f"{a}_{b}_{i}(value)",
                                 "description": f"{a.capitalize()} the {b} of a comb, number {i}."}))
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.asyncio
async def test_a_new_library_is_announced_searchable_by_its_words_before_it_is_ready(tmp_path: Path):
    count = SEARCHABLE_FIRST_TEXTS * 4
    library = _api_file(tmp_path, count)
    rows: list[tuple[str, int, bool, bool]] = []  # each pushed status's library: name, APIs, encoding, ready
    with private_environment(tmp_path / "home"):
        client = make_client("apiary-searchable-test", on_status=lambda status: rows.extend(
            (row.name, row.apis, row.encoding, row.ready) for row in status.libraries))
        await client.start_io(*SERVER_COMMAND, env={**os.environ, "HF_HUB_OFFLINE": "1"})
        try:
            await client.initialize_async(init_params(tmp_path, {"libraries": [str(library)], "encoder": "hashing"}))
            client.initialized(types.InitializedParams())
            assert (await wait_ready(client))["ready"]
            status = await execute(client, "apiary.status")
        finally:
            await client.shutdown_async(None)
            client.exit(None)
            await client.stop()
    named = [row for row in rows if row[0] == "combs"]
    assert named[0] == ("combs", count, True, False)  # the first word of it: searchable, not yet ready
    assert named[-1] == ("combs", count, False, True)
    assert status["libraries"][0]["encoding"] is False and status["libraries"][0]["ready"] is True

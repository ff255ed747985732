"""Fixtures shared by the end-to-end and attack suites."""

from __future__ import annotations

import pytest
from tests.e2e.lsp_helpers import RawServer


@pytest.fixture
def raw(tmp_path):
    """`apiary serve --stdio` driven with raw bytes."""
    server = RawServer(tmp_path)
    yield server
    if server.proc.poll() is None:
        server.proc.kill()
    server.proc.wait(10)

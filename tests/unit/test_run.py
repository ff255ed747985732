"""How the server process runs its threads."""

from __future__ import annotations

import io
import sys

import pytest

from apiary.lsp import run


def test_serving_hands_the_interpreters_lock_to_a_waiting_request_sooner(monkeypatch: pytest.MonkeyPatch):
    """A build in the indexer's thread would hold the lock 5 ms at a time while a request waits."""
    intervals: list[float] = []
    monkeypatch.setattr(sys, "setswitchinterval", intervals.append)
    assert run.serve_stdio(stdin=io.BytesIO(b""), stdout=io.BytesIO()) == 0  # the client went away at once
    assert intervals == [0.0002] and run.LOCK_SWITCH_INTERVAL_S == 0.0002 < sys.getswitchinterval()

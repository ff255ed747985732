"""The inline completion handler in-process, with a fake session (issue "The house", item 7): what it
answers when the server is not ready, when a newer request supersedes it, for an explicit request,
when the editor has a completion item selected, past its budget and when cancelled; in milliseconds,
without a server process."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field

import pytest
from lsprotocol import types

from apiary.budget import RequestKind
from apiary.engine import CompletionRecord
from apiary.generation.types import Candidate
from apiary.lsp import inline_completion
from apiary.lsp.server import create_server
from apiary.settings import Settings

URI = "file:///w/report.py"
TEXT = "import honeycomb as hc\norders = hc.read_delimited('o.csv')\n# keep the big orders\n"


@dataclass
class FakeEvents:
    shown: list[str] = field(default_factory=list)

    def record(self, kind: str, record_id: str, **_) -> None:
        self.shown.append(record_id)


@dataclass
class FakeBudget:
    seconds: float = 5.0

    def abandon_after_s(self, kind: RequestKind) -> float:
        return self.seconds


@dataclass
class FakeSession:
    settings: Settings = field(default_factory=Settings)
    events: FakeEvents = field(default_factory=FakeEvents)
    budget: FakeBudget = field(default_factory=FakeBudget)
    loaded: bool = True


def record(text: str) -> CompletionRecord:
    return CompletionRecord(
        Candidate(text=text, score=1.0, apis=("honeycomb.Table.keep_where",)), [], "default", {}, None
    )


@pytest.fixture
def server(monkeypatch):
    server = create_server(session_factory=lambda settings: FakeSession(settings))
    server.session = FakeSession()
    server.protocol.client_capabilities = types.ClientCapabilities()  # what initialize would have set
    server.documents.open(types.TextDocumentItem(URI, "python", 1, TEXT))
    calls: list[bool] = []

    async def complete_at(ls, doc, position, manual, cancel):
        calls.append(manual)
        return [record(text) for text in server.ghost]

    monkeypatch.setattr(inline_completion, "complete_at", complete_at)
    server.calls = calls
    server.ghost = ["big = orders.keep_where(lambda r: r['amount'] > 100)"]
    return server


def ask(server, kind=types.InlineCompletionTriggerKind.Automatic, selected=None, line=3, character=0):
    handler = server.protocol.fm.features[types.TEXT_DOCUMENT_INLINE_COMPLETION]
    context = types.InlineCompletionContext(trigger_kind=kind, selected_completion_info=selected)
    params = types.InlineCompletionParams(context, types.TextDocumentIdentifier(URI), types.Position(line, character))
    return handler(params)


def texts(answer) -> list[str]:
    return [item.insert_text if isinstance(item.insert_text, str) else item.insert_text.value for item in answer.items]


def test_not_ready_answers_empty_without_work(server):
    server.session.loaded = False
    answer = asyncio.run(ask(server))
    assert answer.items == [] and server.calls == []


def test_an_explicit_request_takes_the_slow_path_and_is_shown(server):
    answer = asyncio.run(ask(server, types.InlineCompletionTriggerKind.Invoked))
    assert texts(answer) == ["big = orders.keep_where(lambda r: r['amount'] > 100)"]
    assert server.calls == [True] and len(server.session.events.shown) == 1


def test_a_newer_request_supersedes_an_older_one(server):
    async def both():
        server.debouncer.typed(URI)
        server.debouncer.typed(URI)  # typing: automatic requests wait a typing interval
        older = asyncio.ensure_future(ask(server))
        await asyncio.sleep(0)
        newer = await ask(server)
        return await older, newer

    older, newer = asyncio.run(both())
    assert older.items == [] and len(newer.items) == 1


def test_ghost_text_agrees_with_the_selected_completion_item(server):
    server.documents.open(types.TextDocumentItem(URI, "python", 2, TEXT + "big = orders.ke"))
    server.ghost = ["ep_where(lambda r: r['amount'] > 100)"]  # the rest of the statement being typed
    here = types.Range(types.Position(3, 13), types.Position(3, 15))
    agreeing = types.SelectedCompletionInfo(range=here, text="keep_where")
    other = types.SelectedCompletionInfo(range=here, text="keys")
    assert asyncio.run(ask(server, types.InlineCompletionTriggerKind.Invoked, agreeing, 3, 15)).items
    assert asyncio.run(ask(server, types.InlineCompletionTriggerKind.Invoked, other, 3, 15)).items == []


def _slow_worker(monkeypatch, started: threading.Event, release: threading.Event, cancels: list) -> None:
    """``complete_at`` as the real one runs it: in a worker, through `run_blocking`, until released."""
    async def complete_at(ls, doc, position, manual, cancel):
        cancels.append(cancel)

        def work():
            started.set()
            release.wait(5)
            return [record("too late")]

        return await ls.run_blocking(work, kind=RequestKind.MANUAL, cancel=cancel, default=[]) or []

    monkeypatch.setattr(inline_completion, "complete_at", complete_at)


def test_past_its_budget_the_answer_is_empty_and_the_worker_told_to_stop(server, monkeypatch):
    server.session.budget = FakeBudget(seconds=0.05)
    started, release, cancels = threading.Event(), threading.Event(), []
    _slow_worker(monkeypatch, started, release, cancels)
    try:
        answer = asyncio.run(ask(server, types.InlineCompletionTriggerKind.Invoked))
    finally:
        release.set()
    assert answer.items == [] and cancels[0].is_set() and server.session.events.shown == []


def test_a_cancelled_request_tells_its_worker_to_stop(server, monkeypatch):
    started, release, cancels = threading.Event(), threading.Event(), []
    _slow_worker(monkeypatch, started, release, cancels)

    async def cancel_while_working():
        request = asyncio.ensure_future(ask(server, types.InlineCompletionTriggerKind.Invoked))
        while not started.is_set():
            await asyncio.sleep(0.001)
        request.cancel()
        with pytest.raises(asyncio.CancelledError):
            await request

    try:
        asyncio.run(cancel_while_working())
    finally:
        release.set()
    assert cancels[0].is_set() and server.session.events.shown == []

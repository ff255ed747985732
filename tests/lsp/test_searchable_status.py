"""While a new library's vectors are encoded, the server says so at once: the status it publishes
from the indexer's thread reaches the client before the build ends; the usage examples are mined after
the status says the index is in; once indexing ends, a full garbage collection is asked for (to run
when the client pauses), but not after a saved edit's re-index (in-process, a fake session)."""

from __future__ import annotations

import asyncio
import threading

from lsprotocol import types

from apiary.lsp import lifecycle
from apiary.lsp.server import create_server
from apiary.settings import Settings


class EncodingSession:
    """A build that becomes searchable, then waits for the test before it finishes."""

    def __init__(self) -> None:
        self.settings = Settings()
        self.phase = "parsing"
        self.finish = threading.Event()
        self.loaded = True
        self.events: list = []  # what the server did, in order (shared with the test)

    def status(self) -> dict:
        library = {"name": "combs", "apis": 300, "ready": self.phase == "done", "encoding": self.phase == "words"}
        return {"ready": self.phase == "done", "generator": "", "libraries": [library], "problems": [],
                "encoder": None}

    def index(self, spec: str, progress=None, searchable=None):
        self.phase = "words"
        searchable(None)
        self.finish.wait(10)
        self.phase = "done"
        return spec

    def prepare_generation(self, state) -> None:
        self.events.append(f"usages of {state}")


class AskedCollections:
    """Stands for the server's `IdleCollections`: notes each ask."""

    def __init__(self, events: list) -> None:
        self.events = events

    def ask(self) -> None:
        self.events.append("collection asked for")


def test_a_library_searchable_by_its_words_is_announced_before_its_build_ends():
    server = create_server(session_factory=lambda settings: EncodingSession())
    session = server.session = EncodingSession()
    server.protocol.client_capabilities = types.ClientCapabilities()
    published = session.events
    server.collections = AskedCollections(published)

    def notify(method: str, status: dict) -> None:
        library = status["libraries"][0]
        published.append((library["encoding"], library["ready"]))
        if library["encoding"]:
            session.finish.set()  # seen while the build still runs

    server.protocol.notify = notify
    asyncio.run(lifecycle.index_specs(server, ["combs"], "Apiary: indexing"))
    # then the usage examples, after the status says the index is in; once every library is in, a
    # full collection is asked for
    assert published == [(True, False), (False, True), "usages of combs", "collection asked for"]


def test_a_saved_edits_reindex_runs_no_full_collection(monkeypatch):
    """A full collection holds the interpreter's lock throughout (0.6 s with 36,362 APIs loaded,
    the build memory included): saves come often, and a re-index leaves little for it to free."""
    from apiary.lsp import library_edits

    server = create_server(session_factory=lambda settings: EncodingSession())
    session = server.session = EncodingSession()
    session.finish.set()
    server.protocol.client_capabilities = types.ClientCapabilities()
    server.protocol.notify = lambda method, status: None
    server.collections = AskedCollections(session.events)
    monkeypatch.setattr(library_edits, "SETTLE_S", 0)
    server.edited_libraries.add("combs")
    asyncio.run(library_edits._reindex_when_settled(server))
    assert session.events == ["usages of combs"]
    asyncio.run(lifecycle.index_specs(server, ["combs"], "Apiary: indexing"))
    assert session.events == ["usages of combs", "usages of combs", "collection asked for"]

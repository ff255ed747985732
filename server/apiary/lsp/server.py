"""The language server: a pygls server holding the session, documents and workers; features register
themselves from one module each. Handlers are thin: they convert LSP params to core calls and back.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib.metadata
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from apiary.budget import RequestKind
from apiary.collector import collect, deep_collection
from apiary.engine import Session
from apiary.lsp.debounce import Debouncer
from apiary.lsp.documents import DocumentStore, OwnDocumentsProtocol
from apiary.lsp.idle_collection import IdleCollections
from apiary.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")


def _version() -> str:
    try:
        return importlib.metadata.version("apiary")
    except importlib.metadata.PackageNotFoundError:
        return "0"


class ApiaryServer(LanguageServer):
    def __init__(self, session_factory: Callable[[Settings], Session] | None = None):
        super().__init__("apiary", _version(), text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
                         protocol_cls=OwnDocumentsProtocol)
        self.session: Session | None = None
        self.session_factory = session_factory or self._default_session
        self.documents = DocumentStore()
        self.debouncer = Debouncer()
        #: as the client sent them: any JSON, checked by `settings.layered`
        self.init_options: types.LSPAny = None
        self.file_settings: dict[str, Any] = {}
        #: completions and retrieval; separate from indexing so a long build never delays them
        self.workers = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="apiary-work")
        self.indexer = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="apiary-index")
        #: full garbage collections, in the indexer's thread, when the client pauses
        self.collections = IdleCollections(self._collected)
        self.index_queue: asyncio.Queue[str] | None = None
        self.last_status: dict | None = None
        self.index_lock: asyncio.Lock | None = None
        self.settings_problems: list[str] = []
        self.startup: asyncio.Future | None = None
        #: libraries a saved file belongs to, waiting to be re-indexed (`library_edits`)
        self.edited_libraries: set[str] = set()
        #: saved files of libraries so far: a preparation of libraries for their edits gives way to a save
        self.library_saves = 0
        #: the client asked the server to shut down: work that can stop early stops (the process waits
        #: for its indexer's thread before it exits)
        self.shutting_down = False

    async def _collected(self, deep: bool) -> int:
        return await asyncio.get_running_loop().run_in_executor(self.indexer, deep_collection if deep else collect)

    def _default_session(self, settings: Settings) -> Session:
        return Session(settings, workspace_roots=self.workspace_roots)

    def workspace_roots(self) -> list[Path]:
        try:
            folders = self.workspace.folders.values()
            roots = [Path(to_fs_path(f.uri)) for f in folders if to_fs_path(f.uri)]
            root = self.workspace.root_path
        except RuntimeError:  # not initialized yet
            return []
        return roots or ([Path(root)] if root else [])

    @property
    def answering(self) -> bool:
        """Whether features answer: the session has loaded (libraries may still be indexing). Not to be
        confused with `Session.all_indexed` (the status's "ready") or an encoder's weights being in."""
        return self.session is not None and self.session.loaded

    async def run_blocking(self, fn: Callable[..., T], *args, kind: RequestKind | None = None,
                           cancel: threading.Event | None = None, default: T | None = None) -> T | None:
        """Run ``fn`` in a worker; if the request is cancelled, tell the worker through ``cancel``; past
        the budget of a request of its ``kind`` (plus grace) answer ``default`` and leave the worker behind."""
        future = asyncio.get_running_loop().run_in_executor(self.workers, fn, *args)
        timeout = None if kind is None or self.session is None else self.session.budget.abandon_after_s(kind)
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except asyncio.TimeoutError:
            log.warning("%s took longer than %.1f s; answering without it", getattr(fn, "__name__", fn), timeout)
            if cancel is not None:
                cancel.set()
            return default
        except asyncio.CancelledError:
            if cancel is not None:
                cancel.set()
            raise

    def report_server_error(self, error: Exception, source) -> None:
        # A stray notification (a change to a document never opened) is logged, not shown in a popup.
        log.warning("%s: %s", getattr(source, "__name__", source), error)


def create_server(session_factory: Callable[[Settings], Session] | None = None) -> ApiaryServer:
    from apiary.lsp import (
        code_actions,
        commands,
        completion,
        documents,
        hover,
        inline_completion,
        library_edits,
        lifecycle,
        sequences,
    )

    server = ApiaryServer(session_factory)
    for module in (lifecycle, documents, inline_completion, completion, hover, code_actions, commands, sequences,
                   library_edits):
        module.register(server)
    return server

"""Start fast, load late: `initialize` answers at once; the encoder loads and libraries index after
`initialized`, in the background behind work-done progress, with `apiary/status` on every change.

Settings come from the TOML file < `workspace/configuration` < `initializationOptions`;
`didChangeConfiguration` re-reads them and reloads only what the change concerns.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Iterable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.capabilities import get_capability

from apiary import engine
from apiary.lsp import idle_collection, log_forwarding
from apiary.settings import layered, read_config_file

if TYPE_CHECKING:
    from apiary.lsp.documents import Document
    from apiary.lsp.server import ApiaryServer

log = logging.getLogger(__name__)
STATUS_NOTIFICATION = "apiary/status"


def register(server: ApiaryServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: ApiaryServer, params: types.InitializeParams) -> None:
        ls.init_options = params.initialization_options
        ls.file_settings, problems = read_config_file()
        settings, warnings = layered([("config.toml", ls.file_settings), ("initializationOptions", ls.init_options)])
        ls.settings_problems = problems + warnings
        ls.session = ls.session_factory(settings)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: ApiaryServer, params: types.InitializedParams) -> None:
        log_forwarding.attach(ls)
        ls.startup = asyncio.ensure_future(start(ls))

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: ApiaryServer, params: types.DidChangeConfigurationParams) -> None:
        pushed = params.settings.get("apiary") if isinstance(params.settings, dict) else None
        await reconfigure(ls, pushed)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: ApiaryServer, *args) -> None:
        ls.shutting_down = True
        log_forwarding.detach()


async def start(ls: ApiaryServer) -> None:
    await reconfigure(ls, None, starting=True)
    async with progress(ls, "Apiary") as report:
        report("loading the encoder")
        await in_indexer(ls, ls.session.load)
        if ls.session.encoder_problem:
            ls.window_show_message(
                types.ShowMessageParams(types.MessageType.Error, f"Apiary: {ls.session.encoder_problem}")
            )
        publish_status(ls)
    asyncio.ensure_future(watch_encoder(ls))
    asyncio.ensure_future(ls.collections.every(idle_collection.PERIOD_S))
    asyncio.ensure_future(ls.collections.every(idle_collection.DEEP_PERIOD_S, deep=True))
    await index_specs(ls, ls.session.libraries.pending(), "Apiary: indexing")
    for doc in ls.documents.all():
        discover_imports(ls, doc)


async def reconfigure(ls: ApiaryServer, pushed, starting: bool = False) -> None:
    """Re-layer the settings; reload only what changed."""
    workspace = pushed if pushed is not None else await _workspace_configuration(ls)
    # initializationOptions are the client's settings at start; what it reports or pushes later is newer
    settings, warnings = layered([("config.toml", ls.file_settings), ("initializationOptions", ls.init_options),
                                  ("workspace configuration", workspace)])
    for warning in [*ls.settings_problems, *warnings] if starting else warnings:
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Warning, f"Apiary: {warning}"))
    ls.settings_problems = warnings
    keys, to_index = ls.session.apply_settings(settings)
    if keys:
        log.info("settings changed: %s", ", ".join(sorted(keys)))
    if not starting and (keys & {"encoder"}):
        await in_indexer(ls, ls.session.load)
    if not starting and to_index:
        asyncio.ensure_future(index_specs(ls, to_index, "Apiary: indexing"))
    publish_status(ls)


async def _workspace_configuration(ls: ApiaryServer):
    if not get_capability(ls.client_capabilities, "workspace.configuration", False):
        return None
    try:
        items = [types.ConfigurationItem(section="apiary")]
        result = await asyncio.wait_for(ls.workspace_configuration_async(types.ConfigurationParams(items)), 5)
        return result[0] if result else None
    except Exception as error:  # a client that fails this request still gets a server
        log.warning("workspace/configuration failed: %s", error)
        return None


async def index_specs(ls: ApiaryServer, specs: Iterable[str], title: str, collect: bool = True) -> None:
    """Index ``specs`` in the indexer's thread, with progress; ``collect``: then ask for one full
    collection (`idle_collection`: run when the client pauses; Python starts none of its own in the
    server). Not after a saved edit's re-index: saves come often, and what a re-index made is frozen,
    out of the collector's walks (`collector_paused`)."""
    specs = list(specs)
    if not specs:
        return
    loop = asyncio.get_running_loop()
    async with indexing(ls), progress(ls, title) as report:
        for number, spec in enumerate(specs):
            report(f"{spec} ({number + 1}/{len(specs)})", int(100 * number / len(specs)))
            state = await in_indexer(ls, ls.session.index, spec, None, lambda _state: _publish_soon(ls, loop))
            publish_status(ls)  # the index is in: what generation derives from it follows
            await in_indexer(ls, ls.session.prepare_generation, state)
    if collect:
        ls.collections.ask()


def _publish_soon(ls: ApiaryServer, loop: asyncio.AbstractEventLoop) -> None:
    """`publish_status` from the indexer's thread (what serves a library changed mid-build): the
    status is taken now, so a build that ends before the loop sends it still shows that stage."""
    loop.call_soon_threadsafe(_publish, ls, current_status(ls))


def discover_imports(ls: ApiaryServer, doc: Document) -> None:
    """Index the libraries an opened file imports (in the background)."""
    session = ls.session
    if session is None or not doc.assisted or not session.settings.auto_discover or not ls.answering:
        return
    snapshot = doc.snapshot()

    async def run() -> None:
        modules = await in_indexer(ls, lambda: engine.imported_libraries(snapshot.text, snapshot))
        specs = await in_indexer(ls, session.discover, modules or ())
        if specs:
            await index_specs(ls, specs, "Apiary: indexing imported libraries")

    asyncio.ensure_future(run())


def publish_status(ls: ApiaryServer) -> dict:
    return _publish(ls, current_status(ls))


def _publish(ls: ApiaryServer, status: dict) -> dict:
    if status != ls.last_status:
        ls.last_status = status
        ls.protocol.notify(STATUS_NOTIFICATION, status)
    return status


def current_status(ls: ApiaryServer) -> dict:
    if ls.session is None:
        return {"ready": False, "generator": "", "libraries": [], "problems": [], "encoder": None}
    status = ls.session.status()
    status["ready"] = status["ready"] and ls.answering
    status["problems"] = list(getattr(ls, "settings_problems", [])) + status["problems"]
    return status


async def watch_encoder(ls: ApiaryServer) -> None:
    """Log when the encoder's weights (loading in the background) are in, or report why they are not."""
    encoder = ls.session.encoder
    wait = getattr(encoder, "wait", None)
    if wait is None:
        return
    try:
        await asyncio.to_thread(wait)
        log.info("encoder %s loaded", encoder.id)
    except Exception as error:  # the user's encoder directory is broken: say so, answer lexically
        message = f"the encoder could not be loaded ({error}); APIs are found by their words only"
        log.error("%s", message)
        ls.session.problems.append(message)
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"Apiary: {message}"))
    publish_status(ls)


def indexing(ls: ApiaryServer) -> asyncio.Lock:
    """The lock held by whatever runs a sequence of builds in the indexer (indexing, preparing for edits)."""
    ls.index_lock = ls.index_lock or asyncio.Lock()
    return ls.index_lock


async def in_indexer(ls: ApiaryServer, fn, *args):
    return await asyncio.get_running_loop().run_in_executor(ls.indexer, fn, *args)


@asynccontextmanager
async def progress(ls: ApiaryServer, title: str):
    """Work-done progress that always ends, even when the work fails; a no-op for clients without it."""
    token = None
    if get_capability(ls.client_capabilities, "window.work_done_progress", False):
        token = f"apiary-{uuid.uuid4().hex[:8]}"
        try:
            await asyncio.wait_for(ls.work_done_progress.create_async(token), 5)
            ls.work_done_progress.begin(token, types.WorkDoneProgressBegin(title=title, percentage=0))
        except Exception as error:
            log.info("no progress shown: %s", error)
            token = None

    def report(message: str, percentage: int | None = None) -> None:
        log.info("%s: %s", title, message)
        if token is not None:
            ls.work_done_progress.report(token, types.WorkDoneProgressReport(message=message, percentage=percentage))

    try:
        yield report
    finally:
        if token is not None:
            ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message="done"))

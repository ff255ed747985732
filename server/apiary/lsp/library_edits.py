"""Indexed libraries stay current while the user edits them: a file saved under a library's folder
re-indexes that library in the background, and its old index answers until the new one is in.

The re-index is the incremental one (`IndexStore.get_or_build`): only the changed files are parsed
again and only new texts encoded, so a saved edit of a big library costs seconds, not its first build.
A re-index builds from what the last build kept in memory. That memory is made in the background as
soon as the library is being edited (`Libraries.remember`): the user types in one of its files, or opens
a file of a library in the workspace (their own). So the first saved edit is built from memory too,
unless it comes first: a save (or a shutdown) stops the preparation at its next step.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import to_fs_path

from apiary.lsp import lifecycle

if TYPE_CHECKING:
    from apiary.lsp.server import ApiaryServer

log = logging.getLogger(__name__)

#: "Save all" saves many files within a moment (VS Code sends their saves together, Neovim's ``:wa`` and
#: Emacs's ``save-some-buffers`` one after another within milliseconds): the saves in this window share
#: one re-index. A save after it is re-indexed next, from what that re-index kept in memory.
SETTLE_S = 0.25


def register(server: ApiaryServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: ApiaryServer, params: types.DidSaveTextDocumentParams) -> None:
        path = to_fs_path(params.text_document.uri)
        if ls.session is None or not path:
            return
        specs = ls.session.libraries.holding(Path(path).resolve())
        if specs:
            log.info("%s saved: re-indexing %s", path, ", ".join(specs))
            schedule_reindex(ls, specs)


def schedule_reindex(ls: ApiaryServer, specs: list[str]) -> None:
    """Re-index ``specs`` once the saves around this one have settled."""
    waiting = bool(ls.edited_libraries)
    ls.edited_libraries.update(specs)
    ls.library_saves += 1
    if not waiting:
        asyncio.ensure_future(_reindex_when_settled(ls))


async def _reindex_when_settled(ls: ApiaryServer) -> None:
    await asyncio.sleep(SETTLE_S)
    specs = sorted(ls.edited_libraries)
    ls.edited_libraries.clear()
    await lifecycle.index_specs(ls, specs, "Apiary: re-indexing edited libraries", collect=False)


def typed_in(ls: ApiaryServer, uri: str) -> None:
    """The user types in ``uri``: the libraries read from there are being edited."""
    _prepare(ls, uri)


def opened(ls: ApiaryServer, uri: str) -> None:
    """The user opens ``uri``: a library read from there that lies in the workspace is the user's own,
    likely to be edited next (one installed elsewhere is prepared once typed in)."""
    _prepare(ls, uri, within=[root.resolve() for root in ls.workspace_roots()])


def _prepare(ls: ApiaryServer, uri: str, within: list[Path] | None = None) -> None:
    """Make the build memory of each library read from ``uri`` now, once, in the background, so that
    its first saved edit is built from memory. A save meanwhile abandons it (that edit is built from
    the cache, as without it)."""
    path = to_fs_path(uri)
    if ls.session is None or not path:
        return
    libraries = ls.session.libraries
    specs = libraries.to_remember(libraries.holding(Path(path).resolve(), within))
    if specs:
        asyncio.ensure_future(_remember(ls, specs))


async def _remember(ls: ApiaryServer, specs: list[str]) -> None:
    saves = ls.library_saves

    def abandoned() -> bool:  # a save waits, or the server is shutting down
        return ls.library_saves != saves or ls.shutting_down

    async with lifecycle.indexing(ls), lifecycle.progress(ls, "Apiary: preparing edited libraries") as report:
        for spec in specs:
            if abandoned():
                return
            report(spec)
            await lifecycle.in_indexer(ls, ls.session.remember, spec, abandoned)

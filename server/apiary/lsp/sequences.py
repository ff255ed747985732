""""Suggest API sequence…" on a comment (Deep API Learning Revisited): the top API sequences for the comment, the chosen
one inserted under it as call skeletons (or a commented plan).

Generic clients get a `window/showMessageRequest` with the top sequences; a client with its own
picker calls `apiary.suggestSequence` with `"list": true` for them, then again with `"apis"`. The
result carries the skeleton as an LSP snippet too, for clients that insert snippets themselves.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from typing import TYPE_CHECKING

from lsprotocol import types

from apiary import engine
from apiary.budget import RequestKind
from apiary.lsp import commands, lifecycle
from apiary.lsp.server import ApiaryServer  # at run time: pygls reads a command's annotations
from apiary.retrieval.query import ApiQuery, query_from_context
from apiary.sequences.recommend import Suggestion
from apiary.sequences.render import as_plan, as_skeleton

if TYPE_CHECKING:
    from apiary.context.model import EditorContext
    from apiary.lsp.documents import Document

log = logging.getLogger(__name__)
SUGGEST_SEQUENCE = "apiary.suggestSequence"
TOP_K = 5
PROGRESS_EVERY_S = 0.5
_TAB_STOP = re.compile(r"\$\{\d+:([^}]*)\}|\$\d+")


def suggest_sequence(doc: Document, params: types.CodeActionParams) -> list[types.CodeAction]:
    """The code action provider (see `code_actions.PROVIDERS`)."""
    if not doc.line(params.range.start.line).lstrip().startswith("#"):
        return []
    position = params.range.start
    arguments = [
        {"uri": params.text_document.uri, "position": {"line": position.line, "character": position.character}}
    ]
    command = types.Command(title="Suggest API sequence…", command=SUGGEST_SEQUENCE, arguments=arguments)
    return [types.CodeAction(title=command.title, kind=types.CodeActionKind.Refactor, command=command)]


def register(server: ApiaryServer) -> None:
    @server.command(SUGGEST_SEQUENCE)
    async def suggest(ls: ApiaryServer, *args) -> dict:
        doc, position = commands.target_of_command(ls, args)
        options = args[0]
        editor = _editor_context(doc, position)
        intent = editor.intent
        chosen = options.get("apis")
        suggestions: list[Suggestion] = []
        if chosen is None:
            suggestions = await _suggestions(ls, intent, query_from_context(editor))
            if options.get("list") or not suggestions:
                return {"intent": intent, "suggestions": [s.to_json() for s in suggestions], "applied": False}
            chosen = await _ask_user(ls, intent, suggestions)
            if chosen is None:
                return {"intent": intent, "suggestions": [s.to_json() for s in suggestions], "applied": False}
        return await _insert(ls, doc, position, list(chosen), intent, options.get("form", "skeleton"))


async def _suggestions(ls: ApiaryServer, intent: str, context: ApiQuery) -> list[Suggestion]:
    """The top suggestions, documentation read with the code around the comment (its imports, the
    names in scope); a first request builds the recommender (mining the libraries' code), and
    shows work-done progress while it does."""
    session = ls.session

    def suggest(progress=None) -> list[Suggestion]:
        return session.sequence_recommender(progress).suggest(intent, TOP_K, context)

    if session.sequences_built():
        return await ls.run_blocking(suggest, kind=RequestKind.SEQUENCE, default=[]) or []
    async with lifecycle.progress(ls, "Apiary: mining API sequences") as report:
        heard = _ThrottledProgress(report, asyncio.get_running_loop())
        try:
            return await ls.run_blocking(lambda: suggest(heard), kind=RequestKind.SEQUENCE, default=[]) or []
        finally:
            heard.open = False  # the build may go on past the budget: nothing more after the end


class _ThrottledProgress:
    """The recommender's ``progress(message, done, total)``, called from its worker thread, passed to
    the client at most every `PROGRESS_EVERY_S` on the event loop."""

    def __init__(self, report, loop: asyncio.AbstractEventLoop):
        self._report, self._loop = report, loop
        self._last = 0.0
        self.open = True

    def __call__(self, message: str, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.open or now - self._last < PROGRESS_EVERY_S:
            return
        self._last = now
        percentage = int(100 * done / total) if total else None
        self._loop.call_soon_threadsafe(self._send, f"{message} ({done}/{total})", percentage)

    def _send(self, message: str, percentage: int | None) -> None:
        if self.open:
            self._report(message, percentage)


def _editor_context(doc: Document, position: types.Position) -> EditorContext:
    return engine.comment_context(doc.text, doc.starts, position.line, doc.offset(position))


async def _ask_user(ls: ApiaryServer, intent: str, suggestions: list[Suggestion]) -> list[str] | None:
    titles = {" → ".join(s.apis)[:200]: list(s.apis) for s in suggestions}
    actions = [types.MessageActionItem(title=t) for t in titles]
    message = f"API sequence for: {intent or 'this comment'}"
    answer = await ls.window_show_message_request_async(
        types.ShowMessageRequestParams(type=types.MessageType.Info, message=message, actions=actions))
    return titles.get(answer.title) if answer is not None else None


async def _insert(
    ls: ApiaryServer, doc: Document, position: types.Position, apis: list[str], intent: str, form: str
) -> dict:
    site = commands.site_of(doc, position)
    snippet = as_plan(apis, intent, site.indent) if form == "plan" else as_skeleton(apis, site.indent)
    plain = _TAB_STOP.sub(lambda m: m.group(1) or "", snippet)
    at = doc.position(site.insert_at)
    edit = types.WorkspaceEdit(changes={doc.uri: [types.TextEdit(types.Range(at, at), "\n" + plain.rstrip("\n"))]})
    result = await ls.workspace_apply_edit_async(
        types.ApplyWorkspaceEditParams(edit=edit, label="Apiary: API sequence")
    )
    return {"applied": bool(getattr(result, "applied", False)), "apis": apis, "text": plain, "snippet": snippet,
            "intent": intent}

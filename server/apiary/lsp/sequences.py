""""Suggest API sequence…" on a comment (Deep API Learning Revisited): the top API sequences for the comment, the chosen
one inserted under it as call skeletons (or a commented plan).

Generic clients get a `window/showMessageRequest` with the top sequences; a client with its own
picker calls `apiary.suggestSequence` with `"list": true` for them, then again with `"apis"`. The
result carries the skeleton as an LSP snippet too, for clients that insert snippets themselves.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from lsprotocol import types

from apiary import engine
from apiary.budget import RequestKind
from apiary.lsp import commands
from apiary.lsp.server import ApiaryServer  # at run time: pygls reads a command's annotations
from apiary.sequences.recommend import Suggestion
from apiary.sequences.render import as_plan, as_skeleton

if TYPE_CHECKING:
    from apiary.lsp.documents import Document

log = logging.getLogger(__name__)
SUGGEST_SEQUENCE = "apiary.suggestSequence"
TOP_K = 5
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
        intent = _intent(doc, position)
        chosen = options.get("apis")
        suggestions: list[Suggestion] = []
        if chosen is None:
            suggestions = await ls.run_blocking(lambda: ls.session.sequence_recommender().suggest(intent, TOP_K),
                                                kind=RequestKind.SEQUENCE, default=[]) or []
            if options.get("list") or not suggestions:
                return {"intent": intent, "suggestions": [s.to_json() for s in suggestions], "applied": False}
            chosen = await _ask_user(ls, intent, suggestions)
            if chosen is None:
                return {"intent": intent, "suggestions": [s.to_json() for s in suggestions], "applied": False}
        return await _insert(ls, doc, position, list(chosen), intent, options.get("form", "skeleton"))


def _intent(doc: Document, position: types.Position) -> str:
    site = commands.site_of(doc, position)
    return engine.comment_intent(site.text, site.cursor)


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

"""`workspace/executeCommand`: status, reindex, listApis, chooseApis, insertCompletion, explain, accepted.

chooseApis is the human-in-the-loop of When Language Model Meets Private Library §3.2: the top 5 APIs
by name and description (no signatures), plus "None of the above"; the chosen ones drive a generation
applied as a WorkspaceEdit.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from apiary import engine
from apiary.budget import RequestKind
from apiary.generation.site import CodeSite, code_site
from apiary.lsp import lifecycle
from apiary.lsp.inline_completion import complete_at
from apiary.lsp.server import ApiaryServer  # at run time: pygls reads a command's annotations

if TYPE_CHECKING:
    from apiary.lsp.documents import Document

log = logging.getLogger(__name__)
NONE_OF_THE_ABOVE = "None of the above"
CHOICES = 5


def register(server: ApiaryServer) -> None:
    for name, handler in COMMANDS.items():
        server.command(name)(handler)


async def status(ls: ApiaryServer, *args) -> dict:
    return lifecycle.current_status(ls)


async def reindex(ls: ApiaryServer, *args) -> dict:
    specs = ls.session.libraries.reset()
    ls.session.libraries.forget_discoveries()
    asyncio.ensure_future(lifecycle.index_specs(ls, specs, "Apiary: reindexing"))
    return lifecycle.publish_status(ls)


async def list_apis(ls: ApiaryServer, *args) -> dict:
    doc, position = target_of_command(ls, args)
    intent, scored = await _choices(ls, doc, position)
    return {"intent": intent, "apis": [_choice_json(s.entry) for s in scored]}


async def choose_apis(ls: ApiaryServer, *args) -> dict:
    doc, position = target_of_command(ls, args)
    chosen = args[0].get("apis")
    if chosen is None:
        chosen = await _ask_user(ls, doc, position)
        if chosen is None:
            return {"applied": False, "text": "", "apis": []}
    if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen):
        raise JsonRpcInvalidParams("'apis' must be a list of API ids")
    return await _generate_and_apply(ls, doc, position, chosen)


async def insert_completion(ls: ApiaryServer, *args) -> dict:
    doc, position = target_of_command(ls, args)
    return await _generate_and_apply(ls, doc, position, None)


async def explain(ls: ApiaryServer, *args) -> dict:
    record = ls.session.records.get(str(args[0])) if args and ls.session else None
    if record is None:
        raise JsonRpcInvalidParams(f"no completion with id {args[0] if args else None!r} (it may have expired)")
    return record.explain()


async def accepted(ls: ApiaryServer, *args) -> None:
    record = ls.session.records.get(str(args[0])) if args and ls.session else None
    extra = {"generator": record.generator, "apis": list(record.candidate.apis)} if record else {}
    ls.session.events.record("accepted", str(args[0]) if args else "", **extra)


#: ``workspace/executeCommand`` names and their handlers (the extension's package.json lists the same)
COMMANDS = {
    "apiary.status": status,
    "apiary.reindex": reindex,
    "apiary.listApis": list_apis,
    "apiary.chooseApis": choose_apis,
    "apiary.insertCompletion": insert_completion,
    "apiary.explain": explain,
    "apiary.accepted": accepted,
}


def target_of_command(ls: ApiaryServer, args: tuple) -> tuple[Document, types.Position]:
    if not args or not isinstance(args[0], dict):
        raise JsonRpcInvalidParams('expected one argument {"uri": str, "position": {"line", "character"}}')
    arg = args[0]
    position = arg.get("position") or {}
    try:
        pos = types.Position(line=int(position["line"]), character=int(position["character"]))
    except (KeyError, TypeError, ValueError) as error:
        raise JsonRpcInvalidParams(f"bad position {position!r}") from error
    doc = ls.documents.get(str(arg.get("uri")))
    if doc is None or not doc.assisted:
        raise JsonRpcInvalidParams(f"{arg.get('uri')!r} is not an open Python document")
    if not ls.answering:
        raise JsonRpcInvalidParams("Apiary is still starting; try again in a moment")
    return doc, pos


async def _choices(ls: ApiaryServer, doc: Document, position: types.Position):
    site = site_of(doc, position)
    session = ls.session

    def work():
        editor = engine.editor_context(site.text, site.cursor)
        return editor.intent, engine.suggest_apis(session, editor, CHOICES)

    return await ls.run_blocking(work, kind=RequestKind.COMMAND, default=("", []))


def _choice_json(entry) -> dict:
    return {"id": entry.import_path, "name": entry.name, "description": entry.description}


async def _ask_user(ls: ApiaryServer, doc: Document, position: types.Position) -> list[str] | None:
    intent, scored = await _choices(ls, doc, position)
    titles = {f"{s.entry.name} — {s.entry.description}"[:200]: s.entry.import_path for s in scored}
    actions = [types.MessageActionItem(title=t) for t in titles] + [types.MessageActionItem(title=NONE_OF_THE_ABOVE)]
    message = f"Which API should implement: {intent or 'this comment'}?"
    params = types.ShowMessageRequestParams(type=types.MessageType.Info, message=message, actions=actions)
    answer = await ls.window_show_message_request_async(params)
    if answer is None:
        return None
    return [] if answer.title == NONE_OF_THE_ABOVE else [titles[answer.title]] if answer.title in titles else None


def _nothing_written(api_ids: list[str] | None, session) -> str:
    """Why nothing came back, in words a user can act on."""
    if api_ids == [] and session.generator_name() == "offline":
        return ("with no API chosen the offline generator has nothing to adapt; configure a code model "
                "(the `model` or `endpoint` setting) to write code without retrieval")
    return "no code could be written here" if api_ids is not None else ""


def site_of(doc: Document, position: types.Position) -> CodeSite:
    """Where the code asked for at ``position`` goes (`code_site`)."""
    return code_site(doc.text, doc.starts, position.line, doc.offset(position))


async def _generate_and_apply(
    ls: ApiaryServer, doc: Document, position: types.Position, api_ids: list[str] | None
) -> dict:
    site = site_of(doc, position)
    session = ls.session
    if api_ids is None and site.text == doc.text:
        records = await complete_at(ls, doc, position, True, threading.Event())
    else:
        apis = None if api_ids is None else [e for e in (engine.find_entry(session, i) for i in api_ids) if e]
        cancel = threading.Event()

        def work():
            context = engine.code_context(site.text, site.cursor)
            return engine.complete(session, context, manual=True, cancel=cancel, apis=apis)

        records = await ls.run_blocking(work, kind=RequestKind.COMMAND, cancel=cancel, default=[]) or []
    if not records:
        reason = _nothing_written(api_ids, session)
        if reason:
            ls.window_show_message(types.ShowMessageParams(types.MessageType.Info, f"Apiary: {reason}"))
        return {"applied": False, "text": "", "apis": api_ids or [], "reason": reason}
    best = records[0]
    new_text = best.text if site.in_place else "\n" + site.indent + best.text.replace("\n", "\n" + site.indent)
    at = doc.position(site.insert_at)
    edit = types.WorkspaceEdit(changes={doc.uri: [types.TextEdit(types.Range(at, at), new_text)]})
    result = await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label="Apiary"))
    applied = bool(getattr(result, "applied", False))
    if applied:
        session.events.record(
            "accepted", best.id, generator=best.generator, apis=list(best.candidate.apis), via="command"
        )
    return {"applied": applied, "text": best.text, "apis": list(best.candidate.apis), "id": best.id}

"""`textDocument/codeAction` on a comment: "Choose APIs for this comment…", "Insert completion" and
"Suggest API sequence…".

Each action is one small provider function; adding an action is adding a provider to `PROVIDERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from lsprotocol import types

from apiary.lsp.sequences import suggest_sequence

if TYPE_CHECKING:
    from apiary.lsp.documents import Document
    from apiary.lsp.server import ApiaryServer

CHOOSE_APIS = "apiary.chooseApis"
INSERT_COMPLETION = "apiary.insertCompletion"


def _args(params: types.CodeActionParams) -> list:
    position = params.range.start
    return [{"uri": params.text_document.uri, "position": {"line": position.line, "character": position.character}}]


def choose_apis(doc: Document, params: types.CodeActionParams) -> list[types.CodeAction]:
    if not _on_comment(doc, params):
        return []
    command = types.Command(title="Choose APIs for this comment…", command=CHOOSE_APIS, arguments=_args(params))
    return [types.CodeAction(title=command.title, kind=types.CodeActionKind.Refactor, command=command)]


def insert_completion(doc: Document, params: types.CodeActionParams) -> list[types.CodeAction]:
    if not _on_comment(doc, params):
        return []
    command = types.Command(title="Insert completion", command=INSERT_COMPLETION, arguments=_args(params))
    return [types.CodeAction(title=command.title, kind=types.CodeActionKind.Refactor, command=command)]


PROVIDERS: list[Callable[..., list[types.CodeAction]]] = [choose_apis, insert_completion, suggest_sequence]


def _on_comment(doc: Document, params: types.CodeActionParams) -> bool:
    return doc.line(params.range.start.line).lstrip().startswith("#")


def register(server: ApiaryServer) -> None:
    options = types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.Refactor])

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, options)
    async def code_action(ls: ApiaryServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        doc = ls.documents.get(params.text_document.uri)
        if not ls.answering or doc is None or not doc.assisted:
            return []
        return [action for provider in PROVIDERS for action in provider(doc, params)]

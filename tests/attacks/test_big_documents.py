"""Bursts of edits to big documents (issue "Security and robustness", item 10): the too-large warning
comes once per document, and a burst of keystrokes costs one parse, when a request needs the tree."""

from __future__ import annotations

import logging

from lsprotocol import types

from apiary.context.document import new_parser
from apiary.lsp.documents import MAX_CHARS, DocumentStore


class CountingParser:
    def __init__(self):
        self.inner, self.calls = new_parser(), 0

    def parse(self, *args):
        self.calls += 1
        return self.inner.parse(*args)


def typed(store: DocumentStore, uri: str, version: int, line: int, text: str) -> None:
    at = types.Position(line, 0)
    store.change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        [types.TextDocumentContentChangePartial(range=types.Range(at, at), text=text)]))


def test_the_too_large_warning_comes_once_per_document(caplog):
    store, uri = DocumentStore(), "file:///big.py"
    with caplog.at_level(logging.WARNING, logger="apiary.lsp.documents"):
        store.open(types.TextDocumentItem(uri, "python", 1, "x = 1\n" * (MAX_CHARS // 6 + 10)))
        for version in range(2, 202):
            typed(store, uri, version, 0, "y")
    assert len([r for r in caplog.records if "too large" in r.message]) == 1
    assert store.get(uri).text.startswith("y" * 200 + "x = 1")


def test_a_burst_of_edits_is_parsed_once_when_the_tree_is_needed():
    store, uri = DocumentStore(), "file:///near-limit.py"
    doc = store.open(types.TextDocumentItem(uri, "python", 1, "value = 1\n" * 100_000))
    assert doc.parsed.tree.root_node.child_count == 100_000  # the first request parses
    counting = CountingParser()
    doc.parsed._parser = counting
    for version in range(2, 52):
        typed(store, uri, version, 0, f"a{version} = {version}\n")
    assert counting.calls == 0
    tree = store.get(uri).snapshot().tree  # a request's snapshot parses, once, where it runs
    tree_again = doc.parsed.tree
    assert counting.calls == 1 and tree.root_node.child_count == tree_again.root_node.child_count == 100_050
    assert tree.root_node.children[0].text == b"a51 = 51" and not tree.root_node.has_error


def test_the_server_keeps_one_copy_of_a_document_and_its_handlers_still_run():
    """pygls's own copy re-split the whole text on every keystroke (1.99 M characters: 159 ms an
    edit); the server's protocol leaves documents to Apiary's store, and still calls its handlers."""
    from apiary.lsp.server import create_server

    server = create_server()
    item = types.TextDocumentItem("file:///a.py", "python", 1, "x = 1\n")
    for method, params in [
        (types.TEXT_DOCUMENT_DID_OPEN, types.DidOpenTextDocumentParams(item)),
        (types.TEXT_DOCUMENT_DID_CHANGE, types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=2, uri=item.uri), [])),
        (types.TEXT_DOCUMENT_DID_CLOSE, types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(item.uri))),
    ]:
        handler = server.protocol._get_handler(method)
        assert [step[:2] for step in handler(params)] == [(server.protocol.fm.features[method], (params,))]

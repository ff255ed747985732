"""The JSON-RPC framer never trusts its input: junk, bad or huge lengths, and truncated bodies."""

from __future__ import annotations

import json

from apiary.lsp.transport import PARSE_ERROR, FrameError, Framer


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_messages_split_across_chunks():
    framer = Framer()
    data = frame(b'{"a": 1}') + frame(b'{"b": 2}')
    out = []
    for i in range(0, len(data), 5):
        out += framer.feed(data[i:i + 5])
    assert out == [b'{"a": 1}', b'{"b": 2}']


def test_extra_headers_and_junk_before_a_header():
    framer = Framer()
    out = framer.feed(b"garbage\r\n" + b"Content-Length: 2\r\nContent-Type: application/vscode-jsonrpc\r\n\r\n{}")
    assert out == [b"{}"]


def test_bad_and_huge_lengths_give_errors_and_the_next_message_still_arrives():
    framer = Framer(max_body=100)
    out = framer.feed(b"Content-Length: x1\r\n\r\n" + b"Content-Length: 1000\r\n\r\n" + frame(b"{}"))
    assert [type(o) for o in out] == [FrameError, FrameError, bytes]
    assert out[0].code == PARSE_ERROR and "exceeds" in out[1].message and out[2] == b"{}"


def test_a_body_shorter_than_its_length_gives_back_the_next_message():
    framer = Framer()
    good = json.dumps({"jsonrpc": "2.0", "id": 3, "method": "x"}).encode()
    out = framer.feed(b'Content-Length: 40\r\n\r\n{"jsonrpc": "2.0", "id": 2' + frame(good))
    assert out[0] == b'{"jsonrpc": "2.0", "id": 2' and out[1] == good

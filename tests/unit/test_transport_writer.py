"""The stdio writer: what work in flight sends after `exit` closed stdout is dropped, not raised."""

from __future__ import annotations

import io

from apiary.lsp.transport import BinaryWriter


def test_a_message_is_written_and_flushed_while_the_stream_is_open():
    stream = io.BytesIO()
    BinaryWriter(stream).write(b"Content-Length: 2\r\n\r\n{}")
    assert stream.getvalue() == b"Content-Length: 2\r\n\r\n{}"


def test_a_message_after_the_stream_closed_is_dropped():
    stream = io.BytesIO()
    writer = BinaryWriter(stream)
    writer.close()
    writer.write(b"Content-Length: 2\r\n\r\n{}")  # raised ValueError (I/O operation on closed file)
    assert stream.closed

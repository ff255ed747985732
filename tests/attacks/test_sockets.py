"""Attacks on `apiary serve --tcp` and `--socket` (issue "Security and robustness", item 4): a port
probe does not end the server, a second local connection cannot take it over, a lying length does
not hang it, and the Unix socket is private to its user."""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.e2e.lsp_helpers import LIBRARY, frame, request, server_env

INIT = {"processId": None, "rootUri": None, "capabilities": {},
        "initializationOptions": {"libraries": [str(LIBRARY)], "encoder": "hashing"}}


class Client:
    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.sock.settimeout(20)
        self.buffer = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def message(self) -> dict:
        while True:
            match = re.search(rb"Content-Length: (\d+)\r\n(?:[^\r\n]+\r\n)*\r\n", self.buffer)
            if match and len(self.buffer) >= match.end() + int(match.group(1)):
                end = match.end() + int(match.group(1))
                body, self.buffer = self.buffer[match.end():end], self.buffer[end:]
                return json.loads(body)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buffer += chunk

    def response(self, ident) -> dict:
        while True:
            message = self.message()
            if "method" not in message and message.get("id") == ident:
                return message


def initialized_client(address) -> Client:
    client = Client(connect(address))
    client.send(request(1, "initialize", INIT))
    assert "capabilities" in client.response(1)["result"]
    return client


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def connect(address, family=socket.AF_INET, deadline_s: float = 30) -> socket.socket:
    end = time.monotonic() + deadline_s
    while True:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.connect(address)
            return sock
        except OSError:
            sock.close()
            if time.monotonic() > end:
                raise
            time.sleep(0.1)


@pytest.fixture
def tcp_server(tmp_path):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "apiary", "serve", "--tcp", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=server_env(tmp_path))
    yield proc, ("127.0.0.1", port)
    if proc.poll() is None:
        proc.kill()
    proc.wait(10)


def test_a_port_probe_leaves_the_server_listening(tcp_server):
    proc, address = tcp_server
    connect(address).close()  # connect and close, as a port scanner does
    time.sleep(0.5)
    client = Client(connect(address, deadline_s=5))
    client.send(request(1, "initialize", INIT))
    assert "capabilities" in client.response(1)["result"]
    assert proc.poll() is None


def test_a_second_connection_cannot_take_the_server_over(tcp_server):
    proc, address = tcp_server
    first = initialized_client(address)
    intruder = connect(address, deadline_s=5)
    intruder.settimeout(10)
    intruder.sendall(request(1, "initialize", {**INIT, "initializationOptions": {"python": "/tmp/x"}}))
    try:
        answer = intruder.recv(100)
    except ConnectionResetError:  # closed with the request unread
        answer = b""
    assert answer == b""  # closed without an answer
    first.send(request(2, "workspace/executeCommand", {"command": "apiary.status"}))
    assert "libraries" in first.response(2)["result"]


def test_a_lying_length_over_tcp_is_an_error_and_the_next_message_is_answered(tcp_server):
    _, address = tcp_server
    client = initialized_client(address)
    client.send(
        b"Content-Length: 99999999999\r\n\r\n{}" + request(2, "workspace/executeCommand", {"command": "apiary.status"})
    )
    assert client.response(None)["error"]["code"] == -32700
    assert "libraries" in client.response(2)["result"]


def test_the_end_of_the_clients_connection_ends_the_server(tcp_server):
    proc, address = tcp_server
    client = initialized_client(address)
    client.send(request(2, "shutdown"))
    client.response(2)
    client.send(frame({"jsonrpc": "2.0", "method": "exit"}))
    assert proc.wait(15) == 0


def test_the_unix_socket_is_private_and_serves(tmp_path):
    path = tmp_path / "apiary.sock"
    proc = subprocess.Popen([sys.executable, "-m", "apiary", "serve", "--socket", str(path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=server_env(tmp_path))
    try:
        client = Client(connect(str(path), socket.AF_UNIX))
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        client.send(request(1, "initialize", INIT))
        assert "capabilities" in client.response(1)["result"]
        client.sock.close()
        assert proc.wait(15) == 0 and not Path(path).exists()
    finally:
        if proc.poll() is None:
            proc.kill()
